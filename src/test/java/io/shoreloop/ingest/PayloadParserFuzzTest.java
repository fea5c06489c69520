package io.shoreloop.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Coverage-guided fuzzing of the MQTT reading payload (quality.md S4): whatever bytes a meter, or anything that can
 * publish on its topic, sends, the parser answers readings or refusals, never an exception, and the same answer on its
 * fast paths as on the checked one; an accepted reading is one the rules accept (its own meter, a register that is a
 * whole, non-negative number of Wh, a time not in the future). The build replays the corpus
 * ({@code src/test/resources/io/shoreloop/ingest/PayloadParserFuzzTestInputs}); {@code JAZZER_FUZZ=1} fuzzes (see the
 * README, "Tests").
 */
class PayloadParserFuzzTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Duration FUTURE_TOLERANCE = Duration.ofMinutes(5);
    private static final PayloadParser.Topic TOPIC = PayloadParser.topic("shorepower/v1/PORT1/B01/MTR-1/reading");

    private final PayloadParser parser = new PayloadParser(FUTURE_TOLERANCE);

    @FuzzTest(maxDuration = "10m")
    void anyPayloadIsReadingsOrRefusalsAndEveryPathAgrees(byte[] payload) {
        List<PayloadParser.Element> answer = parser.readings(TOPIC, payload, NOW);
        String text = new String(payload, StandardCharsets.UTF_8);
        assertEquals(parser.checked(TOPIC, text, NOW), answer, text);
        List<PayloadParser.Element> plain = PlainPayloads.read(parser, TOPIC, payload, NOW);
        if (plain != null) {
            assertEquals(answer, plain, text);
        }
        List<PayloadParser.Element> streamed = parser.streamedPass(TOPIC, payload, NOW);
        if (streamed != null) {
            assertEquals(answer, streamed, text);
        }
        assertFalse(answer.isEmpty(), text);
        for (PayloadParser.Element e : answer) {
            assertTrue((e.reading() == null) != (e.rejection() == null), text);
            if (e.reading() == null) {
                assertNotNull(e.rejection().kind(), text);
                continue;
            }
            PayloadParser.ParsedReading r = e.reading();
            assertEquals("MTR-1", r.meter(), text);
            assertTrue(r.registerWh() >= 0, text);
            assertTrue(r.seq() >= 0, text);
            assertFalse(r.ts().isAfter(NOW.plus(FUTURE_TOLERANCE)), text);
            for (Double d : new Double[] {r.powerKw(), r.voltageV(), r.currentA(), r.frequencyHz()}) {
                assertTrue(d == null || Double.isFinite(d), text);
            }
        }
    }
}
