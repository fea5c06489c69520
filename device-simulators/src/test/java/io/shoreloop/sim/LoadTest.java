package io.shoreloop.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadTest {

    @TempDir
    Path tmp;

    private static List<Topology.MeterSpec> meters(int n) {
        List<Topology.MeterSpec> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Topology.MeterSpec("L" + i, "P", "B", null, 100_000_000_000L, 1, "OTHER", 400, 630));
        }
        return out;
    }

    private record Msg(int connection, String topic, String payload) {}

    private static List<Msg> run(int meters, long readings, int batch) throws Exception {
        return run(meters, readings, batch, false);
    }

    private static List<Msg> run(int meters, long readings, int batch, boolean prerender) throws Exception {
        List<Msg> sent = new ArrayList<>();
        Load.Publisher p = (c, t, b) -> {
            synchronized (sent) {
                sent.add(new Msg(c, t, new String(b, StandardCharsets.UTF_8)));
            }
            return CompletableFuture.completedFuture(null);
        };
        Load.Report r = Load.run(
                new Load.Config(meters(meters), readings, null, 0, batch, 1,
                        Instant.parse("2026-11-01T00:00:00Z"), 5, 2, 100, Load.Config.CONTRACT_ROOT, prerender),
                p);
        assertEquals(readings, r.readings());
        assertEquals(sent.size(), r.messages());
        assertEquals(r.messages(), r.acknowledged());
        return sent;
    }

    @Test
    void prerenderedMessagesAreTheSameMessagesInTheSameOrder() throws Exception {
        assertEquals(run(3, 1000, 1), run(3, 1000, 1, true));
        assertEquals(run(4, 2503, 500), run(4, 2503, 500, true));
    }

    @Test
    void numberedReadingsPerMeterWithoutGapsOrDuplicates() throws Exception {
        List<Msg> sent = run(3, 30, 1);
        assertEquals(30, sent.size());
        Map<String, List<Long>> seqs = new HashMap<>();
        Map<String, Integer> connection = new HashMap<>();
        for (Msg m : sent) {
            JsonNode n = Json.MAPPER.readTree(m.payload());
            String meter = n.path("meter").asText();
            assertEquals("shorepower/v1/P/B/" + meter + "/reading", m.topic());
            seqs.computeIfAbsent(meter, x -> new ArrayList<>()).add(n.path("seq").asLong());
            assertEquals(m.connection(), connection.computeIfAbsent(meter, x -> m.connection()),
                    "a meter always publishes over the same connection");
            for (String f : List.of("meter", "seq", "ts", "energyKwh", "breakerClosed")) {
                assertTrue(n.has(f), f);
            }
        }
        for (List<Long> s : seqs.values()) {
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), s);
        }
    }

    @Test
    void batchesAreArraysOfConsecutiveReadings() throws Exception {
        List<Msg> sent = run(2, 25, 4);
        long readings = 0;
        Map<String, Long> next = new HashMap<>();
        Map<String, Double> register = new HashMap<>();
        for (Msg m : sent) {
            JsonNode a = Json.MAPPER.readTree(m.payload());
            assertTrue(a.isArray());
            assertTrue(a.size() <= 4);
            for (JsonNode n : a) {
                String meter = n.path("meter").asText();
                assertEquals(next.getOrDefault(meter, 0L), n.path("seq").asLong());
                next.put(meter, n.path("seq").asLong() + 1);
                double e = n.path("energyKwh").asDouble();
                assertTrue(e >= register.getOrDefault(meter, 0.0), "the register never goes back");
                register.put(meter, e);
                readings++;
            }
        }
        assertEquals(25, readings);
    }

    /** Runs the command line; it must exit 0. Its output. */
    private static String execute(String... args) {
        var cl = SimulatorCli.commandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute(args), out.toString());
        return out.toString();
    }

    @Test
    void theTopicRootCanBeChangedForABrokerOnlyReference() throws Exception {
        assertEquals(
                List.of("bench/x/CQ-GY/B01/PT-00001/reading", "bench/x/CQ-GY/B01/PT-00002/reading",
                        "bench/x/CQ-GY/B01/PT-00001/reading", "bench/x/CQ-GY/B01/PT-00002/reading"),
                topicsOf("root", "--berth", "B01", "--meter-count", "2", "--readings", "4", "--topic-root", "bench/x"));
    }

    @Test
    void generatedMetersCanBeSpreadOverBerths() throws Exception {
        assertEquals(
                List.of("shorepower/v1/CQ-GY/BX-0001/PT-00001/reading", "shorepower/v1/CQ-GY/BX-0001/PT-00002/reading",
                        "shorepower/v1/CQ-GY/BX-0002/PT-00003/reading", "shorepower/v1/CQ-GY/BX-0002/PT-00004/reading",
                        "shorepower/v1/CQ-GY/BX-0003/PT-00005/reading"),
                topicsOf("berths", "--berth", "BX", "--meters-per-berth", "2", "--meter-count", "5", "--readings", "5"));
    }

    /**
     * The topics of a dry load run of meters PT-00001... at port CQ-GY with these options, in publishing order; each
     * message's payload names the meter of its topic.
     */
    private List<String> topicsOf(String name, String... options) throws Exception {
        Path rec = tmp.resolve(name + ".jsonl");
        List<String> args = new ArrayList<>(List.of(
                "load", "--dry-run", "--port-code", "CQ-GY", "--meter-prefix", "PT-", "--record", rec.toString()));
        args.addAll(List.of(options));
        execute(args.toArray(String[]::new));
        List<String> topics = new ArrayList<>();
        for (String line : Files.readAllLines(rec)) {
            JsonNode n = Json.MAPPER.readTree(line);
            String[] parts = n.path("topic").asText().split("/");
            assertEquals(
                    parts[parts.length - 2], Json.MAPPER.readTree(n.path("payload").asText()).path("meter").asText());
            topics.add(n.path("topic").asText());
        }
        return topics;
    }

    @Test
    void theCommandReportsTheRateAsJson() throws Exception {
        Path rec = tmp.resolve("load.jsonl");
        String out = execute("load", "--dry-run", "--meter-count", "5", "--readings", "100", "--batch", "10",
                "--json", "--record", rec.toString());
        JsonNode report = Json.MAPPER.readTree(out);
        assertEquals(100, report.path("readings").asLong());
        assertEquals(10, report.path("messages").asLong());
        assertEquals(1, report.path("qos").asInt());
        assertTrue(report.has("readingsPerSecond"));
        assertEquals(5, report.path("perMeter").size());
        assertEquals(19, report.path("perMeter").get(0).path("lastSeq").asLong());
        assertTrue(!Instant.parse(report.path("finishedAt").asText())
                .isBefore(Instant.parse(report.path("startedAt").asText())));
        assertEquals(10, Files.readAllLines(rec).size());
        // per meter, the reported register increase is the last reading's register minus the first's
        Map<String, java.math.BigDecimal[]> firstAndLast = new HashMap<>();
        for (String line : Files.readAllLines(rec)) {
            for (JsonNode n : Json.MAPPER.readTree(Json.MAPPER.readTree(line).path("payload").asText())) {
                java.math.BigDecimal e = n.path("energyKwh").decimalValue();
                firstAndLast.computeIfAbsent(n.path("meter").asText(), x -> new java.math.BigDecimal[] {e, e})[1] = e;
            }
        }
        for (JsonNode m : report.path("perMeter")) {
            java.math.BigDecimal[] fl = firstAndLast.get(m.path("meter").asText());
            assertEquals(0, fl[1].subtract(fl[0]).compareTo(m.path("registerIncreaseKwh").decimalValue()), m.toString());
        }
        // no reading has a timestamp in the future
        for (String line : Files.readAllLines(rec)) {
            for (JsonNode n : Json.MAPPER.readTree(Json.MAPPER.readTree(line).path("payload").asText())) {
                assertTrue(Instant.parse(n.path("ts").asText()).isBefore(Instant.now()));
            }
        }
    }

    @Test
    void theLeadKeepsThePublisherWithinReachOfItsConsumer() throws Exception {
        java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong stored = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong furthest = new java.util.concurrent.atomic.AtomicLong();
        Load.Publisher p = (c, t, b) -> {
            furthest.accumulateAndGet(sent.incrementAndGet() - stored.get(), Math::max);
            return CompletableFuture.completedFuture(null);
        };
        // a slow consumer: stores up to 7 of the published readings per millisecond
        Thread consumer = new Thread(() -> {
            while (stored.get() < 2000) {
                stored.set(Math.min(sent.get(), stored.get() + 7));
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
        });
        consumer.start();
        Load.Report r = Load.run(
                new Load.Config(meters(3), 2000, null, 0, 1, 1, Instant.parse("2026-11-01T00:00:00Z"), 5, 2, 100,
                        Load.Config.CONTRACT_ROOT, true),
                p,
                new Load.Lead(50, stored::get, java.time.Duration.ofSeconds(30)));
        consumer.join();
        assertEquals(2000, r.readings());
        assertEquals(null, r.firstError());
        assertTrue(furthest.get() <= 50, "published " + furthest.get() + " ahead of the consumer");
        assertTrue(furthest.get() >= 40, "the lead was used: " + furthest.get());
    }

    @Test
    void aConsumerThatStopsReportingIsLeftBehindWithAnError() throws Exception {
        List<String> sent = new ArrayList<>();
        Load.Report r = Load.run(
                new Load.Config(meters(2), 100, null, 0, 10, 1, Instant.parse("2026-11-01T00:00:00Z"), 5, 1, 100,
                        Load.Config.CONTRACT_ROOT, false),
                (c, t, b) -> {
                    sent.add(t);
                    return CompletableFuture.completedFuture(null);
                },
                new Load.Lead(20, () -> 0, java.time.Duration.ofMillis(50)));
        assertEquals(100, r.readings(), "everything is published");
        assertEquals(10, sent.size());
        assertTrue(r.firstError().contains("no progress"), r.firstError());
    }

    @Test
    void theCommandReadsTheConsumersCountFromStandardInput() throws Exception {
        java.io.InputStream stdin = System.in;
        try {
            // the consumer's counts arrive on stdin
            System.setIn(new java.io.ByteArrayInputStream("0\n20\n\n60\n".getBytes(StandardCharsets.US_ASCII)));
            JsonNode report = Json.MAPPER.readTree(
                    execute("load", "--dry-run", "--meter-count", "2", "--readings", "80", "--lead", "20", "--json"));
            assertEquals(80, report.path("readings").asLong());
            // a consumer count never read would have left the publisher waiting out its patience, which it reports
            assertTrue(report.path("firstError").isMissingNode(), report.toString());
        } finally {
            System.setIn(stdin);
        }
    }
}
