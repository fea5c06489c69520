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
     * Converts a value in kWh to Wh, exactly (a registered modulus; readings go through {@link #registerWhOfReading}).
     *
     * @throws IllegalArgumentException if the value is negative, has more than three decimals or is beyond a long of Wh
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

    /**
     * Converts a reading's {@code energyKwh} to Wh, the register's resolution Shoreloop keeps: digits finer than a Wh
     * are cut off, as a register's three-decimal display cuts them (12.0009 is 12.000 kWh; the 0.9 Wh count once the
     * register passes 12.001). contract.md dead-letters only negative and non-numeric values, so a meter with a finer
     * register, or a gateway writing 1234.5670000000002, is read, not refused (until 2026-12-08 every such reading was
     * dead-lettered).
     *
     * @throws IllegalArgumentException if the value is negative or beyond a long of Wh
     */
    public static long registerWhOfReading(BigDecimal energyKwh) {
        if (energyKwh.signum() < 0) {
            throw new IllegalArgumentException("negative register: " + energyKwh);
        }
        BigDecimal stripped = energyKwh.stripTrailingZeros();
        if (stripped.scale() <= 3) {
            return registerWhOf(energyKwh);
        }
        // below 0.001 kWh: 0 Wh, decided on the digits and exponent (scaling 1e-999999999 would build a billion digits)
        if (stripped.precision() - stripped.scale() <= -3) {
            return 0;
        }
        // at least 0.001 and finer than a Wh: its digits are at most the payload's (64 KiB), so scaling is bounded
        return registerWhOf(stripped.setScale(3, RoundingMode.DOWN));
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
