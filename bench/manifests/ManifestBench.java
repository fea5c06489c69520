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
 * <p>Usage: java -cp postgresql.jar ManifestBench.java BASE_URL JDBC_URL CLIENTS SECONDS [--json]
 */
public class ManifestBench {

    static final String RECEIVER = "00000000-0000-0000-0006-000000000001";
    static final String TRANSPORTER = "00000000-0000-0000-0006-000000000004";
    static final String PLANT = "00000000-0000-0000-0006-000000000005";

    /** Calls the lifecycles spread over (a real call carries a handful of manifests, not thousands). */
    static final List<String> CALLS = new ArrayList<>();

    record Result(String what, long steps, double seconds, double perSecond, double p50, double p99, long errors) {}

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String jdbc = args[1];
        int clients = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        boolean json = args.length > 4 && args[4].equals("--json");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Map<String, String> tokens = tokens(http, base);
        createCalls(http, base, tokens.get("demo-admin"), 200);

        // warm-up: until the JIT compilers are done with the hot paths (on 2 cores they otherwise take a large share
        // of the measured runs), not measured
        int warmup = Integer.parseInt(System.getProperty("warmup", "60"));
        run(http, base, tokens, clients, warmup, 0);
        Result full = run(http, base, tokens, clients, seconds, 0);
        double halfRate = full.perSecond() / 2;
        Result half = run(http, base, tokens, clients, seconds, halfRate);
        Result plain = plainInserts(jdbc, clients, seconds);

        List<Result> results = List.of(full, half, plain);
        if (json) {
            StringBuilder out = new StringBuilder("{\"results\":[");
            for (int i = 0; i < results.size(); i++) {
                Result r = results.get(i);
                out.append(i == 0 ? "" : ",").append(String.format(java.util.Locale.ROOT,
                        "{\"what\":\"%s\",\"steps\":%d,\"seconds\":%.1f,\"stepsPerSecond\":%.1f,\"p50ms\":%.2f,"
                                + "\"p99ms\":%.2f,\"errors\":%d}",
                        r.what(), r.steps(), r.seconds(), r.perSecond(), r.p50(), r.p99(), r.errors()));
            }
            out.append(String.format(java.util.Locale.ROOT, "],\"ratioToPlainInserts\":%.3f}",
                    full.perSecond() / plain.perSecond()));
            System.out.println(out);
            return;
        }
        System.out.printf("%-44s %8s %8s %10s %9s %9s %7s%n", "run", "steps", "s", "steps/s", "p50 ms", "p99 ms",
                "errors");
        for (Result r : results) {
            System.out.printf(java.util.Locale.ROOT, "%-44s %8d %8.1f %10.1f %9.2f %9.2f %7d%n", r.what(), r.steps(),
                    r.seconds(), r.perSecond(), r.p50(), r.p99(), r.errors());
        }
        System.out.printf(java.util.Locale.ROOT,
                "%nsigned steps/s ÷ plain unsigned inserts/s (same machine, same run) = %.3f%n",
                full.perSecond() / plain.perSecond());
        System.out.printf(java.util.Locale.ROOT, "goal P2: >= 1500 signed steps/s; p99 < 50 ms at half load (%.0f/s)%n",
                halfRate);
    }

    /** Registers {@code n} past one-hour calls of the demo container ship at berth GY-B03, one day apart. */
    static void createCalls(HttpClient http, String base, String admin, int n) throws Exception {
        Instant day = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS).minus(Duration.ofDays(400));
        for (int i = 0; i < n; i++) {
            Instant arrival = day.plus(Duration.ofDays(i)).plus(Duration.ofHours(3));
            String body = "{\"vesselId\":\"00000000-0000-0000-0005-000000000001\",\"berthId\":"
                    + "\"00000000-0000-0000-0004-000000000003\",\"arrival\":\"" + arrival + "\",\"departure\":\""
                    + arrival.plus(Duration.ofHours(1)) + "\",\"crewOnBoard\":12}";
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/calls"))
                            .header("Authorization", "Bearer " + admin)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher m = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(r.body());
            if (r.statusCode() != 201 || !m.find()) {
                throw new IllegalStateException("cannot register bench call: " + r.statusCode() + " " + r.body());
            }
            CALLS.add(m.group(1));
        }
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
        return tokens;
    }

    /** Closed-loop lifecycles; with {@code rate} > 0 the clients are paced to that many steps/s in total. */
    static Result run(HttpClient http, String base, Map<String, String> tokens, int clients, int seconds, double rate)
            throws Exception {
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong steps = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        long start = System.nanoTime();
        double perClientInterval = rate > 0 ? clients / rate * 1e9 : 0;
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            new Thread(() -> {
                long next = System.nanoTime();
                try {
                    while (System.nanoTime() < end) {
                        String id = null;
                        for (int step = 0; step < 5 && System.nanoTime() < end; step++) {
                            if (perClientInterval > 0) {
                                next += (long) perClientInterval;
                                long wait = next - System.nanoTime();
                                if (wait > 0) {
                                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                                }
                            }
                            long t0 = System.nanoTime();
                            String[] req = request(step, id);
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + req[1].replace(
                                                    "{id}", String.valueOf(id))))
                                            .header("Authorization", "Bearer " + tokens.get(req[0]))
                                            .header("Content-Type", "application/json")
                                            .header("Idempotency-Key", UUID.randomUUID().toString())
                                            .POST(HttpRequest.BodyPublishers.ofString(req[2]))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
                            latencies.add(System.nanoTime() - t0);
                            if (r.statusCode() >= 300) {
                                errors.incrementAndGet();
                                break;
                            }
                            steps.incrementAndGet();
                            if (step == 0) {
                                Matcher m = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(r.body());
                                m.find();
                                id = m.group(1);
                            }
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
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        String what = rate > 0
                ? String.format(java.util.Locale.ROOT, "HTTP lifecycles, paced at %.0f steps/s", rate)
                : "HTTP lifecycles, " + clients + " closed-loop clients";
        return new Result(what, steps.get(), elapsed, steps.get() / elapsed, pct(sorted, 0.50), pct(sorted, 0.99),
                errors.get());
    }

    static String[] request(int step, String id) {
        return switch (step) {
            case 0 -> new String[] {"demo-crew-yu-container-1", "/api/v1/manifests",
                "{\"callId\":\"" + CALLS.get((int) (LIFECYCLES.getAndIncrement() % CALLS.size()))
                        + "\",\"stream\":\"SEWAGE\",\"quantity\":\"5\"}"};
            case 1 -> new String[] {"demo-crew-yu-container-1", "/api/v1/manifests/{id}/declare",
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
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return new Result("plain unsigned JDBC inserts (reference)", steps.get(), elapsed, steps.get() / elapsed,
                pct(sorted, 0.50), pct(sorted, 0.99), errors.get());
    }

    static double pct(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1e6;
    }
}
