package io.shoreloop.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shoreloop.testing.PackagedApp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
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

    private static final ObjectMapper JSON = PackagedApp.JSON;

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
        appDir = PackagedApp.appDir();
        tempDir = Files.createTempDirectory("shoreloop-packaged-it-").toRealPath();
        dataDir = Files.createDirectories(tempDir.resolve("data"));
        System.out.println(
                "[packaged-it] application: " + appDir.resolve("quarkus-run.jar") + "; data directory: " + dataDir);
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
        PackagedApp.cleanUp(launched, tempDir, "[packaged-it]");
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
        Process process = PackagedApp.launch(appDir, tempDir, dataDir, logFile, httpPort);
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
        PackagedApp.awaitReady(app, port, READY_TIMEOUT);
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
        return PackagedApp.uri(port, path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return PackagedApp.send(request);
    }

    private static HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        return PackagedApp.get(port, path, token);
    }

    private static JsonNode getJson(String path, String token, int expectedStatus) throws Exception {
        return PackagedApp.getJson(port, path, token, expectedStatus);
    }

    private static long total(String path, String token) throws Exception {
        JsonNode page = getJson(path, token, 200);
        assertTrue(page.has("total"), "GET " + path + " answers a page: " + page);
        return page.path("total").asLong();
    }

    private static String adminToken() throws Exception {
        return PackagedApp.demoToken(port, ADMIN);
    }

    private static int freePort() throws IOException {
        return PackagedApp.freePort();
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
        return PackagedApp.processes(commandLine);
    }

    private static String commandLine(ProcessHandle p) {
        return PackagedApp.commandLine(p);
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

    /** Prints the tail of the step's application logs when it fails, and stops the later steps. */
    static final class PrintLogOnFailure implements TestExecutionExceptionHandler {
        private static final int TAIL_LINES = 120;

        @Override
        public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
            if (failedStep == null) {
                failedStep = context.getDisplayName();
            }
            for (Path logFile : stepLogs) {
                System.out.println(PackagedApp.tail(logFile, TAIL_LINES));
            }
            throw throwable;
        }
    }
}
