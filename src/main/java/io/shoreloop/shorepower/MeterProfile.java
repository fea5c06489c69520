package io.shoreloop.shorepower;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the accounting needs to know about one registered meter and the berth it supplies.
 *
 * @param meter the meter's registered code
 * @param capacityVa the berth's shore-power capacity in VA (an upper bound of the active power in W), before the
 *     first of {@code capacityChanges}
 * @param registerModulusWh where the register rolls over, Wh, or {@code null} if the meter has none registered
 * @param reportingInterval how often the meter reports
 * @param capacityChanges the berth's capacity changes, in time order: each in effect from its instant on (a reading's
 *     timestamp), so that readings are judged with the capacity of their time, however late they are derived
 */
public record MeterProfile(
        String meter,
        long capacityVa,
        Long registerModulusWh,
        Duration reportingInterval,
        List<CapacityChange> capacityChanges) {

    /** The berth's capacity from {@code from} on, in VA. */
    public record CapacityChange(Instant from, long capacityVa) {
        public CapacityChange {
            Objects.requireNonNull(from, "from");
            if (capacityVa <= 0) {
                throw new IllegalArgumentException("capacity must be positive: " + capacityVa);
            }
        }
    }

    public MeterProfile {
        Objects.requireNonNull(meter, "meter");
        Objects.requireNonNull(reportingInterval, "reportingInterval");
        capacityChanges = List.copyOf(capacityChanges);
        if (capacityVa <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacityVa);
        }
        if (registerModulusWh != null && registerModulusWh <= 0) {
            throw new IllegalArgumentException("modulus must be positive: " + registerModulusWh);
        }
        if (reportingInterval.isNegative() || reportingInterval.isZero()) {
            throw new IllegalArgumentException("reporting interval must be positive: " + reportingInterval);
        }
        for (int i = 1; i < capacityChanges.size(); i++) {
            if (!capacityChanges
                    .get(i)
                    .from()
                    .isAfter(capacityChanges.get(i - 1).from())) {
                throw new IllegalArgumentException("capacity changes out of order: " + capacityChanges);
            }
        }
    }

    /** A meter whose berth's capacity never changed. */
    public MeterProfile(String meter, long capacityVa, Long registerModulusWh, Duration reportingInterval) {
        this(meter, capacityVa, registerModulusWh, reportingInterval, List.of());
    }

    /** From the registry's units: capacity in kVA and modulus in kWh (both as stored in the registry). */
    public static MeterProfile of(
            String meter, BigDecimal capacityKva, BigDecimal registerModulusKwh, Duration reportingInterval) {
        Long modulus = registerModulusKwh == null ? null : Reading.registerWhOf(registerModulusKwh);
        return new MeterProfile(meter, va(capacityKva), modulus, reportingInterval);
    }

    /** The same meter, its berth's capacity having changed at these instants (from {@code capacityVa} before them). */
    public MeterProfile withCapacityChanges(List<CapacityChange> changes) {
        return new MeterProfile(meter, capacityVa, registerModulusWh, reportingInterval, changes);
    }

    /** A capacity in kVA, as VA rounded up. */
    public static long va(BigDecimal capacityKva) {
        return capacityKva.movePointRight(3).setScale(0, RoundingMode.CEILING).longValueExact();
    }
}
