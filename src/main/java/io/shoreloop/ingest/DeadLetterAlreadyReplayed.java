package io.shoreloop.ingest;

import io.shoreloop.platform.DomainException;
import io.shoreloop.platform.ProblemKind;
import java.time.Instant;

/** The dead letter was replayed already (its readings are stored); it is never replayed twice. */
public final class DeadLetterAlreadyReplayed extends DomainException {

    DeadLetterAlreadyReplayed(long id, Instant at) {
        super(ProblemKind.CONFLICT, "dead-letter-already-replayed", "Dead letter " + id + " was replayed at " + at);
    }
}
