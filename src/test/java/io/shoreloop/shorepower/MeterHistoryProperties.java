package io.shoreloop.shorepower;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;

/**
 * Properties over generated meter histories ({@link GeneratedHistory}): resets, rollovers, implausible jumps,
 * duplicates, gaps, outages, late and out-of-order delivery in random batches, and departures of the berth's calls
 * recorded before, between or after the readings around them (some corrected, some withdrawn). The seed in a failure
 * report reproduces the history: {@code GeneratedHistory.of(seed)}.
 */
class MeterHistoryProperties {

    private static final int TRIES = 1_000;

    /** R5: Σ session energy + unallocated + rejected = the energy the register revealed, exactly. */
    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void energyIsConservedExactly(@ForAll long seed) {
        GeneratedHistory h = GeneratedHistory.of(seed);
        MeterTimeline t = incrementally(h);

        EnergyBalance b = t.balance();
        long inSessions = t.sessions().stream().mapToLong(Session::energyWh).sum();
        assertEquals(h.meteredWh, inSessions + b.unallocatedWh() + b.rejectedWh(), h::toString);
        assertEquals(h.meteredWh, b.meteredWh(), h::toString);
        assertEquals(h.rejectedWh, b.rejectedWh(), h::toString);
        assertTrue(b.isBalanced(), h::toString);
    }

    /** Sessions do not overlap, and each reading and each step belongs to at most one session. */
    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void noReadingBelongsToTwoSessions(@ForAll long seed) {
        GeneratedHistory h = GeneratedHistory.of(seed);
        MeterTimeline t = incrementally(h);
        List<Session> sessions = t.sessions();
        List<Reading> readings = t.readings();

        for (int i = 1; i < sessions.size(); i++) {
            assertTrue(sessions.get(i - 1).end().isBefore(sessions.get(i).start()), h::toString);
        }
        int members = 0;
        for (Reading r : readings) {
            long owners = sessions.stream().filter(s -> isMember(s, r)).count();
            assertTrue(owners <= 1, h::toString);
            members += (int) owners;
        }
        assertEquals(members, sessions.stream().mapToInt(Session::readingCount).sum(), h::toString);
        for (EnergyStep step : t.steps()) {
            Optional<Session> owner = t.sessionOwningStepTo(step.to());
            owner.ifPresent(s -> {
                assertTrue(!step.to().isBefore(s.start()) || step.to().equals(s.start()), h::toString);
                assertTrue(!step.to().isAfter(s.end()), h::toString);
                assertTrue(!step.from().isBefore(s.meteredFrom()), h::toString);
            });
        }
        assertEquals(h.delivered, readings, h::toString);
    }

    /**
     * No session runs across a departure: none of its steps crosses one, and a session flagged
     * {@code CLOSED_AT_DEPARTURE} ends at the last reading before a departure.
     */
    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void noSessionSpansADeparture(@ForAll long seed) {
        GeneratedHistory h = GeneratedHistory.of(seed);
        MeterTimeline t = incrementally(h);
        for (Session s : t.sessions()) {
            for (Instant d : h.departures) {
                assertTrue(d.isBefore(s.meteredFrom()) || !d.isBefore(s.end()), () -> h + " " + s + " across " + d);
            }
            if (s.has(QualityFlag.CLOSED_AT_DEPARTURE)) {
                assertEquals(SessionStatus.CLOSED, s.status(), h::toString);
                Instant departure = h.departures.ceiling(s.end());
                Optional<Instant> next = t.readings().stream()
                        .map(Reading::ts)
                        .filter(ts -> ts.isAfter(s.end()))
                        .findFirst();
                assertTrue(departure != null && next.isPresent() && departure.isBefore(next.get()), h::toString);
            }
        }
        for (EnergyStep step : t.steps()) {
            if (step.from() == null || t.sessionOwningStepTo(step.to()).isEmpty()) {
                continue;
            }
            Instant d = h.departures.ceiling(step.from());
            assertTrue(d == null || !d.isBefore(step.to()), () -> h + " step " + step + " across " + d);
        }
    }

    /** Any arrival order and batch split ends where the full recomputation does; the reported changes add up. */
    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void incrementalProcessingEqualsFullRecomputation(@ForAll long seed) {
        GeneratedHistory h = GeneratedHistory.of(seed);
        MeterTimeline t = MeterTimeline.start(h.profile, h.rules);
        Map<Session.Key, Session> persisted = new TreeMap<>();
        h.deliverTo(t, changes -> {
            changes.removed().forEach(persisted::remove);
            changes.created().forEach(s -> assertTrue(persisted.put(s.key(), s) == null, h::toString));
            changes.changed().forEach(s -> assertTrue(persisted.put(s.key(), s) != null, h::toString));
        });
        MeterTimeline full = MeterTimeline.recompute(h.profile, h.rules, h.delivered, h.departures);

        assertEquals(full.sessions(), t.sessions(), h::toString);
        assertEquals(full.readings(), t.readings(), h::toString);
        assertEquals(full.steps(), t.steps(), h::toString);
        assertEquals(full.balance(), t.balance(), h::toString);
        assertEquals(full.resumableAfter(), t.resumableAfter(), h::toString);
        assertEquals(List.copyOf(persisted.values()), t.sessions(), h::toString);
    }

    /** No figure is ever negative, and the balance holds after every batch, not only at the end. */
    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void energyIsNeverNegative(@ForAll long seed) {
        GeneratedHistory h = GeneratedHistory.of(seed);
        MeterTimeline t = MeterTimeline.start(h.profile, h.rules);
        h.deliverTo(t, changes -> {
            EnergyBalance b = t.balance();
            assertTrue(b.meteredWh() >= 0 && b.unallocatedWh() >= 0 && b.rejectedWh() >= 0, h::toString);
            assertTrue(b.isBalanced(), h::toString);
            for (Session s : t.sessions()) {
                assertTrue(s.energyWh() >= 0 && s.rejectedWh() >= 0, h::toString);
            }
        });
        for (EnergyStep step : t.steps()) {
            assertTrue(step.countedWh() >= 0 && step.rejectedWh() >= 0, h::toString);
        }
    }

    /**
     * A timeline resumed from {@link MeterTimeline#resumableAfter()} with only the readings after it continues
     * exactly like the one that holds the whole history, late readings inside the window and a departure recorded
     * late inside it included.
     */
    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void aTimelineResumedFromItsCursorContinuesLikeTheWholeOne(@ForAll long seed) {
        GeneratedHistory h = GeneratedHistory.of(seed);
        List<Reading> all = h.delivered;
        Random rnd = new Random(seed);
        // known before the resume: everything up to a random time, and a random share of what comes after it
        int cut = rnd.nextInt(all.size() + 1);
        List<Reading> known = new ArrayList<>(all.subList(0, cut));
        List<Reading> rest = new ArrayList<>();
        for (Reading r : all.subList(cut, all.size())) {
            (rnd.nextBoolean() ? known : rest).add(r);
        }
        MeterTimeline whole = MeterTimeline.start(h.profile, h.rules);
        whole.replaceDepartures(h.departures);
        inRandomBatches(known, rnd, whole);
        // what arrives later must lie after the cursor (else a service resumes from an earlier point)
        while (true) {
            Optional<Instant> at = whole.resumableAfter();
            List<Reading> early = rest.stream()
                    .filter(r -> at.isPresent() && !r.ts().isAfter(at.get()))
                    .toList();
            if (early.isEmpty()) {
                break;
            }
            rest.removeAll(early);
            inRandomBatches(new ArrayList<>(early), rnd, whole);
        }
        Optional<Instant> cursor = whole.resumableAfter();
        Reading floor = cursor.map(ts -> find(all, ts)).orElse(null);
        MeterTimeline resumed =
                MeterTimeline.resume(h.profile, h.rules, floor, after(whole.readings(), cursor), h.departures);
        assertEquals(
                whole.sessions().stream()
                        .filter(s -> cursor.isEmpty() || s.start().isAfter(cursor.get()))
                        .toList(),
                resumed.sessions(),
                h::toString);

        // a departure recorded late, inside the window, and the rest of the readings
        if (!all.isEmpty()) {
            Instant last = all.get(all.size() - 1).ts();
            Instant start = cursor.orElse(all.get(0).ts());
            Instant late = start.plusMillis(
                    (long) (rnd.nextDouble() * (Duration.between(start, last).toMillis() + 1)));
            java.util.Set<Instant> departures = new java.util.TreeSet<>(h.departures);
            departures.add(late);
            whole.replaceDepartures(departures);
            resumed.replaceDepartures(departures);
        }
        inRandomBatches(rest, rnd, whole, resumed);

        List<Session> inWindow = whole.sessions().stream()
                .filter(s -> cursor.isEmpty() || s.start().isAfter(cursor.get()))
                .toList();
        assertEquals(inWindow, resumed.sessions(), h::toString);
        List<EnergyStep> stepsInWindow = whole.steps().stream()
                .filter(s -> cursor.isEmpty() || s.to().isAfter(cursor.get()))
                .toList();
        assertEquals(stepsInWindow, resumed.steps(), h::toString);
        assertTrue(resumed.balance().isBalanced(), h::toString);
    }

    /**
     * A timeline trimmed after every batch (checkpoints every few readings, a small bound), as the service keeps it,
     * reports exactly the changes and energy of the untrimmed one; whatever reaches before its floor (a late reading,
     * a departure recorded late) makes the service reload it from the store, here the readings delivered so far.
     */
    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void aTrimmedTimelineReportsWhatTheWholeOneDoes(@ForAll long seed) {
        keptAsTheServiceKeepsIt(seed, false);
    }

    /**
     * The same, with the timeline dropped at random after a batch (another instance stored the meter, the cache
     * dropped it, the service restarted) and resumed from the checkpoint the store keeps for it, its state as text,
     * when it has one (a session open since before the latest checkpoint), else from the store's whole history.
     */
    @Property(tries = TRIES, shrinking = ShrinkingMode.OFF)
    void aTimelineResumedFromItsStoredCheckpointReportsWhatTheWholeOneDoes(@ForAll long seed) {
        keptAsTheServiceKeepsIt(seed, true);
    }

    /** The property above does resume timelines from stored checkpoints (most histories hold long sessions). */
    @net.jqwik.api.Example
    void storedCheckpointsAreResumedFrom() {
        long before = RESUMED_INSIDE.get();
        for (long seed = 1; seed <= 50; seed++) {
            keptAsTheServiceKeepsIt(seed, true);
        }
        assertTrue(RESUMED_INSIDE.get() - before > 0, "timelines resumed from a stored checkpoint");
    }

    private static void keptAsTheServiceKeepsIt(long seed, boolean dropped) {
        GeneratedHistory h = GeneratedHistory.of(seed);
        Random rnd = new Random(seed);
        LAST.clear();
        int every = 1 + rnd.nextInt(6);
        int max = 2 + rnd.nextInt(40);
        int keep = 1 + rnd.nextInt(max);
        List<Reading> stored = new ArrayList<>();
        java.util.NavigableSet<Instant> recorded = new java.util.TreeSet<>();
        Map<Session.Key, Session> persisted = new TreeMap<>();
        long[] balance = new long[4];
        MeterTimeline t = MeterTimeline.start(h.profile, h.rules).checkpointEvery(every);
        int trims = 0;
        int resumedInside = 0;
        for (int i = 0; i <= h.batches.size(); i++) {
            java.util.NavigableSet<Instant> departures = h.departuresBefore.get(i);
            if (departures != null) {
                java.util.TreeSet<Instant> changed = new java.util.TreeSet<>(recorded);
                changed.addAll(departures);
                changed.removeIf(d -> recorded.contains(d) && departures.contains(d));
                if (!changed.isEmpty()
                        && t.windowFloor() != null
                        && changed.first().isBefore(t.windowFloor())) {
                    t = reloaded(h, stored, recorded, every);
                }
                apply(t, t.replaceDepartures(departures), persisted, balance, h);
                recorded.clear();
                recorded.addAll(departures);
            }
            if (i < h.batches.size()) {
                List<Reading> batch = h.batches.get(i);
                Instant floor = t.windowFloor();
                if (floor != null && batch.stream().anyMatch(r -> !r.ts().isAfter(floor))) {
                    t = reloaded(h, stored, recorded, every);
                }
                MeterTimeline current = t;
                apply(t, current.accept(batch), persisted, balance, h);
                batch.forEach(r -> {
                    if (stored.stream().noneMatch(x -> x.ts().equals(r.ts()))) {
                        stored.add(r);
                    }
                });
            }
            if (dropped && rnd.nextInt(3) == 0) {
                Optional<MeterTimeline.Checkpoint> checkpoint = t.latestCheckpoint();
                t = checkpoint.isPresent()
                        ? resumedInside(h, stored, recorded, every, checkpoint.get(), t.resumableAfter())
                        : reloaded(h, stored, recorded, every);
                resumedInside += checkpoint.isPresent() ? 1 : 0;
            }
            Instant before = t.windowFloor();
            if (!t.trim(max, keep)) {
                t = reloaded(h, stored, recorded, every);
            } else if (!java.util.Objects.equals(before, t.windowFloor())) {
                trims++;
            }
            assertTrue(t.size() <= max || t.windowFloor() == null, h::toString);
        }
        MeterTimeline full = MeterTimeline.recompute(h.profile, h.rules, h.delivered, h.departures);
        assertEquals(full.sessions(), List.copyOf(persisted.values()), () -> h + " trims=" + every + "/" + max);
        EnergyBalance b = full.balance();
        assertEquals(
                List.of(b.meteredWh(), b.sessionWh(), b.unallocatedWh(), b.rejectedWh()),
                List.of(balance[0], balance[1], balance[2], balance[3]),
                h::toString);
        assertEquals(full.resumableAfter(), t.resumableAfter(), h::toString);
        Instant floor = t.windowFloor();
        assertEquals(
                full.readings().stream()
                        .filter(r -> floor == null || r.ts().isAfter(floor))
                        .toList(),
                t.readings(),
                h::toString);
        assertEquals(
                full.steps().stream()
                        .filter(s -> floor == null || s.to().isAfter(floor))
                        .toList(),
                t.steps(),
                h::toString);
        if (h.delivered.size() > 3 * max) {
            // a timeline resumed from a checkpoint starts small: it need not have been trimmed since
            assertTrue(trims > 0 || t.windowFloor() == null || resumedInside > 0, h::toString);
        }
        RESUMED_INSIDE.addAndGet(resumedInside);
    }

    /** Timelines resumed from a stored checkpoint over all tries (the property's own check that it does). */
    static final java.util.concurrent.atomic.AtomicLong RESUMED_INSIDE = new java.util.concurrent.atomic.AtomicLong();

    /**
     * What the service does on a cache miss when the store keeps a checkpoint: the floor reading and the readings after
     * it from the store, the state from its text.
     */
    private static MeterTimeline resumedInside(
            GeneratedHistory h,
            List<Reading> stored,
            java.util.NavigableSet<Instant> departures,
            int every,
            MeterTimeline.Checkpoint checkpoint,
            Optional<Instant> idle) {
        MeterTimeline.Checkpoint read = MeterTimeline.Checkpoint.decode(checkpoint.at(), checkpoint.encoded());
        assertEquals(checkpoint.encoded(), read.encoded(), h::toString);
        List<Reading> window = stored.stream()
                .filter(r -> r.ts().isAfter(checkpoint.at()))
                .sorted(java.util.Comparator.comparing(Reading::ts))
                .toList();
        MeterTimeline t = MeterTimeline.resumeInside(
                h.profile, h.rules, find(stored, checkpoint.at()), read, idle.orElse(null), window, departures, every);
        LAST.put(t, t.balance());
        return t;
    }

    /** The delivered changes applied to the "store", and the balance moved by the change in the timeline's own. */
    private static void apply(
            MeterTimeline t,
            SessionChanges changes,
            Map<Session.Key, Session> persisted,
            long[] balance,
            GeneratedHistory h) {
        changes.removed().forEach(persisted::remove);
        changes.created().forEach(s -> assertTrue(persisted.put(s.key(), s) == null, h::toString));
        changes.changed().forEach(s -> assertTrue(persisted.put(s.key(), s) != null, h::toString));
        EnergyBalance now = t.balance();
        // the balance is cumulative per timeline object: remember where this one stood
        EnergyBalance was = LAST.getOrDefault(t, new EnergyBalance(0, 0, 0, 0));
        LAST.put(t, now);
        balance[0] += now.meteredWh() - was.meteredWh();
        balance[1] += now.sessionWh() - was.sessionWh();
        balance[2] += now.unallocatedWh() - was.unallocatedWh();
        balance[3] += now.rejectedWh() - was.rejectedWh();
    }

    private static final Map<MeterTimeline, EnergyBalance> LAST = new java.util.IdentityHashMap<>();

    /** What the service does when a timeline cannot take what came: the whole stored history again. */
    private static MeterTimeline reloaded(
            GeneratedHistory h, List<Reading> stored, java.util.NavigableSet<Instant> departures, int every) {
        MeterTimeline t = MeterTimeline.start(h.profile, h.rules).checkpointEvery(every);
        t.replaceDepartures(departures);
        t.accept(stored);
        LAST.put(t, t.balance());
        return t;
    }

    private static void inRandomBatches(List<Reading> readings, Random rnd, MeterTimeline... timelines) {
        Collections.shuffle(readings, rnd);
        for (int i = 0; i < readings.size(); ) {
            List<Reading> batch = readings.subList(i, Math.min(readings.size(), i + 1 + rnd.nextInt(20)));
            for (MeterTimeline t : timelines) {
                t.accept(batch);
            }
            i += batch.size();
        }
    }

    private static Reading find(List<Reading> readings, Instant ts) {
        return readings.stream().filter(r -> r.ts().equals(ts)).findFirst().orElseThrow();
    }

    private static List<Reading> after(List<Reading> readings, Optional<Instant> cursor) {
        return readings.stream()
                .filter(r -> cursor.isEmpty() || r.ts().isAfter(cursor.get()))
                .toList();
    }

    private static MeterTimeline incrementally(GeneratedHistory h) {
        MeterTimeline t = MeterTimeline.start(h.profile, h.rules);
        h.deliverTo(t, changes -> {});
        return t;
    }

    /**
     * A reading is a session's member from its start up to (not including) the closing reading; a session closed at a
     * departure (or interrupted, or open) ends at a reading of its own.
     */
    private static boolean isMember(Session s, Reading r) {
        if (r.ts().isBefore(s.start())) {
            return false;
        }
        return s.status() == SessionStatus.CLOSED && !s.has(QualityFlag.CLOSED_AT_DEPARTURE)
                ? r.ts().isBefore(s.end())
                : !r.ts().isAfter(s.end());
    }
}
