import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * P2 benchmark: closed-loop clients run full manifest lifecycles (create, declare, receive, pickup, dispose) over
 * HTTP against a running Shoreloop (demo data), then the same number of rows as plain unsigned JDBC inserts (one
 * transaction per step, same concurrency) straight into PostgreSQL as the reference. Prints a table (or --json).
 *
 * <p>The clients speak HTTP/1.1 over one kept-alive socket each ({@link Connection1}: write the request, read the
 * status line, headers and body), because they share the two cores with Shoreloop and PostgreSQL: the JDK's
 * HttpClient took a third of a millisecond of CPU per request, a fifth of a core at 600 requests/s.
 *
 * <p>Warm-up: unmeasured lifecycles in windows of {@code warmup.window} seconds (10) until, three windows in a row,
 * the rate of a window is within 3 % of the best window before it and the application's JIT compiler threads took
 * less than {@code warmup.jit-quiet} (3 %) of its CPU time (read from /proc: the compilers are done with the hot
 * paths; on two busy cores that takes minutes, and a noisy host can make the rate look steady while they still
 * work), at least {@code warmup} seconds and at most {@code warmup.max} seconds.
 *
 * <p>Usage: java -cp postgresql.jar ManifestBench.java BASE_URL JDBC_URL CLIENTS SECONDS [--json]
 */
public class ManifestBench {

    static final String RECEIVER = "00000000-0000-0000-0006-000000000001";
    static final String TRANSPORTER = "00000000-0000-0000-0006-000000000004";
    static final String PLANT = "00000000-0000-0000-0006-000000000005";

    /** The demo port the facilities above serve (Guoyuan). */
    static final String PORT = "00000000-0000-0000-0003-000000000001";

    /**
     * The crews and calls the lifecycles spread over: {@code bench.vessels} vessels of their own (20), each with a crew
     * user, a berth and {@code bench.calls} past calls (400) registered before the runs (as a port registers calls
     * ahead of the ships; not measured). A ship hands over {@code bench.manifests-per-call} batches (4) per call, then
     * takes its next call; after its last one it starts again at its first, so in a long run a call carries a few
     * more. A real call carries a handful of manifests, and what the rules judge per call (its verdicts are recomputed
     * after the steps that change what it handed over) grows with that: calls that gathered hundreds of manifests in a
     * long run made every recomputation read them all.
     */
    record Ship(String vessel, String berth, String crew, List<String> calls) {}

    static final List<Ship> SHIPS = new ArrayList<>();

    record Result(
            String what,
            long steps,
            double seconds,
            double perSecond,
            double p50,
            double p99,
            long errors,
            Cpu cpu,
            Backlog backlog) {}

    /**
     * The work a run left for Shoreloop to do after it: calls whose verdicts wait to be recomputed, manifests the
     * reports have not counted yet. A rate reached by leaving a growing backlog behind is not a rate that lasts.
     */
    record Backlog(long verdicts, long reports) {}

    static String jdbcUrl;

    /**
     * Waits, without load, until no call waits for its verdicts and no manifest for the reports; answers the seconds
     * it took, or -1 when the work was still not done after {@code maxSeconds}.
     */
    static double drain(int maxSeconds) throws InterruptedException {
        long start = System.nanoTime();
        while (true) {
            Backlog b = backlog();
            double elapsed = (System.nanoTime() - start) / 1e9;
            if (b != null && b.verdicts() == 0 && b.reports() == 0) {
                return elapsed;
            }
            if (b == null || elapsed >= maxSeconds) {
                return -1;
            }
            Thread.sleep(500);
        }
    }

    static Backlog backlog() {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
                var rs = c.createStatement().executeQuery("select (select count(*) from compliance_pending),"
                        + " (select count(distinct manifest_id) from report_pending)")) {
            rs.next();
            return new Backlog(rs.getLong(1), rs.getLong(2));
        } catch (java.sql.SQLException e) {
            return null;
        }
    }

    /** CPU time per step (milliseconds) of Shoreloop, of PostgreSQL and of these clients, during a run. */
    record Cpu(double app, double postgres, double clients) {}

    /**
     * CPU time consumed so far, in clock ticks, by a process (all its threads) and, for the PostgreSQL server, by the
     * postmaster with all its children: the live ones plus those it has reaped (cutime, cstime), so that a backend
     * that exits during a run still counts. From /proc (Linux); -1 when it cannot be read. A noisy host changes how
     * many steps a second get done, far less what each one costs: this is the figure to compare changes with.
     */
    static long ticks(long pid, boolean withChildren) {
        if (pid <= 0) {
            return -1;
        }
        try {
            String[] f = stat(pid);
            long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            if (!withChildren) {
                return t;
            }
            t += Long.parseLong(f[13]) + Long.parseLong(f[14]);
            try (var procs = java.nio.file.Files.list(java.nio.file.Path.of("/proc"))) {
                for (var p : (Iterable<java.nio.file.Path>) procs::iterator) {
                    String name = p.getFileName().toString();
                    if (!name.chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    try {
                        String[] c = stat(Long.parseLong(name));
                        if (Long.parseLong(c[1]) == pid) {
                            t += Long.parseLong(c[11]) + Long.parseLong(c[12]);
                        }
                    } catch (java.io.IOException | RuntimeException gone) {
                        // exited meanwhile: its time is in the parent's cutime now or soon
                    }
                }
            }
            return t;
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The fields of /proc/PID/stat after the command name: [0] is the state, [1] the parent, [11] utime. */
    static String[] stat(long pid) throws java.io.IOException {
        return stat(java.nio.file.Path.of("/proc/" + pid + "/stat"));
    }

    /** The fields of a /proc stat file (a process's or a thread's) after the command name, as {@link #stat(long)}. */
    static String[] stat(java.nio.file.Path file) throws java.io.IOException {
        String s = java.nio.file.Files.readString(file);
        return s.substring(s.lastIndexOf(')') + 2).split(" ");
    }

    static final long APP_PID = Long.getLong("app.pid", -1);
    static final long PG_PID = Long.getLong("postgres.pid", -1);
    static final double TICK_MS = 1000.0 / Long.getLong("clk.tck", 100);

    /** Ticks of Shoreloop, PostgreSQL and this process, at one moment. */
    static long[] cpuNow() {
        return new long[] {ticks(APP_PID, false), ticks(PG_PID, true), ticks(ProcessHandle.current().pid(), false)};
    }

    static Cpu cpuPerStep(long[] before, long[] after, long steps) {
        if (steps == 0 || before[0] < 0 || after[0] < 0 || before[1] < 0 || after[1] < 0) {
            return null;
        }
        return new Cpu(
                (after[0] - before[0]) * TICK_MS / steps,
                (after[1] - before[1]) * TICK_MS / steps,
                (after[2] - before[2]) * TICK_MS / steps);
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String jdbc = args[1];
        jdbcUrl = jdbc;
        int clients = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        boolean json = args.length > 4 && args[4].equals("--json");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Map<String, String> admin = tokens(http, base);
        createShips(http, base, admin.get("demo-admin"), Integer.getInteger("bench.vessels", 20));
        long registering = System.nanoTime();
        int calls = Integer.getInteger("bench.calls", 400);
        registerCalls(base, admin.get("demo-admin"), clients, calls);
        if (!json) {
            System.out.printf(java.util.Locale.ROOT, "registered %d calls of %d ships in %.0f s, %d manifests per call%n",
                    calls * SHIPS.size(), SHIPS.size(), (System.nanoTime() - registering) / 1e9, MANIFESTS_PER_CALL);
        }
        Map<String, String> tokens = tokens(http, base);

        // warm-up: until the JIT compilers are done with the hot paths (on 2 cores they otherwise take a large share
        // of the measured runs), not measured
        warmUp(base, tokens, clients, json);
        Result full = run(base, tokens, clients, seconds, 0);
        // the latency at half load is measured in the steady state of that load, not while Shoreloop still works
        // off what the full-load run left behind: wait until that is done, and say how long it took
        double drained = drain(Integer.getInteger("bench.drain.max", 300));
        double halfRate = full.perSecond() / 2;
        Result half = run(base, tokens, clients, seconds, halfRate);
        Result plain = plainInserts(jdbc, clients, seconds);

        List<Result> results = List.of(full, half, plain);
        if (json) {
            StringBuilder out = new StringBuilder("{\"results\":[");
            for (int i = 0; i < results.size(); i++) {
                Result r = results.get(i);
                out.append(i == 0 ? "" : ",").append(String.format(java.util.Locale.ROOT,
                        "{\"what\":\"%s\",\"steps\":%d,\"seconds\":%.1f,\"stepsPerSecond\":%.1f,\"p50ms\":%.2f,"
                                + "\"p99ms\":%.2f,\"errors\":%d%s%s}",
                        r.what(), r.steps(), r.seconds(), r.perSecond(), r.p50(), r.p99(), r.errors(),
                        r.cpu() == null
                                ? ""
                                : String.format(java.util.Locale.ROOT,
                                        ",\"cpuMsPerStep\":{\"shoreloop\":%.3f,\"postgres\":%.3f,\"clients\":%.3f}",
                                        r.cpu().app(), r.cpu().postgres(), r.cpu().clients()),
                        r.backlog() == null
                                ? ""
                                : String.format(java.util.Locale.ROOT,
                                        ",\"backlogAfter\":{\"verdicts\":%d,\"reports\":%d}",
                                        r.backlog().verdicts(), r.backlog().reports())));
            }
            out.append(String.format(java.util.Locale.ROOT, "],\"ratioToPlainInserts\":%.3f,\"backlogClearedSeconds\":%s}",
                    full.perSecond() / plain.perSecond(),
                    drained < 0 ? "null" : String.format(java.util.Locale.ROOT, "%.0f", drained)));
            System.out.println(out);
            return;
        }
        System.out.printf(
                "%-44s %8s %8s %10s %9s %9s %7s   %-50s %s%n",
                "run",
                "steps",
                "s",
                "steps/s",
                "p50 ms",
                "p99 ms",
                "errors",
                "CPU ms per step: Shoreloop / PostgreSQL / clients",
                "left after: verdicts / reports");
        for (Result r : results) {
            System.out.printf(java.util.Locale.ROOT, "%-44s %8d %8.1f %10.1f %9.2f %9.2f %7d   %-50s %s%n", r.what(), r.steps(),
                    r.seconds(), r.perSecond(), r.p50(), r.p99(), r.errors(),
                    r.cpu() == null
                            ? "-"
                            : String.format(java.util.Locale.ROOT, "%.2f / %.2f / %.2f", r.cpu().app(),
                                    r.cpu().postgres(), r.cpu().clients()),
                    r.backlog() == null ? "-" : r.backlog().verdicts() + " / " + r.backlog().reports());
        }
        System.out.printf(java.util.Locale.ROOT,
                "%nsigned steps/s ÷ plain unsigned inserts/s (same machine, same run) = %.3f%n",
                full.perSecond() / plain.perSecond());
        System.out.println(drained < 0
                ? "the backlog of the full-load run was not cleared before the paced run began (bench.drain.max s)"
                : String.format(java.util.Locale.ROOT,
                        "the backlog of the full-load run was cleared in %.0f s without load, before the paced run",
                        drained));
        System.out.printf(java.util.Locale.ROOT, "goal P2: >= 1500 signed steps/s; p99 < 50 ms at half load (%.0f/s)%n",
                halfRate);
    }

    /**
     * Registers {@code vessels} inland cargo ships over the API, a berth of its own for each at the demo port whose
     * facilities sign the steps (calls at one berth are checked for overlap one at a time; ships sharing a berth would
     * queue on each other's registrations), and a crew user for each (through /api/v1/users).
     */
    static void createShips(HttpClient http, String base, String admin, int vessels) throws Exception {
        for (int v = 0; v < vessels; v++) {
            String mmsi = String.valueOf(413900000 + v);
            String vessel = created(http, base, admin, "/api/v1/vessels", "{\"name\":\"Bench \u8239 " + v
                    + "\",\"mmsi\":\"" + mmsi + "\",\"type\":\"CARGO\",\"crewCapacity\":14,\"tanks\":["
                    + "{\"stream\":\"SEWAGE\",\"capacity\":\"20\"},{\"stream\":\"GARBAGE\",\"capacity\":\"500\"}]}");
            String berth = created(http, base, admin, "/api/v1/berths", "{\"portId\":\"" + PORT
                    + "\",\"code\":\"BENCH-" + v + "\",\"name\":\"Bench berth " + v
                    + "\",\"terminalKind\":\"GENERAL_CARGO\"}");
            String crew = "bench-crew-" + v;
            created(http, base, admin, "/api/v1/users", "{\"subject\":\"" + crew + "\",\"displayName\":\"Bench crew "
                    + v + "\",\"role\":\"CREW\",\"partyId\":\"" + vessel + "\"}");
            SHIPS.add(new Ship(vessel, berth, crew, java.util.Collections.synchronizedList(new ArrayList<>())));
        }
    }

    static final int MANIFESTS_PER_CALL = Integer.getInteger("bench.manifests-per-call", 4);

    /** A ship's calls are {@link #CALL_LENGTH} long, one after the other at its berth, from this day on (all past). */
    static final Instant FIRST_ARRIVAL =
            Instant.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS).minus(Duration.ofDays(1500));

    static final Duration CALL_LENGTH = Duration.ofMinutes(15);

    /** Registers {@code calls} calls of every ship over the API, {@code clients} at a time. */
    static void registerCalls(String base, String admin, int clients, int calls) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (Ship ship : SHIPS) {
                done.add(pool.submit(() -> {
                    try (Connection1 http = new Connection1(URI.create(base))) {
                        for (int k = 0; k < calls; k++) {
                            Instant arrival = FIRST_ARRIVAL.plus(CALL_LENGTH.multipliedBy(k));
                            Connection1.Answer r = http.post("/api/v1/calls", admin, "{\"vesselId\":\""
                                    + ship.vessel() + "\",\"berthId\":\"" + ship.berth() + "\",\"arrival\":\""
                                    + arrival + "\",\"departure\":\"" + arrival.plus(CALL_LENGTH)
                                    + "\",\"crewOnBoard\":12}");
                            Matcher m = ID.matcher(r.body());
                            if (r.status() != 201 || !m.find()) {
                                throw new IllegalStateException("cannot register a call: " + r.status() + " " + r.body());
                            }
                            ship.calls().add(m.group(1));
                        }
                    }
                    return null;
                }));
            }
            for (var f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    /** The call of a ship that its {@code lifecycle}-th lifecycle hands over on. */
    static String callOf(Ship ship, long lifecycle) {
        long k = lifecycle / SHIPS.size() / MANIFESTS_PER_CALL;
        return ship.calls().get((int) (k % ship.calls().size()));
    }

    /** POSTs as the admin and answers the new resource's id. */
    static String created(HttpClient http, String base, String admin, String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                        .header("Authorization", "Bearer " + admin)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = ID.matcher(r.body());
        if (r.statusCode() != 201 || !m.find()) {
            throw new IllegalStateException("cannot register " + path + ": " + r.statusCode() + " " + r.body());
        }
        return m.group(1);
    }

    static final AtomicLong LIFECYCLES = new AtomicLong();

    static Map<String, String> tokens(HttpClient http, String base) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/demo/tokens")).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        Map<String, String> tokens = new HashMap<>();
        Matcher m = Pattern.compile("\"subject\":\"([^\"]+)\"[^}]*?\"token\":\"([^\"]+)\"").matcher(body);
        while (m.find()) {
            tokens.put(m.group(1), m.group(2));
        }
        // the ships' crews, created through /api/v1/users (demo mode hands out any active user's token by subject)
        for (Ship ship : SHIPS) {
            String mine = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/demo/tokens?subject=" + ship.crew()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString())
                    .body();
            Matcher t = Pattern.compile("\"token\":\"([^\"]+)\"").matcher(mine);
            if (!t.find()) {
                throw new IllegalStateException("no token for " + ship.crew() + ": " + mine);
            }
            tokens.put(ship.crew(), t.group(1));
        }
        return tokens;
    }

    /** The JIT compilers' share of the application's CPU time below which a warm-up window counts as quiet. */
    static final double JIT_QUIET = Double.parseDouble(System.getProperty("warmup.jit-quiet", "0.03"));

    /** Unmeasured lifecycles until the rate settles and the JIT compilers are done (see the class comment). */
    static void warmUp(String base, Map<String, String> tokens, int clients, boolean json) throws Exception {
        int min = Integer.parseInt(System.getProperty("warmup", "60"));
        int max = Integer.parseInt(System.getProperty("warmup.max", "600"));
        int window = Integer.parseInt(System.getProperty("warmup.window", "10"));
        double best = 0;
        int steady = 0;
        int quiet = 0;
        long start = System.nanoTime();
        List<String> rates = new ArrayList<>();
        List<String> jit = new ArrayList<>();
        while (true) {
            long app0 = ticks(APP_PID, false);
            long jit0 = jitTicks(APP_PID);
            Result r = run(base, tokens, clients, window, 0);
            long app = ticks(APP_PID, false) - app0;
            long compiling = jitTicks(APP_PID) - jit0;
            double elapsed = (System.nanoTime() - start) / 1e9;
            rates.add(String.format(java.util.Locale.ROOT, "%.0f", r.perSecond()));
            steady = best > 0 && r.perSecond() <= best * 1.03 && r.perSecond() >= best * 0.97 ? steady + 1 : 0;
            best = Math.max(best, r.perSecond());
            // without /proc (another OS, no app.pid) the JIT cannot be watched: the rate decides alone
            boolean known = app0 >= 0 && jit0 >= 0 && app > 0;
            double share = known ? (double) compiling / app : 0;
            jit.add(known ? String.format(java.util.Locale.ROOT, "%.0f", share * 100) : "?");
            // a compiler thread that ended within the window took its time with it (a negative share): not quiet
            quiet = share >= 0 && share < JIT_QUIET ? quiet + 1 : 0;
            boolean settled = steady >= 3 && quiet >= 3;
            if ((elapsed >= min && settled) || elapsed >= max) {
                if (!json) {
                    System.out.printf(java.util.Locale.ROOT, "warm-up: %.0f s, steps/s per %d s window: %s%s%n",
                            elapsed, window, String.join(" ", rates), settled ? " (steady)" : " (max reached)");
                    System.out.printf(java.util.Locale.ROOT, "  JIT compilers' %% of Shoreloop's CPU per window: %s%n",
                            String.join(" ", jit));
                }
                return;
            }
        }
    }

    /**
     * CPU time consumed so far, in clock ticks, by the JIT compiler threads of a JVM (C1 and C2 compiler threads, by
     * their names in /proc); -1 when it cannot be read.
     */
    static long jitTicks(long pid) {
        if (pid <= 0) {
            return -1;
        }
        long t = 0;
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/" + pid + "/task"))) {
            for (var task : (Iterable<java.nio.file.Path>) tasks::iterator) {
                try {
                    String name = java.nio.file.Files.readString(task.resolve("comm")).trim();
                    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                        String[] f = stat(task.resolve("stat"));
                        t += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    }
                } catch (java.io.IOException | RuntimeException gone) {
                    // a compiler thread that ended meanwhile: its time is no longer counted anywhere (the JVM
                    // starts and stops compiler threads as its queue grows and shrinks)
                }
            }
            return t;
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * One HTTP/1.1 connection kept alive: writes a request and reads its answer (Content-Length or chunked body). A
     * bench client, not a general one: no redirects, no TLS, no pipelining.
     */
    static final class Connection1 implements AutoCloseable {
        private final java.net.Socket socket;
        private final java.io.BufferedInputStream in;
        private final java.io.OutputStream out;
        private final String host;

        Connection1(URI base) throws java.io.IOException {
            socket = new java.net.Socket(base.getHost(), base.getPort());
            socket.setTcpNoDelay(true);
            in = new java.io.BufferedInputStream(socket.getInputStream(), 16384);
            out = new java.io.BufferedOutputStream(socket.getOutputStream(), 16384);
            host = base.getHost() + ":" + base.getPort();
        }

        record Answer(int status, String body) {}

        Answer post(String path, String token, String json) throws java.io.IOException {
            byte[] body = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: application/json\r\nIdempotency-Key: " + UUID.randomUUID()
                    + "\r\nContent-Length: " + body.length + "\r\n\r\n";
            out.write(head.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            String status = line();
            int code = Integer.parseInt(status.substring(9, 12));
            int length = -1;
            boolean chunked = false;
            for (String h = line(); !h.isEmpty(); h = line()) {
                int colon = h.indexOf(':');
                String name = h.substring(0, colon).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Integer.parseInt(h.substring(colon + 1).trim());
                } else if (name.equalsIgnoreCase("Transfer-Encoding") && h.toLowerCase().contains("chunked")) {
                    chunked = true;
                }
            }
            java.io.ByteArrayOutputStream content = new java.io.ByteArrayOutputStream();
            if (chunked) {
                for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                        size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                    content.write(in.readNBytes(size));
                    line();
                }
                line();
            } else if (length > 0) {
                content.write(in.readNBytes(length));
            }
            return new Answer(code, content.toString(java.nio.charset.StandardCharsets.UTF_8));
        }

        private String line() throws java.io.IOException {
            StringBuilder b = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new java.io.EOFException("connection closed");
                }
                if (c != '\r') {
                    b.append((char) c);
                }
            }
            return b.toString();
        }

        @Override
        public void close() throws java.io.IOException {
            socket.close();
        }
    }

    static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");

    /** Closed-loop lifecycles; with {@code rate} > 0 the clients are paced to that many steps/s in total. */
    static Result run(String base, Map<String, String> tokens, int clients, int seconds, double rate)
            throws Exception {
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong steps = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        long start = System.nanoTime();
        long[] cpuBefore = cpuNow();
        double perClientInterval = rate > 0 ? clients / rate * 1e9 : 0;
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            new Thread(() -> {
                long next = System.nanoTime();
                try (Connection1 http = new Connection1(URI.create(base))) {
                    while (System.nanoTime() < end) {
                        String id = null;
                        long lifecycle = LIFECYCLES.getAndIncrement();
                        Ship ship = SHIPS.get((int) (lifecycle % SHIPS.size()));
                        String call = callOf(ship, lifecycle);
                        for (int step = 0; step < 5 && System.nanoTime() < end; step++) {
                            if (perClientInterval > 0) {
                                next += (long) perClientInterval;
                                long wait = next - System.nanoTime();
                                if (wait > 0) {
                                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                                }
                            }
                            long t0 = System.nanoTime();
                            String[] req = request(step, id, ship.crew(), call);
                            Connection1.Answer r =
                                    http.post(req[1].replace("{id}", String.valueOf(id)), tokens.get(req[0]), req[2]);
                            latencies.add(System.nanoTime() - t0);
                            if (r.status() >= 300) {
                                errors.incrementAndGet();
                                if (errors.get() <= 3) {
                                    System.err.println("step " + step + " answered " + r.status() + ": " + r.body());
                                }
                                break;
                            }
                            steps.incrementAndGet();
                            if (step == 0) {
                                Matcher m = ID.matcher(r.body());
                                m.find();
                                id = m.group(1);
                            }
                        }
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                    System.err.println("client failed: " + e);
                } finally {
                    done.countDown();
                }
            }).start();
        }
        done.await();
        double elapsed = (System.nanoTime() - start) / 1e9;
        Cpu cpu = cpuPerStep(cpuBefore, cpuNow(), steps.get());
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        String what = rate > 0
                ? String.format(java.util.Locale.ROOT, "HTTP lifecycles, paced at %.0f steps/s", rate)
                : "HTTP lifecycles, " + clients + " closed-loop clients";
        return new Result(what, steps.get(), elapsed, steps.get() / elapsed, pct(sorted, 0.50), pct(sorted, 0.99),
                errors.get(), cpu, backlog());
    }

    static String[] request(int step, String id, String crew, String call) {
        return switch (step) {
            case 0 -> new String[] {crew, "/api/v1/manifests",
                "{\"callId\":\"" + call + "\",\"stream\":\"SEWAGE\",\"quantity\":\"5\"}"};
            case 1 -> new String[] {crew, "/api/v1/manifests/{id}/declare",
                "{\"receiverId\":\"" + RECEIVER + "\"}"};
            case 2 -> new String[] {"demo-receiver-guoyuan", "/api/v1/manifests/{id}/receive",
                "{\"quantity\":\"4.9\",\"method\":\"METERED\",\"nextPartyId\":\"" + TRANSPORTER + "\"}"};
            case 3 -> new String[] {"demo-transporter-yuhuan", "/api/v1/manifests/{id}/pickup",
                "{\"quantity\":\"4.9\",\"method\":\"METERED\",\"vehicle\":\"A1\",\"nextPartyId\":\"" + PLANT + "\"}"};
            default -> new String[] {"demo-disposer-sewage-plant", "/api/v1/manifests/{id}/dispose",
                "{\"quantity\":\"4.9\",\"method\":\"METERED\",\"treatment\":\"A2O\"}"};
        };
    }

    /** The reference: the same rows, unsigned, one transaction per step, straight into PostgreSQL. */
    static Result plainInserts(String jdbc, int clients, int seconds) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres")) {
            c.createStatement().execute("create table if not exists bench_manifest (id uuid primary key, state text,"
                    + " qty numeric(14,3), version bigint, updated_at timestamptz)");
            c.createStatement().execute("create table if not exists bench_step (manifest_id uuid, seq int, action"
                    + " text, qty numeric(14,3), at timestamptz, primary key (manifest_id, seq))");
        }
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong steps = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        long start = System.nanoTime();
        long[] cpuBefore = cpuNow();
        CountDownLatch done = new CountDownLatch(clients);
        for (int i = 0; i < clients; i++) {
            new Thread(() -> {
                try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres")) {
                    c.setAutoCommit(false);
                    PreparedStatement insert = c.prepareStatement(
                            "insert into bench_manifest values (?, 'DRAFT', 5, 0, now())");
                    PreparedStatement update = c.prepareStatement(
                            "update bench_manifest set state = ?, version = version + 1, updated_at = now() where id = ?");
                    PreparedStatement step = c.prepareStatement(
                            "insert into bench_step values (?, ?, ?, 4.9, now())");
                    while (System.nanoTime() < end) {
                        UUID id = UUID.randomUUID();
                        for (int s = 0; s < 5 && System.nanoTime() < end; s++) {
                            long t0 = System.nanoTime();
                            if (s == 0) {
                                insert.setObject(1, id);
                                insert.executeUpdate();
                            } else {
                                update.setString(1, "S" + s);
                                update.setObject(2, id);
                                update.executeUpdate();
                            }
                            step.setObject(1, id);
                            step.setInt(2, s);
                            step.setString(3, "S" + s);
                            step.executeUpdate();
                            c.commit();
                            latencies.add(System.nanoTime() - t0);
                            steps.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                } finally {
                    done.countDown();
                }
            }).start();
        }
        done.await();
        double elapsed = (System.nanoTime() - start) / 1e9;
        Cpu cpu = cpuPerStep(cpuBefore, cpuNow(), steps.get());
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return new Result("plain unsigned JDBC inserts (reference)", steps.get(), elapsed, steps.get() / elapsed,
                pct(sorted, 0.50), pct(sorted, 0.99), errors.get(), cpu, null);
    }

    static double pct(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1e6;
    }
}
