package io.shoreloop.ingest;

import static io.shoreloop.testing.DemoUsers.BERTH_GY_B01;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.shoreloop.testing.PackagedApp;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * R4 (quality.md): no reading acknowledged by the broker is lost or counted twice. The packaged Shoreloop runs against
 * an external PostgreSQL (zonky, started here) and a broker started here, so that both outlive the application. While
 * a publisher sends numbered readings from several meters at QoS 1, Shoreloop is killed with SIGKILL mid-stream (its
 * batches between receive and commit are lost with it), the broker is restarted while Shoreloop is away (what it
 * queued for Shoreloop's persistent session must survive), and Shoreloop is started again. Then every meter must have
 * every reading exactly once, and its accounting (reading count, metered energy, session + unallocated energy) must
 * count each reading once.
 *
 * <p>Before the kill, R7 (fail closed, recover by itself): PostgreSQL is stopped under the running Shoreloop while
 * readings keep arriving (readiness goes 503, a write over the API is answered 503 and leaves nothing behind, the
 * batch of the readings received meanwhile is retried, never acknowledged), then started again; then the broker is
 * stopped and started under it (readiness 503, then Shoreloop reconnects and subscribes by itself). After each, every
 * reading published so far is counted, without a restart of Shoreloop.
 *
 * <p>Run against the embedded HiveMQ CE broker (always) and against Mosquitto (interop; when a {@code mosquitto}
 * binary is installed, e.g. by {@code bench/ingest/run.sh}; skipped otherwise). A third test runs two instances on
 * the shared subscription at once.
 */
class IngestRecoveryIT {

    private static final int METERS = 4;
    private static final int PER_METER = 1500;
    /** Register step per reading: 0.1 kWh. */
    private static final long STEP_WH = 100;

    private static final Duration READY = Duration.ofSeconds(180);
    private static final Duration SETTLE = Duration.ofSeconds(120);

    private static Path temp;
    private static EmbeddedPostgres postgres;
    private static Database stoppable;
    private static final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void startDatabase() throws IOException {
        PackagedApp.appDir();
        temp = Files.createTempDirectory("shoreloop-r4-it-").toRealPath();
        postgres = EmbeddedPostgres.builder()
                .setDataDirectory(temp.resolve("pg"))
                .setCleanDataDirectory(true)
                .setPort(PackagedApp.freePort())
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("max_connections", "100")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start();
        stoppable = new Database(temp.resolve("pg"), temp.resolve("pg.log"));
    }

    @AfterAll
    static void cleanUp() throws Exception {
        for (Process p : started) {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
        if (postgres != null) {
            postgres.close();
        }
        if (temp != null) {
            try (Stream<Path> paths = Files.walk(temp)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void nothingLostNorDoubledWithTheEmbeddedHiveMqBroker() throws Exception {
        scenario("hivemq", new HiveMqBroker(temp.resolve("hivemq"), PackagedApp.freePort()), true);
    }

    @Test
    void nothingLostNorDoubledWithMosquitto() throws Exception {
        Path binary = Mosquitto.find();
        Assumptions.assumeTrue(
                binary != null,
                "Mosquitto is not installed (apt-get install mosquitto, or run bench/ingest/run.sh once): interop step"
                        + " skipped");
        // Mosquitto 2.0.11 does not restore the shared subscriptions of offline sessions from its persistence: after
        // a restart it drops what is published to them until the subscriber is back (measured here: every reading
        // published between the broker restart and Shoreloop's return was lost). A plain subscription is restored.
        scenario("mosquitto", new Mosquitto(binary, temp.resolve("mosquitto"), PackagedApp.freePort()), false);
    }

    /**
     * Two Shoreloop instances on the shared subscription of the embedded HiveMQ CE broker, which hands each message to
     * either of them, so every meter's readings are stored by both, interleaved: each reading must be stored and
     * counted once, and each meter's energy exactly once, and both instances must have taken a share. Each instance
     * lets the broker have only a few unacknowledged messages in flight to it, so that while one writes its batch the
     * broker must hand the next messages to the other. The readings go in two halves, and between them the instance
     * that took fewer messages is stopped and started again (its session resumed), as in a rolling restart: nothing it
     * had received may be lost or stored twice. That also keeps the test from depending on a defect of HiveMQ CE,
     * which sometimes leaves one subscriber of a shared subscription idle for as long as it stays connected
     * (hivemq-community-edition#558; seen here about once in five runs: one instance took all 6,000 messages), until
     * it reconnects (and, more rarely, after it reconnected: then it is restarted again).
     */
    @Test
    void twoInstancesSplitTheSharedSubscriptionAndCountEachReadingOnce() throws Exception {
        String name = "two";
        Broker broker = new HiveMqBroker(temp.resolve("hivemq-two"), PackagedApp.freePort());
        String jdbc = createDatabase("r4_two");
        broker.start();
        List<App> apps = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        List<Map<String, String>> envs = new ArrayList<>();
        try {
            for (String instance : List.of("a", "b")) {
                Path dir = Files.createDirectories(temp.resolve(name + "-" + instance));
                // both with the demo data: the second finds it loaded
                Map<String, String> env = env(dir, jdbc, broker, "shoreloop-two-" + instance, true);
                // a small in-flight window each, so that the broker cannot hand every message to one of them (with
                // the default 65,535 it decides alone: one instance was seen taking all 6,000 on a loaded machine)
                env.put("SHORELOOP_MQTT_RECEIVE_MAXIMUM", "10");
                dirs.add(dir);
                envs.add(env);
                apps.add(launch(dir, "app.log", env));
            }
            App first = apps.get(0);
            List<String> meters = registerMeters(first, PackagedApp.demoToken(first.port(), "demo-admin"), "TWO-");

            long half = (long) METERS * PER_METER / 2;
            Publisher publisher = new Publisher(broker.port(), meters);
            publisher.holdAt = half;
            Thread publishing = new Thread(publisher, "two-publisher");
            publishing.start();
            awaitCounted(jdbc, meters, half, first);
            // the first half stored, and counted by the instances that took it
            double[] before = {messages(apps.get(0)), messages(apps.get(1))};
            long counting = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (before[0] + before[1] < half && System.nanoTime() < counting) {
                Thread.sleep(100);
                before = new double[] {messages(apps.get(0)), messages(apps.get(1))};
            }
            int restarted = before[0] <= before[1] ? 0 : 1;
            System.out.printf(
                    "[two] first %d messages: a took %.0f, b %.0f; restarting %s%n",
                    half, before[0], before[1], restarted == 0 ? "a" : "b");
            apps.get(restarted).stop();
            apps.set(restarted, launch(dirs.get(restarted), "app-restarted.log", envs.get(restarted)));
            // HiveMQ CE's idle subscriber (see above) was also seen to stay idle after its restart (once in about ten
            // runs, on a loaded machine: it took none of the second half). A restarted instance may also take its
            // first message only after a few hundred went to the other. So the second half goes in chunks of 300
            // while the restarted instance has taken none, and after five such chunks it is restarted once more
            long released = half;
            long total = (long) METERS * PER_METER;
            for (int chunk = 1; released < total && messages(apps.get(restarted)) == 0; chunk++) {
                released = Math.min(total, released + 300);
                publisher.holdAt = released;
                awaitCounted(jdbc, meters, released, apps.get(0));
                if (chunk == 5 && messages(apps.get(restarted)) == 0) {
                    System.out.printf("[two] the restarted instance took none of 1,500 more; restarting it again%n");
                    apps.get(restarted).stop();
                    apps.set(restarted, launch(dirs.get(restarted), "app-restarted-again.log", envs.get(restarted)));
                }
            }
            publisher.holdAt = Long.MAX_VALUE;
            publishing.join(TimeUnit.MINUTES.toMillis(9));
            assertTrue(
                    !publishing.isAlive() && publisher.failure == null, "the publisher finished: " + publisher.failure);
            awaitAllStored(jdbc, meters, apps.get(0));
            for (String meter : meters) {
                assertMeterComplete(jdbc, meter);
            }
            // the restarted instance's counter began again at its restart
            double a = messages(apps.get(0)) + (restarted == 0 ? before[0] : 0);
            double b = messages(apps.get(1)) + (restarted == 1 ? before[1] : 0);
            assertTrue(
                    a > 0 && b > 0,
                    "both instances took messages: " + a + " and " + b + "; logs after their start-up banners:\n"
                            + afterBanner(apps.get(0)) + "\n" + afterBanner(apps.get(1)));
            assertTrue(a + b >= (double) METERS * PER_METER, "every message was taken: " + (a + b));
            System.out.printf(
                    "[two] %d meters x %d readings through two instances (%.0f and %.0f messages): each stored and"
                            + " counted once%n",
                    METERS, PER_METER, a, b);
            // where the timelines not in step came from (a timeline the other instance moved on is caught up from its
            // window, or resumed inside its session): printed, not asserted, as the broker decides how often the
            // instances take turns on a meter (TwoInstancesTest makes them take turns)
            double[] sources = new double[3];
            for (App app : apps) {
                sources[0] += counter(app, "shoreloop_ingest_timelines_total{source=\"caught-up\"");
                sources[1] += counter(app, "shoreloop_ingest_timelines_total{source=\"resumed-inside-session\"");
                sources[2] += counter(app, "shoreloop_ingest_timelines_total{source=\"resumed-from-cursor\"");
            }
            System.out.printf(
                    "[two] timelines not in step in the cache: %.0f caught up, %.0f resumed inside the session, %.0f"
                            + " resumed from the cursor%n",
                    sources[0], sources[1], sources[2]);
        } finally {
            for (App app : apps) {
                app.stop();
            }
            broker.stop();
        }
    }

    /**
     * An instance removed for good (a scale-down) on Mosquitto, which hands a shared subscription's messages round
     * robin to every member's session, connected or not: with b stopped, half of what is published is queued in b's
     * session. Once b has been silent for {@code retire-after}, a adopts b's session, stores what it holds and ends it:
     * every reading is stored once, and b's session is gone from the broker.
     */
    @Test
    void aGoneInstancesSessionIsEmptiedByAnotherAndEnded() throws Exception {
        Path binary = Mosquitto.find();
        Assumptions.assumeTrue(binary != null, "Mosquitto is not installed: its shared-subscription step skipped");
        goneInstance("gone", new Mosquitto(binary, temp.resolve("mosquitto-gone"), PackagedApp.freePort()), true);
    }

    /**
     * The same on the embedded HiveMQ CE broker, which hands a shared subscription's messages to the members that are
     * connected: nothing waits in the stopped instance's session, which is not adopted (adopt-sessions=auto asks the
     * broker; HiveMQ CE stalls the group's deliveries to its other members when a member's session is removed while a
     * message is in flight to it: in an earlier form of this test, which adopted, a got only 3,230 of the 6,000), and b
     * is recorded as retired all the same.
     */
    @Test
    void aGoneInstancesSessionIsEndedOnHiveMqToo() throws Exception {
        goneInstance("gone_hivemq", new HiveMqBroker(temp.resolve("hivemq-gone"), PackagedApp.freePort()), false);
    }

    /** {@code queued}: whether the broker queues a share of the readings in the stopped instance's session. */
    private void goneInstance(String name, Broker broker, boolean queued) throws Exception {
        String jdbc = createDatabase("r4_" + name);
        broker.start();
        App a = null;
        App b = null;
        try {
            Map<String, App> apps = new LinkedHashMap<>();
            for (String instance : List.of("a", "b")) {
                Path dir = Files.createDirectories(temp.resolve(name + "-" + instance));
                Map<String, String> env = env(dir, jdbc, broker, "shoreloop-gone-" + instance, true);
                env.put("SHORELOOP_MQTT_HEARTBEAT", "1s");
                env.put("SHORELOOP_MQTT_RETIRE_AFTER", "10s");
                env.put("SHORELOOP_MQTT_RETIRE_QUIET", "2s");
                apps.put(instance, launch(dir, "app.log", env));
            }
            a = apps.get("a");
            b = apps.get("b");
            List<String> meters = registerMeters(a, PackagedApp.demoToken(a.port(), "demo-admin"), "GONE-");
            awaitSeen(jdbc, "shoreloop-gone-b");
            b.stop(); // scaled down: its session stays on the broker, subscribed
            Publisher publisher = new Publisher(broker.port(), meters);
            Thread publishing = new Thread(publisher, "gone-publisher");
            publishing.start();
            publishing.join(TimeUnit.MINUTES.toMillis(9));
            assertTrue(
                    !publishing.isAlive() && publisher.failure == null, "the publisher finished: " + publisher.failure);
            awaitAllStored(jdbc, meters, a);
            for (String meter : meters) {
                assertMeterComplete(jdbc, meter);
            }
            // b is retired once it has been silent for retire-after: on Mosquitto its session adopted (the adoption
            // ends once everything from it is stored and nothing more came for retire-quiet), on HiveMQ CE left
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!retired(jdbc, "shoreloop-gone-b") && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            double adopted = counter(a, "shoreloop_ingest_sessions_adopted_messages_total");
            double own = messages(a) - adopted;
            System.out.printf(
                    "[%s] %d readings: %.0f through a's own session, %.0f from b's adopted one%n",
                    name, METERS * PER_METER, own, adopted);
            if (queued) {
                // the broker queued b's share for it: without the adoption those would still wait there
                assertTrue(adopted > 0, "a stored messages of b's session: " + adopted + "\n" + afterBanner(a));
            }
            assertEquals(
                    queued ? 1.0 : 0.0,
                    counter(a, "shoreloop_ingest_sessions_adopted_total"),
                    "adopted on Mosquitto only (adopt-sessions=auto)");
            try (Connection c = connect(jdbc);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select retired_at is not null, claimed_by from ingest_instance"
                            + " where client_id = 'shoreloop-gone-b'")) {
                assertTrue(rs.next() && rs.getBoolean(1), "b recorded as retired");
                assertEquals("shoreloop-gone-a", rs.getString(2));
            }
            // on Mosquitto the session was ended, on HiveMQ CE it is left to expire: a connect with b's id resuming
            // its session finds it or not
            Mqtt5BlockingClient probe = MqttClient.builder()
                    .useMqttVersion5()
                    .identifier("shoreloop-gone-b")
                    .serverHost("127.0.0.1")
                    .serverPort(broker.port())
                    .buildBlocking();
            boolean present = probe.connectWith()
                    .cleanStart(false)
                    .sessionExpiryInterval(0)
                    .send()
                    .isSessionPresent();
            probe.disconnect();
            assertEquals(!queued, present, "b's session ended on Mosquitto, left on HiveMQ CE");
        } finally {
            if (a != null) {
                a.stop();
            }
            broker.stop();
        }
    }

    /** Whether the instance is recorded as retired. */
    private static boolean retired(String jdbc, String clientId) throws Exception {
        try (Connection c = connect(jdbc);
                PreparedStatement ps =
                        c.prepareStatement("select retired_at is not null from ingest_instance where client_id = ?")) {
            ps.setString(1, clientId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Waits until the instance's heartbeat is recorded. */
    private static void awaitSeen(String jdbc, String clientId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try (Connection c = connect(jdbc);
                    PreparedStatement ps =
                            c.prepareStatement("select count(*) from ingest_instance where client_id = ?")) {
                ps.setString(1, clientId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return;
                    }
                }
            }
            Thread.sleep(200);
        }
        fail(clientId + " never recorded its heartbeat");
    }

    /** An instance's log after its start-up banner (the demo tokens), at most its last 40 lines. */
    private static String afterBanner(App app) {
        List<String> lines = PackagedApp.tail(app.log(), 400).lines().toList();
        int from = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("=====")) {
                from = i + 1;
            }
        }
        List<String> rest = lines.subList(from, lines.size());
        return "----- " + app.log() + " -----\n"
                + String.join("\n", rest.subList(Math.max(0, rest.size() - 40), rest.size()));
    }

    /** The messages an instance's ingest has stored or dead-lettered. */
    private static double messages(App app) throws Exception {
        return counter(app, "shoreloop_ingest_messages_total");
    }

    /** A counter of the application's, summed over its tags (Prometheus endpoint). */
    private static double counter(App app, String name) throws Exception {
        return PackagedApp.get(app.port(), "/q/metrics", null)
                .body()
                .lines()
                .filter(l -> l.startsWith(name))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** A database of its own on the test's PostgreSQL; its JDBC URL. */
    private static String createDatabase(String name) throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("create database " + name);
        }
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + name;
    }

    /** {@link #METERS} meters at Guoyuan B01, registered over the API as {@code prefix}0, {@code prefix}1, ... */
    private static List<String> registerMeters(App app, String admin, String prefix) throws Exception {
        List<String> meters = new ArrayList<>();
        for (int m = 0; m < METERS; m++) {
            String code = prefix + m;
            app.post(
                    "/api/v1/meters",
                    admin,
                    Map.of("code", code, "berthId", BERTH_GY_B01, "reportingIntervalS", 15),
                    201);
            meters.add(code);
        }
        return meters;
    }

    private void scenario(String name, Broker broker, boolean shared) throws Exception {
        String jdbc = createDatabase("r4_" + name);
        Path dir = Files.createDirectories(temp.resolve(name));
        Map<String, String> env = env(dir, jdbc, broker, "shoreloop-r4-" + name, shared);

        broker.start();
        App app = launch(dir, "app-1.log", env);
        String admin = PackagedApp.demoToken(app.port(), "demo-admin");
        List<String> meters = registerMeters(app, admin, "R4-" + name.toUpperCase() + "-");

        Publisher publisher = new Publisher(broker.port(), meters);
        Thread publishing = new Thread(publisher, "r4-publisher");
        publishing.start();
        long total = (long) METERS * PER_METER;

        // R7: PostgreSQL stops under Shoreloop, then the broker; it recovers from both by itself, without a restart
        publisher.holdAt(total / 8);
        publisher.awaitPublished(total / 8);
        awaitCounted(jdbc, meters, total / 8, app);
        stoppable.stop();
        awaitNotReady(app, "PostgreSQL stopped");
        // a write over the API meets the database down: 503, and nothing of it is stored (checked below)
        app.post(
                "/api/v1/meters",
                admin,
                Map.of("code", "R7-" + name.toUpperCase(), "berthId", BERTH_GY_B01, "reportingIntervalS", 15),
                503);
        publisher.holdAt(total * 3 / 16);
        publisher.awaitPublished(total * 3 / 16); // readings Shoreloop receives but cannot store yet
        double failedBatches = awaitBatchFailure(app); // their batch meets the database down, is retried, not acked
        stoppable.start();
        PackagedApp.awaitReady(app.process(), app.port(), READY);
        awaitCounted(jdbc, meters, total * 3 / 16, app);
        assertTrue(failedBatches > 0, "the batch met the database down and was retried: " + failedBatches);
        System.out.printf(
                "[r7 %s] PostgreSQL stopped and started: readings held meanwhile stored (%.0f batch attempts failed)%n",
                name, batchFailures(app));
        broker.stop();
        awaitNotReady(app, "broker stopped");
        broker.start();
        PackagedApp.awaitReady(app.process(), app.port(), READY);
        publisher.holdAt(total / 4);
        publisher.awaitPublished(total / 4);
        awaitCounted(jdbc, meters, total / 4, app); // reconnected and subscribed again by itself
        System.out.printf("[r7 %s] broker stopped and started: Shoreloop reconnected by itself%n", name);
        // the refused write left nothing behind: the same meter can be registered now
        app.post(
                "/api/v1/meters",
                admin,
                Map.of("code", "R7-" + name.toUpperCase(), "berthId", BERTH_GY_B01, "reportingIntervalS", 15),
                201);
        publisher.holdAt(Long.MAX_VALUE);

        publisher.awaitPublished(total / 3);
        app.kill(); // SIGKILL: whatever it received but had not committed is gone with it
        System.out.printf("[r4 %s] Shoreloop killed after %d published%n", name, publisher.published.get());

        publisher.awaitPublished(total / 2);
        broker.restart(); // Shoreloop is away: the broker must keep what it queued for Shoreloop's session
        System.out.printf("[r4 %s] broker restarted after %d published%n", name, publisher.published.get());

        publishing.join(TimeUnit.MINUTES.toMillis(9));
        assertTrue(!publishing.isAlive() && publisher.failure == null, "the publisher finished: " + publisher.failure);
        System.out.printf(
                "[r4 %s] %d readings published (%d publish retries)%n",
                name, publisher.published.get(), publisher.retries.get());

        app = launch(dir, "app-2.log", env);
        try {
            awaitAllStored(jdbc, meters, app);
            for (String meter : meters) {
                assertMeterComplete(jdbc, meter);
            }
            try (Connection c = connect(jdbc);
                    PreparedStatement ps =
                            c.prepareStatement("select count(*) from dead_letter where meter_code like ?")) {
                ps.setString(1, "R4-" + name.toUpperCase() + "-%");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertEquals(0, rs.getLong(1), "no reading of the stream was dead-lettered");
                }
            }
            System.out.printf(
                    "[r4 %s] %d meters x %d readings: gaps 0, duplicates stored 0, each counted once%n",
                    name, METERS, PER_METER);
        } finally {
            app.stop();
            broker.stop();
        }
    }

    /** The packaged application's environment: the demo data, the test's PostgreSQL database and broker. */
    private static Map<String, String> env(Path dir, String jdbc, Broker broker, String clientId, boolean shared) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SHORELOOP_DATA_DIR", dir.resolve("data").toString());
        env.put("SHORELOOP_DEMO", "true");
        env.put("SHORELOOP_INFRA", "embedded");
        env.put("QUARKUS_DATASOURCE_JDBC_URL", jdbc);
        env.put("QUARKUS_DATASOURCE_USERNAME", "postgres");
        env.put("QUARKUS_DATASOURCE_PASSWORD", "postgres");
        env.put("SHORELOOP_MQTT_HOST", "127.0.0.1");
        env.put("SHORELOOP_MQTT_PORT", String.valueOf(broker.port()));
        env.put("SHORELOOP_MQTT_CLIENT_ID", clientId);
        env.put("SHORELOOP_MQTT_SHARED", String.valueOf(shared));
        return env;
    }

    private static App launch(Path dir, String log, Map<String, String> env) throws Exception {
        int port = PackagedApp.freePort();
        Path logFile = dir.resolve(log);
        Process process = PackagedApp.launch(PackagedApp.appDir(), dir, logFile, port, env);
        started.add(process);
        App app = new App(process, port, logFile);
        try {
            PackagedApp.awaitReady(process, port, READY);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; log tail:\n" + PackagedApp.tail(logFile, 40), e);
        }
        return app;
    }

    /** The ingest's failed batch attempts (each retried later), from the Prometheus endpoint. */
    private static double batchFailures(App app) throws Exception {
        return counter(app, "shoreloop_ingest_batch_failures_total");
    }

    /** Waits (up to 60 s) until the ingest has counted a failed batch attempt; the count then. */
    private static double awaitBatchFailure(App app) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        double failed = batchFailures(app);
        while (failed == 0 && System.nanoTime() < deadline) {
            Thread.sleep(250);
            failed = batchFailures(app);
        }
        return failed;
    }

    /** Waits until {@code /q/health/ready} answers 503 (not ready). */
    private static void awaitNotReady(App app, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            java.net.http.HttpResponse<String> r = PackagedApp.get(app.port(), "/q/health/ready", null);
            last = r.statusCode() + " " + r.body();
            if (r.statusCode() == 503) {
                return;
            }
            Thread.sleep(250);
        }
        fail(what + ": readiness did not answer 503 within 60 s (last: " + last + "); log tail:\n" + app.tail(30));
    }

    /**
     * The external PostgreSQL stopped ({@code pg_ctl stop -m fast}: open sessions are ended) and started again on the
     * same data directory, port and settings (those of its running postmaster, from {@code postmaster.opts}).
     */
    private static final class Database {
        private final Path dataDirectory;
        private final Path log;
        /** The stopped postmaster's binary, then its arguments. */
        private List<String> opts;

        Database(Path dataDirectory, Path log) {
            this.dataDirectory = dataDirectory;
            this.log = log;
        }

        void stop() throws Exception {
            opts = options();
            pgCtl(opts.get(0), "-D", dataDirectory.toString(), "-m", "fast", "-w", "-t", "60", "stop");
            System.out.println("[r7] PostgreSQL stopped");
        }

        void start() throws Exception {
            List<String> args = new ArrayList<>();
            for (int i = 1; i < opts.size(); i++) {
                if (opts.get(i).equals("-D")) {
                    i++; // given to pg_ctl
                } else {
                    args.add(opts.get(i));
                }
            }
            pgCtl(
                    opts.get(0),
                    "-D",
                    dataDirectory.toString(),
                    "-l",
                    log.toString(),
                    "-o",
                    String.join(" ", args),
                    "-w",
                    "-t",
                    "60",
                    "start");
            System.out.println("[r7] PostgreSQL started");
        }

        /** The running postmaster's binary, then its arguments. */
        private List<String> options() throws IOException {
            String line =
                    Files.readString(dataDirectory.resolve("postmaster.opts")).trim();
            List<String> opts = new ArrayList<>();
            opts.add(line.substring(0, line.indexOf(' ')));
            java.util.regex.Matcher m =
                    java.util.regex.Pattern.compile("\"([^\"]*)\"").matcher(line);
            while (m.find()) {
                opts.add(m.group(1));
            }
            return opts;
        }

        private static void pgCtl(String postgresBinary, String... args) throws Exception {
            List<String> command = new ArrayList<>();
            if ("root".equals(System.getProperty("user.name"))) {
                // pg_ctl refuses to run as root; zonky runs it in a user namespace of its own the same way
                command.addAll(List.of("unshare", "-U"));
            }
            command.add(Path.of(postgresBinary).resolveSibling("pg_ctl").toString());
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "pg_ctl finished");
            assertEquals(0, p.exitValue(), "pg_ctl " + String.join(" ", args) + ": " + out);
        }
    }

    /** A running packaged application. */
    private record App(Process process, int port, Path log) {
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                kill();
            }
        }

        String tail(int lines) {
            return PackagedApp.tail(log, lines);
        }

        void post(String path, String token, Object body, int expected) throws Exception {
            java.net.http.HttpResponse<String> r =
                    PackagedApp.send(java.net.http.HttpRequest.newBuilder(PackagedApp.uri(port, path))
                            .header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                    PackagedApp.JSON.writeValueAsString(body))));
            assertEquals(expected, r.statusCode(), "POST " + path + ": " + r.body());
        }
    }

    private static void awaitAllStored(String jdbc, List<String> meters, App app) throws Exception {
        awaitCounted(jdbc, meters, (long) meters.size() * PER_METER, app);
    }

    /** Waits until the meters' accounting has counted at least {@code expected} readings. */
    private static void awaitCounted(String jdbc, List<String> meters, long expected, App app) throws Exception {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        long stored = -1;
        while (System.nanoTime() < deadline) {
            stored = counted(jdbc, meters);
            if (stored >= expected) {
                return;
            }
            Thread.sleep(250);
        }
        fail("Within " + SETTLE + " only " + stored + " of " + expected + " readings were counted; log tail:\n"
                + app.tail(30));
    }

    /** Readings counted by the meters' accounting state. */
    private static long counted(String jdbc, List<String> meters) throws SQLException {
        try (Connection c = connect(jdbc);
                PreparedStatement ps = c.prepareStatement("select coalesce(sum(s.reading_count), 0)"
                        + " from shore_meter_state s join meter m on m.id = s.meter_id where m.code = any(?)")) {
            ps.setArray(1, c.createArrayOf("text", meters.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void assertMeterComplete(String jdbc, String meter) throws SQLException {
        try (Connection c = connect(jdbc);
                PreparedStatement rows = c.prepareStatement(
                        "select count(*), count(distinct seq), min(seq), max(seq) from meter_reading r"
                                + " join meter m on m.id = r.meter_id where m.code = ?");
                PreparedStatement state = c.prepareStatement(
                        "select s.reading_count, s.metered_wh, s.session_wh + s.unallocated_wh from shore_meter_state"
                                + " s join meter m on m.id = s.meter_id where m.code = ?")) {
            rows.setString(1, meter);
            try (ResultSet rs = rows.executeQuery()) {
                rs.next();
                assertEquals(PER_METER, rs.getLong(1), meter + ": rows stored");
                assertEquals(PER_METER, rs.getLong(2), meter + ": distinct seq stored (gaps)");
                assertEquals(0, rs.getLong(3), meter + ": first seq");
                assertEquals(PER_METER - 1, rs.getLong(4), meter + ": last seq");
            }
            state.setString(1, meter);
            try (ResultSet rs = state.executeQuery()) {
                assertTrue(rs.next(), meter + " has an accounting state");
                assertEquals(PER_METER, rs.getLong(1), meter + ": readings counted once each");
                assertEquals(STEP_WH * (PER_METER - 1), rs.getLong(2), meter + ": metered energy counted once");
                assertEquals(rs.getLong(2), rs.getLong(3), meter + ": session + unallocated = metered");
            }
        }
    }

    private static Connection connect(String jdbc) throws SQLException {
        return java.sql.DriverManager.getConnection(jdbc, "postgres", "postgres");
    }

    /** Numbered readings, round robin over the meters, QoS 1; a publish that fails is repeated until acknowledged. */
    private static final class Publisher implements Runnable {
        final int port;
        final List<String> meters;
        final AtomicLong published = new AtomicLong();
        final AtomicLong retries = new AtomicLong();
        volatile Throwable failure;
        /** The publisher waits before its reading number {@code holdAt} (over all meters) until this moves on. */
        volatile long holdAt = Long.MAX_VALUE;

        final Instant t0 =
                Instant.now().minus(15L * PER_METER + 600, ChronoUnit.SECONDS).truncatedTo(ChronoUnit.SECONDS);

        Publisher(int port, List<String> meters) {
            this.port = port;
            this.meters = meters;
        }

        @Override
        public void run() {
            Mqtt5BlockingClient client = null;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
            try {
                for (int i = 0; i < PER_METER; i++) {
                    for (String meter : meters) {
                        while (published.get() >= holdAt) {
                            Thread.sleep(20);
                        }
                        byte[] payload = reading(meter, i).getBytes(StandardCharsets.UTF_8);
                        String topic = "shorepower/v1/CQ-GY/B01/" + meter + "/reading";
                        while (true) {
                            try {
                                if (client == null) {
                                    client = connect();
                                }
                                client.publishWith()
                                        .topic(topic)
                                        .qos(MqttQos.AT_LEAST_ONCE)
                                        .payload(payload)
                                        .send();
                                break;
                            } catch (RuntimeException e) {
                                // broker restarting: the message may or may not have arrived; send it again
                                retries.incrementAndGet();
                                client = disconnect(client);
                                if (System.nanoTime() > deadline) {
                                    throw e;
                                }
                                Thread.sleep(200);
                            }
                        }
                        published.incrementAndGet();
                        if (published.get() % 8 == 0) {
                            Thread.sleep(4); // ~2,000 readings/s: the kill and the restart land mid-stream
                        }
                    }
                }
            } catch (Throwable t) {
                failure = t;
            } finally {
                disconnect(client);
            }
        }

        String reading(String meter, int i) {
            boolean closed = i > 0 && i < PER_METER - 1;
            return "{\"meter\":\"" + meter + "\",\"seq\":" + i + ",\"ts\":\"" + t0.plusSeconds(15L * i)
                    + "\",\"energyKwh\":"
                    + java.math.BigDecimal.valueOf(1_000_000 + STEP_WH * i, 3).toPlainString()
                    + ",\"breakerClosed\":" + closed + ",\"powerKw\":24.0}";
        }

        private Mqtt5BlockingClient connect() {
            Mqtt5BlockingClient c = MqttClient.builder()
                    .useMqttVersion5()
                    .identifier("r4-publisher-" + UUID.randomUUID())
                    .serverHost("127.0.0.1")
                    .serverPort(port)
                    .buildBlocking();
            c.connect();
            return c;
        }

        private static Mqtt5BlockingClient disconnect(Mqtt5BlockingClient c) {
            if (c != null) {
                try {
                    c.disconnect();
                } catch (RuntimeException ignored) {
                    // already gone
                }
            }
            return null;
        }

        void holdAt(long n) {
            holdAt = n;
        }

        void awaitPublished(long n) throws InterruptedException {
            while (published.get() < n) {
                if (failure != null) {
                    fail("the publisher failed", failure);
                }
                Thread.sleep(20);
            }
        }
    }

    /** A broker this test starts, stops and restarts on the same port and persistence directory. */
    private abstract static class Broker {
        final Path home;
        final int port;
        Process process;

        Broker(Path home, int port) {
            this.home = home;
            this.port = port;
        }

        int port() {
            return port;
        }

        abstract Process launch() throws IOException;

        void start() throws Exception {
            Files.createDirectories(home);
            process = launch();
            started.add(process);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    fail(getClass().getSimpleName() + " exited with " + process.exitValue());
                }
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    return;
                } catch (IOException notYet) {
                    Thread.sleep(100);
                }
            }
            fail(getClass().getSimpleName() + " did not listen on " + port);
        }

        /** A graceful stop: the broker writes what it holds to its persistence. */
        abstract void stop() throws Exception;

        void restart() throws Exception {
            stop();
            start();
        }
    }

    /** HiveMQ CE from the packaged application's broker-lib, the way the launcher starts it (stdin EOF stops it). */
    private static final class HiveMqBroker extends Broker {
        HiveMqBroker(Path home, int port) {
            super(home, port);
        }

        @Override
        Process launch() throws IOException {
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(
                            java,
                            "-Xmx384m",
                            "-cp",
                            PackagedApp.appDir().resolve("broker-lib") + "/*",
                            "io.shoreloop.broker.EmbeddedBrokerMain",
                            home.toString(),
                            "127.0.0.1",
                            String.valueOf(port))
                    .redirectErrorStream(true)
                    .start();
            Thread pump = new Thread(
                    () -> {
                        try (BufferedReader r =
                                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                            for (String line; (line = r.readLine()) != null; ) {
                                if (line.startsWith("SHORELOOP-BROKER-")) {
                                    System.out.println("[r4 hivemq] " + line);
                                }
                            }
                        } catch (IOException ignored) {
                            // exited
                        }
                    },
                    "r4-hivemq-output");
            pump.setDaemon(true);
            pump.start();
            return p;
        }

        @Override
        void stop() throws Exception {
            OutputStream stdin = process.getOutputStream();
            stdin.close(); // EmbeddedBrokerMain stops the broker when its standard input closes
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "HiveMQ stopped");
        }
    }

    /** Mosquitto with persistence in its home, autosaved every second and on shutdown; no queue limit. */
    private static final class Mosquitto extends Broker {
        final Path binary;

        Mosquitto(Path binary, Path home, int port) {
            super(home, port);
            this.binary = binary;
        }

        static Path find() {
            String configured = System.getenv("SHORELOOP_TEST_MOSQUITTO");
            List<Path> candidates = new ArrayList<>();
            if (configured != null && !configured.isBlank()) {
                candidates.add(Path.of(configured));
            }
            candidates.add(Path.of("/usr/sbin/mosquitto"));
            candidates.add(Path.of("/usr/bin/mosquitto"));
            candidates.add(Path.of("/usr/local/sbin/mosquitto"));
            candidates.add(Path.of("/opt/homebrew/sbin/mosquitto"));
            return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
        }

        @Override
        Process launch() throws IOException {
            Path conf = home.resolve("mosquitto.conf");
            Files.writeString(
                    conf,
                    String.join(
                            "\n",
                            "listener " + port + " 127.0.0.1",
                            "allow_anonymous true",
                            "persistence true",
                            "persistence_location " + home + "/",
                            "autosave_interval 1",
                            "max_queued_messages 0",
                            "user " + System.getProperty("user.name"),
                            "log_dest file " + home.resolve("mosquitto.log"),
                            ""));
            return new ProcessBuilder(binary.toString(), "-c", conf.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(home.resolve("mosquitto.out").toFile())
                    .start();
        }

        @Override
        void stop() throws Exception {
            process.destroy(); // SIGTERM: Mosquitto saves its persistence file on the way out
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "Mosquitto stopped");
        }
    }
}
