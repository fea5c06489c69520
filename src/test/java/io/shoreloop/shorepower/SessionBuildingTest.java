package io.shoreloop.shorepower;

import static io.shoreloop.shorepower.MeterFixtures.ANOTHER_SHIP;
import static io.shoreloop.shorepower.MeterFixtures.ONE_SHIP;
import static io.shoreloop.shorepower.MeterFixtures.aBerthMeter;
import static io.shoreloop.shorepower.MeterFixtures.aBreakerLeftClosedAfterTheShipLeft;
import static io.shoreloop.shorepower.MeterFixtures.aMeter;
import static io.shoreloop.shorepower.MeterFixtures.aMeterThatResetsMidSession;
import static io.shoreloop.shorepower.MeterFixtures.rules;
import static io.shoreloop.shorepower.MeterFixtures.timelineOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoreloop.shorepower.MeterFixtures.History;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How readings become sessions, and which energy each session owns. */
class SessionBuildingTest {

    @Test
    void aClosedBreakerOpensASessionAndAnOpenBreakerClosesIt() {
        History h = aMeter().open("10.000")
                .closed("10.500")
                .closed("11.500")
                .closed("12.500")
                .open("12.600")
                .open("12.610");
        MeterTimeline t = timelineOf(h);

        Session s = single(t);
        assertEquals(h.at(1), s.start());
        assertEquals(h.at(4), s.end()); // the reading that saw the breaker open
        assertEquals(h.at(0), s.meteredFrom()); // the breaker closed somewhere after this reading
        assertEquals(SessionStatus.CLOSED, s.status());
        // 0.500 (the step in which the breaker closed) + 1.000 + 1.000 + 0.100 (the step in which it opened)
        assertEquals(2_600, s.energyWh());
        assertEquals(3, s.readingCount());
        assertEquals(Duration.ofMinutes(3), s.duration());
        assertEquals(new BigDecimal("39.000"), s.averageKw()); // 2.6 kWh over 4 min
        assertEquals(60.0, s.peakKw()); // no power reported: the steps' average, 1 kWh per minute
        assertTrue(s.flags().isEmpty());
        assertEquals(new EnergyBalance(2_610, 2_600, 10, 0), t.balance());
    }

    @Test
    void theWorkedExampleOfTheReadme() {
        History h = aMeterThatResetsMidSession();
        MeterTimeline t = timelineOf(h);
        Session s = single(t);
        assertEquals(h.at(2), s.start());
        assertEquals(h.at(6), s.end());
        assertEquals(1_850, s.energyWh());
        assertEquals(4, s.readingCount());
        assertEquals(45.0, s.peakKw());
        assertEquals(new BigDecimal("22.200"), s.averageKw()); // 1.850 kWh over 5 min
        assertEquals(new EnergyBalance(1_860, 1_850, 10, 0), t.balance());
    }

    @Test
    void reportedPowerGivesThePeak() {
        Session s = single(timelineOf(aMeter().atKw(0.2)
                .open("1.000")
                .atKw(80.5)
                .closed("2.000")
                .atKw(95.25)
                .closed("3.000")
                .atKw(0.0)
                .open("3.500")));
        assertEquals(95.25, s.peakKw());
    }

    @Test
    void aSessionStillSupplyingIsOpenUntilItsLastReading() {
        History h = aMeter().open("1.000").closed("2.000").closed("3.000");
        Session s = single(timelineOf(h));
        assertEquals(SessionStatus.OPEN, s.status());
        assertEquals(h.at(2), s.end());
        assertEquals(2_000, s.energyWh());
    }

    @Test
    void oneOpenReadingBetweenTwoSessionsSeparatesThemAndEachStepHasOneOwner() {
        History h = aMeter().closed("1.000")
                .closed("2.000")
                .open("2.100")
                .closed("2.300")
                .closed("3.300")
                .open("3.400");
        List<Session> sessions = timelineOf(h).sessions();
        assertEquals(2, sessions.size());
        assertEquals(1_000 + 100, sessions.get(0).energyWh());
        assertEquals(200 + 1_000 + 100, sessions.get(1).energyWh());
        assertEquals(h.at(2), sessions.get(0).end());
        assertEquals(h.at(3), sessions.get(1).start());
    }

    @Test
    void withoutABreakerFlagSustainedPowerOpensAndSustainedLowPowerCloses() {
        History h = aMeter().atKw(1.0)
                .reads("10.000")
                .reads("10.020") // standby
                .atKw(100.0)
                .reads("11.000") // candidate
                .reads("12.700")
                .reads("14.400") // high for 2 min: a session, from the candidate on
                .atKw(2.0)
                .reads("14.450") // a dip of one minute does not close it
                .atKw(100.0)
                .reads("16.100")
                .atKw(0.5)
                .reads("16.150") // close candidate
                .reads("16.160")
                .reads("16.170") // low for 2 min: closed at the candidate
                .reads("16.180");
        MeterTimeline t = timelineOf(h);

        Session s = single(t);
        assertEquals(h.at(2), s.start());
        assertEquals(h.at(7), s.end());
        assertEquals(SessionStatus.CLOSED, s.status());
        assertEquals(980 + 1_700 + 1_700 + 50 + 1_650 + 50, s.energyWh());
        assertEquals(5, s.readingCount());
        assertEquals(100.0, s.peakKw());
        // standby before, and the low readings after the close candidate
        assertEquals(new EnergyBalance(6_180, 6_130, 50, 0), t.balance());
    }

    @Test
    void aShortBurstOfPowerIsNoSession() {
        MeterTimeline t = timelineOf(aMeter().atKw(1.0)
                .reads("1.000")
                .atKw(50.0)
                .reads("1.500")
                .atKw(1.0)
                .reads("1.510"));
        assertTrue(t.sessions().isEmpty());
        assertEquals(new EnergyBalance(510, 0, 510, 0), t.balance());
    }

    @Test
    void withoutSustainOneHighReadingIsEnough() {
        MeterTimeline t = MeterTimeline.recompute(
                aBerthMeter(),
                rules().withSustain(Duration.ZERO),
                aMeter().atKw(1.0)
                        .reads("1.000")
                        .atKw(50.0)
                        .reads("1.500")
                        .atKw(1.0)
                        .reads("1.510")
                        .readings());
        Session s = single(t);
        assertEquals(500 + 10, s.energyWh());
        assertEquals(1, s.readingCount());
    }

    @Test
    void aMeterThatSendsOnlyItsRegisterIsJudgedByTheStepsAveragePower() {
        // 5 kW threshold = 83 Wh per minute
        MeterTimeline t = timelineOf(aMeter().reads("1.000")
                .reads("1.010")
                .reads("1.510")
                .reads("2.010")
                .reads("2.510")
                .reads("2.520")
                .reads("2.530")
                .reads("2.540"));
        Session s = single(t);
        assertEquals(500 * 3 + 10, s.energyWh());
        assertEquals(30.0, s.peakKw());
        assertEquals(new EnergyBalance(1_540, 1_510, 30, 0), t.balance());
    }

    @Test
    void aLongSilenceInterruptsTheSessionAndItsEnergyIsUnallocated() {
        History h = aMeter().closed("1.000")
                .closed("2.000")
                .after(Duration.ofMinutes(45))
                .closed("40.000")
                .closed("41.000")
                .open("41.000");
        MeterTimeline t = timelineOf(h);
        List<Session> sessions = t.sessions();
        assertEquals(2, sessions.size());

        Session before = sessions.get(0);
        assertEquals(SessionStatus.INTERRUPTED, before.status());
        assertTrue(before.has(QualityFlag.INTERRUPTED));
        assertEquals(h.at(1), before.end());
        assertEquals(1_000, before.energyWh());

        Session after = sessions.get(1);
        assertEquals(h.at(2), after.start());
        assertEquals(h.at(2), after.meteredFrom()); // nothing from inside the silence
        assertEquals(1_000, after.energyWh());
        assertEquals(SessionStatus.CLOSED, after.status());

        // the 38 kWh drawn somewhere inside the silence: real, unallocated, flagged as a gap of 45 minutes
        assertEquals(new EnergyBalance(40_000, 2_000, 38_000, 0), t.balance());
        assertEquals(Duration.ofMinutes(45), t.gaps().get(0).elapsed());
    }

    /**
     * A meter registered to report hourly: its hourly steps are no silence, as the silence that ends a session is 3
     * of its intervals (the gap factor) when that is longer than the 30 minute timeout; a silence of 4 h still ends
     * it. Until 2026-12-08 every step of such a meter was a silence: each session ended at its first reading, with no
     * energy, and all of it was unallocated.
     */
    @Test
    void aMeterReportingHourlyKeepsItsSessionAcrossItsSteps() {
        History h = aMeter().open("10.000")
                .after(Duration.ofHours(1))
                .closed("110.000")
                .after(Duration.ofHours(1))
                .closed("310.000")
                .after(Duration.ofHours(1))
                .closed("510.000")
                .after(Duration.ofHours(4))
                .closed("900.000")
                .after(Duration.ofHours(1))
                .open("950.000");
        MeterProfile hourly = new MeterProfile(
                MeterFixtures.METER, MeterFixtures.CAPACITY_VA, MeterFixtures.MODULUS_WH, Duration.ofHours(1));
        MeterTimeline t = MeterTimeline.recompute(hourly, rules(), h.readings());
        List<Session> sessions = t.sessions();
        assertEquals(2, sessions.size(), String.valueOf(sessions));

        Session first = sessions.get(0);
        assertEquals(SessionStatus.INTERRUPTED, first.status()); // by the 4 h silence, not by its hourly steps
        assertEquals(h.at(1), first.start());
        assertEquals(h.at(3), first.end());
        assertEquals(500_000, first.energyWh()); // 100 + 200 + 200 kWh
        Session second = sessions.get(1);
        assertEquals(SessionStatus.CLOSED, second.status());
        assertEquals(50_000, second.energyWh());
        // the 390 kWh drawn inside the 4 h silence: unallocated
        assertEquals(new EnergyBalance(940_000, 550_000, 390_000, 0), t.balance());
        assertEquals(Duration.ofHours(3), AccountingRules.defaults().silenceFor(Duration.ofHours(1)));
        assertEquals(Duration.ofMinutes(30), AccountingRules.defaults().silenceFor(Duration.ofSeconds(15)));
    }

    @Test
    void aSessionStillSupplyingAtTheDepartureClosesAtTheLastReadingBeforeIt() {
        History h = aBreakerLeftClosedAfterTheShipLeft();
        MeterTimeline t = timelineOf(h, h.at(3).plusSeconds(30));
        List<Session> sessions = t.sessions();
        assertEquals(2, sessions.size());

        Session left = sessions.get(0);
        assertEquals(h.at(1), left.start());
        assertEquals(h.at(3), left.end()); // the last reading at or before the departure
        assertEquals(h.at(0), left.meteredFrom());
        assertEquals(SessionStatus.CLOSED, left.status());
        assertEquals(Set.of(QualityFlag.CLOSED_AT_DEPARTURE), left.flags());
        assertEquals(500 + 1_000 + 1_000, left.energyWh());
        assertEquals(3, left.readingCount()); // its last reading is its own, as at a silence

        // the breaker still closed after the departure: a new session from the first reading after it
        Session next = sessions.get(1);
        assertEquals(h.at(4), next.start());
        assertEquals(h.at(4), next.meteredFrom()); // nothing from the step across the departure
        assertEquals(h.at(6), next.end());
        assertEquals(SessionStatus.CLOSED, next.status());
        assertTrue(next.flags().isEmpty());
        assertEquals(500 + 100, next.energyWh());

        // the 1.000 kWh of the step across the departure and the 0.010 of standby are unallocated
        assertEquals(new EnergyBalance(4_110, 3_100, 1_010, 0), t.balance());
        assertEquals(Optional.empty(), t.sessionOwningStepTo(h.at(4)));
    }

    @Test
    void aDepartureAtAReadingEndsTheSessionAtThatReading() {
        History h = aBreakerLeftClosedAfterTheShipLeft();
        assertEquals(
                timelineOf(h, h.at(3).plusSeconds(30)).sessions(),
                timelineOf(h, h.at(3)).sessions());
        assertEquals(h.at(3), timelineOf(h, h.at(3)).sessions().get(0).end());
        // one instant later, the reading at h.at(4) is still before the departure and the session includes it
        Session longer = timelineOf(h, h.at(4)).sessions().get(0);
        assertEquals(h.at(4), longer.end());
        assertEquals(3_500, longer.energyWh());
    }

    @Test
    void aBreakerOpeningAtTheDepartureIsANormalClose() {
        History h = aMeter().open("1.000")
                .closed("1.500")
                .closed("2.500")
                .open("2.600")
                .open("2.610");
        Session s = single(timelineOf(h, h.at(3)));
        assertEquals(h.at(3), s.end());
        assertEquals(SessionStatus.CLOSED, s.status());
        assertTrue(s.flags().isEmpty());
        assertEquals(timelineOf(h).sessions(), timelineOf(h, h.at(3)).sessions());
    }

    @Test
    void aDepartureInsideASilenceChangesNothing() {
        History h = aMeter().closed("1.000")
                .closed("2.000")
                .after(Duration.ofMinutes(45))
                .closed("40.000")
                .closed("41.000")
                .open("41.000");
        MeterTimeline t = timelineOf(h, h.at(1).plus(Duration.ofMinutes(20)));

        assertEquals(timelineOf(h).sessions(), t.sessions());
        assertEquals(timelineOf(h).balance(), t.balance());
        Session before = t.sessions().get(0);
        assertEquals(SessionStatus.INTERRUPTED, before.status());
        assertEquals(Set.of(QualityFlag.INTERRUPTED), before.flags());
    }

    @Test
    void aDepartureWithNoSessionOpenChangesNothing() {
        History h = aMeter().open("1.000")
                .open("1.010")
                .open("1.020")
                .open("1.030")
                .closed("1.500")
                .closed("2.500")
                .open("2.600");
        MeterTimeline t = timelineOf(h, h.at(1).plusSeconds(10), h.at(2));
        assertEquals(timelineOf(h).sessions(), t.sessions());
        assertEquals(timelineOf(h).balance(), t.balance());
        assertTrue(t.sessions().get(0).flags().isEmpty());
    }

    @Test
    void aCandidateDoesNotOutliveADeparture() {
        History h = aMeter().atKw(1.0)
                .reads("10.000")
                .reads("10.020")
                .atKw(100.0)
                .reads("11.000") // candidate
                .reads("12.700") // the ship lets go after this reading; the next one draws as much
                .reads("14.400")
                .reads("16.100")
                .reads("17.800")
                .atKw(0.0)
                .reads("17.800")
                .reads("17.800")
                .reads("17.800");
        assertEquals(h.at(2), single(timelineOf(h)).start());

        Session s = single(timelineOf(h, h.at(3).plusSeconds(1)));
        // the candidate from h.at(2) is dropped; a new one starts after the departure and lasts 2 min
        assertEquals(h.at(4), s.start());
        assertEquals(h.at(4), s.meteredFrom());
        assertEquals(1_700 + 1_700 + 0, s.energyWh());
        assertTrue(s.flags().isEmpty());
    }

    @Test
    void lowPowerNotYetSustainedAtTheDepartureEndsWithTheSession() {
        History h = aMeter().atKw(100.0)
                .reads("10.000")
                .reads("11.700")
                .reads("13.400")
                .reads("15.100") // a session since h.at(0)
                .atKw(0.5)
                .reads("15.110") // close candidate
                .reads("15.120") // the ship lets go after this reading
                .reads("15.130")
                .reads("15.140");
        Session normal = single(timelineOf(h));
        assertEquals(h.at(4), normal.end()); // low for 2 min: closed at the candidate

        Session s = single(timelineOf(h, h.at(5).plusSeconds(1)));
        assertEquals(SessionStatus.CLOSED, s.status());
        assertTrue(s.has(QualityFlag.CLOSED_AT_DEPARTURE));
        assertEquals(h.at(5), s.end()); // as at a silence: the low readings stay in the session
        assertEquals(1_700 * 3 + 10 + 10, s.energyWh());
        assertEquals(6, s.readingCount());
    }

    @Test
    void aSessionNamesTheShipItsReadingsNamed() {
        Session s = single(timelineOf(aMeter().open("1.000")
                .closed("1.500")
                .naming(ONE_SHIP)
                .closed("2.000")
                .closed("2.500")
                .naming(null)
                .open("2.600")));
        assertEquals(ONE_SHIP, s.vessel());
        assertFalse(s.has(QualityFlag.VESSEL_CONFLICT));
    }

    @Test
    void readingsNamingTwoShipsAreAConflict() {
        Session s = single(timelineOf(aMeter().open("1.000")
                .naming(ONE_SHIP)
                .closed("1.500")
                .naming(ANOTHER_SHIP)
                .closed("2.000")
                .open("2.600")));
        assertNull(s.vessel());
        assertTrue(s.has(QualityFlag.VESSEL_CONFLICT));
    }

    private static Session single(MeterTimeline t) {
        List<Session> sessions = t.sessions();
        assertEquals(1, sessions.size(), () -> "sessions: " + sessions);
        assertTrue(t.balance().isBalanced(), () -> "balance: " + t.balance());
        return sessions.get(0);
    }
}
