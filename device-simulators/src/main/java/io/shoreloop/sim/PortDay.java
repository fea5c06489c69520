package io.shoreloop.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shoreloop.sim.Topology.MeterSpec;
import io.shoreloop.sim.Topology.VesselSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A simulated port day, computed completely before anything is sent: the call schedule, the physical power and
 * energy at every meter tick, each meter's register and sequence numbers (with reboots and rollovers), and the
 * delivery (duplicates, late and out-of-order readings, outages with backfill, clock skew, bad messages). The
 * result is a time-ordered list of {@link Outgoing} actions and the ground truth. Pure function of the
 * configuration and the topology: the same seed gives the same messages and the same ground truth.
 *
 * <p>Energy model: the register only advances over an interval whose both ends see the breaker closed; a session
 * runs from the first reading with the breaker closed to the first reading with it open. So every register
 * increase lies inside exactly one session, whatever rule a consumer uses for the boundary steps. A reboot happens
 * at the start of an interval: the register restarts from zero and the reading after it shows that interval's
 * energy, so "after a reset, the new value is the energy since the reset" is exact. A session ends 10 to 30 minutes
 * before its call's departure (the ship disconnects before it lets go; more than any clock skew injected), so a
 * consumer that also ends sessions at the recorded departure, as Shoreloop does, finds the same sessions.
 */
public final class PortDay {

    /** What to simulate. {@code intervalS} null: each meter's registered reporting interval. */
    public record Config(
            long seed,
            Instant start,
            Duration duration,
            Integer intervalS,
            double connectShare,
            double vesselIdShare,
            double tripRate,
            Faults faults) {

        public Instant end() {
            return start.plus(duration);
        }
    }

    /** A planned vessel call. */
    public record CallPlan(
            String ref, VesselSpec vessel, MeterSpec meter, Instant arrival, Instant departure, Integer crewOnBoard) {}

    /** The outcome: actions in the order to perform them, the calls, and the ground truth. */
    public record Result(List<Outgoing> actions, List<CallPlan> calls, ObjectNode groundTruth) {}

    static final String[] MALFORMED = {
        "not-json", "missing-field", "negative-value", "non-numeric-value", "timestamp-in-future", "unknown-meter"
    };

    static final String SPOOF = "meter-differs-from-topic";

    private static final long RESET_SAFE_REGISTER_WH = 1_000_000L; // 1,000 kWh

    private final Config config;
    private final Topology topology;
    private final Instant start;
    private final Instant end;

    private PortDay(Config config, Topology topology) {
        if (topology.meters().isEmpty()) {
            throw new IllegalArgumentException("no meters to simulate");
        }
        if (config.duration().isNegative() || config.duration().compareTo(Duration.ofMinutes(10)) < 0) {
            throw new IllegalArgumentException("duration must be at least 10 minutes");
        }
        this.config = config;
        this.topology = topology;
        this.start = config.start();
        this.end = config.end();
    }

    public static Result simulate(Config config, Topology topology) {
        return new PortDay(config, topology).run();
    }

    // ---------------------------------------------------------------------------------------------- state

    /** A planned shore-power session (tick indices of the meter). */
    private static final class SessionPlan {
        String ref;
        CallPlan call;
        int connect; // first tick with the breaker closed
        int disconnect; // first tick with the breaker open again
        boolean abruptEnd; // ended by a breaker trip (no load transfer back)
        double baseKw;
        boolean identified;
        long energyWh;
        int readings;
    }

    /** Everything about one meter over the day. */
    private static final class MeterRun {
        final MeterSpec spec;
        final int index;
        final int n; // last tick index; ticks 0..n
        final List<SessionPlan> sessions = new ArrayList<>();
        boolean[] closed;
        long[] powerW;
        long[] energyWh; // energy of the interval (k-1, k]
        int[] voltageDeci;
        long[] currentDeci;
        int[] freqCenti;
        SessionPlan[] sessionAt;
        long[] registerWh;
        int[] seq;
        boolean[] reset;
        boolean[] rolledOver;
        long initialWh;
        int firstSeq;
        long skewMs;
        final List<int[]> offline = new ArrayList<>(); // [from, to) ticks
        final Map<Integer, Integer> lateDelay = new TreeMap<>();
        final Map<Integer, Integer> dupDelay = new TreeMap<>();
        final Map<Integer, List<String>> bad = new TreeMap<>();

        MeterRun(MeterSpec spec, int index, int n) {
            this.spec = spec;
            this.index = index;
            this.n = n;
        }

        Instant tickTime(Instant start, int k) {
            return start.plusSeconds((long) k * spec.intervalS());
        }

        boolean offlineAt(int k) {
            for (int[] w : offline) {
                if (k >= w[0] && k < w[1]) {
                    return true;
                }
            }
            return false;
        }
    }

    private final List<CallPlan> calls = new ArrayList<>();
    private final List<MeterRun> runs = new ArrayList<>();
    private final ArrayNode badMessages = Json.MAPPER.createArrayNode();
    private int duplicates;
    private int lates;
    private int backfills;

    // ---------------------------------------------------------------------------------------------- the run

    private Result run() {
        int idx = 0;
        for (MeterSpec m : topology.meters()) {
            MeterSpec spec = config.intervalS() == null ? m : m.withInterval(config.intervalS());
            if (spec.intervalS() < 1) {
                throw new IllegalArgumentException("interval must be at least 1 s");
            }
            int n = (int) (config.duration().getSeconds() / spec.intervalS());
            runs.add(new MeterRun(spec, idx++, n));
        }
        schedule();
        for (MeterRun r : runs) {
            physics(r);
        }
        registers();
        planDelivery();
        List<Outgoing> actions = deliver();
        return new Result(actions, List.copyOf(calls), groundTruth(actions));
    }

    private Random rng(String purpose) {
        long h = 1125899906842597L;
        for (int i = 0; i < purpose.length(); i++) {
            h = 31 * h + purpose.charAt(i);
        }
        return new Random(config.seed() * 0x9E3779B97F4A7C15L ^ h);
    }

    // ------------------------------------------------------------------------------------------- schedule

    private void schedule() {
        Random rnd = rng("schedule");
        Map<String, List<Instant[]>> vesselBusy = new HashMap<>();
        Map<String, List<Instant[]>> berthBusy = new HashMap<>();
        for (Topology.Busy b : topology.busy()) {
            if (b.vesselMmsi() != null) {
                vesselBusy.computeIfAbsent(b.vesselMmsi(), x -> new ArrayList<>()).add(new Instant[] {b.from(), b.to()});
            }
            if (b.berthId() != null) {
                berthBusy.computeIfAbsent(b.berthId(), x -> new ArrayList<>()).add(new Instant[] {b.from(), b.to()});
            }
        }
        int callNo = 0;
        for (MeterRun run : runs) {
            MeterSpec m = run.spec;
            String berthKey = m.berthId() != null ? m.berthId() : m.port() + "/" + m.berth();
            List<Instant[]> berthList = berthBusy.computeIfAbsent(berthKey, x -> new ArrayList<>());
            Instant t = start.plusSeconds(60L * rnd.nextInt(121));
            Instant lastArrival = end.minus(Duration.ofMinutes(70));
            while (t.isBefore(lastArrival)) {
                List<VesselSpec> candidates = new ArrayList<>();
                for (VesselSpec v : topology.vessels()) {
                    if (Topology.berthsAt(v.type(), m.terminalKind())) {
                        candidates.add(v);
                    }
                }
                Collections.shuffle(candidates, rnd);
                CallPlan chosen = null;
                for (VesselSpec v : candidates) {
                    int stay = stayMinutes(v.type(), rnd);
                    Instant arrival = t;
                    Instant departure = arrival.plus(Duration.ofMinutes(stay));
                    Instant latest = end.minus(Duration.ofMinutes(10));
                    if (departure.isAfter(latest)) {
                        departure = latest;
                    }
                    if (Duration.between(arrival, departure).toMinutes() < 60) {
                        continue;
                    }
                    List<Instant[]> vb = vesselBusy.computeIfAbsent(v.mmsi(), x -> new ArrayList<>());
                    if (overlaps(vb, arrival.minus(Duration.ofMinutes(30)), departure.plus(Duration.ofMinutes(30)))
                            || overlaps(berthList, arrival, departure)) {
                        continue;
                    }
                    Integer crew = v.crewCapacity() <= 0
                            ? null
                            : Math.max(1, v.crewCapacity() / 2 + rnd.nextInt(v.crewCapacity() / 2 + 1));
                    chosen = new CallPlan(String.format(Locale.ROOT, "C%03d", ++callNo), v, m, arrival, departure, crew);
                    vb.add(new Instant[] {arrival, departure});
                    berthList.add(new Instant[] {arrival, departure});
                    break;
                }
                if (chosen == null) {
                    t = t.plus(Duration.ofMinutes(60));
                    continue;
                }
                calls.add(chosen);
                planSessions(run, chosen, rnd);
                t = chosen.departure().plus(Duration.ofMinutes(30 + rnd.nextInt(151)));
            }
        }
        calls.sort(Comparator.comparing(CallPlan::arrival).thenComparing(CallPlan::ref));
    }

    private static boolean overlaps(List<Instant[]> list, Instant from, Instant to) {
        for (Instant[] i : list) {
            if (i[0].isBefore(to) && (i[1] == null || i[1].isAfter(from))) {
                return true;
            }
        }
        return false;
    }

    static int stayMinutes(String type, Random rnd) {
        return switch (type.toUpperCase(Locale.ROOT)) {
            case "CARGO" -> 90 + rnd.nextInt(211);
            case "CONTAINER" -> 180 + rnd.nextInt(421);
            case "RO_RO" -> 90 + rnd.nextInt(211);
            case "PASSENGER" -> 60 + rnd.nextInt(181);
            case "CRUISE" -> 240 + rnd.nextInt(481);
            case "OIL_TANKER", "CHEMICAL_TANKER", "LNG" -> 240 + rnd.nextInt(721);
            default -> 120 + rnd.nextInt(361);
        };
    }

    /** Typical hotel load at berth, kW: inland cargo 2–10, container ~100, ro-ro 150–300, cruise MW. */
    static double baseKw(String type, Random rnd) {
        return switch (type.toUpperCase(Locale.ROOT)) {
            case "CARGO" -> 2 + 8 * rnd.nextDouble();
            case "CONTAINER" -> 70 + 70 * rnd.nextDouble();
            case "RO_RO" -> 150 + 150 * rnd.nextDouble();
            case "PASSENGER" -> 250 + 350 * rnd.nextDouble();
            case "CRUISE" -> 1200 + 1200 * rnd.nextDouble();
            case "OIL_TANKER", "CHEMICAL_TANKER", "LNG" -> 80 + 120 * rnd.nextDouble();
            default -> 10 + 50 * rnd.nextDouble();
        };
    }

    private static int rampTicks(int intervalS) {
        return Math.max(1, (180 + intervalS - 1) / intervalS);
    }

    private void planSessions(MeterRun run, CallPlan call, Random rnd) {
        // draw everything for the call first, so that the draws do not depend on the outcome
        boolean wants = rnd.nextDouble() < config.connectShare();
        int connectDelayS = 60 * (10 + rnd.nextInt(31));
        int leadS = 60 * (10 + rnd.nextInt(21));
        double base = baseKw(call.vessel().type(), rnd);
        boolean identified = rnd.nextDouble() < config.vesselIdShare();
        boolean trip = rnd.nextDouble() < config.tripRate();
        double tripAt = 0.25 + 0.5 * rnd.nextDouble();
        int tripGapS = 60 * (5 + rnd.nextInt(16));
        if (!wants || !call.vessel().shorePower() || call.meter().capacityKva() <= 0) {
            return;
        }
        int iv = run.spec.intervalS();
        long arrivalS = Duration.between(start, call.arrival()).getSeconds();
        long departureS = Duration.between(start, call.departure()).getSeconds();
        int c = (int) ((arrivalS + connectDelayS + iv - 1) / iv);
        int d = (int) ((departureS - leadS) / iv);
        d = Math.min(d, run.n);
        int min = 3 * rampTicks(iv) + 4;
        if (d - c < min) {
            return;
        }
        double capKw = 0.9 * run.spec.capacityKva();
        base = Math.min(base, capKw);
        int tripGap = Math.max(1, tripGapS / iv);
        int m = c + (int) ((d - c) * tripAt);
        if (trip && m - c >= min && d - (m + tripGap) >= min) {
            run.sessions.add(session(call, c, m, true, base, identified));
            run.sessions.add(session(call, m + tripGap, d, false, base, identified));
        } else {
            run.sessions.add(session(call, c, d, false, base, identified));
        }
    }

    private static SessionPlan session(CallPlan call, int c, int d, boolean abrupt, double base, boolean identified) {
        SessionPlan s = new SessionPlan();
        s.call = call;
        s.connect = c;
        s.disconnect = d;
        s.abruptEnd = abrupt;
        s.baseKw = base;
        s.identified = identified;
        return s;
    }

    // -------------------------------------------------------------------------------------------- physics

    private void physics(MeterRun r) {
        int n = r.n;
        int iv = r.spec.intervalS();
        r.closed = new boolean[n + 1];
        r.powerW = new long[n + 1];
        r.energyWh = new long[n + 1];
        r.voltageDeci = new int[n + 1];
        r.currentDeci = new long[n + 1];
        r.freqCenti = new int[n + 1];
        r.sessionAt = new SessionPlan[n + 1];
        r.sessions.sort(Comparator.comparingInt(s -> s.connect));
        for (SessionPlan s : r.sessions) {
            for (int k = s.connect; k < s.disconnect; k++) {
                r.closed[k] = true;
                r.sessionAt[k] = s;
            }
        }
        Random rnd = rng("physics:" + r.spec.code());
        int ramp = rampTicks(iv);
        boolean bigShip = r.spec.nominalVoltageV() >= 1000;
        double amp = bigShip ? 0.25 : 0.10;
        for (int k = 0; k <= n; k++) {
            double vNoise = clamp(rnd.nextGaussian(), -2.5, 2.5);
            double fNoise = clamp(rnd.nextGaussian(), -2.5, 2.5);
            double pNoise = clamp(rnd.nextGaussian(), -3, 3);
            r.voltageDeci[k] = (int) Math.round(r.spec.nominalVoltageV() * (1 + 0.004 * vNoise) * 10);
            r.freqCenti[k] = (int) Math.round((50 + 0.012 * fNoise) * 100);
            SessionPlan s = r.sessionAt[k];
            if (s == null) {
                continue;
            }
            double up = Math.min(1.0, (k - s.connect) / (double) ramp);
            double down = s.abruptEnd ? 1.0 : Math.min(1.0, (s.disconnect - 1 - k) / (double) ramp);
            double f = Math.min(up, down);
            long secondOfDay = Math.floorMod(r.tickTime(start, k).getEpochSecond() + 8 * 3600, 86400);
            double hour = secondOfDay / 3600.0;
            double diurnal = 1 + amp * StrictMath.sin(2 * StrictMath.PI * (hour - 12) / 24);
            double kw = s.baseKw * diurnal * (1 + 0.04 * pNoise) * f;
            kw = Math.max(0, Math.min(kw, 0.9 * r.spec.capacityKva()));
            long w = Math.round(kw * 1000);
            r.powerW[k] = w;
            double volts = r.voltageDeci[k] / 10.0;
            r.currentDeci[k] = Math.round(w / (StrictMath.sqrt(3) * volts * 0.9) * 10);
        }
        for (int k = 1; k <= n; k++) {
            if (r.closed[k - 1] && r.closed[k] && r.sessionAt[k - 1] == r.sessionAt[k]) {
                r.energyWh[k] = Math.round((r.powerW[k - 1] + r.powerW[k]) * (double) iv / 7200.0);
                r.sessionAt[k].energyWh += r.energyWh[k];
            }
            if (r.sessionAt[k] != null) {
                r.sessionAt[k].readings++;
            }
        }
        if (r.sessionAt[0] != null) {
            r.sessionAt[0].readings++;
        }
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    // ------------------------------------------------------------------------------------------ registers

    private void registers() {
        Faults f = config.faults();
        // resets first: a rollover is placed before a meter's first reset so that it really happens
        for (MeterRun r : runs) {
            Random rnd = rng("register:" + r.spec.code());
            r.reset = new boolean[r.n + 1];
            r.rolledOver = new boolean[r.n + 1];
            r.firstSeq = rnd.nextInt(100_000);
            long cap = Math.min(r.spec.modulusWh() / 2, 500_000_000L);
            r.initialWh = Math.min(cap, 10_000_000L + (long) (rnd.nextDouble() * 490_000_000L));
            double p = f.resetsPerMeterDay() * r.spec.intervalS() / 86400.0;
            for (int k = 1; k <= r.n; k++) {
                if (rnd.nextDouble() < p) {
                    r.reset[k] = true;
                }
            }
        }
        if (f.atLeastOnce() && f.resetsPerMeterDay() > 0 && runs.stream().noneMatch(r -> any(r.reset))) {
            // the meter with the most energy reboots in the middle of its first session
            MeterRun r = runs.stream()
                    .max(Comparator.comparingLong(PortDay::totalEnergy).thenComparing(x -> -x.index))
                    .orElseThrow();
            int k = r.sessions.isEmpty() ? r.n / 2 : (r.sessions.get(0).connect + r.sessions.get(0).disconnect) / 2;
            r.reset[Math.max(1, k)] = true;
        }
        // rollover: start below the modulus by 40 % of the energy registered before the first reset
        List<MeterRun> rollCandidates = new ArrayList<>();
        for (MeterRun r : runs) {
            Random rnd = rng("rollover:" + r.spec.code());
            boolean chosen = rnd.nextDouble() < f.rolloverShare();
            if (chosen && energyBeforeFirstReset(r) > 0) {
                rollCandidates.add(r);
            }
        }
        if (f.atLeastOnce() && f.rolloverShare() > 0 && rollCandidates.isEmpty()) {
            runs.stream()
                    .filter(r -> energyBeforeFirstReset(r) > 0)
                    .max(Comparator.comparingLong(PortDay::energyBeforeFirstReset))
                    .ifPresent(rollCandidates::add);
        }
        for (MeterRun r : rollCandidates) {
            long before = energyBeforeFirstReset(r);
            r.initialWh = r.spec.modulusWh() - Math.max(1, (long) (before * 0.4));
        }
        for (MeterRun r : runs) {
            r.registerWh = new long[r.n + 1];
            r.seq = new int[r.n + 1];
            long reg = r.initialWh;
            int seq = r.firstSeq;
            r.registerWh[0] = reg;
            r.seq[0] = seq;
            for (int k = 1; k <= r.n; k++) {
                long e = r.energyWh[k];
                // a reboot that a consumer could not tell from a normal step is moved to the next tick where it can
                if (r.reset[k]
                        && e > 0
                        && (reg < RESET_SAFE_REGISTER_WH
                                || e * 100 > reg
                                || r.spec.modulusWh() - reg < RESET_SAFE_REGISTER_WH)) {
                    r.reset[k] = false;
                    if (k < r.n) {
                        r.reset[k + 1] = true;
                    }
                }
                if (r.reset[k]) {
                    reg = e;
                    seq = 0;
                } else {
                    long next = reg + e;
                    if (next >= r.spec.modulusWh()) {
                        next -= r.spec.modulusWh();
                        r.rolledOver[k] = true;
                    }
                    reg = next;
                    seq++;
                }
                r.registerWh[k] = reg;
                r.seq[k] = seq;
            }
        }
    }

    private static boolean any(boolean[] a) {
        for (boolean b : a) {
            if (b) {
                return true;
            }
        }
        return false;
    }

    private static long totalEnergy(MeterRun r) {
        long s = 0;
        for (long e : r.energyWh) {
            s += e;
        }
        return s;
    }

    private static long energyBeforeFirstReset(MeterRun r) {
        long s = 0;
        for (int k = 1; k <= r.n; k++) {
            if (r.reset[k]) {
                break;
            }
            s += r.energyWh[k];
        }
        return s;
    }

    // ----------------------------------------------------------------------------------- delivery (plan)

    private void planDelivery() {
        Faults f = config.faults();
        for (MeterRun r : runs) {
            Random rnd = rng("delivery:" + r.spec.code());
            int iv = r.spec.intervalS();
            int len = Math.max(1, f.offlineMinutes() * 60 / iv);
            if (rnd.nextDouble() < f.skewShare()) {
                long ms = 500 + (long) (rnd.nextDouble() * Math.max(0, f.skewMaxSeconds() * 1000L - 500));
                r.skewMs = rnd.nextBoolean() ? ms : -ms;
            }
            double pOff = f.offlinePerMeterDay() * iv / 86400.0;
            for (int k = 1; k + len < r.n; k++) {
                if (rnd.nextDouble() < pOff) {
                    r.offline.add(new int[] {k, k + len});
                    k += len;
                }
            }
            for (int k = 0; k <= r.n; k++) {
                double late = rnd.nextDouble();
                int lateBy = 1 + rnd.nextInt(Math.max(1, f.lateMaxIntervals()));
                double dup = rnd.nextDouble();
                int dupBy = rnd.nextInt(4);
                double bad = rnd.nextDouble();
                String kind = MALFORMED[rnd.nextInt(MALFORMED.length)];
                double spoof = rnd.nextDouble();
                if (k < r.n && late < f.lateRate()) {
                    r.lateDelay.put(k, Math.min(lateBy, r.n - k));
                }
                if (dup < f.duplicateRate()) {
                    r.dupDelay.put(k, Math.min(dupBy, r.n - k));
                }
                if (!r.offlineAt(k) && bad < f.malformedRate()) {
                    r.bad.computeIfAbsent(k, x -> new ArrayList<>()).add(kind);
                }
                if (!r.offlineAt(k) && spoof < f.spoofRate()) {
                    r.bad.computeIfAbsent(k, x -> new ArrayList<>()).add(SPOOF);
                }
            }
        }
        if (!f.atLeastOnce()) {
            return;
        }
        Random rnd = rng("forced");
        MeterRun first = runs.get(0);
        if (f.skewShare() > 0 && runs.stream().allMatch(r -> r.skewMs == 0)) {
            first.skewMs = 500 + (long) (rnd.nextDouble() * Math.max(0, f.skewMaxSeconds() * 1000L - 500));
        }
        if (f.offlinePerMeterDay() > 0 && runs.stream().allMatch(r -> r.offline.isEmpty())) {
            MeterRun r = runs.stream().max(Comparator.comparingLong(PortDay::totalEnergy)).orElseThrow();
            int len = Math.max(1, f.offlineMinutes() * 60 / r.spec.intervalS());
            if (r.n > len + 2) {
                int from = 1 + rnd.nextInt(r.n - len - 1);
                r.offline.add(new int[] {from, from + len});
                for (int k = from; k < from + len; k++) {
                    r.bad.remove(k);
                }
            }
        }
        if (f.lateRate() > 0 && runs.stream().allMatch(r -> r.lateDelay.isEmpty())) {
            int k = onlineTick(first, rnd);
            first.lateDelay.put(k, Math.min(1 + rnd.nextInt(Math.max(1, f.lateMaxIntervals())), first.n - k));
        }
        if (f.duplicateRate() > 0 && runs.stream().allMatch(r -> r.dupDelay.isEmpty())) {
            first.dupDelay.put(onlineTick(first, rnd), 0);
        }
        if (f.malformedRate() > 0) {
            for (String kind : MALFORMED) {
                boolean seen = runs.stream().anyMatch(r -> r.bad.values().stream().anyMatch(l -> l.contains(kind)));
                if (!seen) {
                    MeterRun r = runs.get(rnd.nextInt(runs.size()));
                    r.bad.computeIfAbsent(onlineTick(r, rnd), x -> new ArrayList<>()).add(kind);
                }
            }
        }
        if (f.spoofRate() > 0
                && runs.stream().noneMatch(r -> r.bad.values().stream().anyMatch(l -> l.contains(SPOOF)))) {
            MeterRun r = runs.get(rnd.nextInt(runs.size()));
            r.bad.computeIfAbsent(onlineTick(r, rnd), x -> new ArrayList<>()).add(SPOOF);
        }
    }

    /** A tick (not the last) at which the meter is online. */
    private static int onlineTick(MeterRun r, Random rnd) {
        for (int tries = 0; tries < 1000; tries++) {
            int k = 1 + rnd.nextInt(Math.max(1, r.n - 1));
            if (!r.offlineAt(k) && k < r.n) {
                return k;
            }
        }
        return 0;
    }

    // ----------------------------------------------------------------------------------- delivery (emit)

    private record Seq(Outgoing out, int meter, int order) {}

    private List<Outgoing> deliver() {
        List<Seq> all = new ArrayList<>();
        int order = 0;
        for (CallPlan c : calls) {
            all.add(new Seq(new Outgoing(c.arrival(), Outgoing.Kind.CALL, "port-system", c.ref(),
                    Json.write(callBody(c)), false), -1, order++));
        }
        for (MeterRun r : runs) {
            List<Outgoing> local = emit(r);
            for (int i = 0; i < local.size(); i++) {
                all.add(new Seq(local.get(i), r.index, i));
            }
        }
        all.sort(Comparator.comparing((Seq s) -> s.out().at())
                .thenComparingInt(Seq::meter)
                .thenComparingInt(Seq::order));
        List<Outgoing> out = new ArrayList<>(all.size());
        for (Seq s : all) {
            out.add(s.out());
        }
        return out;
    }

    static ObjectNode callBody(CallPlan c) {
        ObjectNode n = Json.object();
        n.put("vesselId", c.vessel().id());
        n.put("berthId", c.meter().berthId());
        n.put("arrival", Json.ts(c.arrival()));
        n.put("departure", Json.ts(c.departure()));
        if (c.crewOnBoard() != null) {
            n.put("crewOnBoard", c.crewOnBoard());
        }
        return n;
    }

    static String statusOnline(Instant ts) {
        ObjectNode n = Json.object();
        n.put("online", true);
        n.put("ts", Json.ts(ts));
        return Json.write(n);
    }

    static final String WILL = "{\"online\":false}";

    private ObjectNode reading(MeterRun r, int k) {
        ObjectNode n = Json.object();
        n.put("meter", r.spec.code());
        n.put("seq", r.seq[k]);
        n.put("ts", Json.ts(r.tickTime(start, k).plusMillis(r.skewMs)));
        n.put("energyKwh", Json.kwh(r.registerWh[k]));
        n.put("powerKw", Json.scaled(Math.round(r.powerW[k] / 100.0), 1));
        n.put("voltageV", Json.scaled(r.voltageDeci[k], 1));
        n.put("currentA", Json.scaled(r.currentDeci[k], 1));
        n.put("frequencyHz", Json.scaled(r.freqCenti[k], 2));
        n.put("breakerClosed", r.closed[k]);
        SessionPlan s = r.sessionAt[k];
        if (s != null && s.identified) {
            n.put("vessel", s.call.vessel().mmsi());
        }
        return n;
    }

    private List<Outgoing> emit(MeterRun r) {
        List<Outgoing> out = new ArrayList<>();
        MeterSpec m = r.spec;
        String client = m.code();
        Instant t0 = r.tickTime(start, 0);
        out.add(new Outgoing(t0, Outgoing.Kind.CONNECT, client, m.statusTopic(), WILL, true));
        out.add(new Outgoing(t0, Outgoing.Kind.PUBLISH, client, m.statusTopic(), statusOnline(t0.plusMillis(r.skewMs)), true));
        Map<Integer, List<String>> pending = new HashMap<>();
        List<String> backlog = new ArrayList<>();
        boolean offline = false;
        for (int k = 0; k <= r.n; k++) {
            Instant t = r.tickTime(start, k);
            for (int[] w : r.offline) {
                if (w[0] == k) {
                    out.add(new Outgoing(t, Outgoing.Kind.DISCONNECT_WITH_WILL, client, m.statusTopic(), WILL, true));
                    offline = true;
                }
                if (w[1] == k) {
                    out.add(new Outgoing(t, Outgoing.Kind.CONNECT, client, m.statusTopic(), WILL, true));
                    out.add(new Outgoing(t, Outgoing.Kind.PUBLISH, client, m.statusTopic(),
                            statusOnline(t.plusMillis(r.skewMs)), true));
                    if (!backlog.isEmpty()) {
                        out.add(new Outgoing(t, Outgoing.Kind.PUBLISH, client, m.readingTopic(),
                                "[" + String.join(",", backlog) + "]", false));
                        backfills++;
                        backlog.clear();
                    }
                    offline = false;
                }
            }
            ObjectNode readingNode = reading(r, k);
            String payload = Json.write(readingNode);
            List<String> due = new ArrayList<>();
            Integer lateBy = r.lateDelay.get(k);
            if (lateBy != null && lateBy > 0) {
                pending.computeIfAbsent(k + lateBy, x -> new ArrayList<>()).add(payload);
                lates++;
            } else {
                due.add(payload);
            }
            Integer dupBy = r.dupDelay.get(k);
            if (dupBy != null) {
                int at = k + dupBy + (lateBy == null ? 0 : lateBy);
                pending.computeIfAbsent(Math.min(at, r.n), x -> new ArrayList<>()).add(payload);
                duplicates++;
            }
            List<String> released = pending.remove(k);
            if (released != null) {
                due.addAll(released);
            }
            for (String p : due) {
                if (offline) {
                    backlog.add(p);
                } else {
                    out.add(new Outgoing(t, Outgoing.Kind.PUBLISH, client, m.readingTopic(), p, false));
                }
            }
            List<String> bads = r.bad.get(k);
            if (bads != null && !offline) {
                for (String kind : bads) {
                    Outgoing o = badMessage(r, k, kind, readingNode, t);
                    out.add(o);
                    ObjectNode b = badMessages.addObject();
                    b.put("at", Json.ts(o.at()));
                    b.put("client", client);
                    b.put("topic", o.topic());
                    b.put("reason", kind);
                    b.put("payload", o.payload());
                }
            }
        }
        // whatever is still pending (cannot happen with delays capped at the last tick) goes out at the end
        Instant last = r.tickTime(start, r.n);
        for (List<String> ps : new TreeMap<>(pending).values()) {
            for (String p : ps) {
                out.add(new Outgoing(last, Outgoing.Kind.PUBLISH, client, m.readingTopic(), p, false));
            }
        }
        out.add(new Outgoing(last.plusMillis(1), Outgoing.Kind.DISCONNECT_WITH_WILL, client, m.statusTopic(), WILL, true));
        return out;
    }

    private Outgoing badMessage(MeterRun r, int k, String kind, ObjectNode reading, Instant t) {
        MeterSpec m = r.spec;
        ObjectNode n = reading.deepCopy();
        // a bad message never shares (meter, ts) with a good reading
        n.put("ts", Json.ts(t.plusMillis(r.skewMs).plusSeconds(7)));
        String topic = m.readingTopic();
        String payload;
        switch (kind) {
            case "not-json" -> {
                String full = Json.write(n);
                payload = full.substring(0, full.length() / 2) + "#";
            }
            case "missing-field" -> {
                n.remove("energyKwh");
                payload = Json.write(n);
            }
            case "negative-value" -> {
                n.put("energyKwh", Json.kwh(-(r.registerWh[k] + 1000)));
                payload = Json.write(n);
            }
            case "non-numeric-value" -> {
                n.put("energyKwh", "n/a");
                payload = Json.write(n);
            }
            case "timestamp-in-future" -> {
                n.put("ts", Json.ts(t.plus(Duration.ofDays(365L * 50))));
                payload = Json.write(n);
            }
            case "unknown-meter" -> {
                String ghost = ghostCode(m.code());
                n.put("meter", ghost);
                topic = "shorepower/v1/" + m.port() + "/" + m.berth() + "/" + ghost + "/reading";
                payload = Json.write(n);
            }
            case SPOOF -> {
                // the meter's own, genuine reading, published on another meter's topic
                MeterSpec other = runs.size() > 1 ? runs.get((r.index + 1) % runs.size()).spec : null;
                topic = other != null
                        ? other.readingTopic()
                        : "shorepower/v1/" + m.port() + "/" + m.berth() + "/" + ghostCode(m.code()) + "/reading";
                payload = Json.write(reading);
            }
            default -> throw new IllegalStateException(kind);
        }
        return new Outgoing(t, Outgoing.Kind.PUBLISH, m.code(), topic, payload, false);
    }

    static String ghostCode(String code) {
        String g = "GHOST-" + code;
        return g.length() > 64 ? g.substring(0, 64) : g;
    }

    // -------------------------------------------------------------------------------------- ground truth

    private ObjectNode groundTruth(List<Outgoing> actions) {
        ObjectNode root = Json.object();
        root.put("generator", "shoreloop-device-simulators port-day");
        root.put("seed", config.seed());
        root.put("start", Json.ts(start));
        root.put("end", Json.ts(end));
        root.put("registerResolutionKwh", Json.kwh(1));
        ObjectNode settings = root.putObject("settings");
        settings.put("connectShare", config.connectShare());
        settings.put("vesselIdShare", config.vesselIdShare());
        settings.put("tripRate", config.tripRate());
        settings.set("faults", Json.MAPPER.valueToTree(config.faults()));
        root.put(
                "note",
                "Energies are the register increases the simulator produced (kWh, 3 decimals). A session runs from"
                        + " the first reading with the breaker closed ('start') to the first with it open ('end'),"
                        + " in meter time (clock skew included); the register only advances between two closed"
                        + " readings of one session. After a reset the reading shows the energy since the reset.");

        Map<SessionPlan, String> sessionRefs = new LinkedHashMap<>();
        List<Object[]> allSessions = new ArrayList<>();
        for (MeterRun r : runs) {
            for (SessionPlan s : r.sessions) {
                allSessions.add(new Object[] {r, s});
            }
        }
        allSessions.sort(Comparator.comparing((Object[] o) -> ((MeterRun) o[0]).tickTime(start, ((SessionPlan) o[1]).connect))
                .thenComparing(o -> ((MeterRun) o[0]).spec.code()));
        int sn = 0;
        for (Object[] o : allSessions) {
            SessionPlan s = (SessionPlan) o[1];
            s.ref = String.format(Locale.ROOT, "S%03d", ++sn);
            sessionRefs.put(s, s.ref);
        }

        ArrayNode meters = root.putArray("meters");
        long totalReadings = 0;
        for (MeterRun r : runs) {
            ObjectNode m = meters.addObject();
            m.put("meter", r.spec.code());
            m.put("port", r.spec.port());
            m.put("berth", r.spec.berth());
            m.put("readingTopic", r.spec.readingTopic());
            m.put("statusTopic", r.spec.statusTopic());
            m.put("intervalS", r.spec.intervalS());
            m.put("modulusKwh", Json.kwh(r.spec.modulusWh()));
            m.put("clockSkewMs", r.skewMs);
            m.put("firstSeq", r.firstSeq);
            m.put("readings", r.n + 1);
            totalReadings += r.n + 1;
            m.put("initialRegisterKwh", Json.kwh(r.initialWh));
            m.put("finalRegisterKwh", Json.kwh(r.registerWh[r.n]));
            m.put("registerIncreaseKwh", Json.kwh(totalEnergy(r)));
            ArrayNode resets = m.putArray("resets");
            ArrayNode rollovers = m.putArray("rollovers");
            for (int k = 1; k <= r.n; k++) {
                if (r.reset[k]) {
                    ObjectNode x = resets.addObject();
                    x.put("ts", Json.ts(r.tickTime(start, k).plusMillis(r.skewMs)));
                    x.put("registerBeforeKwh", Json.kwh(r.registerWh[k - 1]));
                    x.put("registerAfterKwh", Json.kwh(r.registerWh[k]));
                }
                if (r.rolledOver[k]) {
                    rollovers.add(Json.ts(r.tickTime(start, k).plusMillis(r.skewMs)));
                }
            }
            ArrayNode off = m.putArray("offline");
            for (int[] w : r.offline) {
                ObjectNode x = off.addObject();
                x.put("from", Json.ts(r.tickTime(start, w[0])));
                x.put("to", Json.ts(r.tickTime(start, w[1])));
                x.put("readingsBackfilled", w[1] - w[0]);
            }
        }

        ArrayNode callsNode = root.putArray("calls");
        long totalWh = 0;
        for (CallPlan c : calls) {
            ObjectNode n = callsNode.addObject();
            n.put("call", c.ref());
            n.put("vessel", c.vessel().mmsi());
            n.put("vesselName", c.vessel().name());
            n.put("vesselType", c.vessel().type());
            n.put("port", c.meter().port());
            n.put("berth", c.meter().berth());
            n.put("meter", c.meter().code());
            n.put("arrival", Json.ts(c.arrival()));
            n.put("departure", Json.ts(c.departure()));
            if (c.crewOnBoard() != null) {
                n.put("crewOnBoard", c.crewOnBoard());
            }
            long wh = 0;
            ArrayNode refs = Json.MAPPER.createArrayNode();
            for (Object[] o : allSessions) {
                SessionPlan s = (SessionPlan) o[1];
                if (s.call == c) {
                    wh += s.energyWh;
                    refs.add(s.ref);
                }
            }
            n.put("shorePower", !refs.isEmpty());
            n.put("energyKwh", Json.kwh(wh));
            n.set("sessions", refs);
        }

        ArrayNode sessions = root.putArray("sessions");
        for (Object[] o : allSessions) {
            MeterRun r = (MeterRun) o[0];
            SessionPlan s = (SessionPlan) o[1];
            ObjectNode n = sessions.addObject();
            n.put("session", s.ref);
            n.put("call", s.call.ref());
            n.put("meter", r.spec.code());
            n.put("port", r.spec.port());
            n.put("berth", r.spec.berth());
            n.put("vessel", s.call.vessel().mmsi());
            n.put("vesselIdentified", s.identified);
            n.put("start", Json.ts(r.tickTime(start, s.connect).plusMillis(r.skewMs)));
            n.put("end", Json.ts(r.tickTime(start, s.disconnect).plusMillis(r.skewMs)));
            n.put("endedBy", s.abruptEnd ? "breaker-trip" : "disconnect");
            n.put("readings", s.readings);
            n.put("energyKwh", Json.kwh(s.energyWh));
            totalWh += s.energyWh;
        }
        root.set("badMessages", badMessages);

        int published = 0;
        for (Outgoing a : actions) {
            if (a.kind() == Outgoing.Kind.PUBLISH) {
                published++;
            }
        }
        ObjectNode totals = root.putObject("totals");
        totals.put("calls", calls.size());
        totals.put("sessions", allSessions.size());
        totals.put("energyKwh", Json.kwh(totalWh));
        totals.put("readings", totalReadings);
        totals.put("messagesPublished", published);
        totals.put("duplicates", duplicates);
        totals.put("lateReadings", lates);
        totals.put("backfillArrays", backfills);
        totals.put("resets", runs.stream().mapToLong(r -> count(r.reset)).sum());
        totals.put("rollovers", runs.stream().mapToLong(r -> count(r.rolledOver)).sum());
        totals.put("skewedMeters", runs.stream().filter(r -> r.skewMs != 0).count());
        totals.put("badMessages", badMessages.size());
        return root;
    }

    private static long count(boolean[] a) {
        long c = 0;
        for (boolean b : a) {
            if (b) {
                c++;
            }
        }
        return c;
    }
}
