package io.shoreloop.shorepower;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
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
 * <p>The window is kept as columns of primitives (the readings' fields, each one's step, its owner, whether the state
 * machine was idle after it, its checkpoint), so a cached timeline is a handful of arrays however many readings it
 * holds, not several objects per reading: the garbage collector neither copies nor marks readings that wait in a
 * cached window, and a batch that appends touches the end of each array only.
 *
 * <p>Not thread-safe: one meter's readings are processed by one thread at a time.
 */
public final class MeterTimeline {

    private final MeterProfile profile;
    private final AccountingRules rules;
    private final EnergyRules energy;
    private final String meter;

    // The window: readings 0..n-1 in time order, one per timestamp, as columns.
    private int n;
    private long[] sec = new long[0];
    private int[] nano = new int[0];
    private long[] seq = new long[0];
    private long[] register = new long[0];
    /** Power in kW, {@link Double#NaN} when the reading has none. */
    private double[] power = new double[0];
    /** Breaker: {@link #BREAKER_NONE}, 0 (open) or 1 (closed). */
    private byte[] breaker = new byte[0];
    /** Vessel named by the reading; {@code null} until a reading of the window names one. */
    private String[] vessel;

    // The step ending at reading i (from reading i-1, from the floor for i = 0, or the meter's first reading's).
    /** Counted Wh, or {@link #NO_STEP} for a reading merged in and not yet replayed. */
    private long[] counted = new long[0];

    private long[] rejected = new long[0];
    /** The step's quality flags, one bit per {@link QualityFlag#ordinal()}. */
    private byte[] flags = new byte[0];
    /** Start of the session owning the step, as epoch second and nano; {@link #NO_OWNER}: unallocated. */
    private long[] ownerSec = new long[0];

    private int[] ownerNano = new int[0];
    /** Whether the state machine was idle after reading i (depends only on the readings up to it and the departures before it). */
    private boolean[] idle = new boolean[0];
    /** The state machine's state after reading i (no candidate pending), kept every {@link #checkpointEvery}, or null. */
    private SessionBuilder.Snapshot[] checkpoint = new SessionBuilder.Snapshot[0];

    private static final long NO_STEP = -1;
    private static final long NO_OWNER = Long.MIN_VALUE;
    private static final byte BREAKER_NONE = -1;
    private static final QualityFlag[] FLAGS = QualityFlag.values();

    static {
        if (FLAGS.length > 8) {
            throw new ExceptionInInitializerError("a step's flags are kept in a byte");
        }
    }

    private final TreeMap<Instant, Session> sessions = new TreeMap<>();
    /** Energy of the sessions in {@link #sessions}. */
    private long sessionsWh;
    /** Departures of the calls at the meter's berth; the session state machine reads them. */
    private final TreeSet<Instant> departures = new TreeSet<>();

    private long meteredWh;
    private long rejectedWh;
    private long unallocatedWh;

    private SessionBuilder tail;
    private List<Session> ended;
    /** The reading being replayed (its step is the one the state machine usually decides on), or -1. */
    private int replaying = -1;
    /** The window's newest reading, or {@code null} when empty. */
    private Reading last;

    /** Readings between two checkpoints, at most (see {@link #trim}). */
    static final int CHECKPOINT_EVERY = 256;

    private int checkpointEvery = CHECKPOINT_EVERY;
    /** Readings replayed since the last checkpoint. */
    private int sinceCheckpoint;

    /** The reading before the window (known, not part of it), or {@code null} when the window is the whole history. */
    private Reading floor;
    /** The state machine's state after the floor, when {@link #trim} cut the window there; else {@code null}. */
    private SessionBuilder.Snapshot floorCheckpoint;
    /** Whether the state machine was idle after the floor (a resumed window), or inside a session (a trimmed one). */
    private boolean floorIdle = true;
    /** The latest idle point at or before the floor, or {@code null} (before the meter's first reading). */
    private Instant idleFloor;
    /** Energy of the sessions {@link #trim} forgot (they ended before the floor). */
    private long trimmedSessionWh;

    private MeterTimeline(MeterProfile profile, AccountingRules rules, Reading floor, Collection<Instant> departures) {
        this.profile = profile;
        this.rules = rules.forInterval(profile.reportingInterval());
        this.meter = profile.meter();
        this.floor = floor;
        this.idleFloor = floor == null ? null : floor.ts();
        this.energy = new EnergyRules(profile, this.rules);
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
     * The session state machine's state after the reading at {@code at}, inside a session (no candidate pending), as
     * the store keeps it so that a timeline can be resumed there ({@link #resumeInside}) instead of from the idle
     * point before the session, which a ship connected for hours puts hours of readings back.
     */
    record Checkpoint(Instant at, SessionBuilder.Snapshot state) {

        /** The state as text ({@link #decode} reads it). */
        String encoded() {
            return state.encode();
        }

        /** @throws IllegalArgumentException when the text is not a session state */
        static Checkpoint decode(Instant at, String text) {
            SessionBuilder.Snapshot state = SessionBuilder.Snapshot.decode(text);
            if (state.openSessionStart() == null) {
                throw new IllegalArgumentException("a checkpoint must be inside a session");
            }
            return new Checkpoint(at, state);
        }
    }

    /**
     * The latest checkpoint of the window inside a session that is later than the latest idle point (so that resuming
     * there reads fewer readings than from {@link #resumableAfter()}), or empty.
     */
    Optional<Checkpoint> latestCheckpoint() {
        Instant idle = resumableAfter().orElse(null);
        for (int i = n - 1; i >= 0; i--) {
            if (checkpoint[i] != null) {
                return inside(instantAt(i), checkpoint[i], idle);
            }
        }
        return floorCheckpoint == null ? Optional.empty() : inside(floor.ts(), floorCheckpoint, idle);
    }

    private static Optional<Checkpoint> inside(Instant at, SessionBuilder.Snapshot state, Instant idle) {
        return state.openSessionStart() == null || (idle != null && !at.isAfter(idle))
                ? Optional.empty()
                : Optional.of(new Checkpoint(at, state));
    }

    /**
     * A timeline of the readings after {@code floor}, the reading of a {@link #latestCheckpoint} taken by a timeline of
     * the same readings and departures: for every later reading it behaves like the timeline of the whole history.
     *
     * @param idleBefore that timeline's {@link #resumableAfter()} (the latest idle point, before the checkpoint), or
     *     {@code null}
     * @param window the readings after the floor
     */
    static MeterTimeline resumeInside(
            MeterProfile profile,
            AccountingRules rules,
            Reading floor,
            Checkpoint checkpoint,
            Instant idleBefore,
            Collection<Reading> window,
            Collection<Instant> departures,
            int checkpointEvery) {
        if (!floor.ts().equals(checkpoint.at())) {
            throw new IllegalArgumentException("the floor at " + floor.ts() + " is not the checkpoint's reading");
        }
        if (idleBefore != null && !idleBefore.isBefore(floor.ts())) {
            throw new IllegalArgumentException("an idle point at " + idleBefore + " is after the checkpoint");
        }
        MeterTimeline timeline = new MeterTimeline(profile, rules, floor, departures).checkpointEvery(checkpointEvery);
        timeline.floorCheckpoint = checkpoint.state();
        timeline.floorIdle = false;
        timeline.idleFloor = idleBefore;
        timeline.tail.restore(checkpoint.state());
        timeline.putSession(timeline.tail.openSession());
        timeline.accept(window);
        return timeline;
    }

    private static final Comparator<Reading> BY_TIME = Comparator.comparing(Reading::ts);

    /**
     * Takes a batch of readings of this meter (any order, duplicates and late ones welcome).
     *
     * @throws IllegalArgumentException if a reading names another meter
     */
    public SessionChanges accept(Collection<Reading> batch) {
        int duplicates = 0;
        List<Reading> conflicting = new ArrayList<>(0);
        List<Reading> fresh = new ArrayList<>(batch.size());
        Map<Instant, Reading> freshAt = batch.size() > 1 ? new HashMap<>() : null;
        for (Reading r : batch) {
            if (!meter.equals(r.meter())) {
                throw new IllegalArgumentException("reading of " + r.meter() + " given to " + meter);
            }
            Reading known;
            if (floor != null && !r.ts().isAfter(floor.ts())) {
                if (!r.ts().equals(floor.ts())) {
                    throw new IllegalArgumentException(
                            "reading at " + r.ts() + " is before the window, which starts after " + floor.ts());
                }
                known = floor;
            } else {
                int i = afterNewest(r.ts()) ? -1 : indexOf(r.ts()); // most are the newest
                known = i >= 0 ? readingAt(i) : null;
            }
            if (known == null) {
                known = freshAt == null ? null : freshAt.putIfAbsent(r.ts(), r);
                if (known == null) {
                    fresh.add(r);
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
            return new SessionChanges(List.of(), List.of(), List.of(), List.of(), 0, duplicates, conflicting);
        }
        if (!inTimeOrder(fresh)) {
            fresh.sort(BY_TIME);
        }
        Instant earliest = fresh.get(0).ts();
        Map<Session.Key, Session> old = new HashMap<>();
        if (afterNewest(earliest)) {
            // later than everything known: the state machine continues where it stopped
            Reading before = n == 0 ? floor : last;
            int from = n;
            Instant open = tail.openSessionStart();
            if (open != null) {
                Session was = removeSession(open);
                old.put(was.key(), was);
            }
            appendAll(fresh);
            return replay(from, before, fresh, old, fresh.size(), duplicates, conflicting);
        }
        mergeIn(fresh);
        int at = indexOf(earliest);
        Restart restart = restart(sessions.lowerEntry(earliest), checkpointBefore(at), old);
        return replay(restart.from(), restart.before(), null, old, fresh.size(), duplicates, conflicting);
    }

    private static boolean inTimeOrder(List<Reading> readings) {
        for (int i = 1; i < readings.size(); i++) {
            if (readings.get(i - 1).ts().isAfter(readings.get(i).ts())) {
                return false;
            }
        }
        return true;
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
        if (n == 0) {
            return SessionChanges.none();
        }
        // a step crosses a departure d when from <= d < to: nothing before the window's first step can be crossed,
        // and a departure at or after the latest reading has not been crossed yet
        Instant first = floor == null ? instantAt(0) : floor.ts();
        Instant earliest = changed.ceiling(first);
        if (earliest == null || compareAt(n - 1, earliest) <= 0) {
            return SessionChanges.none();
        }
        Map<Session.Key, Session> old = new HashMap<>();
        // a checkpoint at the departure itself still holds: only a later step can cross it
        Restart restart = restart(sessions.floorEntry(earliest), checkpointBefore(upperBound(earliest)), old);
        return replay(restart.from(), restart.before(), null, old, 0, 0, List.of());
    }

    /** Where a re-derivation starts: the index of the first reading to feed, and the reading before it. */
    private record Restart(int from, Reading before) {}

    /** The latest checkpoint among readings {@code 0..end-1}: its index, {@link #AT_FLOOR}, or {@link #NONE}. */
    private int checkpointBefore(int end) {
        for (int i = end - 1; i >= 0; i--) {
            if (checkpoint[i] != null) {
                return i;
            }
        }
        return floorCheckpoint != null ? AT_FLOOR : NONE;
    }

    private static final int AT_FLOOR = -1;
    private static final int NONE = -2;

    /**
     * Restarts the state machine at the later of two points: the start of {@code session} (the latest session that
     * began before what changed; a fresh state machine there), or the checkpoint at {@code checkpointAt} (the latest
     * state kept before it). Without a session in the window, the window's first reading counts as a start when the
     * floor was idle.
     */
    private Restart restart(Map.Entry<Instant, Session> session, int checkpointAt, Map<Session.Key, Session> old) {
        Instant anchor = null;
        if (session != null && (floor == null || session.getKey().isAfter(floor.ts()))) {
            anchor = session.getKey();
        } else if (session == null && floorIdle) {
            anchor = instantAt(0);
        }
        if (checkpointAt != NONE) {
            Instant at = checkpointAt == AT_FLOOR ? floor.ts() : instantAt(checkpointAt);
            if (anchor == null || !at.isBefore(anchor)) {
                return restoreAt(checkpointAt, at, old);
            }
        }
        if (anchor == null) {
            throw new IllegalStateException("no point to re-derive from after " + floor.ts());
        }
        return restartAt(indexOf(anchor), anchor, old);
    }

    /**
     * Forgets the sessions produced after the reading at {@code index} (into {@code old}), the one open there
     * included, and takes the state machine's state kept there.
     */
    private Restart restoreAt(int index, Instant at, Map<Session.Key, Session> old) {
        SessionBuilder.Snapshot state = index == AT_FLOOR ? floorCheckpoint : checkpoint[index];
        forgetSessions(sessions.tailMap(at, false), old);
        Instant open = state.openSessionStart();
        if (open != null) {
            Session s = removeSession(open);
            if (s != null) {
                old.put(s.key(), s);
            }
        }
        tail = newBuilder();
        tail.restore(state);
        sinceCheckpoint = 0;
        return new Restart(index + 1, index == AT_FLOOR ? floor : readingAt(index));
    }

    /**
     * Forgets the sessions from {@code anchor} on (into {@code old}) and restarts the state machine there: the
     * start of a session, or the first reading, where the state before is "off, no candidate".
     */
    private Restart restartAt(int index, Instant anchor, Map<Session.Key, Session> old) {
        forgetSessions(sessions.tailMap(anchor, true), old);
        tail = newBuilder();
        sinceCheckpoint = 0;
        return new Restart(index, index == 0 ? floor : readingAt(index - 1));
    }

    private void forgetSessions(NavigableMap<Instant, Session> stale, Map<Session.Key, Session> old) {
        for (Session s : stale.values()) {
            old.put(s.key(), s);
            sessionsWh -= s.energyWh();
        }
        stale.clear();
    }

    /** The departures this timeline knows, in time order. */
    public NavigableSet<Instant> departures() {
        return Collections.unmodifiableNavigableSet(departures);
    }

    /**
     * From when departures shape the sessions of the window from its floor on: the latest idle point at or before
     * the floor (a departure before it ended a session the window no longer holds; one after it, even before the
     * floor, could have ended the session still open at the floor), or {@code null} when every departure may (the
     * window holds the whole history, or no idle point is known).
     */
    public Instant departuresMatterFrom() {
        return floor == null ? null : idleFloor;
    }

    /**
     * Feeds readings {@code from..n-1} to the state machine after {@code before}: their steps, owners, idle points and
     * checkpoints are derived again ({@code given}: those readings as objects, when the caller has them).
     */
    private SessionChanges replay(
            int from,
            Reading before,
            List<Reading> given,
            Map<Session.Key, Session> old,
            int accepted,
            int duplicates,
            List<Reading> conflicting) {
        ended = new ArrayList<>();
        Reading prev = before;
        for (int i = from; i < n; i++) {
            Reading r = given != null ? given.get(i - from) : readingAt(i);
            EnergyStep step = energy.step(prev, r);
            replaying = i;
            setStep(i, step);
            tail.accept(r, step);
            idle[i] = tail.isIdle();
            checkpoint[i] = null;
            if (++sinceCheckpoint >= checkpointEvery) {
                SessionBuilder.Snapshot state = tail.snapshot();
                if (state != null) {
                    checkpoint[i] = state;
                    sinceCheckpoint = 0;
                }
            }
            prev = r;
        }
        replaying = -1;
        last = prev;
        List<Session> produced = ended;
        ended = null;
        Session open = tail.openSession();
        if (open != null) {
            produced.add(open);
        }
        List<Session> created = new ArrayList<>();
        List<Session> changed = new ArrayList<>();
        List<Session> replaced = new ArrayList<>();
        for (Session s : produced) {
            putSession(s);
            Session was = old.remove(s.key());
            if (was == null) {
                created.add(s);
            } else if (!was.equals(s)) {
                changed.add(s);
                replaced.add(was);
            }
        }
        List<Session.Key> removed = new ArrayList<>(old.keySet());
        removed.sort(Comparator.naturalOrder());
        replaced.addAll(old.values());
        return new SessionChanges(created, changed, removed, replaced, accepted, duplicates, conflicting);
    }

    private SessionBuilder newBuilder() {
        return new SessionBuilder(meter, rules, departures, new SessionBuilder.Sink() {
            @Override
            public void own(Instant stepTo, Instant start) {
                int i = replaying >= 0 && compareAt(replaying, stepTo) == 0 ? replaying : indexOf(stepTo);
                setOwner(i, start);
            }

            @Override
            public void ended(Session session) {
                ended.add(session);
            }
        });
    }

    /** The step ending at reading {@code i} is now this one, unallocated (the state machine decides its owner next). */
    private void setStep(int i, EnergyStep step) {
        if (counted[i] != NO_STEP) {
            meteredWh -= counted[i] + rejected[i];
            rejectedWh -= rejected[i];
            if (ownerSec[i] == NO_OWNER) {
                unallocatedWh -= counted[i];
            }
        }
        counted[i] = step.countedWh();
        rejected[i] = step.rejectedWh();
        byte bits = 0;
        for (QualityFlag f : step.flags()) {
            bits |= (byte) (1 << f.ordinal());
        }
        flags[i] = bits;
        ownerSec[i] = NO_OWNER;
        ownerNano[i] = 0;
        meteredWh += step.meteredWh();
        rejectedWh += step.rejectedWh();
        unallocatedWh += step.countedWh();
    }

    private void setOwner(int i, Instant start) {
        boolean was = ownerSec[i] != NO_OWNER;
        if (start == null) {
            ownerSec[i] = NO_OWNER;
            ownerNano[i] = 0;
        } else {
            ownerSec[i] = start.getEpochSecond();
            ownerNano[i] = start.getNano();
        }
        if (!was && start != null) {
            unallocatedWh -= counted[i];
        } else if (was && start == null) {
            unallocatedWh += counted[i];
        }
    }

    private void putSession(Session s) {
        Session was = sessions.put(s.start(), s);
        sessionsWh += s.energyWh() - (was == null ? 0 : was.energyWh());
    }

    private Session removeSession(Instant start) {
        Session was = sessions.remove(start);
        if (was != null) {
            sessionsWh -= was.energyWh();
        }
        return was;
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
        if (n <= max) {
            return true;
        }
        int keepFrom = Math.max(0, n - Math.max(1, keep));
        int cut = checkpointBefore(keepFrom);
        if (cut < 0) {
            return false;
        }
        Instant at = instantAt(cut);
        SessionBuilder.Snapshot state = checkpoint[cut];
        Instant open = state.openSessionStart();
        for (int i = cut; i >= 0; i--) {
            if (idle[i]) {
                idleFloor = instantAt(i);
                break;
            }
        }
        Iterator<Map.Entry<Instant, Session>> before =
                sessions.headMap(at, true).entrySet().iterator();
        while (before.hasNext()) {
            Map.Entry<Instant, Session> e = before.next();
            if (!e.getKey().equals(open)) {
                trimmedSessionWh += e.getValue().energyWh();
                sessionsWh -= e.getValue().energyWh();
                before.remove();
            }
        }
        floor = readingAt(cut);
        floorCheckpoint = state;
        floorIdle = open == null;
        // the steps up to the floor go with their readings; their energy stays in the balance
        dropFirst(cut + 1);
        return n <= max;
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
        if (n > 0 && afterNewest(ts)) {
            return false; // the floor is before the window
        }
        return indexOf(ts) >= 0 || (floor != null && floor.ts().equals(ts));
    }

    /** How many readings the window holds. */
    public int size() {
        return n;
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
        int i = indexOf(readingTs);
        if (i < 0 || ownerSec[i] == NO_OWNER) {
            return Optional.empty();
        }
        return Optional.of(sessions.get(Instant.ofEpochSecond(ownerSec[i], ownerNano[i])));
    }

    /** All readings kept, in time order (one per timestamp). */
    public List<Reading> readings() {
        List<Reading> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            all.add(readingAt(i));
        }
        return List.copyOf(all);
    }

    /** All energy steps, in time order (one per reading, ending at it). */
    public List<EnergyStep> steps() {
        List<EnergyStep> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            all.add(stepAt(i));
        }
        return List.copyOf(all);
    }

    /** Steps longer than the gap threshold, in time order. */
    public List<EnergyStep> gaps() {
        List<EnergyStep> gaps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if ((flags[i] & (1 << QualityFlag.GAP.ordinal())) != 0) {
                gaps.add(stepAt(i));
            }
        }
        return List.copyOf(gaps);
    }

    /**
     * The latest reading after which the session state machine was idle: a timeline {@link #resume resumed} from it
     * continues exactly like this one for all later readings. Empty: only from the beginning of the window.
     */
    public Optional<Instant> resumableAfter() {
        for (int i = n - 1; i >= 0; i--) {
            if (idle[i]) {
                return Optional.of(instantAt(i));
            }
        }
        return Optional.ofNullable(idleFloor);
    }

    public Optional<Instant> lastReadingAt() {
        return n == 0 ? Optional.empty() : Optional.of(last.ts());
    }

    /** Where the meter's energy went; see {@link EnergyBalance}. */
    public EnergyBalance balance() {
        return new EnergyBalance(meteredWh, trimmedSessionWh + sessionsWh, unallocatedWh, rejectedWh);
    }

    // --- the columns -------------------------------------------------------------------------------------------

    private Instant instantAt(int i) {
        return Instant.ofEpochSecond(sec[i], nano[i]);
    }

    private int compareAt(int i, Instant t) {
        int c = Long.compare(sec[i], t.getEpochSecond());
        return c != 0 ? c : Integer.compare(nano[i], t.getNano());
    }

    /** Whether {@code t} is after every reading of the window (always, when it is empty). */
    private boolean afterNewest(Instant t) {
        return n == 0 || compareAt(n - 1, t) < 0;
    }

    /** The index of the reading at {@code t}, or {@code -(insertion point) - 1}. */
    private int indexOf(Instant t) {
        int lo = 0;
        int hi = n - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = compareAt(mid, t);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    /** How many readings are at or before {@code t}. */
    private int upperBound(Instant t) {
        int i = indexOf(t);
        return i >= 0 ? i + 1 : -(i + 1);
    }

    private Reading readingAt(int i) {
        double kw = power[i];
        return new Reading(
                meter,
                seq[i],
                instantAt(i),
                register[i],
                Double.isNaN(kw) ? null : kw,
                breaker[i] == BREAKER_NONE ? null : breaker[i] == 1,
                vessel == null ? null : vessel[i]);
    }

    private EnergyStep stepAt(int i) {
        Instant to = instantAt(i);
        Instant from = i > 0 ? instantAt(i - 1) : floor == null ? null : floor.ts();
        if (from == null) {
            return EnergyStep.first(to);
        }
        Set<QualityFlag> set = EnumSet.noneOf(QualityFlag.class);
        for (QualityFlag f : FLAGS) {
            if ((flags[i] & (1 << f.ordinal())) != 0) {
                set.add(f);
            }
        }
        return new EnergyStep(from, to, counted[i], rejected[i], set);
    }

    private void appendAll(List<Reading> fresh) {
        ensureCapacity(n + fresh.size());
        for (Reading r : fresh) {
            put(n++, r);
        }
    }

    /** Merges readings in time order, none of them known, into the window (their steps to be derived). */
    private void mergeIn(List<Reading> fresh) {
        int k = fresh.size();
        ensureCapacity(n + k);
        int i = n - 1;
        int j = k - 1;
        for (int w = n + k - 1; j >= 0; w--) {
            Reading r = fresh.get(j);
            if (i >= 0 && compareAt(i, r.ts()) > 0) {
                move(i--, w);
            } else {
                put(w, r);
                j--;
            }
        }
        n += k;
    }

    private void put(int i, Reading r) {
        sec[i] = r.ts().getEpochSecond();
        nano[i] = r.ts().getNano();
        seq[i] = r.seq();
        register[i] = r.registerWh();
        power[i] = r.powerKw() == null ? Double.NaN : r.powerKw();
        breaker[i] = r.breakerClosed() == null ? BREAKER_NONE : (byte) (r.breakerClosed() ? 1 : 0);
        if (r.vessel() != null && vessel == null) {
            vessel = new String[sec.length];
        }
        if (vessel != null) {
            vessel[i] = r.vessel();
        }
        counted[i] = NO_STEP;
        rejected[i] = 0;
        flags[i] = 0;
        ownerSec[i] = NO_OWNER;
        ownerNano[i] = 0;
        idle[i] = false;
        checkpoint[i] = null;
    }

    private void move(int from, int to) {
        sec[to] = sec[from];
        nano[to] = nano[from];
        seq[to] = seq[from];
        register[to] = register[from];
        power[to] = power[from];
        breaker[to] = breaker[from];
        if (vessel != null) {
            vessel[to] = vessel[from];
        }
        counted[to] = counted[from];
        rejected[to] = rejected[from];
        flags[to] = flags[from];
        ownerSec[to] = ownerSec[from];
        ownerNano[to] = ownerNano[from];
        idle[to] = idle[from];
        checkpoint[to] = checkpoint[from];
    }

    /** Forgets readings {@code 0..k-1}; the arrays shrink when they are much larger than what is left. */
    private void dropFirst(int k) {
        int left = n - k;
        for (Object column : new Object[] {
            sec, nano, seq, register, power, breaker, counted, rejected, flags, ownerSec, ownerNano, idle, checkpoint
        }) {
            System.arraycopy(column, k, column, 0, left);
        }
        Arrays.fill(checkpoint, left, n, null);
        if (vessel != null) {
            System.arraycopy(vessel, k, vessel, 0, left);
            Arrays.fill(vessel, left, n, null);
        }
        n = left;
        if (sec.length > 3 * left + 16) {
            resize(2 * left + 16);
        }
    }

    private void ensureCapacity(int need) {
        if (need <= sec.length) {
            return;
        }
        resize(Math.max(need, Math.max(16, sec.length + (sec.length >> 1))));
    }

    /** Every column at this capacity (at least {@link #n}). */
    private void resize(int capacity) {
        sec = Arrays.copyOf(sec, capacity);
        nano = Arrays.copyOf(nano, capacity);
        seq = Arrays.copyOf(seq, capacity);
        register = Arrays.copyOf(register, capacity);
        power = Arrays.copyOf(power, capacity);
        breaker = Arrays.copyOf(breaker, capacity);
        vessel = vessel == null ? null : Arrays.copyOf(vessel, capacity);
        counted = Arrays.copyOf(counted, capacity);
        rejected = Arrays.copyOf(rejected, capacity);
        flags = Arrays.copyOf(flags, capacity);
        ownerSec = Arrays.copyOf(ownerSec, capacity);
        ownerNano = Arrays.copyOf(ownerNano, capacity);
        idle = Arrays.copyOf(idle, capacity);
        checkpoint = Arrays.copyOf(checkpoint, capacity);
    }
}
