package io.shoreloop.shorepower;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.shoreloop.testing.PackagedApp;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end: the packaged Shoreloop on its embedded defaults (PostgreSQL, HiveMQ CE) in demo mode, and the device
 * simulator ({@code device-simulators/target/shoreloop-device-simulators.jar}) running a compressed port day against
 * it with every fault switched on: it registers its calls through the API (demo token), publishes to Shoreloop's
 * broker, and writes its ground truth. Once ingestion is quiescent, Shoreloop's sessions must carry exactly the true
 * energy of every simulated session (to the register's 1 Wh resolution), start and end where the simulator's breaker
 * closed and opened, and be matched to the call the simulator registered; every injected malformed or spoofed
 * message must be a dead letter with the reason for what was injected, and nothing else may be.
 */
class SimulatedPortDayIT {

    private static final String LOG = "[port-day-it]";
    /**
     * With the demo's calls in place, this seed's 8 hours hold 4 calls and 4 sessions (one cut by a breaker trip),
     * a reboot and a rollover inside sessions, an outage with backfill during one, and every kind of bad message.
     */
    private static final long SEED = 2;

    private static final Duration SIMULATED = Duration.ofHours(8);
    /** As fast as the broker takes it (about 7,500 messages). */
    private static final String SPEED = "max";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration SIMULATOR_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration QUIESCENCE_TIMEOUT = Duration.ofSeconds(60);
    /** Quiescent: sessions, dead letters and the ingest counter unchanged over this many polls, 1 s apart. */
    private static final int STABLE_POLLS = 3;

    /** What the simulator calls each bad message it injects → the kind Shoreloop gives its dead letter. */
    private static final Map<String, String> DEAD_LETTER_KIND = Map.of(
            "not-json", "invalid-json",
            "missing-field", "missing-field",
            "negative-value", "invalid-value",
            "non-numeric-value", "invalid-value",
            "timestamp-in-future", "future-timestamp",
            "unknown-meter", "unregistered-meter",
            "meter-differs-from-topic", "meter-mismatch");

    private static final Pattern BROKER_LINE =
            Pattern.compile("MQTT broker: embedded HiveMQ CE, 127\\.0\\.0\\.1:(\\d+)");

    private static Path tempDir;
    private static Path appLog;
    private static final List<Process> launched = new ArrayList<>();
    private static Process app;
    private static int httpPort;
    private static int brokerPort;

    @BeforeAll
    static void startShoreloop() throws Exception {
        Path appDir = PackagedApp.appDir();
        tempDir = Files.createTempDirectory("shoreloop-port-day-it-").toRealPath();
        Path dataDir = Files.createDirectories(tempDir.resolve("data"));
        appLog = tempDir.resolve("app.log");
        httpPort = PackagedApp.freePort();
        long t0 = System.nanoTime();
        app = PackagedApp.launch(appDir, tempDir, dataDir, appLog, httpPort);
        launched.add(app);
        try {
            PackagedApp.awaitReady(app, httpPort, READY_TIMEOUT);
        } catch (AssertionError e) {
            System.out.println(PackagedApp.tail(appLog, 120));
            throw e;
        }
        Matcher m = BROKER_LINE.matcher(Files.readString(appLog, StandardCharsets.UTF_8));
        assertTrue(m.find(), "the application names its embedded broker's port in its log");
        brokerPort = Integer.parseInt(m.group(1));
        System.out.printf(
                "%s Shoreloop ready in %.1f s on port %d, embedded broker on %d, data %s%n",
                LOG, secondsSince(t0), httpPort, brokerPort, dataDir);
    }

    @AfterAll
    static void stopShoreloop() throws Exception {
        if (app != null && app.isAlive()) {
            app.destroy();
            app.waitFor(60, TimeUnit.SECONDS);
        }
        PackagedApp.cleanUp(launched, tempDir, LOG);
    }

    @Test
    void shoreloopAccountsForASimulatedPortDayWithEveryFaultExactly() throws Exception {
        long t0 = System.nanoTime();
        JsonNode truth = runSimulator();
        long simulated = System.nanoTime();
        assertTheRunExercisedEveryFault(truth);

        String token = PackagedApp.demoToken(httpPort, "demo-admin");
        Observed seen = awaitQuiescence(token);
        System.out.printf(
                "%s simulator %.1f s, ingestion quiescent %.1f s later; %d sessions, %d dead letters%n",
                LOG,
                (simulated - t0) / 1e9,
                (System.nanoTime() - simulated) / 1e9,
                seen.sessions.size(),
                seen.deadLetters.size());
        try {
            assertSessionsMatchTheTruth(truth, seen.sessions);
            assertBadMessagesAreDeadLetters(truth, seen.deadLetters);
        } catch (AssertionError e) {
            System.out.println(PackagedApp.tail(appLog, 60));
            throw e;
        }
    }

    // --- the simulator ----------------------------------------------------------------------------------------

    private JsonNode runSimulator() throws Exception {
        String configured = System.getProperty("shoreloop.simulator.jar");
        assertTrue(
                configured != null && !configured.isBlank(),
                "System property shoreloop.simulator.jar is not set: run this test with failsafe (./mvnw verify)");
        Path jar = Path.of(configured);
        assertTrue(
                Files.isRegularFile(jar),
                "The simulator " + jar + " is missing: the root build makes it in the package phase");
        // A whole hour, as the demo history's times are: the schedule (which avoids the demo's calls) repeats.
        Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(SIMULATED);
        Path out = tempDir.resolve("port-day");
        Path log = tempDir.resolve("simulator.log");
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "port-day",
                "--api-url",
                "http://127.0.0.1:" + httpPort,
                "--host",
                "127.0.0.1",
                "--port",
                String.valueOf(brokerPort),
                "--start",
                start.toString(),
                "--duration",
                SIMULATED.toHours() + "h",
                "--speed",
                SPEED,
                "--seed",
                String.valueOf(SEED),
                "--all-faults",
                "--out",
                out.toString());
        System.out.println(LOG + " " + String.join(" ", command));
        Process sim = new ProcessBuilder(command)
                .directory(tempDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        launched.add(sim);
        boolean done = sim.waitFor(SIMULATOR_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        String output = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println(output.strip().indent(2).stripTrailing());
        assertTrue(done, "the simulator finishes within " + SIMULATOR_TIMEOUT.toSeconds() + " s");
        assertEquals(0, sim.exitValue(), "the simulator's exit code; its output:\n" + output);
        return PackagedApp.JSON.readTree(out.resolve("ground-truth.json").toFile());
    }

    /** The seed must give a day that exercises what this test is about; a day without it would prove little. */
    private static void assertTheRunExercisedEveryFault(JsonNode truth) {
        JsonNode totals = truth.path("totals");
        for (String fault :
                List.of("resets", "rollovers", "duplicates", "lateReadings", "backfillArrays", "skewedMeters")) {
            assertTrue(totals.path(fault).asInt() > 0, "the simulated day has " + fault + ": " + totals);
        }
        Set<String> injected = new HashSet<>();
        truth.path("badMessages").forEach(b -> injected.add(b.path("reason").asText()));
        assertEquals(DEAD_LETTER_KIND.keySet(), injected, "every kind of bad message was injected");
        assertTrue(truth.path("sessions").size() >= 2, "at least two sessions: " + truth.path("sessions"));
        for (JsonNode call : truth.path("calls")) {
            JsonNode answer = call.path("shoreloop");
            assertEquals(201, answer.path("status").asInt(), "call " + call.path("call") + " registered: " + answer);
        }
    }

    // --- what Shoreloop holds ---------------------------------------------------------------------------------

    private record Observed(List<JsonNode> sessions, List<JsonNode> deadLetters, String ingestCounter) {
        String fingerprint() {
            return sessions + "|" + deadLetters.size() + "|" + ingestCounter;
        }
    }

    private Observed awaitQuiescence(String token) throws Exception {
        long deadline = System.nanoTime() + QUIESCENCE_TIMEOUT.toNanos();
        String previous = null;
        int stable = 0;
        Observed seen;
        do {
            if (System.nanoTime() > deadline) {
                fail("Shoreloop's sessions and dead letters still changed after " + QUIESCENCE_TIMEOUT.toSeconds()
                        + " s");
            }
            Thread.sleep(1000);
            seen = new Observed(
                    all("/api/v1/shorepower/sessions", token),
                    all("/api/v1/shorepower/dead-letters", token),
                    ingestCounter());
            String now = seen.fingerprint();
            stable = now.equals(previous) ? stable + 1 : 0;
            previous = now;
        } while (stable < STABLE_POLLS);
        return seen;
    }

    private List<JsonNode> all(String path, String token) throws Exception {
        List<JsonNode> items = new ArrayList<>();
        for (int page = 0; ; page++) {
            JsonNode body = PackagedApp.getJson(httpPort, path + "?size=200&page=" + page, token, 200);
            body.path("items").forEach(items::add);
            if (items.size() >= body.path("total").asLong()
                    || body.path("items").isEmpty()) {
                return items;
            }
        }
    }

    /** The ingest counters from the Prometheus endpoint (messages, readings stored and duplicate). */
    private String ingestCounter() throws IOException, InterruptedException {
        String metrics = PackagedApp.get(httpPort, "/q/metrics", null).body();
        StringBuilder counters = new StringBuilder();
        metrics.lines()
                .filter(l ->
                        l.startsWith("shoreloop_ingest_messages_total") || l.startsWith("shoreloop_ingest_readings_"))
                .forEach(l -> counters.append(l).append(';'));
        return counters.toString();
    }

    // --- the comparison ---------------------------------------------------------------------------------------

    private static void assertSessionsMatchTheTruth(JsonNode truth, List<JsonNode> sessions) {
        Instant from = Instant.parse(truth.path("start").asText());
        Instant to = Instant.parse(truth.path("end").asText());
        Set<String> meters = new HashSet<>();
        truth.path("meters").forEach(m -> meters.add(m.path("meter").asText()));
        Map<String, JsonNode> calls = new HashMap<>();
        truth.path("calls").forEach(c -> calls.put(c.path("call").asText(), c));

        Map<String, JsonNode> byMeterAndStart = new TreeMap<>();
        for (JsonNode s : sessions) {
            Instant start = Instant.parse(s.path("start").asText());
            if (meters.contains(s.path("meterCode").asText()) && !start.isBefore(from) && !start.isAfter(to)) {
                assertFalse(
                        byMeterAndStart.containsKey(key(s.path("meterCode").asText(), start)),
                        "two sessions at one meter and start: " + s);
                byMeterAndStart.put(key(s.path("meterCode").asText(), start), s);
            }
        }
        List<String> problems = new ArrayList<>();
        Map<String, BigDecimal> energyByCallId = new HashMap<>();
        List<String> faultsInSessions = new ArrayList<>();
        for (JsonNode t : truth.path("sessions")) {
            String meter = t.path("meter").asText();
            Instant start = Instant.parse(t.path("start").asText());
            JsonNode s = byMeterAndStart.remove(key(meter, start));
            String what = "session " + t.path("session").asText() + " (" + meter + " from " + start + ")";
            if (s == null) {
                problems.add(what + ": Shoreloop has no session at that meter starting then");
                continue;
            }
            BigDecimal expected = kwh(t.path("energyKwh"));
            BigDecimal actual = kwh(s.path("energyKwh"));
            if (expected.compareTo(actual) != 0) {
                problems.add(
                        what + ": true energy " + expected + " kWh, Shoreloop " + actual + " kWh, " + s.path("flags"));
            }
            if (!Instant.parse(t.path("end").asText())
                            .equals(Instant.parse(s.path("end").asText("1970-01-01T00:00:00Z")))
                    || !"CLOSED".equals(s.path("status").asText())) {
                problems.add(what + ": ends " + t.path("end").asText() + ", Shoreloop " + s.path("status") + " "
                        + s.path("end"));
            }
            String callId = calls.get(t.path("call").asText())
                    .path("shoreloop")
                    .path("id")
                    .asText();
            if (!"MATCHED".equals(s.path("matchOutcome").asText())
                    || !callId.equals(s.path("callId").asText())) {
                problems.add(what + ": belongs to call " + t.path("call").asText() + " (" + callId + "), Shoreloop "
                        + s.path("matchOutcome") + " " + s.path("callId") + " candidates "
                        + s.path("candidateCallIds"));
            }
            List<String> inside = faultsInside(
                    truth, meter, start, Instant.parse(t.path("end").asText()));
            faultsInSessions.addAll(inside);
            for (String flag : inside) {
                if (!s.path("flags").toString().contains(flag)) {
                    problems.add(
                            what + ": the meter had a " + flag + " inside it, Shoreloop's flags " + s.path("flags"));
                }
            }
            energyByCallId.merge(s.path("callId").asText(), actual, BigDecimal::add);
        }
        byMeterAndStart.values().forEach(s -> problems.add("a session the simulator did not make: " + s));
        for (JsonNode c : truth.path("calls")) {
            BigDecimal expected = kwh(c.path("energyKwh"));
            BigDecimal actual =
                    energyByCallId.getOrDefault(c.path("shoreloop").path("id").asText(), BigDecimal.ZERO.setScale(3));
            if (expected.compareTo(actual) != 0) {
                problems.add("call " + c.path("call").asText() + ": true energy " + expected + " kWh, Shoreloop's"
                        + " sessions matched to it " + actual + " kWh");
            }
        }
        assertTrue(
                problems.isEmpty(),
                problems.size() + " difference(s) between the ground truth and Shoreloop:\n  "
                        + String.join("\n  ", problems));
        System.out.printf(
                "%s %d sessions (with %s inside), %d calls, %s kWh: energies, boundaries and matches equal the"
                        + " ground truth%n",
                LOG,
                truth.path("sessions").size(),
                faultsInSessions,
                truth.path("calls").size(),
                truth.path("totals").path("energyKwh").asText());
    }

    /** RESET / ROLLOVER when the simulator reset or rolled the meter's register over strictly inside a session. */
    private static List<String> faultsInside(JsonNode truth, String meter, Instant start, Instant end) {
        List<String> flags = new ArrayList<>();
        for (JsonNode m : truth.path("meters")) {
            if (!meter.equals(m.path("meter").asText())) {
                continue;
            }
            for (JsonNode r : m.path("resets")) {
                Instant at = Instant.parse(r.path("ts").asText());
                if (at.isAfter(start) && at.isBefore(end)) {
                    flags.add("RESET");
                }
            }
            for (JsonNode r : m.path("rollovers")) {
                Instant at = Instant.parse(r.asText());
                if (at.isAfter(start) && at.isBefore(end)) {
                    flags.add("ROLLOVER");
                }
            }
        }
        return flags;
    }

    private static void assertBadMessagesAreDeadLetters(JsonNode truth, List<JsonNode> deadLetters) {
        Map<String, List<JsonNode>> byMessage = new HashMap<>();
        for (JsonNode d : deadLetters) {
            byMessage
                    .computeIfAbsent(
                            d.path("topic").asText() + "\n" + d.path("payload").asText(), k -> new ArrayList<>())
                    .add(d);
        }
        List<String> problems = new ArrayList<>();
        Map<String, Integer> injectedByKind = new TreeMap<>();
        for (JsonNode b : truth.path("badMessages")) {
            String reason = b.path("reason").asText();
            String kind = DEAD_LETTER_KIND.get(reason);
            injectedByKind.merge(reason, 1, Integer::sum);
            List<JsonNode> found = byMessage.get(
                    b.path("topic").asText() + "\n" + b.path("payload").asText());
            if (found == null || found.isEmpty()) {
                problems.add("injected " + reason + " on " + b.path("topic").asText() + " is no dead letter: "
                        + b.path("payload").asText());
                continue;
            }
            JsonNode d = found.remove(0);
            String deadLetterKind = d.path("reason").asText().split(":", 2)[0];
            if (!deadLetterKind.equals(kind)) {
                problems.add("injected " + reason + " became a dead letter for '"
                        + d.path("reason").asText() + "', expected kind " + kind);
            }
        }
        byMessage.values().stream()
                .flatMap(List::stream)
                .forEach(d -> problems.add("a dead letter the simulator did not inject: " + d));
        assertTrue(
                problems.isEmpty(),
                problems.size() + " difference(s) between the injected bad messages and the dead letters:\n  "
                        + String.join("\n  ", problems));
        assertEquals(truth.path("badMessages").size(), deadLetters.size(), "dead letters");
        System.out.printf(
                "%s %d dead letters, one per injected bad message %s%n", LOG, deadLetters.size(), injectedByKind);
    }

    private static String key(String meter, Instant start) {
        return meter + " " + start;
    }

    private static BigDecimal kwh(JsonNode value) {
        return value.decimalValue().setScale(3, RoundingMode.UNNECESSARY);
    }

    private static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }
}
