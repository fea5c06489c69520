import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;

/**
 * Shoreloop ingest benchmark (quality.md P1, P1r, P1n), run by bench/ingest/run.sh against a running Shoreloop, a
 * real broker and PostgreSQL. Single-file Java program: java -cp <hivemq client + pgjdbc> IngestBench.java ...
 *
 * <p>Shapes, each checked for 0 lost / 0 duplicated:
 * <ol>
 *   <li>broker QoS 1 pass-through: a plain subscriber that only counts, N messages of the reading shape;
 *   <li>live: N readings from M meters, one per QoS 1 message, end to end (publish → committed row);
 *   <li>backfill: arrays of 500 readings per message;
 *   <li>COPY of the same backfill rows (time order) straight into meter_reading;
 *   <li>naive: one autocommitted INSERT per reading.
 * </ol>
 */
public class IngestBench {

    static final String BERTH = "00000000-0000-0000-0004-000000000001"; // demo berth CQ-GY/B01
    static final String TOPIC_PREFIX = "shorepower/v1/CQ-GY/B01/";

    String mqttHost = "127.0.0.1";
    int mqttPort = 1883;
    String jdbc;
    String user = "postgres";
    String password = "";
    int meters = 100;
    int live = 100_000;
    int backfill = 200_000;
    int backfillMeters = 20;
    int arraySize = 500;
    int naive = 10_000;
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
                case "--meters" -> b.meters = Integer.parseInt(args[++i]);
                case "--live" -> b.live = Integer.parseInt(args[++i]);
                case "--backfill" -> b.backfill = Integer.parseInt(args[++i]);
                case "--naive" -> b.naive = Integer.parseInt(args[++i]);
                case "--json" -> b.json = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        b.runAll();
    }

    void runAll() throws Exception {
        try (Connection db = DriverManager.getConnection(jdbc, user, password)) {
            List<Meter> liveMeters = register(db, "BL", meters);
            List<Meter> backfillMeters = register(db, "BB", this.backfillMeters);
            List<Meter> copyMeters = register(db, "BC", this.backfillMeters);
            List<Meter> naiveMeters = register(db, "BN", this.backfillMeters);
            Thread.sleep(500);

            double broker = passThrough();
            Result liveResult = liveShape(db, liveMeters);
            Result backfillResult = backfillShape(db, backfillMeters);
            double copy = copyShape(db, copyMeters);
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
            report(liveResult, backfillResult, broker, copy, naiveRate);
        }
    }

    record Meter(UUID id, String code) {}

    record Result(double rate, long lost, long duplicated, boolean energyExact) {}

    List<Meter> register(Connection db, String prefix, int n) throws Exception {
        List<Meter> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement(
                "insert into meter (id, code, berth_id, register_modulus_kwh, reporting_interval_s, updated_at)"
                        + " values (?, ?, ?::uuid, 100000000, 15, now())")) {
            for (int i = 0; i < n; i++) {
                Meter m = new Meter(UUID.randomUUID(), String.format("%s-%s-%04d", prefix, run, i));
                ps.setObject(1, m.id());
                ps.setString(2, m.code());
                ps.setString(3, BERTH);
                ps.addBatch();
                out.add(m);
            }
            ps.executeBatch();
        }
        return out;
    }

    /** Readings per meter: the first with the breaker open, the rest closed; the register rises 10 Wh a step. */
    static String reading(Meter m, int seq, Instant base) {
        Instant ts = base.plusSeconds(15L * seq);
        return "{\"meter\":\"" + m.code() + "\",\"seq\":" + seq + ",\"ts\":\"" + ts + "\",\"energyKwh\":"
                + BigDecimal.valueOf(1_000_000L + 10L * seq, 3).toPlainString()
                + ",\"powerKw\":40.0,\"voltageV\":400.1,\"currentA\":57.7,\"frequencyHz\":50.0,\"breakerClosed\":"
                + (seq > 0) + "}";
    }

    Mqtt5AsyncClient connect(String id) {
        Mqtt5AsyncClient c = MqttClient.builder()
                .useMqttVersion5()
                .identifier(id)
                .serverHost(mqttHost)
                .serverPort(mqttPort)
                .buildAsync();
        c.connectWith().cleanStart(true).send().join();
        return c;
    }

    /** Publishes all (topic, payload) pairs with QoS 1 and a bounded number in flight; waits for every PUBACK. */
    static void publishAll(Mqtt5AsyncClient c, List<String[]> messages) throws InterruptedException {
        Semaphore window = new Semaphore(2_000);
        CountDownLatch done = new CountDownLatch(messages.size());
        AtomicLong failed = new AtomicLong();
        for (String[] m : messages) {
            window.acquire();
            c.publishWith()
                    .topic(m[0])
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload(m[1].getBytes(StandardCharsets.UTF_8))
                    .send()
                    .whenComplete((r, e) -> {
                        if (e != null) {
                            failed.incrementAndGet();
                        }
                        window.release();
                        done.countDown();
                    });
        }
        done.await();
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " publishes failed");
        }
    }

    double passThrough() throws Exception {
        List<Meter> ms = new ArrayList<>();
        for (int i = 0; i < meters; i++) {
            ms.add(new Meter(null, "PT-" + i));
        }
        Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(15L * (live / meters + 10) + 3600);
        List<String[]> messages = interleaved(ms, live / meters, base, "bench/" + run + "/pt/");
        Mqtt5AsyncClient sub = MqttClient.builder()
                .useMqttVersion5()
                .identifier("bench-sub-" + run)
                .serverHost(mqttHost)
                .serverPort(mqttPort)
                .buildAsync();
        CountDownLatch received = new CountDownLatch(messages.size());
        AtomicLong count = new AtomicLong();
        sub.publishes(MqttGlobalPublishFilter.ALL, p -> {
            count.incrementAndGet();
            received.countDown();
        });
        sub.connectWith().cleanStart(true).send().join();
        sub.subscribeWith()
                .topicFilter("bench/" + run + "/pt/#")
                .qos(MqttQos.AT_LEAST_ONCE)
                .send()
                .join();
        Mqtt5AsyncClient pub = connect("bench-pt-pub-" + run);
        long t0 = System.nanoTime();
        publishAll(pub, messages);
        boolean all = received.await(10, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Thread.sleep(200);
        results.put("broker_received", count.get());
        results.put("broker_lost", messages.size() - Math.min(count.get(), messages.size()));
        results.put("broker_duplicated", Math.max(0, count.get() - messages.size()));
        pub.disconnect().join();
        sub.disconnect().join();
        if (!all) {
            log("broker pass-through: only " + count.get() + " of " + messages.size() + " received");
        }
        log(String.format("broker QoS 1 pass-through: %d msgs in %.2f s", messages.size(), seconds));
        return messages.size() / seconds;
    }

    /** Per meter in time order, meters interleaved (as a fleet reporting in real time). */
    static List<String[]> interleaved(List<Meter> ms, int perMeter, Instant base, String prefix) {
        List<String[]> out = new ArrayList<>(ms.size() * perMeter);
        for (int seq = 0; seq < perMeter; seq++) {
            for (Meter m : ms) {
                out.add(new String[] {prefix + m.code() + "/reading", reading(m, seq, base)});
            }
        }
        return out;
    }

    Result liveShape(Connection db, List<Meter> ms) throws Exception {
        int perMeter = live / ms.size();
        Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(15L * (perMeter + 10));
        List<String[]> messages = interleaved(ms, perMeter, base, TOPIC_PREFIX);
        Mqtt5AsyncClient pub = connect("bench-live-pub-" + run);
        long t0 = System.nanoTime();
        publishAll(pub, messages);
        double published = (System.nanoTime() - t0) / 1e9;
        double seconds = waitForRows(db, ms, messages.size(), t0);
        pub.disconnect().join();
        log(String.format(
                "live: %d readings from %d meters, published in %.2f s, committed in %.2f s",
                messages.size(), ms.size(), published, seconds));
        return check(db, ms, perMeter, messages.size(), seconds);
    }

    Result backfillShape(Connection db, List<Meter> ms) throws Exception {
        int perMeter = backfill / ms.size();
        Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(15L * (perMeter + 10));
        List<String[]> messages = new ArrayList<>();
        for (Meter m : ms) {
            for (int from = 0; from < perMeter; from += arraySize) {
                StringBuilder array = new StringBuilder("[");
                for (int seq = from; seq < Math.min(perMeter, from + arraySize); seq++) {
                    array.append(seq == from ? "" : ",").append(reading(m, seq, base));
                }
                messages.add(new String[] {TOPIC_PREFIX + m.code() + "/reading", array.append(']').toString()});
            }
        }
        Mqtt5AsyncClient pub = connect("bench-backfill-pub-" + run);
        long t0 = System.nanoTime();
        publishAll(pub, messages);
        double seconds = waitForRows(db, ms, perMeter * ms.size(), t0);
        pub.disconnect().join();
        log(String.format(
                "backfill: %d readings in %d messages of %d, committed in %.2f s",
                perMeter * ms.size(), messages.size(), arraySize, seconds));
        return check(db, ms, perMeter, perMeter * ms.size(), seconds);
    }

    /** Polls the number of committed rows until all are there (or nothing changes for 60 s); seconds since t0. */
    double waitForRows(Connection db, List<Meter> ms, long expected, long t0) throws Exception {
        UUID[] ids = ms.stream().map(Meter::id).toArray(UUID[]::new);
        long last = -1;
        long lastChange = System.nanoTime();
        try (PreparedStatement ps = db.prepareStatement("select count(*) from meter_reading where meter_id = any(?)")) {
            ps.setArray(1, db.createArrayOf("uuid", ids));
            while (true) {
                long n;
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    n = rs.getLong(1);
                }
                long now = System.nanoTime();
                if (n >= expected) {
                    return (now - t0) / 1e9;
                }
                if (n != last) {
                    last = n;
                    lastChange = now;
                } else if (now - lastChange > TimeUnit.SECONDS.toNanos(60)) {
                    log("stalled at " + n + " of " + expected + " rows");
                    return (now - t0) / 1e9;
                }
                Thread.sleep(20);
            }
        }
    }

    /** Lost / duplicated readings and exact session energy, after the sessions caught up. */
    Result check(Connection db, List<Meter> ms, int perMeter, long expected, double seconds) throws Exception {
        UUID[] ids = ms.stream().map(Meter::id).toArray(UUID[]::new);
        long expectedWh = (long) (perMeter - 1) * 10 * ms.size();
        long rows = 0;
        long distinctSeq = 0;
        long stateReadings = 0;
        long sessionWh = 0;
        for (int attempt = 0; attempt < 600; attempt++) {
            try (PreparedStatement ps = db.prepareStatement(
                    "select (select count(*) from meter_reading where meter_id = any(?)),"
                            + " (select count(distinct (meter_id, seq)) from meter_reading where meter_id = any(?)),"
                            + " (select coalesce(sum(reading_count), 0) from shore_meter_state where meter_id = any(?)),"
                            + " (select coalesce(sum(energy_wh), 0) from shore_session where meter_id = any(?))")) {
                for (int i = 1; i <= 4; i++) {
                    ps.setArray(i, db.createArrayOf("uuid", ids));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    rows = rs.getLong(1);
                    distinctSeq = rs.getLong(2);
                    stateReadings = rs.getLong(3);
                    sessionWh = rs.getLong(4);
                }
            }
            if (stateReadings >= expected && sessionWh >= expectedWh) {
                break;
            }
            Thread.sleep(100);
        }
        long lost = expected - distinctSeq;
        long duplicated = (rows - distinctSeq) + Math.max(0, stateReadings - expected);
        return new Result(expected / seconds, lost, duplicated, sessionWh == expectedWh);
    }

    double copyShape(Connection db, List<Meter> ms) throws Exception {
        int perMeter = backfill / ms.size();
        Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(15L * (perMeter + 10));
        StringBuilder csv = new StringBuilder();
        String received = Instant.now().toString();
        for (int seq = 0; seq < perMeter; seq++) { // time order
            for (Meter m : ms) {
                csv.append(m.id()).append(',')
                        .append(base.plusSeconds(15L * seq)).append(',')
                        .append(seq).append(',')
                        .append(1_000_000L + 10L * seq).append(",40.0,400.1,57.7,50.0,")
                        .append(seq > 0).append(",,")
                        .append(received).append('\n');
            }
        }
        long t0 = System.nanoTime();
        db.setAutoCommit(false);
        db.unwrap(PGConnection.class)
                .getCopyAPI()
                .copyIn(
                        "copy meter_reading (meter_id, ts, seq, register_wh, power_kw, voltage_v, current_a,"
                                + " frequency_hz, breaker_closed, vessel_mmsi, received_at) from stdin (format csv)",
                        new StringReader(csv.toString()));
        db.commit();
        db.setAutoCommit(true);
        double seconds = (System.nanoTime() - t0) / 1e9;
        log(String.format("COPY: %d rows in %.2f s", perMeter * ms.size(), seconds));
        return perMeter * ms.size() / seconds;
    }

    double naiveShape(Connection db, List<Meter> ms) throws Exception {
        int perMeter = naive / ms.size();
        Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(15L * (perMeter + 10));
        db.setAutoCommit(true);
        long t0 = System.nanoTime();
        try (PreparedStatement ps = db.prepareStatement(
                "insert into meter_reading (meter_id, ts, seq, register_wh, power_kw, voltage_v, current_a,"
                        + " frequency_hz, breaker_closed, vessel_mmsi, received_at)"
                        + " values (?, ?, ?, ?, 40.0, 400.1, 57.7, 50.0, ?, null, now()) on conflict do nothing")) {
            for (int seq = 0; seq < perMeter; seq++) {
                for (Meter m : ms) {
                    ps.setObject(1, m.id());
                    ps.setTimestamp(2, Timestamp.from(base.plusSeconds(15L * seq)));
                    ps.setInt(3, seq);
                    ps.setLong(4, 1_000_000L + 10L * seq);
                    ps.setBoolean(5, seq > 0);
                    ps.executeUpdate();
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        log(String.format("naive: %d single-row autocommitted inserts in %.2f s", perMeter * ms.size(), seconds));
        return perMeter * ms.size() / seconds;
    }

    void report(Result liveR, Result backfillR, double broker, double copy, double naiveRate) {
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
        System.out.printf("%-44s %14.0f %10s %8s %12s%n", "PostgreSQL COPY, same rows, time order", copy, "-", "-",
                "-");
        System.out.printf("%-44s %14.0f %10s %8s %12s%n", "naive: 1 autocommit INSERT per reading", naiveRate, "-",
                "-", "-");
        System.out.println();
        System.out.printf("live / broker      = %.2f  (goal >= 0.7; and >= 20,000 readings/s)%n",
                liveR.rate / broker);
        System.out.printf("backfill / COPY    = %.2f  (goal >= 0.5)%n", backfillR.rate / copy);
        System.out.printf("backfill / naive   = %.1f  (goal >= 10)%n", backfillR.rate / naiveRate);
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
