package io.shoreloop.shorepower;

import java.util.List;
import java.util.UUID;

/**
 * The outcome of matching one session.
 *
 * @param session the session
 * @param outcome matched or why not
 * @param callId the matched call, only when {@code outcome} is {@link MatchOutcome#MATCHED}
 * @param candidates the calls that cover the session (or, when none does, that overlap it), for the operator
 */
public record SessionMatch(Session.Key session, MatchOutcome outcome, UUID callId, List<UUID> candidates) {

    public SessionMatch {
        candidates = List.copyOf(candidates);
        if ((outcome == MatchOutcome.MATCHED) != (callId != null)) {
            throw new IllegalArgumentException("a call id exactly when matched");
        }
    }
}
