package io.shoreloop.shorepower;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Objects;

/**
 * One reading of one meter, as the MQTT contract delivers it, with the energy register in exact watt-hours.
 *
 * <p>Unit: the meter's import register has three decimals of kWh, so one unit of the last decimal is one Wh. Every
 * energy figure in this package is a {@code long} number of Wh (= milli-kWh); nothing about energy is ever a
 * {@code double}. Power is informative only (peak, session detection) and stays a nullable {@code Double} in kW.
 *
 * @param meter registered meter code
 * @param seq the meter's sequence number (restarts at 0 on reboot; informative, never used for ordering)
 * @param ts the reading's timestamp; with {@code meter} it identifies the reading
 * @param registerWh cumulative import register, Wh, {@code >= 0}
 * @param powerKw instantaneous active power, kW, or {@code null} when the meter does not send it
 * @param breakerClosed breaker state, or {@code null} when the meter does not send it
 * @param vessel MMSI of the ship the shore unit identified, or {@code null}
 */
public record Reading(
        String meter, long seq, Instant ts, long registerWh, Double powerKw, Boolean breakerClosed, String vessel) {

    public Reading {
        Objects.requireNonNull(meter, "meter");
        Objects.requireNonNull(ts, "ts");
        if (registerWh < 0) {
            throw new IllegalArgumentException("a register is never negative: " + registerWh);
        }
        if (powerKw != null && (powerKw.isNaN() || powerKw.isInfinite())) {
            throw new IllegalArgumentException("power must be a finite number: " + powerKw);
        }
    }

    /**
     * Converts the payload's {@code energyKwh} to Wh, exactly.
     *
     * @throws IllegalArgumentException if the value is negative or has more than three decimals (the register has
     *     three; anything finer is not a reading of this register and belongs in the dead letters)
     */
    public static long registerWhOf(BigDecimal energyKwh) {
        if (energyKwh.signum() < 0) {
            throw new IllegalArgumentException("negative register: " + energyKwh);
        }
        // checked on the value's digits and exponent first: setScale on 1e999999999 (or 1e-999999999), eleven
        // characters of JSON, would build a number of a billion digits (found by PayloadParserFuzzTest)
        BigDecimal stripped = energyKwh.stripTrailingZeros();
        if (stripped.scale() > 3) {
            throw new IllegalArgumentException("the register has three decimals of kWh: " + energyKwh);
        }
        if (stripped.precision() - stripped.scale() > 16) {
            throw new IllegalArgumentException("the register is beyond a long of Wh: " + energyKwh);
        }
        try {
            return energyKwh
                    .setScale(3, RoundingMode.UNNECESSARY)
                    .movePointRight(3)
                    .longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("the register has three decimals of kWh: " + energyKwh, e);
        }
    }

    /** The reading's register in kWh with three decimals (for display and the README's worked examples). */
    public BigDecimal registerKwh() {
        return BigDecimal.valueOf(registerWh, 3);
    }

    /** {@code true} when the payload named a ship. */
    boolean namesVessel() {
        return vessel != null && !vessel.isBlank();
    }
}
