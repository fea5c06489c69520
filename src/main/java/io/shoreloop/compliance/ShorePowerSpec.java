package io.shoreloop.compliance;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Shore-power capability of a berth (supply) or a ship (receiving facility), as the rules see it.
 *
 * @param highVoltage HV (IEC/IEEE 80005-1) or LV (IEC 60309); {@code null} when not recorded
 */
public record ShorePowerSpec(
        boolean available,
        Integer voltageV,
        Integer frequencyHz,
        BigDecimal capacityKva,
        Boolean highVoltage,
        String socket) {

    /** No shore power. */
    public static final ShorePowerSpec NONE = new ShorePowerSpec(false, null, null, null, null, null);

    /**
     * Whether {@code berth} can supply {@code ship}: same voltage, same frequency, enough capacity (the berth's kVA
     * at least the ship's), same HV/LV side and the same socket type. A value one side has not recorded is not held
     * against the match. Answers the mismatches in words; empty means compatible. This is what the matching rate
     * (匹配率) counts.
     */
    public static List<String> mismatches(ShorePowerSpec berth, ShorePowerSpec ship) {
        List<String> out = new ArrayList<>();
        if (!berth.available || !ship.available) {
            out.add("no shore power on " + (berth.available ? "the ship" : "the berth"));
            return out;
        }
        if (berth.voltageV != null && ship.voltageV != null && !berth.voltageV.equals(ship.voltageV)) {
            out.add("voltage: berth " + berth.voltageV + " V, ship " + ship.voltageV + " V");
        }
        if (berth.frequencyHz != null && ship.frequencyHz != null && !berth.frequencyHz.equals(ship.frequencyHz)) {
            out.add("frequency: berth " + berth.frequencyHz + " Hz, ship " + ship.frequencyHz + " Hz");
        }
        if (berth.capacityKva != null
                && ship.capacityKva != null
                && berth.capacityKva.compareTo(ship.capacityKva) < 0) {
            out.add("capacity: berth " + berth.capacityKva.toPlainString() + " kVA, ship needs "
                    + ship.capacityKva.toPlainString() + " kVA");
        }
        if (berth.highVoltage != null && ship.highVoltage != null && !berth.highVoltage.equals(ship.highVoltage)) {
            out.add("connection: berth " + side(berth.highVoltage) + ", ship " + side(ship.highVoltage));
        }
        if (berth.socket != null
                && ship.socket != null
                && !normalised(berth.socket).equals(normalised(ship.socket))) {
            out.add("socket: berth " + berth.socket + ", ship " + ship.socket);
        }
        return out;
    }

    private static String side(boolean highVoltage) {
        return highVoltage ? "high voltage" : "low voltage";
    }

    private static String normalised(String socket) {
        return socket.trim().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
    }
}
