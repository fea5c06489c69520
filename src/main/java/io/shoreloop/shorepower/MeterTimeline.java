package io.shoreloop.shorepower;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The readings, energy steps and sessions of one meter, kept up to date batch by batch.
 *
 * <p>Readings may come in any order and more than once. Identity is {@code (meter, ts)}: a repeat is dropped; a
 * different reading with a known timestamp is ignored and reported (the first one kept wins, as the store's unique
 * key does). Whatever the arrival order and the batch split, the timeline ends in the same state as
 * {@link #recompute} over the same set of readings.
 *
 * <p>Work per batch: readings later than everything known continue the session state machine where it stopped
 * (constant work per reading); a batch reaching back in time re-derives from the start of the latest session that
 * began before its earliest reading, and nothing before it. {@link SessionChanges} lists exactly the sessions that
 * differ afterwards.
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

    private long meteredWh;
    private long rejectedWh;
    private long unallocatedWh;

    private SessionBuilder tail;
    private List<Session> ended;

    private MeterTimeline(MeterProfile profile, AccountingRules rules) {
        this.profile = profile;
        this.rules = rules;
        this.energy = new EnergyRules(profile, rules);
        this.tail = newBuilder();
    }

    /** An empty timeline for a meter. */
    public static MeterTimeline start(MeterProfile profile, AccountingRules rules) {
        return new MeterTimeline(profile, rules);
    }

    /** The full recomputation: a new timeline fed all readings at once. */
    public static MeterTimeline recompute(MeterProfile profile, AccountingRules rules, Collection<Reading> all) {
        MeterTimeline timeline = new MeterTimeline(profile, rules);
        timeline.accept(all);
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
        Reading before = readings.isEmpty() ? null : readings.lastEntry().getValue();
        readings.putAll(fresh);

        Map<Session.Key, Session> old = new HashMap<>();
        ended = new ArrayList<>();
        Iterator<Reading> replay;
        if (append) {
            Session open = tail.openSession();
            if (open != null) {
                old.put(open.key(), sessions.remove(open.start()));
            }
            replay = fresh.values().iterator();
        } else {
            Map.Entry<Instant, Session> anchorSession = sessions.lowerEntry(earliest);
            Instant anchor = anchorSession == null ? readings.firstKey() : anchorSession.getKey();
            NavigableMap<Instant, Session> stale = sessions.tailMap(anchor, true);
            stale.values().forEach(s -> old.put(s.key(), s));
            stale.clear();
            tail = newBuilder();
            Map.Entry<Instant, Reading> previous = readings.lowerEntry(anchor);
            before = previous == null ? null : previous.getValue();
            replay = readings.tailMap(anchor, true).values().iterator();
        }
        Reading prev = before;
        while (replay.hasNext()) {
            Reading r = replay.next();
            EnergyStep step = energy.step(prev, r);
            replaceStep(step);
            tail.accept(r, step);
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
        return new SessionChanges(created, changed, removed, fresh.size(), duplicates, conflicting);
    }

    private SessionBuilder newBuilder() {
        return new SessionBuilder(profile.meter(), rules, new SessionBuilder.Sink() {
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

    /** All sessions, oldest first; the last one may be {@link SessionStatus#OPEN}. */
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

    public Optional<Instant> lastReadingAt() {
        return readings.isEmpty() ? Optional.empty() : Optional.of(readings.lastKey());
    }

    /** Where the meter's energy went; see {@link EnergyBalance}. */
    public EnergyBalance balance() {
        long inSessions = 0;
        for (Session s : sessions.values()) {
            inSessions += s.energyWh();
        }
        return new EnergyBalance(meteredWh, inSessions, unallocatedWh, rejectedWh);
    }
}
