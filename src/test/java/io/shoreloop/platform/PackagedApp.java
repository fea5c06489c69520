package io.shoreloop.platform;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged application ({@code target/quarkus-app}) as an OS process for integration tests that run after
 * {@code package}: launched with a clean environment plus the given variables, on a free HTTP port, with its output in
 * a log file; readiness, demo tokens and JSON over HTTP.
 */
public final class PackagedApp {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final int port;
    private final Path log;

    private PackagedApp(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** The packaged application's directory, from the system property failsafe sets. */
    public static Path directory() {
        String configured = System.getProperty("shoreloop.app.dir");
        if (configured == null || configured.isBlank()) {
            fail("System property shoreloop.app.dir is not set: run this test with failsafe (./mvnw verify)");
        }
        Path dir = Path.of(configured).toAbsolutePath();
        if (!Files.isRegularFile(dir.resolve("quarkus-run.jar"))) {
            fail("The packaged application " + dir.resolve("quarkus-run.jar") + " is missing: build it with ./mvnw"
                    + " package (failsafe runs after package)");
        }
        return dir;
    }

    /**
     * Starts {@code quarkus-run.jar} in the demo profile, working directory {@code workDir}. Nothing inherited may
     * point it at other infrastructure: variables starting with SHORELOOP_, QUARKUS_, MP_JWT_ and SMALLRYE_JWT_ are
     * removed before {@code env} is applied.
     */
    public static PackagedApp launch(Path workDir, Path log, Map<String, String> env) throws IOException {
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(
                        java,
                        "-Dquarkus.profile=demo",
                        "-jar",
                        directory().resolve("quarkus-run.jar").toString())
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        environment
                .keySet()
                .removeIf(k -> k.startsWith("SHORELOOP_")
                        || k.startsWith("QUARKUS_")
                        || k.startsWith("MP_JWT_")
                        || k.startsWith("SMALLRYE_JWT_"));
        environment.putAll(env);
        environment.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        return new PackagedApp(builder.start(), port, log);
    }

    public Process process() {
        return process;
    }

    public Path log() {
        return log;
    }

    /** Waits until {@code /q/health/ready} answers UP; fails when the process exits first or time runs out. */
    public PackagedApp awaitReady(Duration max) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("The application exited with " + process.exitValue() + " before it was ready (" + last
                        + "); log tail:\n" + tail(40));
            }
            try {
                HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/q/health/ready")), null);
                last = r.statusCode() + " " + r.body();
                if (r.statusCode() == 200
                        && "UP".equals(JSON.readTree(r.body()).path("status").asText())) {
                    return this;
                }
            } catch (ConnectException e) {
                last = "connection refused";
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        return fail("Not ready within " + max + " (" + last + "); log tail:\n" + tail(40));
    }

    /** SIGTERM and wait. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** SIGKILL and wait. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** The demo token of a demo user (demo profile only). */
    public String demoToken(String subject) throws Exception {
        for (JsonNode u : getJson("/api/v1/demo/tokens", null)) {
            if (subject.equals(u.path("subject").asText())) {
                return u.path("token").asText();
            }
        }
        return fail("no demo user " + subject);
    }

    public JsonNode getJson(String path, String token) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri(path)).GET(), token);
        if (r.statusCode() != 200) {
            fail("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** POSTs JSON and returns the answer; fails unless it is {@code expected}. */
    public JsonNode postJson(String path, String token, Object body, int expected) throws Exception {
        HttpResponse<String> r = send(
                HttpRequest.newBuilder(uri(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))),
                token);
        if (r.statusCode() != expected) {
            fail("POST " + path + " answered " + r.statusCode() + ", not " + expected + ": " + r.body());
        }
        return r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String token)
            throws IOException, InterruptedException {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** The last lines of the log. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
