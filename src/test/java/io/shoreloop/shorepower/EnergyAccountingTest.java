package io.shoreloop.shorepower;

import static io.shoreloop.shorepower.MeterFixtures.aBerthMeter;
import static io.shoreloop.shorepower.MeterFixtures.aBerthMeterWithModulus;
import static io.shoreloop.shorepower.MeterFixtures.aMeter;
import static io.shoreloop.shorepower.MeterFixtures.aMeterThatResetsMidSession;
import static io.shoreloop.shorepower.MeterFixtures.aMeterThatRollsOverAt;
import static io.shoreloop.shorepower.MeterFixtures.rules;
import static io.shoreloop.shorepower.MeterFixtures.timelineOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The energy rules, one by one, with exact Wh. */
class EnergyAccountingTest {

    @Test
    void theRegisterIsReadAsExactWattHours() {
        assertEquals(123_456_789L, Reading.registerWhOf(new BigDecimal("123456.789")));
        assertEquals(100L, Reading.registerWhOf(new BigDecimal("0.1")));
        assertEquals(0L, Reading.registerWhOf(new BigDecimal("0.000")));
        assertThrows(IllegalArgumentException.class, () -> Reading.registerWhOf(new BigDecimal("1.2345")));
        assertThrows(IllegalArgumentException.class, () -> Reading.registerWhOf(new BigDecimal("-0.001")));
    }

    @Test
    void theMostABerthCanSupplyIsCapacityTimesTimeTimesTheMargin() {
        EnergyRules energy = new EnergyRules(aBerthMeter(), rules());
        // 500 kVA × 1 min × 1.25 = 10.41666… kWh, rounded down to the Wh
        assertEquals(10_416L, energy.plausibleMaxWh(MeterFixtures.T0, MeterFixtures.T0.plus(Duration.ofMinutes(1))));
        assertEquals(625_000L, energy.plausibleMaxWh(MeterFixtures.T0, MeterFixtures.T0.plus(Duration.ofHours(1))));
        assertEquals(0L, energy.plausibleMaxWh(MeterFixtures.T0, MeterFixtures.T0.plus(Duration.ofMillis(5))));
    }

    /**
     * A berth whose capacity changed (500 kVA, then 1,000 kVA from 08:30): each part of a step is bounded by the
     * capacity of its time, whenever the step is derived; a step before the change is judged with the old capacity
     * even when it is derived after the change (a re-derivation judged it with the new one).
     */
    @Test
    void aStepIsJudgedWithTheCapacityOfItsTime() {
        java.time.Instant t0 = MeterFixtures.T0;
        MeterProfile upgraded = aBerthMeter()
                .withCapacityChanges(List.of(new MeterProfile.CapacityChange(t0.plusSeconds(1800), 1_000_000L)));
        EnergyRules energy = new EnergyRules(upgraded, rules());
        // before the change: 500 kVA × 1 h × 1.25
        assertEquals(625_000L, energy.plausibleMaxWh(t0.minusSeconds(3600), t0));
        // across it: (500 kVA × 30 min + 1,000 kVA × 30 min) × 1.25
        assertEquals(937_500L, energy.plausibleMaxWh(t0, t0.plusSeconds(3600)));
        // after it, and from its very instant
        assertEquals(1_250_000L, energy.plausibleMaxWh(t0.plusSeconds(1800), t0.plusSeconds(5400)));
        // 700 kWh in an hour: implausible before the change, plausible after it
        EnergyStep before = energy.step(reading(t0.minusSeconds(3600), 1_000_000L), reading(t0, 1_700_000L));
        assertEquals(0L, before.countedWh());
        assertTrue(before.flags().contains(QualityFlag.IMPLAUSIBLE_JUMP));
        EnergyStep after =
                energy.step(reading(t0.plusSeconds(1800), 1_000_000L), reading(t0.plusSeconds(5400), 1_700_000L));
        assertEquals(700_000L, after.countedWh());
        // two changes inside one step (down to 100 kVA at 08:40): each part with its own
        EnergyRules twice = new EnergyRules(
                upgraded.withCapacityChanges(List.of(
                        new MeterProfile.CapacityChange(t0.plusSeconds(1800), 1_000_000L),
                        new MeterProfile.CapacityChange(t0.plusSeconds(2400), 100_000L))),
                rules());
        // (500 × 30 + 1,000 × 10 + 100 × 20) kVA·min × 1.25 / 60
        assertEquals(562_500L, twice.plausibleMaxWh(t0, t0.plusSeconds(3600)));
        assertThrows(
                IllegalArgumentException.class,
                () -> aBerthMeter()
                        .withCapacityChanges(List.of(
                                new MeterProfile.CapacityChange(t0, 1L), new MeterProfile.CapacityChange(t0, 2L))));
    }

    private static Reading reading(java.time.Instant ts, long wh) {
        return new Reading("M-1", 0, ts, wh, null, true, null);
    }

    @Test
    void theLimitIsExactForHugeBerthsAndLongSilencesToo() {
        long[] capacities = {1L, 500_000L, Integer.MAX_VALUE, Integer.MAX_VALUE + 1L, 40_000_000_000L, Long.MAX_VALUE};
        Duration[] gaps = {
            Duration.ofMillis(1), Duration.ofMinutes(1), Duration.ofDays(400), Duration.ofDays(365L * 3000)
        };
        for (long capacity : capacities) {
            EnergyRules energy =
                    new EnergyRules(new MeterProfile("M-1", capacity, null, Duration.ofMinutes(1)), rules());
            for (Duration gap : gaps) {
                java.math.BigInteger exact = java.math.BigInteger.valueOf(capacity)
                        .multiply(java.math.BigInteger.valueOf(rules().plausibilityMarginPercent()))
                        .multiply(java.math.BigInteger.valueOf(gap.toMillis()))
                        .divide(java.math.BigInteger.valueOf(360_000_000L));
                long expected = exact.bitLength() < 63 ? exact.longValue() : Long.MAX_VALUE;
                assertEquals(
                        expected,
                        energy.plausibleMaxWh(MeterFixtures.T0, MeterFixtures.T0.plus(gap)),
                        capacity + " VA over " + gap);
            }
        }
    }

    @Test
    void anIncreaseCountsExactly() {
        MeterTimeline t = timelineOf(aMeter().open("1000.000").open("1000.500").open("1001.250"));
        List<EnergyStep> steps = t.steps();
        assertEquals(0, steps.get(0).meteredWh());
        assertEquals(500, steps.get(1).countedWh());
        assertEquals(750, steps.get(2).countedWh());
        assertEquals(new EnergyBalance(1_250, 0, 1_250, 0), t.balance());
    }

    /** The README's worked example. */
    @Test
    void aResetMidSessionCountsTheNewRegisterValueAsEnergySinceTheReset() {
        MeterTimeline t = timelineOf(aMeterThatResetsMidSession());

        EnergyStep reset = t.steps().get(4);
        assertEquals(Set.of(QualityFlag.RESET), reset.flags());
        assertEquals(100, reset.countedWh());

        Session s = t.sessions().get(0);
        // 0.500 + 0.750 + 0.100 (since the reset) + 0.500 + 0 (closing step)
        assertEquals(1_850, s.energyWh());
        assertEquals(new BigDecimal("1.850"), s.energyKwh());
        assertTrue(s.has(QualityFlag.RESET));
        // standby before the session: 999.990 → 1000.000
        assertEquals(new EnergyBalance(1_860, 1_850, 10, 0), t.balance());
    }

    @Test
    void aRolloverCountsUpToTheModulusAndOnFromZero() {
        MeterTimeline t = MeterTimeline.recompute(
                aBerthMeterWithModulus(100_000_000L),
                rules(),
                aMeterThatRollsOverAt("100000.000").readings());

        EnergyStep rollover = t.steps().get(3);
        assertEquals(Set.of(QualityFlag.ROLLOVER), rollover.flags());
        assertEquals(500, rollover.countedWh()); // 0.200 to the modulus + 0.300

        Session s = t.sessions().get(0);
        assertEquals(500 + 800 + 500 + 1_000, s.energyWh());
        assertTrue(s.has(QualityFlag.ROLLOVER));
        assertTrue(t.balance().isBalanced());
    }

    @Test
    void aDropNearTheModulusOfAMeterWithoutOneIsAReset() {
        MeterProfile noModulus =
                new MeterProfile(MeterFixtures.METER, MeterFixtures.CAPACITY_VA, null, MeterFixtures.INTERVAL);
        MeterTimeline t = MeterTimeline.recompute(
                noModulus, rules(), aMeterThatRollsOverAt("100000.000").readings());
        EnergyStep step = t.steps().get(3);
        assertEquals(Set.of(QualityFlag.RESET), step.flags());
        assertEquals(300, step.countedWh()); // only what the register shows since it restarted
    }

    @Test
    void aDropThatIsNeitherResetNorRolloverCountsNothingAndStartsANewEpoch() {
        // a replacement meter that starts at 500.000 instead of zero
        MeterTimeline t = timelineOf(
                aMeter().open("1000.000").open("1000.500").open("500.000").open("500.200"));
        EnergyStep drop = t.steps().get(2);
        assertEquals(Set.of(QualityFlag.REGISTER_DROP), drop.flags());
        assertEquals(0, drop.meteredWh());
        assertEquals(200, t.steps().get(3).countedWh());
        assertEquals(new EnergyBalance(700, 0, 700, 0), t.balance());
    }

    @Test
    void aDropBelowTheResetFractionIsAResetEvenAboveTheAbsoluteThreshold() {
        // 5.000 is above 1 kWh but below 10 % of 100.000
        MeterTimeline t = timelineOf(aMeter().open("100.000").open("5.000"));
        assertEquals(Set.of(QualityFlag.RESET), t.steps().get(1).flags());
        assertEquals(5_000, t.steps().get(1).countedWh());
    }

    @Test
    void anImplausibleJumpIsRejectedFlaggedAndKeptInTheBalance() {
        // 500 kVA can supply at most 10.416 kWh in a minute; the register claims 50 kWh
        MeterTimeline t = timelineOf(aMeter().open("100.000")
                .closed("100.500")
                .closed("150.500")
                .closed("151.000")
                .open("151.100"));
        EnergyStep jump = t.steps().get(2);
        assertEquals(Set.of(QualityFlag.IMPLAUSIBLE_JUMP), jump.flags());
        assertEquals(0, jump.countedWh());
        assertEquals(50_000, jump.rejectedWh());

        Session s = t.sessions().get(0);
        assertEquals(500 + 500 + 100, s.energyWh());
        assertEquals(50_000, s.rejectedWh());
        assertTrue(s.has(QualityFlag.IMPLAUSIBLE_JUMP));
        assertEquals(new EnergyBalance(51_100, 1_100, 0, 50_000), t.balance());
        assertTrue(t.balance().isBalanced());
    }

    @Test
    void anImplausibleValueAfterAResetIsRejectedToo() {
        // reset to 0.100 would be fine; 20.000 after a drop from 900 is a reset (below 10 %) of implausible size
        MeterTimeline t = timelineOf(aMeter().open("900.000").open("20.000"));
        EnergyStep step = t.steps().get(1);
        assertEquals(Set.of(QualityFlag.RESET, QualityFlag.IMPLAUSIBLE_JUMP), step.flags());
        assertEquals(20_000, step.rejectedWh());
        assertEquals(new EnergyBalance(20_000, 0, 0, 20_000), t.balance());
    }

    @Test
    void aGapIsFlaggedWithItsLengthAndCountsOnlyWhatTheRegisterShows() {
        MeterTimeline t = timelineOf(aMeter().closed("10.000")
                .closed("10.500")
                .after(Duration.ofMinutes(10))
                .closed("15.500")
                .open("15.600"));
        List<EnergyStep> gaps = t.gaps();
        assertEquals(1, gaps.size());
        assertEquals(Duration.ofMinutes(10), gaps.get(0).elapsed());
        assertEquals(5_000, gaps.get(0).countedWh());
        Session s = t.sessions().get(0);
        assertEquals(500 + 5_000 + 100, s.energyWh());
        assertTrue(s.has(QualityFlag.GAP));
        assertEquals(Duration.ofMinutes(10), s.longestGap());
    }

    @Test
    void aStepOfThreeIntervalsIsNoGapButOneJustLongerIs() {
        MeterTimeline t = timelineOf(aMeter().open("1.000")
                .after(Duration.ofMinutes(3))
                .open("1.100")
                .after(Duration.ofMinutes(3).plusSeconds(1))
                .open("1.200"));
        assertFalse(t.steps().get(1).has(QualityFlag.GAP));
        assertTrue(t.steps().get(2).has(QualityFlag.GAP));
    }
}
