package io.shoreloop.registry;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;

/**
 * Shore-power capability as clients send and receive it: {@code available}, then voltage, frequency, capacity,
 * high/low voltage and socket type (required when available).
 */
public record ShorePowerInput(
        boolean available,
        @Min(1) @Max(50000) Integer voltageV,
        Integer frequencyHz,

        @DecimalMin(value = "0.1") @DecimalMax("100000") @Digits(integer = 6, fraction = 1)
        BigDecimal capacityKva,

        Boolean highVoltage,
        @Size(max = 100) String socket) {

    static final ShorePowerInput NONE = new ShorePowerInput(false, null, null, null, null, null);

    /** Checks the combination; {@code prefix} names the field in errors ("shorePower"). */
    void validate(String prefix) {
        if (frequencyHz != null && frequencyHz != 50 && frequencyHz != 60) {
            throw new io.shoreloop.platform.Problems.InvalidField(
                    "invalid-frequency", prefix + ".frequencyHz", "frequencyHz must be 50 or 60");
        }
        if (available && (voltageV == null || frequencyHz == null || capacityKva == null)) {
            String missing = voltageV == null ? "voltageV" : frequencyHz == null ? "frequencyHz" : "capacityKva";
            throw new io.shoreloop.platform.Problems.InvalidField(
                    "shore-power-incomplete",
                    prefix + "." + missing,
                    "When shore power is available, voltageV, frequencyHz and capacityKva are required");
        }
    }

    ShorePower toEntity() {
        ShorePower sp = new ShorePower();
        sp.available = available;
        sp.voltageV = voltageV;
        sp.frequencyHz = frequencyHz;
        sp.capacityKva = capacityKva;
        sp.highVoltage = highVoltage;
        sp.socket = socket;
        return sp;
    }

    static ShorePowerInput of(ShorePower sp) {
        return sp == null
                ? NONE
                : new ShorePowerInput(
                        sp.available, sp.voltageV, sp.frequencyHz, sp.capacityKva, sp.highVoltage, sp.socket);
    }
}
