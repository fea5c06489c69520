package io.shoreloop.shorepower;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Since when this instance has been receiving the meters' messages without a break: from the broker's acknowledgement
 * of its subscriptions until its connection is lost or it stops. Silence is evidence against a meter only for as long
 * as Shoreloop listened: after an outage of Shoreloop's, or of its connection, the broker first delivers what it kept,
 * and until 2026-12-07 (eighth session) every meter that reports less often than the liveness check ran was marked
 * offline at the first check after a restart, then online again when its kept readings came.
 */
@ApplicationScoped
public class Listening {

    private volatile Instant since;

    /** The broker acknowledged the subscriptions at {@code at}: messages come from then on. */
    public void started(Instant at) {
        since = at;
    }

    /** The connection was lost, or ingestion stopped: nothing comes until {@link #started} again. */
    public void stopped() {
        since = null;
    }

    /** Since when this instance has been listening; empty when it is not. */
    public Optional<Instant> since() {
        return Optional.ofNullable(since);
    }

    /** How long this instance has been listening at {@code now}; empty when it is not. */
    public Optional<Duration> lasted(Instant now) {
        Instant from = since;
        return from == null
                ? Optional.empty()
                : Optional.of(Duration.between(from, now).isNegative() ? Duration.ZERO : Duration.between(from, now));
    }
}
