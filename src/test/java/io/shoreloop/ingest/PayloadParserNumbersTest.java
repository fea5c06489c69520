package io.shoreloop.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Numbers contract.md does not refuse: it dead-letters only negative and non-numeric values. A register finer than a
 * Wh is read down to the Wh (a meter with a finer register, a gateway writing float noise), and a {@code seq} written
 * with a zero fraction is the integer it is. Until 2026-12-08 both went to the dead letters. Every pass of the parser
 * answers alike.
 */
class PayloadParserNumbersTest {

    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final PayloadParser.Topic TOPIC = PayloadParser.topic("shorepower/v1/PORT1/B01/MTR-1/reading");

    private final PayloadParser parser = new PayloadParser(Duration.ofMinutes(5));

    @Test
    void aRegisterFinerThanAWhIsReadDownToTheWh() {
        assertEquals(12_000, registerWh("12.0009"));
        assertEquals(1_234_567, registerWh("1234.5670000000002"));
        assertEquals(1_234_566, registerWh("1234.5669999999998"));
        assertEquals(1, registerWh("0.0015"));
        assertEquals(0, registerWh("0.0009"));
        assertEquals(0, registerWh("1e-999999999")); // decided without building a billion digits
        assertEquals(123_456_789, registerWh("123456.789"));
    }

    @Test
    void aSeqWithAZeroFractionIsThatInteger() {
        assertEquals(1042, reading("1042.0", "1.000").seq());
        assertEquals(1000, reading("1e3", "1.000").seq());
        assertRefused("1042.5", "1.000", "'seq' is not an integer");
        assertRefused("1888e8888888888888", "1.000", "out of range");
    }

    @Test
    void negativeAndHugeRegistersAreStillRefused() {
        assertRefused("1", "-0.001", "negative");
        assertRefused("1", "1e999999999", "too large");
    }

    private void assertRefused(String seq, String energy, String why) {
        String refusal = refusal(seq, energy);
        assertTrue(refusal.contains(why), refusal);
    }

    private long registerWh(String energy) {
        return reading("1", energy).registerWh();
    }

    private PayloadParser.ParsedReading reading(String seq, String energy) {
        List<PayloadParser.Element> elements = parse(seq, energy);
        assertNull(elements.get(0).rejection(), String.valueOf(elements));
        assertNotNull(elements.get(0).reading());
        return elements.get(0).reading();
    }

    private String refusal(String seq, String energy) {
        List<PayloadParser.Element> elements = parse(seq, energy);
        assertNull(elements.get(0).reading(), String.valueOf(elements));
        return String.valueOf(elements.get(0).rejection());
    }

    /** The checked path's answer, which the fast passes must give too. */
    private List<PayloadParser.Element> parse(String seq, String energy) {
        String payload = "{\"meter\":\"MTR-1\",\"seq\":" + seq + ",\"ts\":\"2026-03-01T11:59:00Z\",\"energyKwh\":"
                + energy + ",\"breakerClosed\":true}";
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        List<PayloadParser.Element> checked = parser.checked(TOPIC, payload, NOW);
        assertEquals(checked, parser.readings(TOPIC, bytes, NOW), payload);
        List<PayloadParser.Element> streamed = parser.streamedPass(TOPIC, bytes, NOW);
        if (streamed != null) {
            assertEquals(checked, streamed, payload);
        }
        return checked;
    }
}
