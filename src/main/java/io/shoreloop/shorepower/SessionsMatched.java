package io.shoreloop.shorepower;

import java.util.Set;
import java.util.UUID;

/**
 * Past-tense event: shore-power sessions were matched to (or unmatched from) these calls. Fire it inside the
 * transaction that stores the matches; compliance observes it and marks the calls there, so their shore-power
 * verdicts are recomputed shortly after (debounced, see {@code ComplianceQueue}).
 */
public record SessionsMatched(Set<UUID> callIds) {
    public SessionsMatched {
        callIds = Set.copyOf(callIds);
    }
}
