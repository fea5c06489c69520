package io.shoreloop.shorepower;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The readings, energy steps and sessions of one meter, kept up to date batch by batch.
 *
 * <p>Readings may come in any order and more than once. Identity is {@code (meter, ts)}: a repeat is dropped; a
 * different reading with a known timestamp is ignored and reported (the first one kept wins, as the store's unique
 * key does). Whatever the arrival order and the batch split, the timeline ends in the same state as
 * {@link #recompute} over the same set of readings and departures.
 *
 * <p>Departures of the calls at the meter's berth end sessions (see {@link SessionBuilder}). They may be known before
 * the readings around them arrive, or be recorded and corrected later: {@link #replaceDepartures} re-derives from
 * the start of the latest session that began at or before the earliest departure it adds, moves or removes, and
 * reports the sessions that differ, exactly as a late batch of readings does.
 *
 * <p>Work per batch: readings later than everything known continue the session state machine where it stopped
 * (constant work per reading); a batch reaching back in time re-derives from the start of the latest session that
 * began before its earliest reading, and nothing before it. {@link SessionChanges} lists exactly the sessions that
 * differ afterwards.
 *
 * <p>A timeline need not hold a meter's whole history. {@link #resumableAfter()} names the latest reading after
 * which the session state machine was idle (no session, no candidate); {@link #resume} rebuilds a timeline from that
 * reading and the ones after it, and it then behaves exactly like the full one for every later reading. A batch that
 * reaches back before the window needs a window that starts earlier, and so does a departure changed before it (an
 * idle point depends on the departures before it, not on those after it).
 *
 * <p>Memory stays bounded however long a session runs: every {@link #CHECKPOINT_EVERY} readings (or as
 * {@link #resume(MeterProfile, AccountingRules, Reading, Collection, Collection, int)} says; where no
 * candidate is pending) the timeline keeps the session state machine's state, and {@link #trim} forgets the readings
 * up to such a checkpoint, which becomes the window's floor. A late reading or a departure after the floor
 * re-derives from the latest checkpoint or session start before it; one before the floor needs a window that starts
 * earlier, as for a resumed timeline.
 *
 * <p>Not thread-safe: one meter's readings are processed by one thread at a time.
 */
public final class MeterTimeline {

    private final MeterProfile profile;
    private final AccountingRules rules;
    private final EnergyRules energy;

    private final TreeMap<Instant, Reading> readings = new TreeMap<>();
    private final TreeMap<Instant, EnergyStep> steps = new TreeMap<>();
    /** Step (by its end) → start of the session owning it; absent: unallocated. */
    private final Map<Instant, Instant> owner = new HashMap<>();

    private final TreeMap<Instant, Session> sessions = new TreeMap<>();
    /** Departures of the calls at the meter's berth; the session state machine reads them. */
    private final TreeSet<Instant> departures = new TreeSet<>();

    private long meteredWh;
    private long rejectedWh;
    private long unallocatedWh;

    private SessionBuilder tail;
    private List<Session> ended;

    /** Readings between two checkpoints, at most (see {@link #trim}). */
    static final int CHECKPOINT_EVERY = 256;

    private int checkpointEvery = CHECKPOINT_EVERY;
    /** The state machine's state after these readings (no candidate pending); the floor's, if trimmed, included. */
    private final TreeMap<Instant, SessionBuilder.Snapshot> checkpoints = new TreeMap<>();
    /** Readings replayed since the last checkpoint. */
    private int sinceCheckpoint;

    /** The reading before the window (known, not part of it), or {@code null} when the window is the whole history. */
    private Reading floor;
    /** Whether the state machine was idle after the floor (a resumed window), or inside a session (a trimmed one). */
    private boolean floorIdle = true;
    /** The latest idle point at or before the floor, or {@code null} (before the meter's first reading). */
    private Instant idleFloor;
    /** Energy of the sessions {@link #trim} forgot (they ended before the floor). */
    private long trimmedSessionWh;
    /**
     * Readings after which the state machine was idle (each depends only on the readings up to it and the departures
     * before it).
     */
    private final TreeSet<Instant> idleAfter = new TreeSet<>();

    private MeterTimeline(MeterProfile profile, AccountingRules rules, Reading floor, Collection<Instant> departures) {
        this.profile = profile;
        this.rules = rules;
        this.floor = floor;
        this.idleFloor = floor == null ? null : floor.ts();
        this.energy = new EnergyRules(profile, rules);
        this.departures.addAll(departures);
        this.tail = newBuilder();
    }

    /** An empty timeline for a meter (no departures known yet: see {@link #replaceDepartures}). */
    public static MeterTimeline start(MeterProfile profile, AccountingRules rules) {
        return new MeterTimeline(profile, rules, null, List.of());
    }

    /** The full recomputation: a new timeline fed all readings at once, with no departures. */
    public static MeterTimeline recompute(MeterProfile profile, AccountingRules rules, Collection<Reading> all) {
        return recompute(profile, rules, all, List.of());
    }

    /** The full recomputation: a new timeline that knows these departures, fed all readings at once. */
    public static MeterTimeline recompute(
            MeterProfile profile, AccountingRules rules, Collection<Reading> all, Collection<Instant> departures) {
        MeterTimeline timeline = new MeterTimeline(profile, rules, null, departures);
        timeline.accept(all);
        return timeline;
    }

    /**
     * A timeline of the readings after {@code floor}, where {@code floor} is a reading after which the state machine
     * was idle, as {@link #resumableAfter()} reported it. Its sessions, steps and balance cover the window only; for
     * every reading after {@code floor} it behaves like the timeline of the whole history.
     *
     * @param floor that reading, or {@code null} to start from the meter's first reading
     * @param window the readings after it (those before it are refused)
     */
    public static MeterTimeline resume(
            MeterProfile profile, AccountingRules rules, Reading floor, Collection<Reading> window) {
        return resume(profile, rules, floor, window, List.of());
    }

    /**
     * As {@link #resume(MeterProfile, AccountingRules, Reading, Collection)}, knowing these departures (those before
     * {@code floor} do not matter to the window).
     */
    public static MeterTimeline resume(
            MeterProfile profile,
            AccountingRules rules,
            Reading floor,
            Collection<Reading> window,
            Collection<Instant> departures) {
        return resume(profile, rules, floor, window, departures, CHECKPOINT_EVERY);
    }

    /**
     * As {@link #resume(MeterProfile, AccountingRules, Reading, Collection, Collection)}, keeping the state machine's
     * state every {@code checkpointEvery} readings (the window included), so that {@link #trim} can forget all but
     * about that many readings: a cache that keeps small windows needs frequent checkpoints.
     */
    public static MeterTimeline resume(
            MeterProfile profile,
            AccountingRules rules,
            Reading floor,
            Collection<Reading> window,
            Collection<Instant> departures,
            int checkpointEvery) {
        MeterTimeline timeline = new MeterTimeline(profile, rules, floor, departures).checkpointEvery(checkpointEvery);
        timeline.accept(window);
        return timeline;
    }

    /**
     * Takes a batch of readings of this meter (any order, duplicates and late ones welcome).
     *
     * @throws IllegalArgumentException if a reading names another meter
     */
    public SessionChanges accept(Collection<Reading> batch) {
        int duplicates = 0;
        List<Reading> conflicting = new ArrayList<>();
        Map<Instant, Reading> fresh = new TreeMap<>();
        for (Reading r : batch) {
            if (!profile.meter().equals(r.meter())) {
                throw new IllegalArgumentException("reading of " + r.meter() + " given to " + profile.meter());
            }
            Reading known = readings.get(r.ts());
            if (floor != null && !r.ts().isAfter(floor.ts())) {
                if (!r.ts().equals(floor.ts())) {
                    throw new IllegalArgumentException(
                            "reading at " + r.ts() + " is before the window, which starts after " + floor.ts());
                }
                known = floor;
            }
            if (known == null) {
                known = fresh.putIfAbsent(r.ts(), r);
                if (known == null) {
                    continue;
                }
            }
            if (known.equals(r)) {
                duplicates++;
            } else {
                conflicting.add(r);
            }
        }
        if (fresh.isEmpty()) {
            return new SessionChanges(List.of(), List.of(), List.of(), 0, duplicates, conflicting);
        }
        Instant earliest = fresh.keySet().iterator().next();
        boolean append = readings.isEmpty() || earliest.isAfter(readings.lastKey());
        Reading before = readings.isEmpty() ? floor : readings.lastEntry().getValue();
        readings.putAll(fresh);

        Map<Session.Key, Session> old = new HashMap<>();
        Iterator<Reading> replay;
        if (append) {
            Session open = tail.openSession();
            if (open != null) {
                old.put(open.key(), sessions.remove(open.start()));
            }
            replay = fresh.values().iterator();
        } else {
            Restart restart = restart(sessions.lowerEntry(earliest), checkpoints.lowerEntry(earliest), old);
            before = restart.before();
            replay = restart.replay();
        }
        return replay(before, replay, old, fresh.size(), duplicates, conflicting);
    }

    /**
     * Takes the departures of the calls at the meter's berth as they now stand (all of them: those known before are
     * dropped when absent) and re-derives from the start of the latest session that began at or before the earliest
     * departure added, moved or removed. A departure no step has crossed yet only waits for the readings after it. A
     * resumed timeline cannot see before its window: a change before its floor needs a window that starts
     * earlier (the caller resumes from an idle point at or before the change).
     */
    public SessionChanges replaceDepartures(Collection<Instant> replacement) {
        TreeSet<Instant> next = new TreeSet<>(replacement);
        TreeSet<Instant> changed = new TreeSet<>(departures);
        changed.addAll(next);
        changed.removeIf(d -> departures.contains(d) && next.contains(d));
        departures.clear();
        departures.addAll(next);
        if (readings.isEmpty()) {
            return SessionChanges.none();
        }
        // a step crosses a departure d when from <= d < to: nothing before the window's first step can be crossed,
        // and a departure at or after the latest reading has not been crossed yet
        Instant first = floor == null ? readings.firstKey() : floor.ts();
        Instant earliest = changed.ceiling(first);
        if (earliest == null || !earliest.isBefore(readings.lastKey())) {
            return SessionChanges.none();
        }
        Map<Session.Key, Session> old = new HashMap<>();
        // a checkpoint at the departure itself still holds: only a later step can cross it
        Restart restart = restart(sessions.floorEntry(earliest), checkpoints.floorEntry(earliest), old);
        return replay(restart.before(), restart.replay(), old, 0, 0, List.of());
    }

    /** Where a re-derivation starts: the reading before it, and the readings to feed. */
    private record Restart(Reading before, Iterator<Reading> replay) {}

    /**
     * Restarts the state machine at the later of two points: the start of {@code session} (the latest session that
     * began before what changed; a fresh state machine there), or {@code checkpoint} (the latest state kept before
     * it). Without a session in the window, the window's first reading counts as a start when the floor was idle.
     */
    private Restart restart(
            Map.Entry<Instant, Session> session,
            Map.Entry<Instant, SessionBuilder.Snapshot> checkpoint,
            Map<Session.Key, Session> old) {
        Instant anchor = null;
        if (session != null && (floor == null || session.getKey().isAfter(floor.ts()))) {
            anchor = session.getKey();
        } else if (session == null && floorIdle) {
            anchor = readings.firstKey();
        }
        if (checkpoint != null && (anchor == null || !checkpoint.getKey().isBefore(anchor))) {
            return restoreAt(checkpoint.getKey(), checkpoint.getValue(), old);
        }
        if (anchor == null) {
            throw new IllegalStateException("no point to re-derive from after " + floor.ts());
        }
        Reading before = restartAt(anchor, old);
        return new Restart(before, readings.tailMap(anchor, true).values().iterator());
    }

    /**
     * Forgets the sessions produced after {@code at} (into {@code old}), the one open there included, and takes the
     * state machine's state kept at {@code at}.
     */
    private Restart restoreAt(Instant at, SessionBuilder.Snapshot state, Map<Session.Key, Session> old) {
        NavigableMap<Instant, Session> stale = sessions.tailMap(at, false);
        stale.values().forEach(s -> old.put(s.key(), s));
        stale.clear();
        Instant open = state.openSessionStart();
        if (open != null) {
            Session s = sessions.remove(open);
            if (s != null) {
                old.put(s.key(), s);
            }
        }
        tail = newBuilder();
        tail.restore(state);
        idleAfter.tailSet(at, false).clear();
        checkpoints.tailMap(at, false).clear();
        sinceCheckpoint = 0;
        Reading before = floor != null && at.equals(floor.ts()) ? floor : readings.get(at);
        return new Restart(before, readings.tailMap(at, false).values().iterator());
    }

    /** The departures this timeline knows, in time order. */
    public NavigableSet<Instant> departures() {
        return Collections.unmodifiableNavigableSet(departures);
    }

    /**
     * Forgets the sessions from {@code anchor} on (into {@code old}) and restarts the state machine there: the
     * start of a session, or the first reading, where the state before is "off, no candidate". Returns the reading
     * before the anchor (or the floor).
     */
    private Reading restartAt(Instant anchor, Map<Session.Key, Session> old) {
        NavigableMap<Instant, Session> stale = sessions.tailMap(anchor, true);
        stale.values().forEach(s -> old.put(s.key(), s));
        stale.clear();
        tail = newBuilder();
        idleAfter.tailSet(anchor, true).clear();
        checkpoints.tailMap(anchor, true).clear();
        sinceCheckpoint = 0;
        Map.Entry<Instant, Reading> previous = readings.lowerEntry(anchor);
        return previous == null ? floor : previous.getValue();
    }

    private SessionChanges replay(
            Reading before,
            Iterator<Reading> replay,
            Map<Session.Key, Session> old,
            int accepted,
            int duplicates,
            List<Reading> conflicting) {
        ended = new ArrayList<>();
        Reading prev = before;
        while (replay.hasNext()) {
            Reading r = replay.next();
            EnergyStep step = energy.step(prev, r);
            replaceStep(step);
            tail.accept(r, step);
            if (tail.isIdle()) {
                idleAfter.add(r.ts());
            }
            if (++sinceCheckpoint >= checkpointEvery) {
                SessionBuilder.Snapshot state = tail.snapshot();
                if (state != null) {
                    checkpoints.put(r.ts(), state);
                    sinceCheckpoint = 0;
                }
            }
            prev = r;
        }
        List<Session> produced = ended;
        ended = null;
        Session open = tail.openSession();
        if (open != null) {
            produced.add(open);
        }
        List<Session> created = new ArrayList<>();
        List<Session> changed = new ArrayList<>();
        for (Session s : produced) {
            sessions.put(s.start(), s);
            Session was = old.remove(s.key());
            if (was == null) {
                created.add(s);
            } else if (!was.equals(s)) {
                changed.add(s);
            }
        }
        List<Session.Key> removed = new ArrayList<>(old.keySet());
        removed.sort(Comparator.naturalOrder());
        return new SessionChanges(created, changed, removed, accepted, duplicates, conflicting);
    }

    private SessionBuilder newBuilder() {
        return new SessionBuilder(profile.meter(), rules, departures, new SessionBuilder.Sink() {
            @Override
            public void own(Instant stepTo, Instant start) {
                setOwner(stepTo, start);
            }

            @Override
            public void ended(Session session) {
                ended.add(session);
            }
        });
    }

    private void replaceStep(EnergyStep step) {
        EnergyStep was = steps.put(step.to(), step);
        if (was != null) {
            meteredWh -= was.meteredWh();
            rejectedWh -= was.rejectedWh();
            if (owner.remove(step.to()) == null) {
                unallocatedWh -= was.countedWh();
            }
        }
        meteredWh += step.meteredWh();
        rejectedWh += step.rejectedWh();
        unallocatedWh += step.countedWh();
    }

    private void setOwner(Instant stepTo, Instant start) {
        long counted = steps.get(stepTo).countedWh();
        Instant was = start == null ? owner.remove(stepTo) : owner.put(stepTo, start);
        if (was == null && start != null) {
            unallocatedWh -= counted;
        } else if (was != null && start == null) {
            unallocatedWh += counted;
        }
    }

    public MeterProfile profile() {
        return profile;
    }

    public AccountingRules rules() {
        return rules;
    }

    /**
     * Forgets the oldest readings when the window holds more than {@code max}: up to the latest checkpoint that leaves
     * at least {@code keep} readings, which becomes the floor (with the sessions that ended before it; their energy
     * stays in the balance). Answers whether the window now holds at most {@code max} readings: {@code false} when no
     * checkpoint allows it (a candidate pending all along), and the caller then drops the timeline instead.
     */
    public boolean trim(int max, int keep) {
        if (readings.size() <= max) {
            return true;
        }
        Iterator<Instant> newest = readings.descendingKeySet().iterator();
        Instant keepFrom = null;
        for (int i = 0; i < Math.max(1, keep) && newest.hasNext(); i++) {
            keepFrom = newest.next();
        }
        Map.Entry<Instant, SessionBuilder.Snapshot> cut = checkpoints.lowerEntry(keepFrom);
        if (cut == null || (floor != null && !cut.getKey().isAfter(floor.ts()))) {
            return false;
        }
        Instant at = cut.getKey();
        Instant open = cut.getValue().openSessionStart();
        Instant idle = idleAfter.floor(at);
        if (idle != null) {
            idleFloor = idle;
        }
        Iterator<Map.Entry<Instant, Session>> before =
                sessions.headMap(at, true).entrySet().iterator();
        while (before.hasNext()) {
            Map.Entry<Instant, Session> e = before.next();
            if (!e.getKey().equals(open)) {
                trimmedSessionWh += e.getValue().energyWh();
                before.remove();
            }
        }
        floor = readings.get(at);
        floorIdle = open == null;
        readings.headMap(at, true).clear();
        steps.headMap(at, true).clear();
        owner.keySet().removeIf(to -> !to.isAfter(at));
        idleAfter.headSet(at, true).clear();
        checkpoints.headMap(at, false).clear();
        return readings.size() <= max;
    }

    /** Keeps a checkpoint every {@code n} readings from now on (tests use small ones). */
    MeterTimeline checkpointEvery(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a checkpoint every " + n + " readings");
        }
        this.checkpointEvery = n;
        return this;
    }

    /** The reading the window starts after, or {@code null} when it holds the meter's whole history. */
    public Instant windowFloor() {
        return floor == null ? null : floor.ts();
    }

    /** Whether the timeline holds a reading at this instant (in its window, or its floor). */
    public boolean knows(Instant ts) {
        return readings.containsKey(ts) || (floor != null && floor.ts().equals(ts));
    }

    /** How many readings the window holds. */
    public int size() {
        return readings.size();
    }

    /**
     * The sessions in the window, oldest first (after a {@link #trim}, the one open at the floor included); the last
     * one may be {@link SessionStatus#OPEN}.
     */
    public List<Session> sessions() {
        return List.copyOf(sessions.values());
    }

    /** The session with this start, if any. */
    public Optional<Session> session(Instant start) {
        return Optional.ofNullable(sessions.get(start));
    }

    /** The session owning the step that ends at this reading, if any. */
    public Optional<Session> sessionOwningStepTo(Instant readingTs) {
        Instant start = owner.get(readingTs);
        return start == null ? Optional.empty() : Optional.of(sessions.get(start));
    }

    /** All readings kept, in time order (one per timestamp). */
    public List<Reading> readings() {
        return List.copyOf(readings.values());
    }

    /** All energy steps, in time order (one per reading, ending at it). */
    public List<EnergyStep> steps() {
        return List.copyOf(steps.values());
    }

    /** Steps longer than the gap threshold, in time order. */
    public List<EnergyStep> gaps() {
        return steps.values().stream().filter(s -> s.has(QualityFlag.GAP)).toList();
    }

    /**
     * The latest reading after which the session state machine was idle: a timeline {@link #resume resumed} from it
     * continues exactly like this one for all later readings. Empty: only from the beginning of the window.
     */
    public Optional<Instant> resumableAfter() {
        if (!idleAfter.isEmpty()) {
            return Optional.of(idleAfter.last());
        }
        return Optional.ofNullable(idleFloor);
    }

    public Optional<Instant> lastReadingAt() {
        return readings.isEmpty() ? Optional.empty() : Optional.of(readings.lastKey());
    }

    /** Where the meter's energy went; see {@link EnergyBalance}. */
    public EnergyBalance balance() {
        long inSessions = trimmedSessionWh;
        for (Session s : sessions.values()) {
            inSessions += s.energyWh();
        }
        return new EnergyBalance(meteredWh, inSessions, unallocatedWh, rejectedWh);
    }
}
