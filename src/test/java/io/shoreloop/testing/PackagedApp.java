package io.shoreloop.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The packaged application ({@code target/quarkus-app/quarkus-run.jar}) as a real OS process for failsafe tests: where
 * it is, launching it on the embedded defaults with its own data directory and a free HTTP port, readiness, plain
 * HTTP, demo tokens, and cleaning up processes and directories afterwards.
 */
public final class PackagedApp {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PackagedApp() {}

    /** {@code target/quarkus-app}, checked: failsafe sets {@code shoreloop.app.dir} after {@code package}. */
    public static Path appDir() {
        String configured = System.getProperty("shoreloop.app.dir");
        if (configured == null || configured.isBlank()) {
            fail("System property shoreloop.app.dir is not set: run this test with failsafe (./mvnw verify), which"
                    + " points it at target/quarkus-app");
        }
        Path appDir = Path.of(configured).toAbsolutePath();
        Path jar = appDir.resolve("quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            fail("The packaged application " + jar + " is missing: build it with ./mvnw package (failsafe runs this"
                    + " test after package)");
        }
        if (!Files.isDirectory(appDir.resolve("broker-lib"))) {
            fail("The embedded broker's class path " + appDir.resolve("broker-lib") + " is missing beside the"
                    + " packaged application");
        }
        return appDir;
    }

    /**
     * Starts the application in demo mode on the embedded PostgreSQL and broker, keeping them in {@code dataDir},
     * serving HTTP on {@code httpPort}, its output in {@code logFile}. Nothing inherited from the environment may
     * point it at external infrastructure or another data directory.
     */
    public static Process launch(Path appDir, Path workDir, Path dataDir, Path logFile, int httpPort)
            throws IOException {
        return launch(
                appDir,
                workDir,
                logFile,
                httpPort,
                Map.of(
                        "SHORELOOP_DATA_DIR",
                        dataDir.toString(),
                        "SHORELOOP_DEMO",
                        "true",
                        "SHORELOOP_INFRA",
                        "embedded"));
    }

    /**
     * Starts the application in the demo profile with exactly the given variables (plus the HTTP port): nothing
     * inherited that starts with SHORELOOP_, QUARKUS_, MP_JWT_ or SMALLRYE_JWT_ reaches it.
     */
    public static Process launch(Path appDir, Path workDir, Path logFile, int httpPort, Map<String, String> variables)
            throws IOException {
        return launch(java(), appDir, workDir, logFile, httpPort, variables, List.of());
    }

    /**
     * As {@link #launch(Path, Path, Path, int, Map)}, with this {@code java} and these JVM options after the shipped
     * ones.
     */
    public static Process launch(
            String java,
            Path appDir,
            Path workDir,
            Path logFile,
            int httpPort,
            Map<String, String> variables,
            List<String> jvmOptions)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java);
        // as run-demo.sh and the image launch it
        command.addAll(
                javaOptions(appDir.resolve("../../src/main/bin/java-options").normalize()));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-Dquarkus.profile=demo",
                "-jar",
                appDir.resolve("quarkus-run.jar").toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        Map<String, String> env = builder.environment();
        env.keySet()
                .removeIf(k -> k.startsWith("SHORELOOP_")
                        || k.startsWith("QUARKUS_")
                        || k.startsWith("MP_JWT_")
                        || k.startsWith("SMALLRYE_JWT_"));
        env.putAll(variables);
        env.put("QUARKUS_HTTP_PORT", String.valueOf(httpPort));
        return builder.start();
    }

    /**
     * The JVM options in {@code file} ({@code src/main/bin/java-options}: those Shoreloop is shipped with), read as
     * {@code src/main/bin/java-options.sh} reads them: separated by white space, {@code #} starting a comment to the
     * line's end.
     */
    public static List<String> javaOptions(Path file) throws IOException {
        List<String> options = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int comment = line.indexOf('#');
            String text = comment < 0 ? line : line.substring(0, comment);
            for (String option : text.trim().split("\\s+")) {
                if (!option.isEmpty()) {
                    options.add(option);
                }
            }
        }
        return options;
    }

    /** The {@code java} of the JDK running the tests. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Waits until {@code /q/health/ready} says UP; fails if the process exits first or the time runs out. */
    public static void awaitReady(Process app, int port, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!app.isAlive()) {
                fail("The application exited with " + app.exitValue() + " before it was ready (last readiness: " + last
                        + ")");
            }
            try {
                HttpResponse<String> r = get(port, "/q/health/ready", null);
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
        fail("The application was not ready within " + timeout.toSeconds() + " s (last readiness: " + last + ")");
    }

    // --- HTTP ---------------------------------------------------------------------------------------------------

    public static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(
                request.timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    public static HttpResponse<String> get(int port, String path, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(port, path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request);
    }

    public static JsonNode getJson(int port, String path, String token, int expectedStatus) throws Exception {
        HttpResponse<String> r = get(port, path, token);
        assertEquals(expectedStatus, r.statusCode(), "GET " + path + ": " + r.body());
        return JSON.readTree(r.body());
    }

    /** The bearer token of a demo user, from {@code /api/v1/demo/tokens}. */
    public static String demoToken(int port, String subject) throws Exception {
        JsonNode users = getJson(port, "/api/v1/demo/tokens", null, 200);
        for (JsonNode u : users) {
            if (subject.equals(u.path("subject").asText())) {
                String token = u.path("token").asText();
                assertFalse(token.isBlank(), "the demo user " + subject + " has a token");
                return token;
            }
        }
        return fail("no demo user " + subject + " in " + users);
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    // --- processes and files ----------------------------------------------------------------------------------

    public static List<ProcessHandle> processes(Predicate<String> commandLine) {
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self && p.isAlive())
                .filter(p -> commandLine.test(commandLine(p)))
                .toList();
    }

    public static String commandLine(ProcessHandle p) {
        ProcessHandle.Info info = p.info();
        return info.commandLine()
                .or(() -> info.command()
                        .map(c -> c + " " + String.join(" ", info.arguments().orElse(new String[0]))))
                .or(() -> info.arguments().map(a -> String.join(" ", a)))
                .orElse("");
    }

    /**
     * Kills the launched processes still alive, then every process whose command line names {@code tempDir} (the
     * embedded postmaster and broker), and deletes {@code tempDir}.
     */
    public static void cleanUp(List<Process> launched, Path tempDir, String logPrefix) throws Exception {
        for (Process p : launched) {
            if (p.isAlive()) {
                System.out.println(logPrefix + " clean-up: killing process " + p.pid());
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
        if (tempDir == null) {
            return;
        }
        List<ProcessHandle> leftovers = processes(cl -> cl.contains(tempDir.toString()));
        for (ProcessHandle p : leftovers) {
            System.out.println(logPrefix + " clean-up: killing leftover " + p.pid() + " " + commandLine(p));
            p.destroyForcibly();
        }
        for (ProcessHandle p : leftovers) {
            p.onExit().get(30, TimeUnit.SECONDS);
        }
        deleteTree(tempDir, logPrefix);
    }

    static void deleteTree(Path root, String logPrefix) {
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
            System.out.println(logPrefix + " could not delete " + root);
        }
    }

    /** The last {@code lines} lines of a log file, framed, for a failure report. */
    public static String tail(Path logFile, int lines) {
        try {
            List<String> all = new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8)
                    .lines()
                    .toList();
            List<String> tail = all.subList(Math.max(0, all.size() - lines), all.size());
            return "----- last " + tail.size() + " lines of " + logFile + " -----\n" + String.join("\n", tail)
                    + "\n----- end of " + logFile.getFileName() + " -----";
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }
}
