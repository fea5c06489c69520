package io.shoreloop.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A payload is one JSON value. Whatever follows it refuses the whole payload as invalid JSON: two readings written
 * one after the other (a gateway's newline-delimited backfill) were read as the first, which was stored, and the rest
 * was dropped unseen, neither stored nor dead-lettered, while the message was acknowledged.
 */
class PayloadParserTrailingContentTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final PayloadParser.Topic TOPIC = PayloadParser.topic("shorepower/v1/PORT1/B01/MTR-1/reading");
    private final PayloadParser parser = new PayloadParser(Duration.ofMinutes(5));

    private static String reading(int seq) {
        return "{\"meter\":\"MTR-1\",\"seq\":" + seq + ",\"ts\":\"2026-03-01T11:5" + seq
                + ":00Z\",\"energyKwh\":100.5}";
    }

    @Test
    void contentAfterTheFirstValueRefusesThePayload() {
        List<PayloadParser.Element> one = parser.readings(TOPIC, reading(1).getBytes(StandardCharsets.UTF_8), NOW);
        assertEquals(1, one.size());
        assertNotNull(one.get(0).reading(), "a single reading is read");
        for (String payload : List.of(
                reading(1) + reading(2),
                reading(1) + "\n" + reading(2),
                "[" + reading(1) + "]" + reading(2),
                "[" + reading(1) + "][" + reading(2) + "]",
                reading(1) + " x",
                reading(1) + " 42",
                reading(1) + "]")) {
            List<PayloadParser.Element> answer = parser.readings(TOPIC, payload.getBytes(StandardCharsets.UTF_8), NOW);
            assertEquals(1, answer.size(), payload);
            assertEquals(null, answer.get(0).reading(), payload);
            assertEquals("invalid-json", answer.get(0).rejection().kind(), payload);
            assertEquals(payload, answer.get(0).json(), "dead-lettered as published: " + payload);
        }
    }

    @Test
    void aStatusWithContentAfterItIsRefused() {
        assertTrue(parser.status("{\"online\":true}", NOW).online());
        var e = assertThrows(
                IllegalArgumentException.class, () -> parser.status("{\"online\":true} {\"online\":false}", NOW));
        assertTrue(e.getMessage().startsWith("invalid-json: "), e.getMessage());
    }
}
