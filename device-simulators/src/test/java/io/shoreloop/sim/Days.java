package io.shoreloop.sim;

import java.time.Duration;
import java.time.Instant;

/** Port days for the tests. */
final class Days {

    static final Instant START = Instant.parse("2026-11-24T00:00:00Z");

    static PortDay.Result run(long seed, Duration duration, Faults faults) {
        return PortDay.simulate(
                new PortDay.Config(seed, START, duration, null, 0.9, 0.7, 0.2, faults), Topology.demo());
    }

    static Faults with(Faults base, String name, double rate) {
        return new Faults(
                name.equals("reset") ? rate : base.resetsPerMeterDay(),
                name.equals("rollover") ? rate : base.rolloverShare(),
                name.equals("duplicate") ? rate : base.duplicateRate(),
                name.equals("late") ? rate : base.lateRate(),
                base.lateMaxIntervals(),
                name.equals("offline") ? rate : base.offlinePerMeterDay(),
                base.offlineMinutes(),
                name.equals("skew") ? rate : base.skewShare(),
                base.skewMaxSeconds(),
                name.equals("malformed") ? rate : base.malformedRate(),
                name.equals("spoof") ? rate : base.spoofRate(),
                base.atLeastOnce());
    }
}
