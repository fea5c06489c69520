package io.shoreloop.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * The packaged application ({@code target/quarkus-app/quarkus-run.jar}, run by failsafe after {@code package}) as a
 * real OS process on the embedded infrastructure (zonky PostgreSQL, HiveMQ CE child JVM), through the life of a data
 * directory: first start with demo data, a second process refused on the same data directory, graceful stop (no
 * postmaster or broker left behind), restart (rows kept, demo data not loaded twice), {@code kill -9} and a start
 * that recovers from the orphaned postmaster.
 *
 * <p>The steps build on each other: when one fails, the later ones are aborted (reported as skipped, naming the
 * failed step). On a failure the tail of the application's log is printed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(PackagedApplicationIT.PrintLogOnFailure.class)
class PackagedApplicationIT {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);
    /** Time for the process table to settle after a parent exits (the children are asked to stop before that). */
    private static final Duration SETTLE = Duration.ofSeconds(10);

    private static final String ADMIN = "demo-admin";
    private static final String MMSI = "413977001";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Path appDir;
    private static Path tempDir;
    private static Path dataDir;
    private static final List<Process> launched = new ArrayList<>();
    private static int launches;

    /** The application instance the steps talk to, its HTTP port and its log. */
    private static Process app;

    private static int port;
    private static Path log;
    /** Logs of the current scenario step, printed when it fails. */
    private static final List<Path> stepLogs = new ArrayList<>();

    private static String failedStep;

    @BeforeAll
    static void locateApplication() throws IOException {
        String configured = System.getProperty("shoreloop.app.dir");
        if (configured == null || configured.isBlank()) {
            fail("System property shoreloop.app.dir is not set: run this test with failsafe (./mvnw verify), which"
                    + " points it at target/quarkus-app");
        }
        appDir = Path.of(configured).toAbsolutePath();
        Path jar = appDir.resolve("quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            fail("The packaged application " + jar + " is missing: build it with ./mvnw package (failsafe runs this"
                    + " test after package)");
        }
        if (!Files.isDirectory(appDir.resolve("broker-lib"))) {
            fail("The embedded broker's class path " + appDir.resolve("broker-lib") + " is missing beside the"
                    + " packaged application");
        }
        tempDir = Files.createTempDirectory("shoreloop-packaged-it-").toRealPath();
        dataDir = Files.createDirectories(tempDir.resolve("data"));
        System.out.println("[packaged-it] application: " + jar + "; data directory: " + dataDir);
    }

    @BeforeEach
    void earlierStepsPassed() {
        stepLogs.clear();
        if (log != null) {
            stepLogs.add(log);
        }
        Assumptions.assumeTrue(failedStep == null, () -> "not run: the earlier step '" + failedStep + "' failed");
    }

    @Test
    @Order(1)
    void firstStartLoadsDemoDataAndServesTheApi() throws Exception {
        long launchedAt = System.nanoTime();
        startApp("first start");
        awaitReady();
        printTiming("first start (empty data directory, initdb + demo data)", launchedAt);

        JsonNode users = getJson("/api/v1/demo/tokens", null, 200);
        assertTrue(users.isArray() && users.size() > 0, "demo users listed: " + users);
        String admin = adminToken();

        JsonNode vessels = getJson("/api/v1/vessels?size=500", admin, 200);
        assertTrue(vessels.path("total").asLong() >= 5, "at least 5 demo vessels: " + vessels.path("total"));
        assertEquals(401, get("/api/v1/vessels", null).statusCode(), "unauthenticated vessel list");

        HttpResponse<String> created = send(HttpRequest.newBuilder(uri("/api/v1/vessels"))
                .header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"Persisted\",\"mmsi\":\"" + MMSI + "\",\"type\":\"CARGO\"}")));
        assertEquals(201, created.statusCode(), "vessel created: " + created.body());
        assertEquals(1, total("/api/v1/vessels?mmsi=" + MMSI, admin), "the new vessel is listed");
    }

    @Test
    @Order(2)
    void aSecondProcessOnTheSameDataDirectoryIsRefused() throws Exception {
        Process first = app;
        int firstPort = port;
        Path firstLog = log;
        Path secondLog = nextLog();
        stepLogs.add(secondLog);
        Process second = launch(secondLog, freePort());
        boolean exited = second.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(exited, "the second process exits by itself while the first holds the data directory");
        assertTrue(second.exitValue() != 0, "the second process exits non-zero, not " + second.exitValue());
        String output = new String(Files.readAllBytes(secondLog), StandardCharsets.UTF_8);
        assertTrue(
                output.contains("data directory") && output.contains("is in use"),
                "the second process says the data directory is in use; its output:\n" + output);

        assertTrue(first.isAlive(), "the first process still runs");
        assertEquals(firstPort, port);
        assertEquals(firstLog, log);
        assertReadyNow();
        assertEquals(1, total("/api/v1/vessels?mmsi=" + MMSI, adminToken()), "the first still serves its data");
    }

    @Test
    @Order(3)
    void gracefulStopTakesDatabaseAndBrokerDown() throws Exception {
        assertTrue(brokerProcesses().size() > 0, "the broker child JVM runs while the application runs");
        assertTrue(postmasters().size() > 0, "the embedded postmaster runs while the application runs");
        stopGracefully();
    }

    @Test
    @Order(4)
    void restartKeepsRowsAndDoesNotReloadDemoData() throws Exception {
        long launchedAt = System.nanoTime();
        startApp("restart after graceful stop");
        awaitReady();
        printTiming("restart after a graceful stop", launchedAt);

        String admin = adminToken();
        assertEquals(1, total("/api/v1/vessels?mmsi=" + MMSI, admin), "the vessel created before the restart");
        assertEquals(1, total("/api/v1/ports?code=CQ-GY", admin), "demo port CQ-GY exactly once");
    }

    @Test
    @Order(5)
    void startAfterKillMinus9RecoversTheOrphanedPostmaster() throws Exception {
        Process killed = app;
        killed.destroyForcibly();
        assertTrue(killed.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the killed application exits");
        List<ProcessHandle> orphans = postmasters();
        System.out.println("[packaged-it] after kill -9: postmaster(s) left running: "
                + orphans.stream().map(p -> String.valueOf(p.pid())).collect(Collectors.joining(", ", "[", "]")));

        List<ProcessHandle> brokers = awaitGone(PackagedApplicationIT::brokerProcesses, Duration.ofSeconds(30));
        assertTrue(
                brokers.isEmpty(),
                "the broker child JVM stops by itself when its parent is killed (stdin closes); still running: "
                        + describe(brokers));

        long launchedAt = System.nanoTime();
        startApp("start after kill -9");
        awaitReady();
        printTiming("start after kill -9 (orphaned postmaster stopped first)", launchedAt);
        for (ProcessHandle orphan : orphans) {
            assertFalse(orphan.isAlive(), "the orphaned postmaster " + orphan.pid() + " was stopped");
        }

        String admin = adminToken();
        assertEquals(1, total("/api/v1/vessels?mmsi=" + MMSI, admin), "the vessel survives kill -9");
        assertEquals(1, total("/api/v1/ports?code=CQ-GY", admin), "demo port CQ-GY exactly once");
    }

    @Test
    @Order(6)
    void finalGracefulStop() throws Exception {
        stopGracefully();
    }

    @AfterAll
    static void cleanUp() throws Exception {
        for (Process p : launched) {
            if (p.isAlive()) {
                System.out.println("[packaged-it] clean-up: killing application process " + p.pid());
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
        if (tempDir == null) {
            return;
        }
        List<ProcessHandle> leftovers = ProcessHandle.allProcesses()
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .filter(p -> commandLine(p).contains(tempDir.toString()))
                .toList();
        for (ProcessHandle p : leftovers) {
            System.out.println("[packaged-it] clean-up: killing leftover " + p.pid() + " " + commandLine(p));
            p.destroyForcibly();
        }
        for (ProcessHandle p : leftovers) {
            p.onExit().get(30, TimeUnit.SECONDS);
        }
        deleteTree(tempDir);
    }

    // --- the application process ------------------------------------------------------------------------------

    private static void startApp(String what) throws IOException {
        port = freePort();
        log = nextLog();
        stepLogs.add(log);
        System.out.println("[packaged-it] " + what + ": port " + port + ", log " + log);
        app = launch(log, port);
    }

    private static Process launch(Path logFile, int httpPort) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(
                        java,
                        "-Dquarkus.profile=demo",
                        "-jar",
                        appDir.resolve("quarkus-run.jar").toString())
                .directory(tempDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        Map<String, String> env = builder.environment();
        // Nothing inherited may point the application at external infrastructure or another data directory.
        env.keySet()
                .removeIf(k -> k.startsWith("SHORELOOP_")
                        || k.startsWith("QUARKUS_")
                        || k.startsWith("MP_JWT_")
                        || k.startsWith("SMALLRYE_JWT_"));
        env.put("SHORELOOP_DATA_DIR", dataDir.toString());
        env.put("SHORELOOP_DEMO", "true");
        env.put("SHORELOOP_INFRA", "embedded");
        env.put("QUARKUS_HTTP_PORT", String.valueOf(httpPort));
        Process process = builder.start();
        launched.add(process);
        return process;
    }

    private static Path nextLog() {
        return tempDir.resolve("app-" + (++launches) + ".log");
    }

    private static void stopGracefully() throws Exception {
        Process running = app;
        running.destroy(); // SIGTERM
        assertTrue(
                running.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS),
                "the application stops within " + EXIT_TIMEOUT.toSeconds() + " s of SIGTERM");
        System.out.println("[packaged-it] graceful stop: exit code " + running.exitValue());
        List<ProcessHandle> pg = awaitGone(PackagedApplicationIT::postmasters, SETTLE);
        assertTrue(pg.isEmpty(), "no postmaster left on the data directory's cluster: " + describe(pg));
        List<ProcessHandle> brokers = awaitGone(PackagedApplicationIT::brokerProcesses, SETTLE);
        assertTrue(brokers.isEmpty(), "no broker child JVM left: " + describe(brokers));
    }

    private static void awaitReady() throws Exception {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!app.isAlive()) {
                fail("The application exited with " + app.exitValue() + " before it was ready (last readiness: " + last
                        + ")");
            }
            try {
                HttpResponse<String> r = get("/q/health/ready", null);
                last = r.statusCode() + " " + r.body();
                if (r.statusCode() == 200
                        && "UP".equals(JSON.readTree(r.body()).path("status").asText())) {
                    return;
                }
            } catch (ConnectException e) {
                last = "connection refused";
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        fail("The application was not ready within " + READY_TIMEOUT.toSeconds() + " s (last readiness: " + last + ")");
    }

    private static void assertReadyNow() throws Exception {
        HttpResponse<String> r = get("/q/health/ready", null);
        assertEquals(200, r.statusCode(), "ready: " + r.body());
        assertEquals("UP", JSON.readTree(r.body()).path("status").asText(), "ready: " + r.body());
    }

    private static void printTiming(String what, long launchedAtNanos) {
        System.out.printf(
                "[packaged-it] %s: launch to ready in %.1f s%n", what, (System.nanoTime() - launchedAtNanos) / 1e9);
    }

    // --- HTTP -------------------------------------------------------------------------------------------------

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request);
    }

    private static JsonNode getJson(String path, String token, int expectedStatus) throws Exception {
        HttpResponse<String> r = get(path, token);
        assertEquals(expectedStatus, r.statusCode(), "GET " + path + ": " + r.body());
        return JSON.readTree(r.body());
    }

    private static long total(String path, String token) throws Exception {
        JsonNode page = getJson(path, token, 200);
        assertTrue(page.has("total"), "GET " + path + " answers a page: " + page);
        return page.path("total").asLong();
    }

    private static String adminToken() throws Exception {
        JsonNode users = getJson("/api/v1/demo/tokens", null, 200);
        for (JsonNode u : users) {
            if (ADMIN.equals(u.path("subject").asText())) {
                String token = u.path("token").asText();
                assertFalse(token.isBlank(), "the administrator has a token");
                return token;
            }
        }
        return fail("no demo user " + ADMIN + " in " + users);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    // --- processes left behind ----------------------------------------------------------------------------------

    /** PostgreSQL processes whose command line names this data directory's cluster (the postmaster's does). */
    private static List<ProcessHandle> postmasters() {
        String cluster = dataDir.resolve("postgres").toString();
        return processes(cl -> cl.contains("postgres") && cl.contains(cluster));
    }

    /** The embedded broker child JVM on this data directory. */
    private static List<ProcessHandle> brokerProcesses() {
        return processes(cl -> cl.contains("EmbeddedBrokerMain") && cl.contains(dataDir.toString()));
    }

    private static List<ProcessHandle> processes(java.util.function.Predicate<String> commandLine) {
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self && p.isAlive())
                .filter(p -> commandLine.test(commandLine(p)))
                .toList();
    }

    private static String commandLine(ProcessHandle p) {
        ProcessHandle.Info info = p.info();
        return info.commandLine()
                .or(() -> info.command()
                        .map(c -> c + " " + String.join(" ", info.arguments().orElse(new String[0]))))
                .or(() -> info.arguments().map(a -> String.join(" ", a)))
                .orElse("");
    }

    private static List<ProcessHandle> awaitGone(
            java.util.function.Supplier<List<ProcessHandle>> processes, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        List<ProcessHandle> alive = processes.get();
        while (!alive.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(250);
            alive = processes.get();
        }
        return alive;
    }

    private static String describe(List<ProcessHandle> processes) {
        return processes.stream().map(p -> p.pid() + " " + commandLine(p)).collect(Collectors.joining("; ", "[", "]"));
    }

    private static void deleteTree(Path root) {
        for (int attempt = 0; attempt < 3 && Files.exists(root); attempt++) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // a process may still have been writing; try again
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        if (Files.exists(root)) {
            System.out.println("[packaged-it] could not delete " + root);
        }
    }

    /** Prints the tail of the step's application logs when it fails, and stops the later steps. */
    static final class PrintLogOnFailure implements TestExecutionExceptionHandler {
        private static final int TAIL_LINES = 120;

        @Override
        public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
            if (failedStep == null) {
                failedStep = context.getDisplayName();
            }
            for (Path logFile : stepLogs) {
                System.out.println(tail(logFile));
            }
            throw throwable;
        }

        private static String tail(Path logFile) {
            try {
                List<String> lines = new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8)
                        .lines()
                        .toList();
                List<String> tail = lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
                return "----- last " + tail.size() + " lines of " + logFile + " -----\n" + String.join("\n", tail)
                        + "\n----- end of " + logFile.getFileName() + " -----";
            } catch (IOException e) {
                return "(cannot read " + logFile + ": " + e + ")";
            }
        }
    }
}
