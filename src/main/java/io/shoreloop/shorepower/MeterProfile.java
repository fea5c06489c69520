package io.shoreloop.shorepower;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Objects;

/**
 * What the accounting needs to know about one registered meter and the berth it supplies.
 *
 * @param meter the meter's registered code
 * @param capacityVa the berth's shore-power capacity in VA (an upper bound of the active power in W)
 * @param registerModulusWh where the register rolls over, Wh, or {@code null} if the meter has none registered
 * @param reportingInterval how often the meter reports
 */
public record MeterProfile(String meter, long capacityVa, Long registerModulusWh, Duration reportingInterval) {

    public MeterProfile {
        Objects.requireNonNull(meter, "meter");
        Objects.requireNonNull(reportingInterval, "reportingInterval");
        if (capacityVa <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacityVa);
        }
        if (registerModulusWh != null && registerModulusWh <= 0) {
            throw new IllegalArgumentException("modulus must be positive: " + registerModulusWh);
        }
        if (reportingInterval.isNegative() || reportingInterval.isZero()) {
            throw new IllegalArgumentException("reporting interval must be positive: " + reportingInterval);
        }
    }

    /** From the registry's units: capacity in kVA and modulus in kWh (both as stored in the registry). */
    public static MeterProfile of(
            String meter, BigDecimal capacityKva, BigDecimal registerModulusKwh, Duration reportingInterval) {
        long va =
                capacityKva.movePointRight(3).setScale(0, RoundingMode.CEILING).longValueExact();
        Long modulus = registerModulusKwh == null ? null : Reading.registerWhOf(registerModulusKwh);
        return new MeterProfile(meter, va, modulus, reportingInterval);
    }
}
