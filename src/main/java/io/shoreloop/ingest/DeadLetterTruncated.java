package io.shoreloop.ingest;

import io.shoreloop.platform.DomainException;
import io.shoreloop.platform.ProblemKind;

/** The dead letter kept only the first 64 KiB of its payload: the message cannot be processed again from it. */
public final class DeadLetterTruncated extends DomainException {

    DeadLetterTruncated(long id) {
        super(
                ProblemKind.UNPROCESSABLE,
                "dead-letter-truncated",
                "Dead letter " + id + " kept only the beginning of its payload; publish the message again instead");
    }
}
