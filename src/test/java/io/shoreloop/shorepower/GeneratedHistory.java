package io.shoreloop.shorepower;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableSet;
import java.util.Random;
import java.util.TreeSet;

/**
 * A random meter history whose true energy is known, and a random way for it to arrive.
 *
 * <p>The generator simulates a ship's load (standby and supply periods), the meter's register (with resets,
 * rollovers at the modulus and implausible jumps), readings that never arrive (short gaps and outages longer than the
 * silence timeout), and delivery with duplicates, late readings, backfills and random batch splits. It knows what
 * the register revealed between consecutive delivered readings ({@link #meteredWh}) and which part of it was an
 * injected jump ({@link #rejectedWh}).
 *
 * <p>To keep that truth knowable, the generator only makes what a meter can make distinguishable: a reset happens
 * far from the modulus, with the register above 2 kWh, and leaves at most 1 kWh on the new register; a jump is larger
 * than the berth could supply; and the readings on either side of a reset or jump always arrive (a reset hidden
 * inside an outage is indistinguishable from a rollover or a drop, by any rule).
 *
 * <p>Calls at the meter's berth depart at random instants, some exactly at a reading, some inside a supply period or
 * an outage; each departure is recorded at a random point of the delivery (before the readings around it, or long
 * after), some first at a wrong time and corrected later, and a departure that never happened is sometimes recorded
 * and withdrawn. {@link #departures} is what is finally recorded; {@link #deliverTo} replays readings and departures
 * in their order of arrival. The departures come from a random stream of their own, so a seed's readings and
 * batches are those it had before departures were generated.
 */
final class GeneratedHistory {

    enum Kind {
        BREAKER,
        POWER_ONLY,
        REGISTER_ONLY
    }

    static final long CAPACITY_VA = 400_000;
    static final long MODULUS_WH = 10_000_000;
    static final String SHIP = "413456789";
    static final String OTHER_SHIP = "477123456";

    final long seed;
    final Kind kind;
    final MeterProfile profile;
    final AccountingRules rules;
    /** The readings that arrive, once each, in time order. */
    final List<Reading> delivered = new ArrayList<>();
    /** How they arrive: duplicates, late and out of order, in batches. */
    final List<List<Reading>> batches = new ArrayList<>();
    /** The departures of calls at the meter's berth, as finally recorded. */
    final NavigableSet<Instant> departures = new TreeSet<>();
    /**
     * For {@code i} in {@code 0 .. batches.size()}: the departures as recorded just before batch {@code i} (after the
     * last one for {@code i == batches.size()}), or {@code null} where the record did not change.
     */
    final List<NavigableSet<Instant>> departuresBefore = new ArrayList<>();

    long meteredWh;
    long rejectedWh;
    int resets;
    int jumps;

    private GeneratedHistory(long seed) {
        this.seed = seed;
        Random rnd = new Random(seed);
        this.kind = Kind.values()[rnd.nextInt(Kind.values().length)];
        Long modulus = rnd.nextBoolean() ? MODULUS_WH : null;
        this.profile = new MeterProfile(MeterFixtures.METER, CAPACITY_VA, modulus, Duration.ofMinutes(1));
        this.rules = AccountingRules.defaults()
                .withSustain(rnd.nextBoolean() ? Duration.ZERO : Duration.ofMinutes(2))
                .withSilenceTimeout(Duration.ofMinutes(30));
        simulate(rnd, modulus);
        arrive(rnd);
        depart(new Random(~seed * 31 + 17));
    }

    static GeneratedHistory of(long seed) {
        return new GeneratedHistory(seed);
    }

    private void simulate(Random rnd, Long modulus) {
        int n = 2 + rnd.nextInt(300);
        long register =
                modulus != null && rnd.nextBoolean() ? modulus - 1 - rnd.nextInt(60_000) : rnd.nextInt(5_000_000);
        Instant ts = MeterFixtures.T0;
        boolean supplying = rnd.nextBoolean();
        int periodLeft = 1 + rnd.nextInt(40);
        String vessel = null;

        List<Reading> all = new ArrayList<>();
        long[] registered = new long[n];
        long[] rejected = new long[n];
        boolean[] pinned = new boolean[n];
        long seq = 0;
        for (int k = 0; k < n; k++) {
            long powerW;
            if (k > 0) {
                Instant next = ts.plusSeconds(55 + rnd.nextInt(11));
                long ms = Duration.between(ts, next).toMillis();
                ts = next;
                if (--periodLeft <= 0) {
                    supplying = !supplying;
                    periodLeft = 1 + rnd.nextInt(40);
                    vessel = supplying ? pickVessel(rnd) : null;
                }
                if (supplying && rnd.nextDouble() < 0.01) {
                    vessel = OTHER_SHIP; // a plug or card reader that misread the ship
                }
                powerW = supplying ? 40_000 + rnd.nextInt(310_000) : rnd.nextInt(2_000);
                long consumed = powerW * ms / 3_600_000;
                double event = rnd.nextDouble();
                boolean farFromModulus = modulus == null || modulus - register > 5_000_000;
                if (event < 0.02 && register > 2_000 && farFromModulus) {
                    long after = rnd.nextInt((int) Math.min(consumed, 1_000) + 1);
                    register = after;
                    registered[k] = after;
                    pinned[k - 1] = pinned[k] = true;
                    resets++;
                } else if (event < 0.03 && farFromModulus) {
                    long jump = 20_000 + rnd.nextInt(1_000_000);
                    register += consumed + jump;
                    registered[k] = consumed + jump;
                    rejected[k] = consumed + jump;
                    pinned[k - 1] = pinned[k] = true;
                    jumps++;
                } else {
                    register += consumed;
                    if (modulus != null && register >= modulus) {
                        register -= modulus;
                    }
                    registered[k] = consumed;
                }
            } else {
                powerW = supplying ? 100_000 : 500;
            }
            Boolean breaker = kind == Kind.BREAKER ? supplying : null;
            Double kw = kind == Kind.POWER_ONLY ? powerW / 1000.0 : null;
            all.add(new Reading(MeterFixtures.METER, seq++, ts, register, kw, breaker, vessel));
        }

        // readings that never arrive: short gaps and long outages, never next to a reset or a jump
        boolean[] lost = new boolean[n];
        for (int k = 0; k < n; k++) {
            if (!pinned[k] && rnd.nextDouble() < 0.03) {
                int length = rnd.nextInt(4) == 0 ? 20 + rnd.nextInt(60) : 1 + rnd.nextInt(5);
                for (int j = k; j < n && j < k + length && !pinned[j]; j++) {
                    lost[j] = true;
                }
            }
        }
        int first = -1;
        for (int k = 0; k < n; k++) {
            if (lost[k]) {
                continue;
            }
            delivered.add(all.get(k));
            if (first < 0) {
                first = k;
            }
        }
        // the truth: what the register revealed after the first delivered reading, up to the last one
        int last = -1;
        for (int k = n - 1; k >= 0 && last < 0; k--) {
            if (!lost[k]) {
                last = k;
            }
        }
        for (int k = first + 1; k <= last && first >= 0; k++) {
            meteredWh += registered[k];
            rejectedWh += rejected[k];
        }
    }

    private static String pickVessel(Random rnd) {
        int pick = rnd.nextInt(10);
        return pick < 5 ? null : pick < 9 ? SHIP : OTHER_SHIP;
    }

    private void arrive(Random rnd) {
        List<Reading> arrivals = new ArrayList<>();
        for (Reading r : delivered) {
            arrivals.add(r);
            if (rnd.nextDouble() < 0.1) {
                arrivals.add(r); // QoS 1 redelivery
            }
        }
        switch (rnd.nextInt(4)) {
            case 0 -> {} // in order
            case 1 -> Collections.shuffle(arrivals, rnd);
            case 2 -> { // outages: chunks held back and backfilled later
                List<Reading> held = new ArrayList<>();
                List<Reading> live = new ArrayList<>();
                int i = 0;
                while (i < arrivals.size()) {
                    int chunk = 1 + rnd.nextInt(30);
                    List<Reading> part = arrivals.subList(i, Math.min(arrivals.size(), i + chunk));
                    (rnd.nextInt(3) == 0 ? held : live).addAll(part);
                    i += chunk;
                }
                arrivals = new ArrayList<>(live);
                arrivals.addAll(held);
            }
            default -> { // mostly in order, some readings late
                for (int i = 0; i < arrivals.size(); i++) {
                    if (rnd.nextDouble() < 0.1) {
                        int j = i + rnd.nextInt(arrivals.size() - i);
                        arrivals.add(j, arrivals.remove(i));
                    }
                }
            }
        }
        int i = 0;
        int maxBatch = 1 + rnd.nextInt(60);
        while (i < arrivals.size()) {
            int size = 1 + rnd.nextInt(maxBatch);
            batches.add(List.copyOf(arrivals.subList(i, Math.min(arrivals.size(), i + size))));
            i += size;
        }
    }

    private record Recording(int at, Instant add, Instant remove) {}

    private void depart(Random rnd) {
        for (int i = 0; i <= batches.size(); i++) {
            departuresBefore.add(null);
        }
        if (delivered.isEmpty()) {
            return;
        }
        Instant from = delivered.get(0).ts().minus(Duration.ofMinutes(2));
        long spanMs =
                Duration.between(from, delivered.get(delivered.size() - 1).ts()).toMillis() + 240_000;
        int count = rnd.nextInt(5);
        for (int i = 0; i < count; i++) {
            departures.add(
                    rnd.nextInt(4) == 0
                            ? delivered.get(rnd.nextInt(delivered.size())).ts()
                            : from.plusMillis((long) (rnd.nextDouble() * spanMs)));
        }
        List<Recording> recordings = new ArrayList<>();
        for (Instant d : departures) {
            int at = rnd.nextInt(batches.size() + 1);
            Instant wrong = d.plusSeconds(rnd.nextInt(3_601) - 1_800);
            if (rnd.nextInt(4) == 0 && !departures.contains(wrong)) { // first recorded wrongly, corrected later
                recordings.add(new Recording(rnd.nextInt(at + 1), wrong, null));
                recordings.add(new Recording(at, d, wrong));
            } else {
                recordings.add(new Recording(at, d, null));
            }
        }
        Instant never = from.plusMillis((long) (rnd.nextDouble() * spanMs));
        if (rnd.nextInt(4) == 0 && !departures.contains(never)) { // recorded, then the call was withdrawn
            int at = rnd.nextInt(batches.size() + 1);
            recordings.add(new Recording(at, never, null));
            recordings.add(new Recording(at + rnd.nextInt(batches.size() + 1 - at), null, never));
        }
        recordings.sort(java.util.Comparator.comparingInt(Recording::at)); // stable: a correction after its error
        NavigableSet<Instant> recorded = new TreeSet<>();
        for (Recording r : recordings) {
            if (r.remove() != null) {
                recorded.remove(r.remove());
            }
            if (r.add() != null) {
                recorded.add(r.add());
            }
            departuresBefore.set(r.at(), new TreeSet<>(recorded));
        }
        if (!recorded.equals(departures)) {
            throw new IllegalStateException("the recordings end elsewhere: " + recorded + " ≠ " + departures);
        }
    }

    /** Feeds readings and departures to the timeline in their order of arrival; reports each answer. */
    void deliverTo(MeterTimeline timeline, java.util.function.Consumer<SessionChanges> changes) {
        for (int i = 0; i <= batches.size(); i++) {
            if (departuresBefore.get(i) != null) {
                changes.accept(timeline.replaceDepartures(departuresBefore.get(i)));
            }
            if (i < batches.size()) {
                changes.accept(timeline.accept(batches.get(i)));
            }
        }
    }

    @Override
    public String toString() {
        return "GeneratedHistory[seed=" + seed + ", kind=" + kind + ", readings=" + delivered.size() + ", batches="
                + batches.size() + ", resets=" + resets + ", jumps=" + jumps + ", metered=" + meteredWh
                + ", departures=" + departures + "]";
    }
}
