package io.shoreloop.ingest;

import io.shoreloop.shorepower.SessionsMatched;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.UUID;

/**
 * Fault injection for tests: while {@link #failFor} names a call, storing a session matched to it fails with an
 * unexpected (non-SQL) exception inside the store's transaction, as a fault of Shoreloop's own would. Off by default.
 */
@ApplicationScoped
public class FailingOnMatchedSessions {

    static volatile UUID failFor;

    void onSessionsMatched(@Observes SessionsMatched event) {
        UUID call = failFor;
        if (call != null && event.callIds().contains(call)) {
            throw new IllegalStateException("injected fault for the sessions of call " + call);
        }
    }
}
