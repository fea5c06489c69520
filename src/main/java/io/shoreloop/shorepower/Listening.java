package io.shoreloop.shorepower;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Since when this instance has been receiving and storing the meters' messages without a break: from the broker's
 * acknowledgement of its subscriptions, or from the end of the last hold, whichever came later, until its connection is
 * lost, it stops, or a hold begins. A hold is a time when messages wait although the connection is up: the database
 * unavailable (batches held for a retry), or reading from the broker paused under back-pressure. Silence is evidence
 * against a meter only for as long as Shoreloop listened: after an outage of Shoreloop's, of its connection or of its
 * database, the broker and the writers first deliver what they kept, and until 2026-12-07 (eighth session) every meter
 * that reports less often than the liveness check ran was marked offline at the first check after a restart, then
 * online again when its kept readings came.
 */
@ApplicationScoped
public class Listening {

    /** Why messages wait although the connection is up. */
    public enum Hold {
        /** The database refused batches that a retry may store (held meanwhile). */
        STORE_UNAVAILABLE,
        /** Reading from the broker is paused: too much received and not yet stored. */
        READING_PAUSED
    }

    private volatile Instant since;
    private final Set<Hold> holds = EnumSet.noneOf(Hold.class);
    /** Whether any hold is in force: read without the lock on every batch stored. */
    private volatile boolean held;

    /** The broker acknowledged the subscriptions at {@code at}: messages come from then on. */
    public synchronized void started(Instant at) {
        since = at;
    }

    /** The connection was lost, or ingestion stopped: nothing comes until {@link #started} again. */
    public synchronized void stopped() {
        since = null;
    }

    /** A hold begins: silence does not count until it ends. */
    public synchronized void hold(Hold hold) {
        holds.add(hold);
        held = true;
    }

    /** A hold ended at {@code at} (nothing when it was not in force): listening counts from then, once none is left. */
    public void release(Hold hold, Instant at) {
        if (!held) {
            return;
        }
        synchronized (this) {
            if (holds.remove(hold) && holds.isEmpty()) {
                held = false;
                if (since != null && since.isBefore(at)) {
                    since = at;
                }
            }
        }
    }

    /** Since when this instance has been listening; empty when it is not. */
    public synchronized Optional<Instant> since() {
        return held ? Optional.empty() : Optional.ofNullable(since);
    }

    /** How long this instance has been listening at {@code now}; empty when it is not. */
    public Optional<Duration> lasted(Instant now) {
        return since().map(from -> from.isAfter(now) ? Duration.ZERO : Duration.between(from, now));
    }
}
