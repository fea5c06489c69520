package io.shoreloop.shorepower;

import static io.shoreloop.shorepower.MeterFixtures.aBerthMeter;
import static io.shoreloop.shorepower.MeterFixtures.aBreakerLeftClosedAfterTheShipLeft;
import static io.shoreloop.shorepower.MeterFixtures.aDuplicateDelivery;
import static io.shoreloop.shorepower.MeterFixtures.aLateBackfillAfterAnOutage;
import static io.shoreloop.shorepower.MeterFixtures.aMeter;
import static io.shoreloop.shorepower.MeterFixtures.outageOf;
import static io.shoreloop.shorepower.MeterFixtures.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoreloop.shorepower.MeterFixtures.History;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Batches, duplicates, late readings, and what each batch reports as changed. */
class MeterTimelineTest {

    @Test
    void aDuplicateDeliveryIsDroppedAndCountsOnce() {
        MeterTimeline t = MeterTimeline.start(aBerthMeter(), rules());
        List<Reading> twice = aDuplicateDelivery();

        SessionChanges first = t.accept(twice.subList(0, 4));
        SessionChanges second = t.accept(twice.subList(4, 8));

        assertEquals(4, first.accepted());
        assertEquals(0, second.accepted());
        assertEquals(4, second.duplicates());
        assertTrue(second.touchesNoSession());
        // 0.400 (the breaker closed in that step) + 0.500 + 0.100 (it opened in that one)
        assertEquals(1_000, t.sessions().get(0).energyWh());
        assertEquals(new EnergyBalance(1_000, 1_000, 0, 0), t.balance());
        assertEquals(
                t.sessions(),
                MeterTimeline.recompute(aBerthMeter(), rules(), twice).sessions());
    }

    @Test
    void duplicatesInsideOneBatchAreDroppedToo() {
        SessionChanges changes = MeterTimeline.start(aBerthMeter(), rules()).accept(aDuplicateDelivery());
        assertEquals(4, changes.accepted());
        assertEquals(4, changes.duplicates());
    }

    @Test
    void anotherReadingWithAKnownTimestampIsReportedAndTheFirstOneKept() {
        MeterTimeline t = MeterTimeline.start(aBerthMeter(), rules());
        List<Reading> readings = aMeter().open("1.000").closed("2.000").readings();
        t.accept(readings);
        Reading known = readings.get(1);
        Reading other = new Reading(known.meter(), known.seq(), known.ts(), 9_000, null, true, null);

        SessionChanges changes = t.accept(List.of(other));

        assertEquals(List.of(other), changes.conflicting());
        assertEquals(known, t.readings().get(1));
        assertTrue(changes.touchesNoSession());
    }

    @Test
    void aReadingOfAnotherMeterIsRefused() {
        MeterTimeline t = MeterTimeline.start(aBerthMeter(), rules());
        Reading stranger = new Reading("CQ-GY-B02-M1", 0, MeterFixtures.T0, 0, null, null, null);
        assertThrows(IllegalArgumentException.class, () -> t.accept(List.of(stranger)));
    }

    @Test
    void liveReadingsCreateASessionAndThenChangeIt() {
        MeterTimeline t = MeterTimeline.start(aBerthMeter(), rules());
        List<Reading> r = aMeter().open("1.000")
                .closed("2.000")
                .closed("3.000")
                .open("3.100")
                .readings();

        assertTrue(t.accept(List.of(r.get(0))).touchesNoSession());
        SessionChanges opened = t.accept(List.of(r.get(1)));
        assertEquals(1, opened.created().size());
        assertEquals(SessionStatus.OPEN, opened.created().get(0).status());

        SessionChanges grown = t.accept(List.of(r.get(2)));
        assertEquals(List.of(), grown.created());
        assertEquals(2_000, grown.changed().get(0).energyWh());

        SessionChanges closed = t.accept(List.of(r.get(3)));
        assertEquals(SessionStatus.CLOSED, closed.changed().get(0).status());
        assertEquals(2_100, closed.changed().get(0).energyWh());
    }

    @Test
    void aLateBackfillAfterAnOutageMendsTheInterruptedSession() {
        History h = aLateBackfillAfterAnOutage();
        List<Reading> all = h.readings();
        List<Reading> live = new ArrayList<>(all);
        live.removeAll(outageOf(h));
        MeterTimeline t = MeterTimeline.start(aBerthMeter(), rules());

        t.accept(live);
        // the outage looks like a silence: an interrupted session, then another one
        assertEquals(2, t.sessions().size());
        Session interrupted = t.sessions().get(0);
        Session resumed = t.sessions().get(1);
        assertEquals(SessionStatus.INTERRUPTED, interrupted.status());
        assertEquals(2_000, interrupted.energyWh());
        assertEquals(1_500, resumed.energyWh());
        assertEquals(new EnergyBalance(54_500, 3_500, 51_000, 0), t.balance());

        SessionChanges backfill = t.accept(outageOf(h));

        assertEquals(List.of(), backfill.created());
        assertEquals(List.of(resumed.key()), backfill.removed());
        Session mended = backfill.changed().get(0);
        assertEquals(interrupted.key(), mended.key());
        assertEquals(SessionStatus.CLOSED, mended.status());
        assertEquals(54_500, mended.energyWh()); // 500.000 → 554.500, all of it in the session now
        assertEquals(54, mended.readingCount());
        assertEquals(new EnergyBalance(54_500, 54_500, 0, 0), t.balance());
        assertEquals(MeterTimeline.recompute(aBerthMeter(), rules(), all).sessions(), t.sessions());
    }

    @Test
    void aLateReadingBeforeTheSessionsStartMovesTheStartAndSoTheKey() {
        List<Reading> r = aMeter().open("1.000")
                .closed("1.500")
                .closed("2.000")
                .closed("2.500")
                .open("2.600")
                .readings();
        MeterTimeline t = MeterTimeline.start(aBerthMeter(), rules());
        t.accept(List.of(r.get(0), r.get(2), r.get(3), r.get(4)));
        Session.Key was = t.sessions().get(0).key();

        SessionChanges changes = t.accept(List.of(r.get(1)));

        assertEquals(List.of(was), changes.removed());
        assertEquals(r.get(1).ts(), changes.created().get(0).start());
        assertEquals(1_600, changes.created().get(0).energyWh());
    }

    @Test
    void aLateReadingInAnEarlierSessionLeavesLaterSessionsAlone() {
        List<Reading> r = aMeter().closed("1.000")
                .closed("2.000")
                .closed("3.000")
                .open("3.100")
                .closed("4.000")
                .closed("5.000")
                .open("5.100")
                .readings();
        MeterTimeline t = MeterTimeline.start(aBerthMeter(), rules());
        List<Reading> withoutOne = new ArrayList<>(r);
        withoutOne.remove(1);
        t.accept(withoutOne);

        SessionChanges changes = t.accept(List.of(r.get(1)));

        assertEquals(List.of(), changes.created());
        assertEquals(List.of(), changes.removed());
        assertEquals(1, changes.changed().size()); // the first session: one more reading, same energy
        assertEquals(3, changes.changed().get(0).readingCount());
        assertEquals(MeterTimeline.recompute(aBerthMeter(), rules(), r).sessions(), t.sessions());
    }

    @Test
    void aTimelineResumedFromItsCursorContinuesLikeTheWholeOne() {
        // supplying from 08:00, silent 08:01–08:40 so far, supplying again from 08:40
        List<Reading> r = aMeter().closed("1.000")
                .closed("2.000")
                .after(Duration.ofMinutes(19))
                .closed("20.000") // inside the silence: arrives only after the resume
                .after(Duration.ofMinutes(20))
                .closed("40.000")
                .closed("41.000")
                .closed("42.000")
                .readings();
        MeterTimeline whole = MeterTimeline.start(aBerthMeter(), rules());
        whole.accept(List.of(r.get(0), r.get(1), r.get(3), r.get(5)));
        whole.accept(List.of(r.get(4))); // late, inside the second session
        // still supplying before the silence: no idle point after the first reading's predecessor
        assertEquals(Optional.empty(), whole.resumableAfter());

        SessionChanges mended = whole.accept(List.of(r.get(2)));
        assertEquals(1, whole.sessions().size());
        assertEquals(1, mended.removed().size());
        assertEquals(41_000, whole.sessions().get(0).energyWh());

        // once the breaker opens, the next window can start there
        Reading opened = new Reading(MeterFixtures.METER, 7, r.get(5).ts().plusSeconds(60), 42_100, null, false, null);
        whole.accept(List.of(opened));
        assertEquals(Optional.of(opened.ts()), whole.resumableAfter());
        Reading later = new Reading(MeterFixtures.METER, 8, opened.ts().plusSeconds(60), 42_200, null, true, null);
        MeterTimeline resumed = MeterTimeline.resume(aBerthMeter(), rules(), opened, List.of());
        assertEquals(
                whole.accept(List.of(later)).created(),
                resumed.accept(List.of(later)).created());
        assertThrows(IllegalArgumentException.class, () -> resumed.accept(List.of(r.get(5))));
    }

    @Test
    void aDepartureKnownBeforeTheReadingsClosesTheSessionAsTheyArrive() {
        History h = aBreakerLeftClosedAfterTheShipLeft();
        Instant departure = h.at(3).plusSeconds(30);
        MeterTimeline t = MeterTimeline.start(aBerthMeter(), rules());
        assertTrue(t.replaceDepartures(List.of(departure)).touchesNoSession());

        List<Reading> r = h.readings();
        t.accept(r.subList(0, 4));
        assertEquals(SessionStatus.OPEN, t.sessions().get(0).status()); // not departed yet as far as it knows
        SessionChanges next = t.accept(r.subList(4, 5));

        Session closed = next.changed().get(0);
        assertEquals(SessionStatus.CLOSED, closed.status());
        assertTrue(closed.has(QualityFlag.CLOSED_AT_DEPARTURE));
        assertEquals(h.at(3), closed.end());
        assertEquals(h.at(4), next.created().get(0).start());
        t.accept(r.subList(5, r.size()));
        assertSameAsRecomputed(t, r, departure);
    }

    @Test
    void aDepartureRecordedLaterReDerivesFromTheSessionContainingIt() {
        // an earlier session, closed normally, that the departure does not touch
        History h = aMeter().open("1.000")
                .closed("1.500")
                .open("1.600")
                .open("1.610")
                .closed("2.000")
                .closed("3.000")
                .closed("4.000")
                .closed("5.000")
                .open("5.100");
        List<Reading> r = h.readings();
        MeterTimeline t = MeterTimeline.start(aBerthMeter(), rules());
        t.accept(r);
        assertEquals(2, t.sessions().size());
        Session earlier = t.sessions().get(0);
        Session spanning = t.sessions().get(1);

        Instant departure = h.at(5).plusSeconds(20);
        SessionChanges changes = t.replaceDepartures(List.of(departure));

        assertEquals(0, changes.accepted());
        assertEquals(List.of(), changes.removed());
        Session cut = changes.changed().get(0);
        assertEquals(List.of(cut), changes.changed()); // the earlier session is not reported
        assertEquals(spanning.key(), cut.key());
        assertEquals(h.at(5), cut.end());
        assertEquals(390 + 1_000, cut.energyWh());
        assertTrue(cut.has(QualityFlag.CLOSED_AT_DEPARTURE));
        Session after = changes.created().get(0);
        assertEquals(h.at(6), after.start());
        assertEquals(1_000 + 100, after.energyWh());
        assertEquals(earlier, t.sessions().get(0));
        // 1.000 kWh of the step across the departure left the sessions
        assertEquals(spanning.energyWh() - 1_000, cut.energyWh() + after.energyWh());
        assertSameAsRecomputed(t, r, departure);
    }

    @Test
    void aCorrectedDepartureReDerivesAgainAndARemovedOneUndoesItsEffect() {
        History h = aBreakerLeftClosedAfterTheShipLeft();
        List<Reading> r = h.readings();
        MeterTimeline t = MeterTimeline.start(aBerthMeter(), rules());
        t.accept(r);
        List<Session> without = t.sessions();
        t.replaceDepartures(List.of(h.at(4).plusSeconds(30)));
        assertEquals(h.at(4), t.sessions().get(0).end());
        Session.Key laterPart = t.sessions().get(1).key();

        // corrected earlier: the session ends a reading sooner, the part after it starts a reading sooner
        SessionChanges earlier = t.replaceDepartures(List.of(h.at(2).plusSeconds(30)));
        assertEquals(h.at(2), earlier.changed().get(0).end());
        assertEquals(h.at(3), earlier.created().get(0).start());
        assertEquals(List.of(laterPart), earlier.removed());
        assertSameAsRecomputed(t, r, h.at(2).plusSeconds(30));

        // corrected later: back past the reading it skipped
        SessionChanges later = t.replaceDepartures(List.of(h.at(3).plusSeconds(30)));
        assertEquals(h.at(3), later.changed().get(0).end());
        assertEquals(h.at(4), later.created().get(0).start());
        assertSameAsRecomputed(t, r, h.at(3).plusSeconds(30));

        // removed (the call was deactivated): one session again, as before any departure
        SessionChanges removed = t.replaceDepartures(List.of());
        assertEquals(List.of(without.get(0)), removed.changed());
        assertEquals(1, removed.removed().size());
        assertEquals(without, t.sessions());
        assertSameAsRecomputed(t, r);
    }

    @Test
    void aDepartureAfterTheLatestReadingWaitsForTheReadingsAfterIt() {
        History h = aBreakerLeftClosedAfterTheShipLeft();
        List<Reading> r = h.readings();
        MeterTimeline t = MeterTimeline.start(aBerthMeter(), rules());
        t.accept(r.subList(0, 4));

        assertTrue(t.replaceDepartures(List.of(h.at(3))).touchesNoSession()); // at the latest reading: not crossed
        assertEquals(SessionStatus.OPEN, t.sessions().get(0).status());
        t.accept(r.subList(4, r.size()));
        assertEquals(h.at(3), t.sessions().get(0).end());
        assertSameAsRecomputed(t, r, h.at(3));
    }

    @Test
    void aResumedTimelineTakesADepartureInsideItsWindow() {
        History h = aMeter().closed("1.000")
                .open("1.100") // idle after this reading: the cursor
                .closed("1.500")
                .closed("2.500")
                .closed("3.500")
                .open("3.600");
        List<Reading> r = h.readings();
        MeterTimeline whole = MeterTimeline.recompute(aBerthMeter(), rules(), r);
        assertEquals(Optional.of(h.at(5)), whole.resumableAfter());
        MeterTimeline resumed = MeterTimeline.resume(aBerthMeter(), rules(), r.get(1), r.subList(2, r.size()));

        Instant departure = h.at(3).plusSeconds(1);
        // the one inside the window cuts its session; the one before the window cannot touch it
        assertFalse(resumed.replaceDepartures(List.of(h.at(0), departure)).touchesNoSession());
        List<Session> expected =
                MeterTimeline.recompute(aBerthMeter(), rules(), r, List.of(h.at(0), departure)).sessions().stream()
                        .filter(s -> s.start().isAfter(h.at(1)))
                        .toList();
        assertEquals(expected, resumed.sessions());
        assertTrue(resumed.balance().isBalanced());
    }

    private static void assertSameAsRecomputed(MeterTimeline t, List<Reading> readings, Instant... departures) {
        MeterTimeline full = MeterTimeline.recompute(aBerthMeter(), rules(), readings, List.of(departures));
        assertEquals(full.sessions(), t.sessions());
        assertEquals(full.steps(), t.steps());
        assertEquals(full.balance(), t.balance());
        assertEquals(full.resumableAfter(), t.resumableAfter());
        assertTrue(t.balance().isBalanced());
    }

    /**
     * A checkpoint inside a session goes to the store as text and comes back exactly, a vessel field with the text's
     * own separators included; a timeline resumed there continues like the whole one.
     */
    @Test
    void aCheckpointInsideASessionRoundTripsThroughItsTextAndResumesThere() {
        String vessel = "41;3=456,789";
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            readings.add(new Reading(
                    MeterFixtures.METER,
                    i,
                    MeterFixtures.T0.plus(MeterFixtures.INTERVAL.multipliedBy(i)),
                    1_000_000L + 1_500L * i,
                    90.0 + i % 3,
                    true,
                    vessel));
        }
        MeterTimeline whole = MeterTimeline.start(aBerthMeter(), rules()).checkpointEvery(8);
        whole.accept(readings.subList(0, 30));
        MeterTimeline.Checkpoint checkpoint = whole.latestCheckpoint().orElseThrow();
        String text = checkpoint.encoded();
        MeterTimeline.Checkpoint read = MeterTimeline.Checkpoint.decode(checkpoint.at(), text);
        assertEquals(text, read.encoded());
        assertTrue(text.endsWith("=" + vessel), text);

        int at = readings.indexOf(readings.stream()
                .filter(r -> r.ts().equals(checkpoint.at()))
                .findFirst()
                .orElseThrow());
        MeterTimeline resumed = MeterTimeline.resumeInside(
                aBerthMeter(),
                rules(),
                readings.get(at),
                read,
                whole.resumableAfter().orElse(null),
                readings.subList(at + 1, 30),
                List.of(),
                8);
        whole.accept(readings.subList(30, 40));
        resumed.accept(readings.subList(30, 40));
        assertEquals(whole.sessions(), resumed.sessions());
        assertEquals(vessel, resumed.sessions().get(0).vessel());
        assertThrows(IllegalArgumentException.class, () -> MeterTimeline.Checkpoint.decode(checkpoint.at(), ""));
        assertThrows(IllegalArgumentException.class, () -> MeterTimeline.Checkpoint.decode(checkpoint.at(), "2;x"));
    }
}
