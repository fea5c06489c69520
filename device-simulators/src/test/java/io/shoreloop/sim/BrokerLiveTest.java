package io.shoreloop.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real broker: Shoreloop's embedded HiveMQ CE, started in a child JVM from the class path that the root
 * build resolves into {@code target/broker-lib} (or {@code -Dshoreloop.broker-lib=DIR}). Skipped when that class
 * path is absent, e.g. when this project is built on its own before the root build ran.
 */
class BrokerLiveTest {

    private static Process broker;
    private static int port;

    @TempDir
    static Path home;

    @BeforeAll
    static void startBroker() throws Exception {
        String configured = System.getProperty("shoreloop.broker-lib");
        Path lib = configured != null ? Path.of(configured) : Path.of("..", "target", "broker-lib");
        Assumptions.assumeTrue(
                Files.isRegularFile(lib.resolve("shoreloop-embedded-broker.jar")),
                "no embedded broker class path at " + lib.toAbsolutePath() + " (run the root build first)");
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        broker = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp", lib.toAbsolutePath() + "/*",
                        "io.shoreloop.broker.EmbeddedBrokerMain", home.toString(), "127.0.0.1", String.valueOf(port))
                .redirectErrorStream(true)
                .start();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(broker.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("SHORELOOP-BROKER-READY")) {
                        ready.complete(null);
                    } else if (line.startsWith("SHORELOOP-BROKER-FAILED")) {
                        ready.completeExceptionally(new IllegalStateException(line));
                    } else if (output.size() < 200) {
                        output.add(line);
                    }
                }
            } catch (Exception e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new IllegalStateException("broker exited: " + output));
        });
        pump.setDaemon(true);
        pump.start();
        ready.get(180, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.getOutputStream().close(); // the broker stops when its standard input closes
            if (!broker.waitFor(60, TimeUnit.SECONDS)) {
                broker.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** A QoS 1 subscriber collecting every message under shorepower/v1/#, keyed by topic. */
    private static Mqtt5AsyncClient subscriber(String id, Map<String, List<String>> got) throws Exception {
        return subscriber(id, got, "shorepower/v1/#");
    }

    private static Mqtt5AsyncClient subscriber(String id, Map<String, List<String>> got, String filter)
            throws Exception {
        Mqtt5AsyncClient c = MqttClient.builder()
                .useMqttVersion5()
                .identifier(id)
                .serverHost("127.0.0.1")
                .serverPort(port)
                .buildAsync();
        c.connect().get(30, TimeUnit.SECONDS);
        c.subscribeWith()
                .topicFilter(filter)
                .qos(MqttQos.AT_LEAST_ONCE)
                .callback(p -> got.computeIfAbsent(p.getTopic().toString(), t -> Collections.synchronizedList(
                                new ArrayList<>()))
                        .add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)))
                .send()
                .get(30, TimeUnit.SECONDS);
        return c;
    }

    private static void awaitCount(Map<String, List<String>> got, String suffix, int expected) throws Exception {
        for (int i = 0; i < 600 && count(got, suffix) < expected; i++) {
            Thread.sleep(100);
        }
    }

    private static int count(Map<String, List<String>> got, String suffix) {
        int n = 0;
        for (var e : got.entrySet()) {
            if (e.getKey().endsWith(suffix)) {
                n += e.getValue().size();
            }
        }
        return n;
    }

    @Test
    void aPortDayWithEveryFaultArrivesAsPublished(@TempDir Path out) throws Exception {
        Map<String, List<String>> got = new ConcurrentHashMap<>();
        Mqtt5AsyncClient sub = subscriber("live-test-sub", got);
        var cl = SimulatorCli.commandLine();
        cl.setOut(new PrintWriter(new StringWriter()));
        int code = cl.execute("port-day", "--host", "127.0.0.1", "--port", String.valueOf(port), "--all-faults",
                "--seed", "3", "--start", "2026-11-24T06:00:00Z", "--duration", "3h", "--record",
                "--out", out.toString());
        assertEquals(0, code);
        Map<String, List<String>> expected = new HashMap<>();
        for (String line : Files.readAllLines(out.resolve("messages.jsonl"))) {
            JsonNode a = Json.MAPPER.readTree(line);
            if (a.path("kind").asText().equals("PUBLISH") && a.path("topic").asText().endsWith("/reading")) {
                expected.computeIfAbsent(a.path("topic").asText(), t -> new ArrayList<>())
                        .add(a.path("payload").asText());
            }
        }
        int total = expected.values().stream().mapToInt(List::size).sum();
        awaitCount(got, "/reading", total);
        sub.disconnect().get(10, TimeUnit.SECONDS);
        // every reading message, good or bad, arrived once, in the order published per topic (QoS 1, one client)
        for (var e : expected.entrySet()) {
            List<String> received = got.getOrDefault(e.getKey(), List.of());
            List<String> want = e.getValue();
            assertEquals(want.size(), received.size(), e.getKey());
            if (!e.getKey().contains("/GHOST-") && want.stream().noneMatch(p -> p.contains("\"meter\":\"GHOST"))) {
                // a topic that two meters publish on (spoofing) has no single order; the others keep theirs
                boolean spoofed = want.stream().anyMatch(p -> !p.contains(e.getKey().split("/")[4]));
                if (!spoofed) {
                    assertEquals(want, received, e.getKey());
                }
            }
        }
        // the meters dropped off with their will: the retained status of each is {"online":false}
        Map<String, List<String>> retained = new ConcurrentHashMap<>();
        Mqtt5AsyncClient late = subscriber("live-test-retained", retained);
        awaitCount(retained, "/status", 4);
        late.disconnect().get(10, TimeUnit.SECONDS);
        assertEquals(4, count(retained, "/status"));
        for (var e : retained.entrySet()) {
            if (e.getKey().endsWith("/status")) {
                assertEquals(List.of("{\"online\":false}"), e.getValue());
            }
        }
    }

    @Test
    void loadModePublishesNumberedReadingsAndEveryOneIsAcknowledged() throws Exception {
        Map<String, List<String>> got = new ConcurrentHashMap<>();
        Mqtt5AsyncClient sub = subscriber("live-test-load", got);
        var cl = SimulatorCli.commandLine();
        StringWriter report = new StringWriter();
        cl.setOut(new PrintWriter(report));
        int code = cl.execute("load", "--host", "127.0.0.1", "--port", String.valueOf(port), "--port-code", "LIVE",
                "--meter-count", "5", "--readings", "2000", "--json");
        assertEquals(0, code, report.toString());
        JsonNode r = Json.MAPPER.readTree(report.toString());
        assertEquals(2000, r.path("acknowledged").asLong());
        assertTrue(r.path("readingsPerSecond").asDouble() > 0);
        awaitCount(got, "/reading", 2000);
        sub.disconnect().get(10, TimeUnit.SECONDS);
        assertEquals(2000, count(got, "/reading"));
        for (var e : got.entrySet()) {
            List<String> payloads = e.getValue();
            for (int i = 0; i < payloads.size(); i++) {
                assertEquals(i, Json.MAPPER.readTree(payloads.get(i)).path("seq").asLong(), "numbered in order");
            }
        }
    }

    @Test
    void loadModeWarmsUpUnderATopicRootNoConsumerReadsAndReportsOnlyTheMeasuredRun() throws Exception {
        Map<String, List<String>> measured = new ConcurrentHashMap<>();
        Map<String, List<String>> warm = new ConcurrentHashMap<>();
        Mqtt5AsyncClient sub = subscriber("live-test-warm-measured", measured, "shorepower/v1/WARM/#");
        Mqtt5AsyncClient warmSub = subscriber("live-test-warm-warmup", warm, "warmup/shorepower/v1/WARM/#");
        var cl = SimulatorCli.commandLine();
        StringWriter report = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(report));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute("load", "--host", "127.0.0.1", "--port", String.valueOf(port), "--port-code", "WARM",
                "--meter-count", "3", "--readings", "300", "--warmup", "600", "--warmup-rounds", "2", "--json");
        assertEquals(0, code, report + " " + err);
        JsonNode r = Json.MAPPER.readTree(report.toString());
        assertEquals(300, r.path("readings").asLong(), "the report covers the measured run only");
        assertEquals(300, r.path("acknowledged").asLong());
        assertTrue(err.toString().contains("warm-up round 1: 600 readings"), err.toString());
        awaitCount(measured, "/reading", 300);
        awaitCount(warm, "/reading", 600);
        Thread.sleep(300);
        sub.disconnect().get(10, TimeUnit.SECONDS);
        warmSub.disconnect().get(10, TimeUnit.SECONDS);
        // a consumer of the contract's topics sees each meter's readings 0..99 once, in order
        assertEquals(300, count(measured, "/reading"));
        for (var e : measured.entrySet()) {
            List<String> payloads = e.getValue();
            assertEquals(100, payloads.size(), e.getKey());
            for (int i = 0; i < payloads.size(); i++) {
                assertEquals(i, Json.MAPPER.readTree(payloads.get(i)).path("seq").asLong(), "numbered in order");
            }
        }
        int warmedUp = count(warm, "/reading");
        assertTrue(warmedUp == 600 || warmedUp == 1200, "one or two rounds of 600: " + warmedUp);
    }
}
