package io.shoreloop.shorepower;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The energy the register shows between one reading and the next one in time ({@code from} → {@code to}).
 *
 * <p>{@code meteredWh = countedWh + rejectedWh}: the energy the register revealed for the interval, split into what
 * is counted (towards a session or as unallocated) and what is rejected as an implausible jump. Both are {@code >= 0}.
 * The first reading of a meter has a step with {@code from == null} and no energy.
 *
 * @param from the previous reading's timestamp, or {@code null} for the meter's first reading
 * @param to the reading that ends the step
 * @param countedWh energy counted, Wh
 * @param rejectedWh energy rejected as implausible, Wh
 * @param flags {@link QualityFlag#RESET}, {@link QualityFlag#ROLLOVER}, {@link QualityFlag#REGISTER_DROP},
 *     {@link QualityFlag#IMPLAUSIBLE_JUMP}, {@link QualityFlag#GAP}
 */
public record EnergyStep(Instant from, Instant to, long countedWh, long rejectedWh, Set<QualityFlag> flags) {

    public EnergyStep {
        if (countedWh < 0 || rejectedWh < 0) {
            throw new IllegalStateException("energy is never negative: " + countedWh + ", " + rejectedWh);
        }
        flags = flags.isEmpty() ? Collections.emptySet() : Collections.unmodifiableSet(EnumSet.copyOf(flags));
    }

    static EnergyStep first(Instant to) {
        return new EnergyStep(null, to, 0, 0, Set.of());
    }

    /** Counted plus rejected: what the register showed for this interval. */
    public long meteredWh() {
        return countedWh + rejectedWh;
    }

    /** Time between the two readings, or {@code null} for a meter's first reading. */
    public Duration elapsed() {
        return from == null ? null : Duration.between(from, to);
    }

    public boolean has(QualityFlag flag) {
        return flags.contains(flag);
    }
}
