package io.shoreloop.shorepower;

import java.util.Set;
import java.util.UUID;

/**
 * Past-tense event: shore-power sessions were matched to (or unmatched from) these calls. Fire it inside the
 * transaction that stores the matches; compliance observes it and recomputes the calls' shore-power verdicts.
 */
public record SessionsMatched(Set<UUID> callIds) {
    public SessionsMatched {
        callIds = Set.copyOf(callIds);
    }
}
