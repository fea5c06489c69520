package io.shoreloop.ingest;

import io.shoreloop.platform.DomainException;
import io.shoreloop.platform.ProblemKind;
import java.util.List;

/** A dead letter's message, processed again, is rejected again as a whole: nothing was stored. */
public final class DeadLetterStillRejected extends DomainException {

    private final transient List<String> reasons;

    DeadLetterStillRejected(List<String> reasons) {
        super(
                ProblemKind.UNPROCESSABLE,
                "dead-letter-still-rejected",
                "The message is rejected again, nothing was stored: " + String.join("; ", reasons));
        this.reasons = List.copyOf(reasons);
    }

    public List<String> reasons() {
        return reasons;
    }
}
