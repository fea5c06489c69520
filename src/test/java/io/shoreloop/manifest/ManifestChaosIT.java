package io.shoreloop.manifest;

import static io.shoreloop.testing.DemoUsers.BUREAU_MSA;
import static io.shoreloop.testing.DemoUsers.CALL_YU_CONTAINER_OPEN;
import static io.shoreloop.testing.DemoUsers.CREW_YU_CONTAINER;
import static io.shoreloop.testing.DemoUsers.DISPOSER_SEWAGE_PLANT;
import static io.shoreloop.testing.DemoUsers.FACILITY_GUOYUAN;
import static io.shoreloop.testing.DemoUsers.FACILITY_SEWAGE_PLANT;
import static io.shoreloop.testing.DemoUsers.FACILITY_TRANSPORTER;
import static io.shoreloop.testing.DemoUsers.RECEIVER_GUOYUAN;
import static io.shoreloop.testing.DemoUsers.TRANSPORTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.shoreloop.testing.PackagedApp;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * quality.md R1 and R7 against the packaged application on its embedded defaults: clients run manifest lifecycles
 * (every request with an {@code Idempotency-Key}, retried with the same key after a lost connection or a 503) while
 * Shoreloop is killed with {@code kill -9} and restarted, and PostgreSQL crashes (a backend killed: the postmaster
 * ends every session and recovers from its WAL, as after a crash). Afterwards: every acknowledged step is there, none
 * has a second effect (each manifest holds its five steps once, and the call holds exactly the manifests
 * acknowledged), the ledger verifies, and a request that met the database down was answered 503, never 500.
 */
class ManifestChaosIT {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    private static final int CLIENTS = 4;
    /** How long a client keeps retrying one request before the test fails. */
    private static final Duration RETRY_FOR = Duration.ofSeconds(150);

    private static final String[][] LIFECYCLE = {
        {CREW_YU_CONTAINER, "", "DRAFT"},
        {CREW_YU_CONTAINER, "/declare", "DECLARE"},
        {RECEIVER_GUOYUAN, "/receive", "RECEIVE"},
        {TRANSPORTER, "/pickup", "PICKUP"},
        {DISPOSER_SEWAGE_PLANT, "/dispose", "DISPOSE"}
    };

    private static Path appDir;
    private static Path tempDir;
    private static Path dataDir;
    private static final List<Process> launched = Collections.synchronizedList(new ArrayList<>());
    private static final List<Path> logs = new ArrayList<>();
    private static volatile int port;

    /** Acknowledged steps by manifest: the actions whose request was answered 2xx, in order. */
    private final Map<String, List<String>> acknowledged = new ConcurrentHashMap<>();

    private final AtomicInteger unavailable = new AtomicInteger();
    private final AtomicInteger connectionFailures = new AtomicInteger();
    private final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Map<String, String> tokens = new HashMap<>();

    @BeforeAll
    static void locateApplication() throws IOException {
        appDir = PackagedApp.appDir();
        tempDir = Files.createTempDirectory("shoreloop-chaos-it-").toRealPath();
        dataDir = Files.createDirectories(tempDir.resolve("data"));
    }

    @AfterAll
    static void cleanUp() throws Exception {
        PackagedApp.cleanUp(launched, tempDir, "[chaos-it]");
    }

    @Test
    void acknowledgedStepsSurviveKillsOfShoreloopAndCrashesOfPostgresqlWithOneEffectEach() throws Exception {
        try {
            run();
        } catch (Throwable e) {
            // what the application said about it (the logs go with the temporary directory)
            for (Path log : logs) {
                System.out.println(PackagedApp.tail(log, 150));
            }
            throw e;
        }
    }

    private void run() throws Exception {
        Process app = start("first start");
        for (String subject :
                List.of(CREW_YU_CONTAINER, RECEIVER_GUOYUAN, TRANSPORTER, DISPOSER_SEWAGE_PLANT, BUREAU_MSA)) {
            tokens.put(subject, PackagedApp.demoToken(port, subject));
        }
        long before = manifestsOfTheCall();

        List<Thread> clients = new ArrayList<>();
        List<Throwable> clientFailures = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < CLIENTS; i++) {
            Thread t = new Thread(
                    () -> {
                        try {
                            while (!stop.get()) {
                                lifecycle();
                            }
                        } catch (Throwable e) {
                            clientFailures.add(e);
                        }
                    },
                    "chaos-client-" + i);
            t.start();
            clients.add(t);
        }

        for (int round = 1; round <= 2; round++) {
            Thread.sleep(4_000);
            crashPostgresql(round);
            Thread.sleep(4_000);
            app.destroyForcibly();
            assertTrue(app.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the killed application exits");
            System.out.println("[chaos-it] kill -9 of Shoreloop #" + round + "; " + acknowledgedSteps()
                    + " steps acknowledged so far");
            app = start("start after kill -9 #" + round);
        }
        Thread.sleep(4_000);
        stop.set(true);
        for (Thread t : clients) {
            t.join(RETRY_FOR.toMillis() * 2);
        }
        assertTrue(clientFailures.isEmpty(), () -> "clients failed: " + clientFailures);
        assertTrue(unexpected.isEmpty(), () -> "answers other than 2xx or 503: " + unexpected);

        int steps = acknowledgedSteps();
        System.out.printf(
                "[chaos-it] %d manifests, %d acknowledged steps; %d answers 503 and %d lost connections retried%n",
                acknowledged.size(), steps, unavailable.get(), connectionFailures.get());
        assertTrue(acknowledged.size() >= CLIENTS, "every client completed lifecycles");
        // every acknowledged step is there, each once (the clients finish every lifecycle they began)
        for (Map.Entry<String, List<String>> m : acknowledged.entrySet()) {
            assertEquals(List.of("DRAFT", "DECLARE", "RECEIVE", "PICKUP", "DISPOSE"), m.getValue(), m.getKey());
            JsonNode stored =
                    PackagedApp.getJson(port, "/api/v1/manifests/" + m.getKey(), tokens.get(CREW_YU_CONTAINER), 200);
            List<String> actions = new ArrayList<>();
            stored.path("steps").forEach(s -> actions.add(s.path("action").asText()));
            assertEquals(m.getValue(), actions, "the steps of manifest " + m.getKey());
            assertEquals("DISPOSED", stored.path("state").asText(), m.getKey());
        }
        // no draft had a second effect: the call holds exactly the manifests acknowledged
        assertEquals(before + acknowledged.size(), manifestsOfTheCall(), "manifests of the call");
        JsonNode verify = PackagedApp.getJson(port, "/api/v1/ledger/verify", tokens.get(BUREAU_MSA), 200);
        assertTrue(verify.path("intact").asBoolean(), () -> "ledger verification: " + verify);
        // PostgreSQL crashed twice under load: requests met it down and were told so
        assertTrue(unavailable.get() > 0, "requests that met the database down were answered 503");
        app.destroy();
        app.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** One full lifecycle: each step retried with its own key until it is acknowledged. */
    private void lifecycle() throws Exception {
        String id = null;
        for (String[] step : LIFECYCLE) {
            String key = UUID.randomUUID().toString();
            String path = id == null ? "/api/v1/manifests" : "/api/v1/manifests/" + id + step[1];
            JsonNode answer = post(step[0], path, body(step[2]), key);
            if (id == null) {
                id = answer.path("id").asText();
            }
            acknowledged
                    .computeIfAbsent(id, k -> Collections.synchronizedList(new ArrayList<>()))
                    .add(step[2]);
        }
    }

    private static String body(String action) {
        return switch (action) {
            case "DRAFT" -> "{\"callId\":\"" + CALL_YU_CONTAINER_OPEN + "\",\"stream\":\"SEWAGE\",\"quantity\":\"5\"}";
            case "DECLARE" -> "{\"receiverId\":\"" + FACILITY_GUOYUAN + "\"}";
            case "RECEIVE" ->
                "{\"quantity\":\"5\",\"method\":\"METERED\",\"nextPartyId\":\"" + FACILITY_TRANSPORTER + "\"}";
            case "PICKUP" ->
                "{\"quantity\":\"5\",\"method\":\"METERED\",\"vehicle\":\"渝A·C4711\",\"nextPartyId\":\""
                        + FACILITY_SEWAGE_PLANT + "\"}";
            default -> "{\"quantity\":\"5\",\"method\":\"METERED\",\"treatment\":\"A2O\"}";
        };
    }

    /**
     * POSTs with the key until answered 2xx: a lost connection (Shoreloop down or restarting) and 503 (the database
     * down) are retried with the same key; any other answer is recorded as unexpected and fails the client.
     */
    private JsonNode post(String subject, String path, String body, String key) throws Exception {
        long deadline = System.nanoTime() + RETRY_FOR.toNanos();
        while (true) {
            try {
                HttpResponse<String> r = PackagedApp.send(HttpRequest.newBuilder(PackagedApp.uri(port, path))
                        .header("Authorization", "Bearer " + tokens.get(subject))
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", key)
                        .POST(HttpRequest.BodyPublishers.ofString(body)));
                if (r.statusCode() / 100 == 2) {
                    return PackagedApp.JSON.readTree(r.body());
                }
                if (r.statusCode() != 503) {
                    unexpected.add(r.statusCode() + " " + path + " " + r.body());
                    throw new IllegalStateException("unexpected answer " + r.statusCode() + " to " + path);
                }
                unavailable.incrementAndGet();
            } catch (IOException e) {
                connectionFailures.incrementAndGet();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no answer to " + path + " within " + RETRY_FOR);
            }
            Thread.sleep(200);
        }
    }

    private Process start(String what) throws Exception {
        port = PackagedApp.freePort();
        Path log = tempDir.resolve("app-" + logs.size() + ".log");
        logs.add(log);
        Process app = PackagedApp.launch(appDir, tempDir, dataDir, log, port);
        launched.add(app);
        try {
            PackagedApp.awaitReady(app, port, READY_TIMEOUT);
        } catch (AssertionError e) {
            System.out.println(PackagedApp.tail(log, 120));
            throw e;
        }
        System.out.println("[chaos-it] " + what + ": ready on :" + port);
        return app;
    }

    /**
     * Kills one PostgreSQL backend serving Shoreloop with SIGKILL: the postmaster then ends every other session,
     * recovers from its WAL and accepts connections again, as after a crash of PostgreSQL.
     */
    private static void crashPostgresql(int round) throws Exception {
        // the postmaster is the process of the data directory whose children include the database's backends (their
        // process titles read "postgres: <user> shoreloop 127.0.0.1(<port>) <state>")
        List<ProcessHandle> children = PackagedApp.processes(cl -> cl.contains(dataDir.toString())).stream()
                .flatMap(ProcessHandle::children)
                .toList();
        ProcessHandle backend = children.stream()
                .filter(p -> title(p).matches("postgres: \\S+ shoreloop 127\\.0\\.0\\.1.*"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no backend of database shoreloop among "
                        + children.stream().map(ManifestChaosIT::title).toList()));
        System.out.println("[chaos-it] PostgreSQL crash #" + round + ": kill -9 of backend " + backend.pid() + " ("
                + title(backend) + ")");
        backend.destroyForcibly();
    }

    /** A PostgreSQL process's title (its command line, which it rewrites; Java sees only the executable). */
    private static String title(ProcessHandle p) {
        try {
            return Files.readString(Path.of("/proc", String.valueOf(p.pid()), "cmdline"))
                    .replace('\0', ' ')
                    .trim();
        } catch (IOException e) {
            return "";
        }
    }

    private long manifestsOfTheCall() throws Exception {
        return PackagedApp.getJson(
                        port,
                        "/api/v1/manifests?callId=" + CALL_YU_CONTAINER_OPEN + "&size=1",
                        tokens.get(CREW_YU_CONTAINER),
                        200)
                .path("total")
                .asLong();
    }

    private int acknowledgedSteps() {
        return acknowledged.values().stream().mapToInt(List::size).sum();
    }
}
