package io.shoreloop.sim;

/**
 * Fault rates for a port day. Each is off at 0.
 *
 * @param resetsPerMeterDay meter reboots (register back to zero, {@code seq} from 0) per meter and simulated day
 * @param rolloverShare share of meters whose register starts close enough to the modulus to roll over that day
 * @param duplicateRate probability that a reading is delivered twice
 * @param lateRate probability that a reading is delivered late, after up to {@code lateMaxIntervals} later ones
 * @param lateMaxIntervals how many reporting intervals a late reading may be held back
 * @param offlinePerMeterDay outages per meter and simulated day: offline (last will), then a backfill array
 * @param offlineMinutes length of an outage
 * @param skewShare share of meters whose clock is off by a constant amount
 * @param skewMaxSeconds largest clock error (either way)
 * @param malformedRate probability per reading that a malformed message is injected besides it
 * @param spoofRate probability per reading that the meter also publishes it on another meter's topic
 * @param atLeastOnce every fault with a rate above 0 happens at least once (where the run allows it)
 */
public record Faults(
        double resetsPerMeterDay,
        double rolloverShare,
        double duplicateRate,
        double lateRate,
        int lateMaxIntervals,
        double offlinePerMeterDay,
        int offlineMinutes,
        double skewShare,
        int skewMaxSeconds,
        double malformedRate,
        double spoofRate,
        boolean atLeastOnce) {

    public static Faults none() {
        return new Faults(0, 0, 0, 0, 20, 0, 60, 0, 120, 0, 0, false);
    }

    /** Every fault on, at rates that give a few of each in a short run, each at least once. */
    public static Faults all() {
        return new Faults(1, 0.5, 0.01, 0.01, 20, 1, 60, 0.5, 120, 0.001, 0.0005, true);
    }
}
