import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.postgresql.PGConnection;

/**
 * Shoreloop ingest benchmark (quality.md P1, P1r, P1n), run by bench/ingest/run.sh against a running Shoreloop, a
 * real broker and PostgreSQL. Single-file Java program: java -cp <hivemq client + pgjdbc + jackson> IngestBench.java
 * --simulator device-simulators/target/shoreloop-device-simulators.jar ...
 *
 * <p>The load comes from the device simulator's load mode (a process of its own: numbered readings, QoS 1, and a JSON
 * report with its start, each meter's last seq and register increase). Shapes, each checked for 0 lost / 0
 * duplicated:
 * <ol>
 *   <li>broker QoS 1 pass-through: the same live load under another topic root, to a plain subscriber that only
 *       counts (Shoreloop does not see it);
 *   <li>live: N readings from M meters, one per QoS 1 message, end to end (first publish → last committed row);
 *       this and the pass-through twice, alternated, each figure the better of its two runs: the broker's rate alone
 *       swung between 29,000 and 59,000 msgs/s from run to run on these shared machines, so a single pass-through
 *       measured at a fast moment and a live shape at a slow one (or the reverse) made the ratio a coin toss;
 *   <li>backfill: arrays of 500 readings per message;
 *   <li>COPY of the same backfill rows (time order) straight into meter_reading in PostgreSQL's binary format, the
 *       one Shoreloop sends (the better of two runs; the rows turned into it by PostgreSQL itself, untimed), and
 *       once as CSV for comparison with figures from before Shoreloop sent binary;
 *   <li>naive: one autocommitted INSERT per reading.
 * </ol>
 * Before them, Shoreloop is warmed up in rounds of both shapes (see {@link #warmUp}).
 */
public class IngestBench {

    static final String BERTH = "00000000-0000-0000-0004-000000000001"; // demo berth CQ-GY/B01
    static final String PORT_CODE = "CQ-GY";
    static final String BERTH_CODE = "B01";

    String mqttHost = "127.0.0.1";
    int mqttPort = 1883;
    String jdbc;
    String user = "postgres";
    String password = "";
    String simulator = "device-simulators/target/shoreloop-device-simulators.jar";
    int meters = 100;
    /**
     * Meters to a berth, each berth with a ship at it (a call that arrived three days before, still there: longer ago
     * than the warm-up's backfill history of 62.5 h reaches back, so every shape's sessions match it), as in a port:
     * a few outlets at each berth, and a session matched to the call of its own berth. 0: every meter at the demo
     * berth CQ-GY/B01, matched to its one call (as the bench did until 2026-12-07: that call then had the sessions of
     * every meter, thousands, read and hashed by the compliance worker whenever it judged the call again).
     */
    int metersPerBerth = 4;
    /** The berth of each generated meter number (index 0 unused), when {@link #metersPerBerth} &gt; 0. */
    UUID[] berthOfMeter;
    /** Readings of each live shape (and messages of each pass-through): at 100,000 a run lasted 3-5 s, its last batch's
     * commit a few per cent of it. */
    int live = 300_000;
    int backfill = 200_000;
    int backfillMeters = 20;
    int arraySize = 500;
    int naive = 10_000;
    int warmup = 50_000;
    /** Backfill readings of the warm-up: with fewer, the JIT still compiled the backfill path in the measured run. */
    int warmupBackfill = 300_000;
    /** Warm-up rounds at most; a round ends the warm-up when the JIT compiler was nearly idle during it. */
    int warmupRounds = 6;
    /**
     * Whether the simulator warms itself up before each measured shape (its {@code --warmup}: rounds of the same load
     * under a topic root nobody subscribes to, until its JIT compiler is nearly idle). Each shape starts a new
     * simulator JVM; cold, it spent most of the measured seconds compiling itself (~1.5 cores of the two during the
     * broker's pass-through, ~0.7 during the live shape), on the cores the broker, Shoreloop and PostgreSQL share.
     */
    boolean simulatorWarmup = true;
    /**
     * How many readings the simulator may publish ahead of its consumer (Shoreloop's committed readings, or the
     * counting subscriber's messages) in the one-reading-per-message shapes; 0: no limit. What the consumer has not
     * taken yet waits in the broker's queue, and with more than 65,535 waiting for Shoreloop Mosquitto 2.0.11 was seen
     * reusing packet identifiers still in flight: the client disconnected (protocol error), reconnected and received
     * everything unacknowledged again, and the live figure of the run was disturbed.
     * 60,000 (40,000 until 2026-12-07) stays below that, what Shoreloop holds unacknowledged included; with 40,000 and
     * batches that wait longer under load the lead, not Shoreloop, bounded the 5,000-meter live rate.
     */
    long lead = 60_000;
    /** Shoreloop's process id (for the JIT compiler's time, from its performance counters), or -1. */
    long appPid = -1;
    /** PostgreSQL's postmaster (its backends are its children) and the broker, for the CPU each shape costs them. */
    long pgPid = -1;
    long brokerPid = -1;
    /** Shoreloop's Prometheus endpoint, for the size of the batches it wrote (null: not reported). */
    String metricsUrl;
    /** CPU per process, sampled every 100 ms while the bench runs (see {@link CpuSampler}). */
    CpuSampler cpu;
    boolean json;
    final String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36).toUpperCase(Locale.ROOT);
    final Map<String, Object> results = new LinkedHashMap<>();

    public static void main(String[] args) throws Exception {
        IngestBench b = new IngestBench();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mqtt-host" -> b.mqttHost = args[++i];
                case "--mqtt-port" -> b.mqttPort = Integer.parseInt(args[++i]);
                case "--jdbc" -> b.jdbc = args[++i];
                case "--user" -> b.user = args[++i];
                case "--password" -> b.password = args[++i];
                case "--simulator" -> b.simulator = args[++i];
                case "--meters" -> b.meters = Integer.parseInt(args[++i]);
                case "--meters-per-berth" -> b.metersPerBerth = Integer.parseInt(args[++i]);
                case "--live" -> b.live = Integer.parseInt(args[++i]);
                case "--backfill" -> b.backfill = Integer.parseInt(args[++i]);
                case "--naive" -> b.naive = Integer.parseInt(args[++i]);
                case "--warmup" -> b.warmup = Integer.parseInt(args[++i]);
                case "--warmup-backfill" -> b.warmupBackfill = Integer.parseInt(args[++i]);
                case "--warmup-rounds" -> b.warmupRounds = Integer.parseInt(args[++i]);
                case "--cold-simulator" -> b.simulatorWarmup = false;
                case "--lead" -> b.lead = Long.parseLong(args[++i]);
                case "--app-pid" -> b.appPid = Long.parseLong(args[++i]);
                case "--pg-pid" -> b.pgPid = Long.parseLong(args[++i]);
                case "--broker-pid" -> b.brokerPid = Long.parseLong(args[++i]);
                case "--metrics-url" -> b.metricsUrl = args[++i];
                case "--json" -> b.json = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        b.runAll();
    }

    void runAll() throws Exception {
        try (CpuSampler sampler = new CpuSampler(appPid, pgPid, brokerPid);
                Connection db = DriverManager.getConnection(jdbc, user, password)) {
            cpu = sampler;
            if (metersPerBerth > 0) {
                createBerths(db, Math.max(meters, this.backfillMeters));
            }
            List<Meter> liveMeters = register(db, "BL", meters);
            List<Meter> liveMetersAgain = register(db, "BM", meters);
            List<Meter> backfillMeters = register(db, "BB", this.backfillMeters);
            List<Meter> copyMeters = register(db, "BC", this.backfillMeters);
            List<Meter> copyMetersAgain = register(db, "BD", this.backfillMeters);
            List<Meter> csvMeters = register(db, "BE", this.backfillMeters);
            List<Meter> naiveMeters = register(db, "BN", this.backfillMeters);
            Thread.sleep(500);
            if (warmup > 0) {
                warmUp(db);
            }

            // once unmeasured: the counting subscriber's client runs warm, as Shoreloop's does after its warm-up
            passThrough(liveMeters.size(), false);
            double broker1 = passThrough(liveMeters.size(), true, "1");
            Result live1 = liveShape(db, liveMeters, "BL");
            double broker2 = passThrough(liveMeters.size(), true, "2");
            Result live2 = liveShape(db, liveMetersAgain, "BM");
            double broker = Math.max(broker1, broker2);
            Result liveResult = new Result(
                    Math.max(live1.rate, live2.rate),
                    live1.lost + live2.lost,
                    live1.duplicated + live2.duplicated,
                    live1.energyExact && live2.energyExact);
            log(String.format("broker pass-through %.0f and %.0f msgs/s, live %.0f and %.0f readings/s: the better of"
                    + " each counts", broker1, broker2, live1.rate, live2.rate));
            results.put("broker_runs_msgs_per_s", List.of(round(broker1), round(broker2)));
            results.put("live_runs_readings_per_s", List.of(round(live1.rate), round(live2.rate)));
            Result backfillResult = backfillShape(db, backfillMeters);
            // the reference is the better of two COPY runs (the first one also pays for the client's cold JIT)
            double copy = Math.max(copyShape(db, copyMeters, "BC", true), copyShape(db, copyMetersAgain, "BD", true));
            double csv = copyShape(db, csvMeters, "BE", false);
            results.put("copy_csv_rows_per_s", round(csv));
            results.put("ratio_backfill_vs_copy_csv", ratio(backfillResult.rate, csv));
            double naiveRate = naiveShape(db, naiveMeters);

            results.put("broker_qos1_msgs_per_s", round(broker));
            results.put("live_readings_per_s", round(liveResult.rate));
            results.put("live_lost", liveResult.lost);
            results.put("live_duplicated", liveResult.duplicated);
            results.put("live_energy_exact", liveResult.energyExact);
            results.put("backfill_readings_per_s", round(backfillResult.rate));
            results.put("backfill_lost", backfillResult.lost);
            results.put("backfill_duplicated", backfillResult.duplicated);
            results.put("backfill_energy_exact", backfillResult.energyExact);
            results.put("copy_rows_per_s", round(copy));
            results.put("naive_rows_per_s", round(naiveRate));
            results.put("ratio_live_vs_broker", ratio(liveResult.rate, broker));
            results.put("ratio_backfill_vs_copy", ratio(backfillResult.rate, copy));
            results.put("ratio_backfill_vs_naive", ratio(backfillResult.rate, naiveRate));
            report(liveResult, backfillResult, broker, copy, csv, naiveRate);
        }
    }

    record Meter(UUID id, String code) {}

    record Result(double rate, long lost, long duplicated, boolean energyExact) {}

    /** The simulator's load report: first publish (wall clock), readings per meter and their true energy. */
    record LoadReport(
            Instant startedAt, long messages, long readings, long expectedReadings, long expectedWh, double seconds) {}

    List<Meter> register(Connection db, String prefix, int n) throws Exception {
        List<Meter> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement(
                "insert into meter (id, code, berth_id, register_modulus_kwh, reporting_interval_s, updated_at)"
                        + " values (?, ?, ?::uuid, 100000000, 15, now())")) {
            for (int i = 0; i < n; i++) {
                // the simulator's generated meters: <prefix>-<run>-00001, ...
                Meter m = new Meter(UUID.randomUUID(), String.format("%s%05d", meterPrefix(prefix), i + 1));
                ps.setObject(1, m.id());
                ps.setString(2, m.code());
                ps.setString(3, metersPerBerth > 0 ? berthOfMeter[i + 1].toString() : BERTH);
                ps.addBatch();
                out.add(m);
            }
            ps.executeBatch();
        }
        return out;
    }

    /** Code prefix of the bench's berths: {@code <prefix>-0001, ...} (see the simulator's --meters-per-berth). */
    String berthPrefix() {
        return "R" + run;
    }

    /**
     * Creates the berths of {@code meterCount} meters, {@link #metersPerBerth} to a berth, each as the demo berth B01
     * (a container berth supplying shore power in port CQ-GY), and at each a call of its own ship (fit for the berth's
     * supply) that arrived three days ago and is still there; every meter set of the run uses them (meter n of each
     * set at the same berth).
     */
    void createBerths(Connection db, int meterCount) throws Exception {
        int berths = (meterCount + metersPerBerth - 1) / metersPerBerth;
        UUID[] byNumber = new UUID[berths + 1];
        boolean auto = db.getAutoCommit();
        db.setAutoCommit(false);
        try (PreparedStatement berth = db.prepareStatement("insert into berth (id, port_id, code, name, terminal_kind,"
                        + " shore_power, sp_voltage_v, sp_frequency_hz, sp_capacity_kva, sp_high_voltage, sp_socket)"
                        + " select ?, port_id, ?, ?, terminal_kind, shore_power, sp_voltage_v, sp_frequency_hz,"
                        + " sp_capacity_kva, sp_high_voltage, sp_socket from berth where id = ?::uuid");
                PreparedStatement vessel = db.prepareStatement("insert into vessel (id, name, mmsi, vessel_type,"
                        + " gross_tonnage, crew_capacity, shore_power, sp_voltage_v, sp_frequency_hz, sp_capacity_kva,"
                        + " sp_high_voltage, sp_socket) select ?, ?, ?, 'CONTAINER', 4800, 12, true, sp_voltage_v,"
                        + " sp_frequency_hz, 250, sp_high_voltage, sp_socket from berth where id = ?::uuid");
                PreparedStatement call = db.prepareStatement("insert into vessel_call (id, vessel_id, berth_id,"
                        + " port_id, arrival, crew_on_board) select ?, ?, id, port_id, now() - interval '3 days', 12"
                        + " from berth where id = ?")) {
            // mmsi 7xxxxxxxx, no demo vessel's (run.sh starts each run on a new database; another run's differ too,
            // unless a thousand runs apart)
            long mmsiBase = 700_000_000L + System.currentTimeMillis() % 1000 * 100_000L;
            for (int n = 1; n <= berths; n++) {
                UUID b = UUID.randomUUID();
                UUID v = UUID.randomUUID();
                byNumber[n] = b;
                String code = String.format(Locale.ROOT, "%s-%04d", berthPrefix(), n);
                berth.setObject(1, b);
                berth.setString(2, code);
                berth.setString(3, "bench berth " + code);
                berth.setString(4, BERTH);
                berth.addBatch();
                vessel.setObject(1, v);
                vessel.setString(2, "bench ship " + code);
                vessel.setString(3, Long.toString(mmsiBase + n));
                vessel.setString(4, BERTH);
                vessel.addBatch();
                call.setObject(1, UUID.randomUUID());
                call.setObject(2, v);
                call.setObject(3, b);
                call.addBatch();
            }
            berth.executeBatch();
            vessel.executeBatch();
            call.executeBatch();
            db.commit();
        } finally {
            db.setAutoCommit(auto);
        }
        berthOfMeter = new UUID[meterCount + 1];
        for (int i = 1; i <= meterCount; i++) {
            berthOfMeter[i] = byNumber[(i - 1) / metersPerBerth + 1];
        }
        log(String.format("%d berths with a ship at each, %d meters to a berth", berths, metersPerBerth));
    }

    String meterPrefix(String prefix) {
        return prefix + "-" + run + "-";
    }

    /**
     * Starts the simulator's load mode for {@code meters} meters {@code prefix}-run-00001... at CQ-GY/B01 (15 s
     * apart, as the demo meters report), with the given extra options; the report is read by {@link #report}.
     */
    Process startLoad(String prefix, int meters, long readings, String... extra) throws Exception {
        return startLoad(false, prefix, meters, readings, null, extra);
    }

    /**
     * {@link #startLoad}; {@code measured}: the simulator warms itself up first (see {@link #simulatorWarmup});
     * {@code consumed} (or null): the consumer's count of this load's readings, fed to the simulator's {@code --lead}
     * so that it stays at most {@link #lead} readings ahead.
     */
    Process startLoad(boolean measured, String prefix, int meters, long readings, LongSupplier consumed,
            String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", simulator, "load",
                "--host", mqttHost, "--port", String.valueOf(mqttPort),
                "--client-prefix", "bench-" + run + "-" + prefix + "-",
                "--port-code", PORT_CODE,
                "--meter-prefix", meterPrefix(prefix), "--meter-count", String.valueOf(meters),
                "--readings", String.valueOf(readings), "--interval", "15", "--json",
                // every message rendered before the first publish: the simulator shares the cores with what it measures
                "--prerender"));
        if (metersPerBerth > 0) {
            cmd.addAll(List.of("--berth", berthPrefix(), "--meters-per-berth", String.valueOf(metersPerBerth)));
        } else {
            cmd.addAll(List.of("--berth", BERTH_CODE));
        }
        cmd.addAll(List.of(extra));
        if (measured && simulatorWarmup) {
            cmd.addAll(List.of("--warmup", String.valueOf(readings)));
        }
        boolean led = consumed != null && lead > 0;
        if (led) {
            cmd.addAll(List.of("--lead", String.valueOf(lead)));
        }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (led) {
            feed(p, consumed);
        } else {
            p.getOutputStream().close();
        }
        return p;
    }

    /** Writes the consumer's count to the simulator's standard input every 10 ms while it runs. */
    static void feed(Process p, LongSupplier consumed) {
        Thread t = new Thread(
                () -> {
                    try (var out = p.getOutputStream()) {
                        while (p.isAlive()) {
                            out.write((consumed.getAsLong() + "\n").getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            Thread.sleep(10);
                        }
                    } catch (IOException | InterruptedException e) {
                        // the simulator has finished
                    }
                },
                "lead-feed");
        t.setDaemon(true);
        t.start();
    }

    static LoadReport report(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("the simulator's load run failed (" + p.exitValue() + "): " + out);
        }
        JsonNode r = new ObjectMapper().readTree(out);
        long expectedReadings = 0;
        long expectedWh = 0;
        for (JsonNode m : r.path("perMeter")) {
            expectedReadings += m.path("lastSeq").asLong() + 1;
            expectedWh += m.path("registerIncreaseKwh").decimalValue().movePointRight(3).longValueExact();
        }
        return new LoadReport(Instant.parse(r.path("startedAt").asText()), r.path("messages").asLong(),
                r.path("readings").asLong(), expectedReadings, expectedWh, r.path("seconds").asDouble());
    }

    static double secondsSince(Instant start, Instant end) {
        return Duration.between(start, end).toNanos() / 1e9;
    }

    /** The live load under another topic root, counted by a plain subscriber: the broker alone. */
    double passThrough(int meterCount, boolean measured) throws Exception {
        return passThrough(meterCount, measured, "");
    }

    /** {@link #passThrough(int, boolean)}; {@code pass} tells the measured runs apart (topic root, client). */
    double passThrough(int meterCount, boolean measured, String pass) throws Exception {
        String root = "bench/" + run + (measured ? pass : "-warm");
        Mqtt5AsyncClient sub = MqttClient.builder()
                .useMqttVersion5()
                .identifier("bench-sub-" + run + (measured ? pass : "-warm"))
                .serverHost(mqttHost)
                .serverPort(mqttPort)
                // a counting subscriber that is disconnected (its clean session loses what the broker still queued for
                // it; one run waited ten minutes for those) is reported, and the wait below stops
                .addDisconnectedListener(ctx -> {
                    if (ctx.getSource() != MqttDisconnectSource.USER) {
                        log("broker pass-through: the counting subscriber was disconnected (" + ctx.getCause() + ")");
                    }
                })
                .buildAsync();
        AtomicLong count = new AtomicLong();
        AtomicLong lastReceivedMs = new AtomicLong();
        sub.publishes(MqttGlobalPublishFilter.ALL, p -> {
            count.incrementAndGet();
            lastReceivedMs.set(System.currentTimeMillis());
        });
        sub.connectWith().cleanStart(true).send().join();
        sub.subscribeWith()
                .topicFilter(root + "/#")
                .qos(MqttQos.AT_LEAST_ONCE)
                .send()
                .join();
        LoadReport load = report(
                startLoad(measured, measured ? "PT" : "PW", meterCount, live, count::get, "--topic-root", root));
        // wait while messages still come: stop after 30 s without one
        long seen = -1;
        long quietSince = System.currentTimeMillis();
        while (count.get() < load.messages() && System.currentTimeMillis() - quietSince < 30_000) {
            if (count.get() != seen) {
                seen = count.get();
                quietSince = System.currentTimeMillis();
            }
            Thread.sleep(10);
        }
        Thread.sleep(200);
        double seconds = secondsSince(load.startedAt(), Instant.ofEpochMilli(lastReceivedMs.get()));
        if (measured) { // summed over the measured passes
            cpuPer("broker" + pass, "message passed through", load.startedAt(),
                    Instant.ofEpochMilli(lastReceivedMs.get()), load.messages());
            results.merge("broker_received", count.get(), (a, b) -> (Long) a + (Long) b);
            results.merge(
                    "broker_lost", load.messages() - Math.min(count.get(), load.messages()), (a, b) -> (Long) a + (Long) b);
            results.merge("broker_duplicated", Math.max(0, count.get() - load.messages()), (a, b) -> (Long) a + (Long) b);
        }
        sub.disconnect().join();
        if (count.get() < load.messages()) {
            log("broker pass-through: only " + count.get() + " of " + load.messages() + " received");
        }
        log(String.format("broker QoS 1 pass-through%s: %d msgs in %.2f s",
                measured ? "" : " (warming the counting subscriber, not measured)", load.messages(), seconds));
        return load.messages() / seconds;
    }

    /**
     * Both shapes through Shoreloop on meters of their own, unmeasured (a service runs warm; the measured shapes then
     * see compiled code, as the broker's own rate does), but still checked: nothing lost, nothing doubled. In rounds,
     * until the JIT compiler was busy for less than a tenth of a round (its queue drains slowly while both cores are
     * taken: after one round it still took two fifths of Shoreloop's CPU during the measured live shape), at most
     * {@link #warmupRounds}.
     */
    void warmUp(Connection db) throws Exception {
        for (int round = 1; round <= warmupRounds; round++) {
            double jitBefore = jitSeconds();
            long started = System.nanoTime();
            warmShape(db, "W" + round + "L", register(db, "W" + round + "L", meters), warmup);
            warmShape(db, "W" + round + "B", register(db, "W" + round + "B", backfillMeters), warmupBackfill,
                    "--batch", String.valueOf(arraySize));
            double seconds = (System.nanoTime() - started) / 1e9;
            double jit = jitSeconds() - jitBefore;
            double settled = settleJit();
            log(String.format("warm-up round %d: %d live and %d backfill readings through Shoreloop in %.1f s"
                    + " (not measured), JIT compiler busy %.1f s; its queue drained %.1f s after the round", round,
                    warmup, warmupBackfill, seconds, jit, settled));
            if (Double.isNaN(jit) || jit < 0.1 * seconds) {
                return;
            }
        }
    }

    /**
     * Waits (at most 30 s) until Shoreloop's JIT compiler was idle for a second; answers how long that took. While both
     * cores are taken, the compiler's queue grows and methods wait at an intermediate tier (the C1 tier without full
     * profiling, chosen when the C2 queue is long): seen still climbing the tiers in the measured live shape after six
     * rounds back to back. Idle between rounds, the queue drains and the next round finishes the climb.
     */
    double settleJit() throws InterruptedException {
        long started = System.nanoTime();
        double last = jitSeconds();
        if (Double.isNaN(last)) {
            return 0;
        }
        while (System.nanoTime() - started < TimeUnit.SECONDS.toNanos(30)) {
            Thread.sleep(1000);
            double now = jitSeconds();
            if (now - last < 0.01) {
                break;
            }
            last = now;
        }
        return (System.nanoTime() - started) / 1e9;
    }

    /** The JIT compiler's total time in Shoreloop so far (its performance counters, read with jcmd), else NaN. */
    double jitSeconds() {
        if (appPid < 0) {
            return Double.NaN;
        }
        try {
            Process p = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                            String.valueOf(appPid), "PerfCounter.print")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            double ticks = Double.NaN;
            double frequency = Double.NaN;
            for (String line : out.split("\n")) {
                if (line.startsWith("java.ci.totalTime=")) {
                    ticks = Double.parseDouble(line.substring(line.indexOf('=') + 1).trim());
                } else if (line.startsWith("sun.os.hrt.frequency=")) {
                    frequency = Double.parseDouble(line.substring(line.indexOf('=') + 1).trim());
                }
            }
            return ticks / frequency;
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    private void warmShape(Connection db, String prefix, List<Meter> ms, int readings, String... options)
            throws Exception {
        AtomicLong stored = new AtomicLong();
        // one reading per message: the simulator stays within the lead of Shoreloop (a backfill's messages are few)
        Process sim = startLoad(false, prefix, ms.size(), readings, options.length == 0 ? stored::get : null, options);
        waitForRows(db, ms, readings, stored);
        LoadReport report = report(sim);
        Result r = check(db, ms, report, 1);
        if (r.lost + r.duplicated > 0 || !r.energyExact) {
            throw new IllegalStateException("warm-up " + prefix + ": lost, doubled or inexact readings: " + r);
        }
    }

    Result liveShape(Connection db, List<Meter> ms, String prefix) throws Exception {
        AtomicLong stored = new AtomicLong();
        Map<String, Double> before = batchMetrics();
        Process sim = startLoad(true, prefix, ms.size(), live, stored::get);
        Instant done = waitForRows(db, ms, live, stored);
        LoadReport load = report(sim);
        double seconds = secondsSince(load.startedAt(), done);
        log(String.format(
                "live: %d readings from %d meters (simulator load mode), committed %.2f s after the first publish",
                load.readings(), ms.size(), seconds));
        cpuPer("live_" + prefix, "live reading", load.startedAt(), done, load.readings());
        batchesBetween("live_" + prefix, before, batchMetrics());
        return check(db, ms, load, seconds);
    }

    /**
     * Shoreloop's batch summaries ({@code shoreloop_ingest_batch_messages} and {@code _meters}: count and sum) from its
     * Prometheus endpoint, or an empty map when there is none.
     */
    Map<String, Double> batchMetrics() {
        Map<String, Double> out = new HashMap<>();
        if (metricsUrl == null) {
            return out;
        }
        try {
            var client = java.net.http.HttpClient.newHttpClient();
            var response = client.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(metricsUrl)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            for (String line : response.body().split("\n")) {
                if (line.startsWith("shoreloop_ingest_batch_")) {
                    int space = line.lastIndexOf(' ');
                    out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            log("batch metrics not read: " + e);
        }
        return out;
    }

    /** Logs (and keeps in the JSON) how many batches Shoreloop wrote between two readings of its metrics, and their size. */
    void batchesBetween(String key, Map<String, Double> before, Map<String, Double> after) {
        double batches = delta(before, after, "shoreloop_ingest_batch_messages_count");
        if (batches <= 0) {
            return;
        }
        double messages = delta(before, after, "shoreloop_ingest_batch_messages_sum") / batches;
        double meters = delta(before, after, "shoreloop_ingest_batch_meters_sum") / batches;
        log(String.format(
                "batches written: %.0f, on average %.0f messages from %.0f meters (%.1f messages per meter)",
                batches, messages, meters, meters > 0 ? messages / meters : 0));
        results.put("batches_" + key, List.of(round(batches), round(messages), round(meters)));
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String name) {
        return after.getOrDefault(name, 0.0) - before.getOrDefault(name, 0.0);
    }

    Result backfillShape(Connection db, List<Meter> ms) throws Exception {
        Process sim = startLoad(true, "BB", ms.size(), backfill, null, "--batch", String.valueOf(arraySize));
        Instant done = waitForRows(db, ms, backfill, new AtomicLong());
        LoadReport load = report(sim);
        double seconds = secondsSince(load.startedAt(), done);
        log(String.format(
                "backfill: %d readings in %d messages of %d (simulator load mode), committed %.2f s after the first"
                        + " publish (the simulator's publishing took %.2f s)",
                load.readings(), load.messages(), arraySize, seconds, load.seconds()));
        return check(db, ms, load, seconds);
    }

    /**
     * Polls the number of committed readings until all are there (or nothing changes for 60 s); when that was. It
     * reads the meters' state rows, which Shoreloop updates in the transaction that stores the readings: counting the
     * readings table itself 50 times a second would load the database the run measures ({@link #check} counts them).
     * It waits 20 ms between polls, or 20 times as long as the last poll took when that is longer, but no longer than
     * the rate seen so far takes to commit an eighth of the simulator's lead (at least 100 ms: 250 ms at 20,000
     * readings/s), nor than the readings still missing should take: with 5,000 meters a poll
     * (5,000 state rows by key) took 8.5 ms, and polling every 20 ms kept PostgreSQL busy for a third of a core of the
     * two the run measures (pg_stat_statements: the run's most expensive statement). The bound matters as much: the
     * count polled here is what the simulator's {@code --lead} follows, and a poll's round trip on two saturated cores
     * can take tens of milliseconds with 100 meters too; without the bound the pause grew to a second or more, the
     * simulator waited for a stale count and the end was seen late (live / broker 0.27-0.58 instead of ~0.8).
     * With more than 200 meters the polls read a sample until the count nears the end: every k-th meter (about 100),
     * scaled to all of them; the simulator publishes to its meters in turn, so they are at most a few readings apart.
     * Even bounded, the polls of every row had cost PostgreSQL ~9 % of a core during the 5,000-meter live pass (9.1 ms
     * a poll, pg_stat_statements, 2026-12-06), which the broker's counting subscriber does not pay. From nine tenths of
     * the expected count on, and for the end, every meter's row is read.
     */
    Instant waitForRows(Connection db, List<Meter> ms, long expected, AtomicLong stored) throws Exception {
        UUID[] ids = ms.stream().map(Meter::id).toArray(UUID[]::new);
        int stride = ms.size() > 200 ? ms.size() / 100 : 1;
        List<UUID> sampled = new ArrayList<>();
        for (int i = 0; i < ids.length; i += stride) {
            sampled.add(ids[i]);
        }
        double scale = (double) ids.length / sampled.size();
        boolean exact = stride == 1;
        long samplePolls = 0;
        long last = -1;
        long lastChange = System.nanoTime();
        long started = lastChange;
        long first = -1;
        long polls = 0;
        long slowest = 0;
        String sum = "select coalesce(sum(reading_count), 0) from shore_meter_state where meter_id = any(?)";
        try (PreparedStatement ps = db.prepareStatement(sum);
                PreparedStatement sample = db.prepareStatement(sum)) {
            ps.setArray(1, db.createArrayOf("uuid", ids));
            sample.setArray(1, db.createArrayOf("uuid", sampled.toArray()));
            while (true) {
                long n;
                long polled = System.nanoTime();
                try (ResultSet rs = (exact ? ps : sample).executeQuery()) {
                    rs.next();
                    n = exact ? rs.getLong(1) : Math.round(rs.getLong(1) * scale);
                }
                if (!exact) {
                    if (n >= expected * 9 / 10) {
                        exact = true; // the rest, and the end, on every meter's row (this poll counts as neither)
                        continue;
                    }
                    samplePolls++;
                }
                stored.set(n);
                if (first < 0) {
                    first = n;
                    started = polled;
                }
                long now = System.nanoTime();
                if (n >= expected) {
                    log(String.format(
                            "%d polls of the committed count (%d of them on a sample of %d meters), the slowest round"
                                    + " trip %.1f ms",
                            polls + 1, samplePolls, sampled.size(), Math.max(slowest, now - polled) / 1e6));
                    return Instant.now();
                }
                long pause = Math.max(20, TimeUnit.NANOSECONDS.toMillis(now - polled) * 20);
                if (n > first) {
                    double perMs = (n - first) * 1e6 / Math.max(1, now - started);
                    // the count may be stale by an eighth of the simulator's lead (at the rate seen), at least 100 ms
                    long bound = Math.min(1000, Math.max(100, (long) (lead / perMs / 8)));
                    pause = Math.max(5, Math.min(Math.min(pause, bound), (long) ((expected - n) / perMs)));
                } else {
                    pause = Math.min(pause, 100);
                }
                polls++;
                slowest = Math.max(slowest, now - polled);
                if (n != last) {
                    last = n;
                    lastChange = now;
                } else if (now - lastChange > TimeUnit.SECONDS.toNanos(60)) {
                    log("stalled at " + n + " of " + expected + " rows");
                    return Instant.now();
                }
                Thread.sleep(pause);
            }
        }
    }

    /** Lost / duplicated readings and exact session energy, after the sessions caught up. */
    Result check(Connection db, List<Meter> ms, LoadReport load, double seconds) throws Exception {
        UUID[] ids = ms.stream().map(Meter::id).toArray(UUID[]::new);
        long expected = load.expectedReadings();
        long expectedWh = load.expectedWh();
        long rows = 0;
        long distinctSeq = 0;
        long stateReadings = 0;
        long sessionWh = 0;
        long meteredWh = 0;
        long stateSessionWh = 0;
        long unallocatedWh = 0;
        for (int attempt = 0; attempt < 600; attempt++) {
            try (PreparedStatement ps = db.prepareStatement(
                    "select (select count(*) from meter_reading where meter_id = any(?)),"
                            + " (select count(distinct (meter_id, seq)) from meter_reading where meter_id = any(?)),"
                            + " (select coalesce(sum(reading_count), 0) from shore_meter_state where meter_id = any(?)),"
                            + " (select coalesce(sum(energy_wh), 0) from shore_session where meter_id = any(?)),"
                            + " (select coalesce(sum(metered_wh), 0) || ' ' || coalesce(sum(session_wh), 0) || ' '"
                            + "   || coalesce(sum(unallocated_wh), 0) from shore_meter_state where meter_id = any(?))")) {
                for (int i = 1; i <= 5; i++) {
                    ps.setArray(i, db.createArrayOf("uuid", ids));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    rows = rs.getLong(1);
                    distinctSeq = rs.getLong(2);
                    stateReadings = rs.getLong(3);
                    sessionWh = rs.getLong(4);
                    String[] balance = rs.getString(5).split(" ");
                    meteredWh = Long.parseLong(balance[0]);
                    stateSessionWh = Long.parseLong(balance[1]);
                    unallocatedWh = Long.parseLong(balance[2]);
                }
            }
            if (stateReadings >= expected && meteredWh >= expectedWh) {
                break;
            }
            Thread.sleep(100);
        }
        long lost = expected - distinctSeq;
        long duplicated = (rows - distinctSeq) + Math.max(0, stateReadings - expected);
        // exact: the meters' metered energy is the simulator's true register increase, and all of it is either in a
        // session or unallocated (a step across a demo call's departure, or a meter's first reading, is unallocated)
        boolean exact = meteredWh == expectedWh && stateSessionWh + unallocatedWh == meteredWh
                && sessionWh == stateSessionWh;
        if (!exact) {
            log(String.format("energy: expected %d Wh, metered %d, in sessions %d (state %d), unallocated %d",
                    expectedWh, meteredWh, sessionWh, stateSessionWh, unallocatedWh));
        }
        return new Result(expected / seconds, lost, duplicated, exact);
    }

    /** One reading row as the table holds it. */
    record Row(UUID meter, Instant ts, long seq, long registerWh, BigDecimal powerKw, BigDecimal voltageV,
            BigDecimal currentA, BigDecimal frequencyHz, boolean breakerClosed) {}

    /**
     * The rows the simulator's load mode generates for these meters (a dry run recorded to a file, as arrays of
     * {@link #arraySize}), in time order: the backfill shape's readings, for COPY and the naive inserts.
     */
    List<Row> simulatedRows(String prefix, List<Meter> ms, long readings) throws Exception {
        Path file = Files.createTempFile("bench-" + prefix, ".jsonl");
        try {
            report(startLoad(prefix, ms.size(), readings, "--batch", String.valueOf(arraySize), "--dry-run",
                    "--record", file.toString()));
            Map<String, UUID> ids = new HashMap<>();
            ms.forEach(m -> ids.put(m.code(), m.id()));
            ObjectMapper json = new ObjectMapper();
            List<Row> rows = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                for (JsonNode r : json.readTree(json.readTree(line).path("payload").asText())) {
                    rows.add(new Row(ids.get(r.path("meter").asText()), Instant.parse(r.path("ts").asText()),
                            r.path("seq").asLong(), r.path("energyKwh").decimalValue().movePointRight(3)
                                    .longValueExact(),
                            r.path("powerKw").decimalValue(), r.path("voltageV").decimalValue(),
                            r.path("currentA").decimalValue(), r.path("frequencyHz").decimalValue(),
                            r.path("breakerClosed").asBoolean()));
                }
            }
            rows.sort(Comparator.comparing(Row::ts).thenComparing(Row::meter));
            return rows;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * COPY of the simulator's backfill rows into meter_reading, timed from the statement to its commit, the rows
     * ready in memory: as CSV, or in PostgreSQL's binary format (made by PostgreSQL from a temporary table loaded
     * with the same CSV, untimed, so that the reference does not share Shoreloop's encoder).
     */
    double copyShape(Connection db, List<Meter> ms, String prefix, boolean binary) throws Exception {
        List<Row> rows = simulatedRows(prefix, ms, backfill);
        StringBuilder csv = new StringBuilder();
        String received = Instant.now().toString();
        for (Row r : rows) {
            csv.append(r.meter()).append(',').append(r.ts()).append(',').append(r.seq()).append(',')
                    .append(r.registerWh()).append(',').append(r.powerKw()).append(',').append(r.voltageV())
                    .append(',').append(r.currentA()).append(',').append(r.frequencyHz()).append(',')
                    .append(r.breakerClosed()).append(",,").append(received).append('\n');
        }
        String columns = "(meter_id, ts, seq, register_wh, power_kw, voltage_v, current_a, frequency_hz,"
                + " breaker_closed, vessel_mmsi, received_at)";
        byte[] bin = null;
        if (binary) {
            db.setAutoCommit(false);
            try (Statement s = db.createStatement()) {
                s.execute("create temporary table bench_copy_rows (like meter_reading) on commit drop");
            }
            db.unwrap(PGConnection.class).getCopyAPI().copyIn(
                    "copy bench_copy_rows " + columns + " from stdin (format csv)", new StringReader(csv.toString()));
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            db.unwrap(PGConnection.class).getCopyAPI().copyOut(
                    "copy bench_copy_rows " + columns + " to stdout (format binary)", out);
            db.rollback();
            db.setAutoCommit(true);
            bin = out.toByteArray();
        }
        long t0 = System.nanoTime();
        db.setAutoCommit(false);
        if (binary) {
            db.unwrap(PGConnection.class).getCopyAPI().copyIn(
                    "copy meter_reading " + columns + " from stdin (format binary)", new java.io.ByteArrayInputStream(bin));
        } else {
            db.unwrap(PGConnection.class).getCopyAPI().copyIn(
                    "copy meter_reading " + columns + " from stdin (format csv)", new StringReader(csv.toString()));
        }
        db.commit();
        db.setAutoCommit(true);
        double seconds = (System.nanoTime() - t0) / 1e9;
        log(String.format("COPY (%s): %d rows (the simulator's backfill readings) in %.2f s", binary ? "binary" : "csv",
                rows.size(), seconds));
        return rows.size() / seconds;
    }

    double naiveShape(Connection db, List<Meter> ms) throws Exception {
        List<Row> rows = simulatedRows("BN", ms, naive);
        db.setAutoCommit(true);
        long t0 = System.nanoTime();
        try (PreparedStatement ps = db.prepareStatement(
                "insert into meter_reading (meter_id, ts, seq, register_wh, power_kw, voltage_v, current_a,"
                        + " frequency_hz, breaker_closed, vessel_mmsi, received_at)"
                        + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, null, now()) on conflict do nothing")) {
            for (Row r : rows) {
                ps.setObject(1, r.meter());
                ps.setTimestamp(2, Timestamp.from(r.ts()));
                ps.setLong(3, r.seq());
                ps.setLong(4, r.registerWh());
                ps.setBigDecimal(5, r.powerKw());
                ps.setBigDecimal(6, r.voltageV());
                ps.setBigDecimal(7, r.currentA());
                ps.setBigDecimal(8, r.frequencyHz());
                ps.setBoolean(9, r.breakerClosed());
                ps.executeUpdate();
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        log(String.format("naive: %d single-row autocommitted inserts in %.2f s", rows.size(), seconds));
        return rows.size() / seconds;
    }

    void report(Result liveR, Result backfillR, double broker, double copy, double csv, double naiveRate) {
        if (json) {
            StringBuilder sb = new StringBuilder("{");
            results.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "")
                    .append('"').append(k).append("\":")
                    .append(v instanceof String ? "\"" + v + "\"" : String.valueOf(v)));
            System.out.println(sb.append('}'));
            return;
        }
        System.out.println();
        System.out.printf("%-44s %14s %10s %8s %12s%n", "shape", "rate /s", "lost", "dup", "energy exact");
        System.out.printf("%-44s %14.0f %10s %8s %12s%n", "broker QoS 1 pass-through (msgs)", broker,
                results.get("broker_lost"), results.get("broker_duplicated"), "-");
        System.out.printf("%-44s %14.0f %10d %8d %12s%n",
                "Shoreloop live, 1 reading/msg, " + meters + " meters", liveR.rate, liveR.lost, liveR.duplicated,
                liveR.energyExact);
        System.out.printf("%-44s %14.0f %10d %8d %12s%n",
                "Shoreloop backfill, arrays of " + arraySize, backfillR.rate, backfillR.lost, backfillR.duplicated,
                backfillR.energyExact);
        System.out.printf("%-44s %14.0f %10s %8s %12s%n", "PostgreSQL COPY binary, same rows, time order", copy, "-",
                "-", "-");
        System.out.printf("%-44s %14.0f %10s %8s %12s%n", "PostgreSQL COPY csv (for comparison)", csv, "-", "-",
                "-");
        System.out.printf("%-44s %14.0f %10s %8s %12s%n", "naive: 1 autocommit INSERT per reading", naiveRate, "-",
                "-", "-");
        System.out.println();
        System.out.printf("live / broker      = %.2f  (goal >= 0.7; and >= 20,000 readings/s)%n",
                liveR.rate / broker);
        System.out.printf("backfill / COPY    = %.2f  (goal >= 0.5; against COPY csv %.2f)%n", backfillR.rate / copy,
                backfillR.rate / csv);
        System.out.printf("backfill / naive   = %.1f  (goal >= 10)%n", backfillR.rate / naiveRate);
    }

    /**
     * Logs (and keeps in the JSON) the CPU time Shoreloop, PostgreSQL (postmaster and backends) and the broker spent
     * between {@code from} and {@code to}, per item: on these shared two-core hosts the rates move with the host's speed
     * from run to run, the CPU an item costs much less, so changes are best compared by it.
     */
    void cpuPer(String key, String item, Instant from, Instant to, long items) {
        long[] ticks = cpu.between(from, to);
        if (ticks == null || items <= 0) {
            return;
        }
        double[] us = new double[ticks.length];
        for (int i = 0; i < ticks.length; i++) {
            us[i] = ticks[i] * 1e6 / CpuSampler.HZ / items;
        }
        log(String.format("CPU per %s: Shoreloop %.1f us, PostgreSQL %.1f us, broker %.1f us", item, us[0], us[1], us[2]));
        results.put("cpu_us_" + key, List.of(round(us[0]), round(us[1]), round(us[2])));
    }

    /**
     * Samples every 100 ms the CPU time (user + system, clock ticks from {@code /proc/<pid>/stat}) of Shoreloop, of
     * PostgreSQL's postmaster with its children, and of the broker. A process not given (pid -1) counts 0.
     */
    static final class CpuSampler implements AutoCloseable {
        static final double HZ = 100; // USER_HZ on Linux
        private record Sample(long atMs, long[] ticks) {}
        private final long[] pids;
        private final List<Sample> samples = new ArrayList<>();
        private final Thread thread;
        private volatile boolean running = true;

        CpuSampler(long appPid, long pgPid, long brokerPid) {
            this.pids = new long[] {appPid, pgPid, brokerPid};
            thread = new Thread(() -> {
                while (running) {
                    Sample s = new Sample(System.currentTimeMillis(), read());
                    synchronized (samples) {
                        samples.add(s);
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "cpu-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        /** Ticks per process between the last sample at or before {@code from} and the first at or after {@code to}. */
        long[] between(Instant from, Instant to) {
            for (int i = 0; i < 10 && latest() < to.toEpochMilli(); i++) {
                try {
                    Thread.sleep(50); // the sample after the window is still to come
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            Sample a = null;
            Sample b = null;
            synchronized (samples) {
                for (Sample s : samples) {
                    if (s.atMs() <= from.toEpochMilli()) {
                        a = s;
                    }
                    if (b == null && s.atMs() >= to.toEpochMilli()) {
                        b = s;
                    }
                }
            }
            if (a == null || b == null) {
                return null;
            }
            long[] out = new long[pids.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = b.ticks()[i] - a.ticks()[i];
            }
            return out;
        }

        private long latest() {
            synchronized (samples) {
                return samples.isEmpty() ? Long.MIN_VALUE : samples.get(samples.size() - 1).atMs();
            }
        }

        private long[] read() {
            long[] out = new long[pids.length];
            for (int i = 0; i < pids.length; i++) {
                if (pids[i] > 0) {
                    long[] st = stat(pids[i]);
                    out[i] = st == null ? 0 : st[1];
                }
            }
            // PostgreSQL: its backends and helper processes are the postmaster's children (a backend that ended
            // takes its CPU time with it: the bench's and Shoreloop's connections stay open while a shape runs)
            if (pids[1] > 0) {
                for (long child : children(pids[1])) {
                    long[] st = stat(child);
                    if (st != null) {
                        out[1] += st[1];
                    }
                }
            }
            return out;
        }

        /** The process's children, from {@code /proc/<pid>/task/<pid>/children}. */
        private static List<Long> children(long pid) {
            List<Long> out = new ArrayList<>();
            try {
                String list = java.nio.file.Files.readString(
                        Path.of("/proc", String.valueOf(pid), "task", String.valueOf(pid), "children"));
                for (String c : list.trim().split("\\s+")) {
                    if (!c.isEmpty()) {
                        out.add(Long.parseLong(c));
                    }
                }
            } catch (java.io.IOException | RuntimeException e) {
                // gone, or a kernel without the file: PostgreSQL counts its postmaster only
            }
            return out;
        }

        /** {parent pid, user + system ticks} of a process, or null when it is gone. */
        private static long[] stat(long pid) {
            try {
                String line = java.nio.file.Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
                String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
                // after the name: state(0) ppid(1) ... utime(11) stime(12)
                return new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]) + Long.parseLong(f[12])};
            } catch (java.io.IOException | RuntimeException e) {
                return null;
            }
        }

        @Override
        public void close() {
            running = false;
            thread.interrupt();
        }
    }

    static double round(double v) {
        return Math.round(v);
    }

    static double ratio(double a, double b) {
        return Math.round(a / b * 100) / 100.0;
    }

    static void log(String s) {
        System.err.println("[bench] " + s);
    }
}
