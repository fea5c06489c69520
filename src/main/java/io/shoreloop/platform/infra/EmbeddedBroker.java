package io.shoreloop.platform.infra;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * A real MQTT broker (HiveMQ CE) in a JVM of its own, with its persistence in the data directory.
 *
 * <p>The child JVM runs {@code io.shoreloop.broker.EmbeddedBrokerMain} from the broker class path that the build
 * puts beside the application ({@code broker-lib}). Its standard input stays open while Shoreloop lives; when
 * Shoreloop goes (even by SIGKILL) the pipe closes and the broker stops itself.
 */
final class EmbeddedBroker implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedBroker.class);
    private static final String READY = "SHORELOOP-BROKER-READY ";
    private static final String MAIN_CLASS = "io.shoreloop.broker.EmbeddedBrokerMain";

    private final Process process;
    private final OutputStream stdin;
    private final int port;

    private EmbeddedBroker(Process process, int port) {
        this.process = process;
        this.stdin = process.getOutputStream();
        this.port = port;
    }

    static EmbeddedBroker start(Path home, int preferredPort) {
        awaitOrphanedBroker(home);
        int port = FreePorts.preferring(preferredPort);
        for (int attempt = 1; ; attempt++) {
            try {
                return startOn(home, port);
            } catch (PortTaken e) {
                // Another process took the port between our check and the broker's bind (e.g. a concurrent start).
                if (attempt == MAX_ATTEMPTS) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
                int next = FreePorts.find();
                LOG.warnf("The embedded MQTT broker could not bind port %d; trying port %d", port, next);
                port = next;
            }
        }
    }

    /** How long a broker left by a killed Shoreloop gets to stop by itself before it is stopped. */
    private static final Duration ORPHAN_GRACE = Duration.ofSeconds(30);

    /**
     * Waits for a broker that a previous Shoreloop on this data directory left behind (killed with {@code kill -9}, or
     * crashed): it notices that its standard input closed and stops by itself, but until it has written its
     * persistence and gone it holds the broker's data folder, and a broker started meanwhile fails ("Is another HiveMQ
     * instance running?"), so a restart right after a crash failed. The data directory is locked by this process
     * ({@link DataDir}), so a broker of it still running belongs to a dead Shoreloop. One that does not stop within
     * {@link #ORPHAN_GRACE} is stopped (SIGTERM, then SIGKILL), as the orphaned postmaster is.
     */
    static void awaitOrphanedBroker(Path home) {
        String argument = " " + home.toAbsolutePath() + " ";
        List<ProcessHandle> orphans = ProcessHandle.allProcesses()
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .filter(p -> p.info()
                        .commandLine()
                        .map(cl -> cl.contains(MAIN_CLASS) && cl.contains(argument))
                        .orElse(false))
                .toList();
        for (ProcessHandle orphan : orphans) {
            LOG.warnf(
                    "The embedded MQTT broker of a previous run (pid %d) is still stopping; waiting for it",
                    orphan.pid());
            try {
                orphan.onExit().get(ORPHAN_GRACE.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                LOG.warnf("Stopping the embedded MQTT broker of a previous run (pid %d)", orphan.pid());
                orphan.destroy();
                try {
                    orphan.onExit().get(10, TimeUnit.SECONDS);
                } catch (TimeoutException stillThere) {
                    orphan.destroyForcibly();
                    orphan.onExit().join();
                } catch (ExecutionException gone) {
                    // it stopped
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } catch (ExecutionException e) {
                // gone
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static final int MAX_ATTEMPTS = 3;
    private static final String FAILED = "SHORELOOP-BROKER-FAILED ";
    private static final String BIND_FAILED = "Could not bind any listener";
    private static final int OUTPUT_TAIL = 40;

    /** The broker could not bind its listener. */
    private static final class PortTaken extends RuntimeException {
        PortTaken(String message) {
            super(message);
        }
    }

    private static EmbeddedBroker startOn(Path home, int port) {
        Path lib = locateBrokerLib();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(
                java,
                "-Xms32m",
                "-Xmx384m",
                "-XX:+UseSerialGC",
                "-Djava.awt.headless=true",
                "-cp",
                lib.toAbsolutePath() + "/*",
                MAIN_CLASS,
                home.toAbsolutePath().toString(),
                "127.0.0.1",
                String.valueOf(port)));
        try {
            Files.createDirectories(home);
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            CompletableFuture<Integer> ready = new CompletableFuture<>();
            Deque<String> output = new ArrayDeque<>();
            Thread pump = new Thread(() -> pumpOutput(process, ready, output), "embedded-broker-output");
            pump.setDaemon(true);
            pump.start();
            try {
                ready.get(120, TimeUnit.SECONDS);
            } catch (Exception e) {
                process.destroyForcibly();
                awaitExit(process); // it holds the broker's data-folder lock until it is gone
                String tail;
                boolean bindFailed;
                synchronized (output) {
                    tail = String.join("\n", output);
                    bindFailed = output.stream().anyMatch(l -> l.contains(BIND_FAILED));
                }
                String message =
                        "The embedded MQTT broker did not start on 127.0.0.1:" + port + "; its output:\n" + tail;
                if (bindFailed) {
                    throw new PortTaken(message);
                }
                throw new IllegalStateException(message, e);
            }
            return new EmbeddedBroker(process, port);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the embedded MQTT broker", e);
        }
    }

    private static void pumpOutput(Process process, CompletableFuture<Integer> ready, Deque<String> output) {
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith(READY)) {
                    ready.complete(
                            Integer.parseInt(line.substring(READY.length()).trim()));
                    continue;
                }
                if (!ready.isDone()) {
                    synchronized (output) {
                        output.addLast(line);
                        if (output.size() > OUTPUT_TAIL) {
                            output.removeFirst();
                        }
                    }
                }
                if (line.startsWith(FAILED)) {
                    ready.completeExceptionally(new IllegalStateException(line.substring(FAILED.length())));
                }
                LOG.debug(line);
                if (line.contains(" ERROR ") || line.contains(" WARN ")) {
                    LOG.info(line);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // process gone
        }
        ready.completeExceptionally(new IllegalStateException("broker exited with " + exitCode(process)));
    }

    private static void awaitExit(Process process) {
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String exitCode(Process process) {
        try {
            return String.valueOf(process.waitFor(5, TimeUnit.SECONDS) ? process.exitValue() : "(still running)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    /**
     * The broker's class path: {@code shoreloop.broker-lib} (system property) or {@code SHORELOOP_BROKER_LIB}, else
     * {@code broker-lib} beside the packaged application, else the build's {@code target/broker-lib}.
     */
    static Path locateBrokerLib() {
        List<Path> candidates = new ArrayList<>();
        String configured = System.getProperty("shoreloop.broker-lib", System.getenv("SHORELOOP_BROKER_LIB"));
        if (configured != null && !configured.isBlank()) {
            candidates.add(Path.of(configured));
        }
        String classPath = System.getProperty("java.class.path", "");
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            if (entry.endsWith("quarkus-run.jar")) {
                Path parent = Path.of(entry).toAbsolutePath().getParent();
                if (parent != null) {
                    candidates.add(parent.resolve("broker-lib"));
                }
            }
        }
        candidates.add(Path.of("target", "quarkus-app", "broker-lib"));
        candidates.add(Path.of("target", "broker-lib"));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate.resolve("shoreloop-embedded-broker.jar"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("The embedded MQTT broker's class path was not found (looked in " + candidates
                + "). Build with ./mvnw package, or set SHORELOOP_MQTT_HOST to use an external broker.");
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException e) {
            // already closed
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
