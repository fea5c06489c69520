package io.shoreloop.shorepower;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Meter histories that read like sentences. A {@link History} reports once per interval (one minute unless told
 * otherwise) and each call adds the next reading: {@code aMeter().open("1000.000").closed("1000.500")}.
 */
final class MeterFixtures {

    static final String METER = "CQ-GY-B01-M1";
    static final Instant T0 = Instant.parse("2026-11-24T08:00:00Z");
    static final Duration INTERVAL = Duration.ofMinutes(1);
    /** 500 kVA: at most 10.416 kWh per minute with the default 125 % margin. */
    static final long CAPACITY_VA = 500_000;
    /** 100 000 kWh. */
    static final long MODULUS_WH = 100_000_000L;

    static final String ONE_SHIP = "413456789";
    static final String ANOTHER_SHIP = "477123456";

    private MeterFixtures() {}

    static MeterProfile aBerthMeter() {
        return new MeterProfile(METER, CAPACITY_VA, MODULUS_WH, INTERVAL);
    }

    static MeterProfile aBerthMeterWithModulus(long modulusWh) {
        return new MeterProfile(METER, CAPACITY_VA, modulusWh, INTERVAL);
    }

    static AccountingRules rules() {
        return AccountingRules.defaults();
    }

    static History aMeter() {
        return new History();
    }

    static MeterTimeline timelineOf(History history) {
        return MeterTimeline.recompute(aBerthMeter(), rules(), history.readings());
    }

    /** The timeline of a meter at a berth whose calls departed at these instants. */
    static MeterTimeline timelineOf(History history, Instant... departures) {
        return MeterTimeline.recompute(aBerthMeter(), rules(), history.readings(), List.of(departures));
    }

    /**
     * A ship draws power, lets go between the fourth and fifth reading while the breaker stays closed (left closed,
     * or the next ship), and the breaker opens two readings later: 10.000 open, 10.500 / 11.500 / 12.500 / 13.500 /
     * 14.000 closed, 14.100 / 14.110 open.
     */
    static History aBreakerLeftClosedAfterTheShipLeft() {
        return aMeter().open("10.000")
                .closed("10.500")
                .closed("11.500")
                .closed("12.500")
                .closed("13.500")
                .closed("14.000")
                .open("14.100")
                .open("14.110");
    }

    /** Standby, then a session in which the meter resets: 1000.000 → 1000.500 → 1001.250 → 0.100 → 0.600. */
    static History aMeterThatResetsMidSession() {
        return aMeter().open("999.990") // standby
                .open("1000.000")
                .closed("1000.500")
                .closed("1001.250")
                .closed("0.100") // reset: the register restarted from zero
                .closed("0.600")
                .open("0.600");
    }

    /** A session during which the register passes {@code modulusKwh} and starts again from zero. */
    static History aMeterThatRollsOverAt(String modulusKwh) {
        long modulus = Reading.registerWhOf(new BigDecimal(modulusKwh));
        return aMeter().open(kwh(modulus - 1_500))
                .closed(kwh(modulus - 1_000))
                .closed(kwh(modulus - 200))
                .closed("0.300") // rollover: 0.200 to the modulus plus 0.300 after it
                .closed("1.300")
                .open("1.300");
    }

    /** A short session whose readings all arrive twice (QoS 1 redelivery). */
    static List<Reading> aDuplicateDelivery() {
        List<Reading> once = aMeter().open("10.000")
                .closed("10.400")
                .closed("10.900")
                .open("11.000")
                .readings();
        List<Reading> twice = new ArrayList<>(once);
        twice.addAll(once);
        return twice;
    }

    /**
     * A session, an outage of 50 minutes in which nothing arrives, and the rest of the session. {@link
     * History#readings()} holds everything; {@link #outageOf(History)} the readings the outage held back.
     */
    static History aLateBackfillAfterAnOutage() {
        History h = aMeter().open("500.000").closed("501.000").closed("502.000");
        for (int i = 0; i < 50; i++) {
            h.closed(kwh(502_000 + 1_000L * (i + 1)));
        }
        return h.closed("553.000").closed("554.000").open("554.500");
    }

    /** The readings {@link #aLateBackfillAfterAnOutage()} delivers only after the outage. */
    static List<Reading> outageOf(History h) {
        return h.readings().subList(3, 53);
    }

    static String kwh(long wh) {
        return BigDecimal.valueOf(wh, 3).toPlainString();
    }

    /** A meter's readings, one interval apart unless {@link #after} says otherwise. */
    static final class History {
        private final List<Reading> readings = new ArrayList<>();
        private Instant next = T0;
        private long seq;
        private String vessel;
        private Double powerKw;

        History open(String kwh) {
            return read(kwh, false);
        }

        History closed(String kwh) {
            return read(kwh, true);
        }

        /** A reading without a breaker flag. */
        History reads(String kwh) {
            return read(kwh, null);
        }

        /** The next readings report this power (null: none). */
        History atKw(Double kw) {
            this.powerKw = kw;
            return this;
        }

        /** The next readings name this ship (null: none). */
        History naming(String mmsi) {
            this.vessel = mmsi;
            return this;
        }

        /** The next reading comes {@code gap} after the previous one instead of one interval. */
        History after(Duration gap) {
            next = next.minus(INTERVAL).plus(gap);
            return this;
        }

        History read(String kwh, Boolean breaker) {
            readings.add(new Reading(
                    METER, seq++, next, Reading.registerWhOf(new BigDecimal(kwh)), powerKw, breaker, vessel));
            next = next.plus(INTERVAL);
            return this;
        }

        List<Reading> readings() {
            return List.copyOf(readings);
        }

        Instant at(int index) {
            return readings.get(index).ts();
        }
    }
}
