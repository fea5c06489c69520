package io.shoreloop.shorepower;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A period in which a meter supplied a ship, derived from its readings (a value: equal readings give equal
 * sessions, whatever the order they arrived in).
 *
 * <p>Its identity is {@code (meter, start)} (see {@link #key()}); a late reading that moves the start therefore
 * removes one session and creates another.
 *
 * @param meter meter code
 * @param start timestamp of the first reading that showed supply (breaker closed, or power above the threshold)
 * @param end the reading that showed supply had stopped ({@link SessionStatus#CLOSED}), or the last reading that
 *     showed supply ({@link SessionStatus#OPEN}, {@link SessionStatus#INTERRUPTED}, and {@code CLOSED} with
 *     {@link QualityFlag#CLOSED_AT_DEPARTURE}: the last reading at or before the departure)
 * @param meteredFrom where the session's energy starts: the reading before {@code start}, because the breaker closed
 *     somewhere between the two and the register cannot tell where; equals {@code start} when there was none, or
 *     when it lies beyond the silence timeout
 * @param status open, closed or interrupted
 * @param energyWh energy counted in the session, Wh (exact)
 * @param rejectedWh implausible jumps inside the session, Wh: in the balance, but not in {@code energyWh}
 * @param readingCount readings from {@code start} up to the end (the closing reading belongs to no session; a
 *     session closed at a departure or interrupted ends at a reading of its own)
 * @param peakKw highest power of those readings (reported power, else the step's average), or {@code null}
 * @param longestGap longest step inside the session
 * @param vessel the MMSI the readings named, if they named exactly one
 * @param flags the flags of the steps the session owns, plus {@code INTERRUPTED}, {@code CLOSED_AT_DEPARTURE} and
 *     {@code VESSEL_CONFLICT}
 */
public record Session(
        String meter,
        Instant start,
        Instant end,
        Instant meteredFrom,
        SessionStatus status,
        long energyWh,
        long rejectedWh,
        int readingCount,
        Double peakKw,
        Duration longestGap,
        String vessel,
        Set<QualityFlag> flags) {

    public Session {
        Objects.requireNonNull(meter);
        Objects.requireNonNull(start);
        Objects.requireNonNull(end);
        Objects.requireNonNull(meteredFrom);
        Objects.requireNonNull(status);
        flags = flags.isEmpty() ? Collections.emptySet() : Collections.unmodifiableSet(EnumSet.copyOf(flags));
    }

    /** The session's identity for upserts. */
    public Key key() {
        return new Key(meter, start);
    }

    /** Connected time: {@code end − start}. */
    public Duration duration() {
        return Duration.between(start, end);
    }

    /** Energy in kWh with three decimals, exactly. */
    public BigDecimal energyKwh() {
        return BigDecimal.valueOf(energyWh, 3);
    }

    /**
     * Average power over the metered span ({@code meteredFrom → end}), kW to three decimals (half-even); {@code null}
     * for a session of one instant.
     */
    public BigDecimal averageKw() {
        long ms = Duration.between(meteredFrom, end).toMillis();
        if (ms == 0) {
            return null;
        }
        // Wh / h = W; W / 1000 = kW  →  Wh × 3_600_000 ms/h / ms / 1000
        return BigDecimal.valueOf(energyWh)
                .multiply(BigDecimal.valueOf(3_600L))
                .divide(BigDecimal.valueOf(ms), 3, RoundingMode.HALF_EVEN);
    }

    public boolean has(QualityFlag flag) {
        return flags.contains(flag);
    }

    /** Identity of a session: the meter and the timestamp of its first supplying reading. */
    public record Key(String meter, Instant start) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = meter.compareTo(o.meter);
            return c != 0 ? c : start.compareTo(o.start);
        }
    }
}
