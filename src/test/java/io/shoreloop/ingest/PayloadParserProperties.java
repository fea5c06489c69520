package io.shoreloop.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The streaming pass over plainly valid payloads answers exactly as the checked path does, and whatever it declines
 * still gets the checked path's answer: generated payloads, valid and broken in every way a field can be.
 */
class PayloadParserProperties {

    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final PayloadParser.Topic TOPIC = PayloadParser.topic("shorepower/v1/PORT1/B01/MTR-1/reading");

    private final PayloadParser parser = new PayloadParser(Duration.ofMinutes(5));

    @Property(tries = 3_000)
    void bothPathsGiveTheSameElements(@ForAll("payloads") String payload) {
        List<PayloadParser.Element> checked = parser.checked(TOPIC, payload, NOW);
        List<PayloadParser.Element> fast = parser.allValid(TOPIC, payload.getBytes(StandardCharsets.UTF_8), NOW);
        if (fast != null) {
            assertEquals(checked, fast, payload);
        }
        assertEquals(checked, parser.readings(TOPIC, payload.getBytes(StandardCharsets.UTF_8), NOW), payload);
    }

    /** Each fast pass, when it answers, answers what the checked path does. */
    @Property(tries = 3_000)
    void everyPassGivesTheSameElements(@ForAll("payloads") String payload) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        List<PayloadParser.Element> checked = parser.checked(TOPIC, payload, NOW);
        List<PayloadParser.Element> plain = PlainPayloads.read(parser, TOPIC, bytes, NOW);
        if (plain != null) {
            assertEquals(checked, plain, payload);
        }
        List<PayloadParser.Element> streamed = parser.streamedPass(TOPIC, bytes, NOW);
        if (streamed != null) {
            assertEquals(checked, streamed, payload);
        }
    }

    /**
     * Numbers in an otherwise valid reading: the plain pass reads every plain decimal of at most fifteen digits, each
     * as the checked path does (the register in Wh exactly, the others as the nearest double).
     */
    @Property(tries = 3_000)
    void plainNumbersAreReadAsTheCheckedPathReadsThem(
            @ForAll("decimals") String power, @ForAll("decimals") String energy, @ForAll("decimals") String seq) {
        String payload = "{\"meter\":\"MTR-1\",\"seq\":" + seq + ",\"ts\":\"2026-03-01T11:59:00Z\",\"energyKwh\":"
                + energy + ",\"powerKw\":" + power + ",\"voltageV\":" + power + "}";
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        List<PayloadParser.Element> checked = parser.checked(TOPIC, payload, NOW);
        List<PayloadParser.Element> plain = PlainPayloads.read(parser, TOPIC, bytes, NOW);
        if (plain != null) {
            assertEquals(checked, plain, payload);
        }
        if (checked.get(0).reading() != null
                && digits(power) <= 15
                && digits(energy) <= 15
                && digits(seq) <= 15
                && !seq.contains(".")
                && (!energy.contains(".") || energy.length() - energy.indexOf('.') <= 4)) {
            assertNotNull(plain, payload);
        }
    }

    private static int digits(String decimal) {
        return decimal.replace(".", "").length();
    }

    @Provide
    Arbitrary<String> decimals() {
        return Combinators.combine(
                        Arbitraries.longs().between(0, Long.MAX_VALUE / 10),
                        Arbitraries.integers().between(1, 17),
                        Arbitraries.integers().between(0, 10))
                .as((value, digits, fraction) -> {
                    String d = Long.toString(value);
                    d = d.substring(0, Math.min(d.length(), digits));
                    if (fraction == 0 || fraction >= d.length()) {
                        return fraction == 0 ? d : "0." + "0".repeat(fraction - d.length()) + d;
                    }
                    return d.substring(0, d.length() - fraction) + "." + d.substring(d.length() - fraction);
                });
    }

    @Property(tries = 1_000)
    void plainlyValidPayloadsTakeTheFastPasses(@ForAll("validPayloads") String payload) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        assertNotNull(PlainPayloads.read(parser, TOPIC, bytes, NOW), payload);
        assertNotNull(parser.streamedPass(TOPIC, bytes, NOW), payload);
    }

    /**
     * The bytes on the wire need not be UTF-8: whatever the streaming pass makes of them, the answer is the checked
     * path's on their decoded text (malformed sequences replaced), the text a dead letter shows.
     */
    @Property(tries = 1_000)
    void bytesThatAreNotUtf8GetTheAnswerOfTheirDecodedText(
            @ForAll("payloads") String payload,
            @ForAll("notUtf8") byte[] bad,
            @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 10_000) int at) {
        byte[] text = payload.getBytes(StandardCharsets.UTF_8);
        int cut = text.length == 0 ? 0 : at % (text.length + 1);
        byte[] bytes = new byte[text.length + bad.length];
        System.arraycopy(text, 0, bytes, 0, cut);
        System.arraycopy(bad, 0, bytes, cut, bad.length);
        System.arraycopy(text, cut, bytes, cut + bad.length, text.length - cut);
        String decoded = new String(bytes, StandardCharsets.UTF_8);
        assertEquals(parser.checked(TOPIC, decoded, NOW), parser.readings(TOPIC, bytes, NOW), decoded);
    }

    /**
     * The case the property found (seed 7836683255013411943): once a message has put {@code "meter"} in the parser's
     * symbol table, a field name with a malformed byte in it ({@code "mete\xFFr"}) must not pass for it.
     */
    @net.jqwik.api.Example
    void aMalformedFieldNameNeverPassesForAKnownOne() {
        byte[] valid = "{\"meter\":\"MTR-1\",\"seq\":0,\"ts\":\"2026-03-01T11:59:00Z\",\"energyKwh\":1000}"
                .getBytes(StandardCharsets.UTF_8);
        assertNotNull(parser.allValid(TOPIC, valid, NOW));
        byte[] malformed = new byte[valid.length + 1];
        System.arraycopy(valid, 0, malformed, 0, 6);
        malformed[6] = (byte) 0xFF;
        System.arraycopy(valid, 6, malformed, 7, valid.length - 6);
        List<PayloadParser.Element> answer = parser.readings(TOPIC, malformed, NOW);
        assertEquals(1, answer.size());
        assertEquals(null, answer.get(0).reading());
        assertEquals("missing-field", answer.get(0).rejection().kind());
    }

    @Provide
    Arbitrary<byte[]> notUtf8() {
        return Arbitraries.of(
                new byte[] {(byte) 0xFF},
                new byte[] {(byte) 0xC3},
                new byte[] {(byte) 0xE5, (byte) 0xB2},
                new byte[] {(byte) 0x80},
                new byte[] {(byte) 0xC0, (byte) 0xAF},
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
    }

    @Provide
    Arbitrary<String> validPayloads() {
        Arbitrary<String> one = Combinators.combine(
                        Arbitraries.longs().between(0, 1_000_000),
                        Arbitraries.integers().between(0, 3600),
                        Arbitraries.longs().between(0, 99_999_999_999L),
                        Arbitraries.of("", ",\"powerKw\":12.5", ",\"powerKw\":0", ",\"breakerClosed\":true"),
                        Arbitraries.of("", ",\"vessel\":\"412345678\"", ",\"voltageV\":400,\"frequencyHz\":49.98"))
                .as((seq, ago, wh, a, b) -> "{\"meter\":\"MTR-1\",\"seq\":" + seq + ",\"ts\":\"" + NOW.minusSeconds(ago)
                        + "\",\"energyKwh\":" + kwh(wh) + a + b + "}");
        return Arbitraries.oneOf(one, one.list().ofMinSize(1).ofMaxSize(5).map(l -> "[" + String.join(",", l) + "]"));
    }

    @Provide
    Arbitrary<String> payloads() {
        Arbitrary<String> meter =
                Arbitraries.of("\"MTR-1\"", "\"MTR-1\"", "\"MTR-2\"", "1", "null", "{}", "[\"MTR-1\"]");
        Arbitrary<String> seq = Arbitraries.of(
                "0",
                "7",
                "-1",
                "1.5",
                "\"7\"",
                "99999999999999999999",
                "null",
                "true",
                "007",
                "7.0",
                "7e0",
                "-0",
                "123456789012345",
                "1234567890123456",
                "7 ");
        Arbitrary<String> ts = Arbitraries.of(
                "\"2026-03-01T11:59:00Z\"",
                "\"2026-03-01T19:59:00+08:00\"",
                "\"2026-03-01T11:59Z\"",
                "\"2026-03-01T12:04:59Z\"",
                "\"2026-03-01T12:05:01Z\"",
                "\"2026-02-30T11:59:00Z\"",
                "\"0000-12-31T23:59:59Z\"",
                "\"0001-01-01T00:00:00Z\"",
                "\"-0001-01-01T00:00:00Z\"",
                "\"yesterday\"",
                "1772366340",
                "null");
        Arbitrary<String> energy = Arbitraries.of(
                "1000",
                "1000.5",
                "1000.123",
                "1000.1234",
                "-1",
                "0",
                "1e3",
                "1.5E2",
                "\"5\"",
                "null",
                "1e400",
                "1000.1230",
                "01000.5",
                "1000.",
                ".5",
                "0.000",
                "-0",
                "123456789012.345",
                "1234567890123.456",
                "1000.5x",
                "true");
        Arbitrary<String> optional = Arbitraries.of(
                "",
                ",\"powerKw\":12.5",
                ",\"powerKw\":0.1",
                ",\"powerKw\":412.37",
                ",\"powerKw\":012.5",
                ",\"powerKw\":12.",
                ",\"powerKw\":0.30000000000000004",
                ",\"powerKw\":123456789.123456",
                ",\"powerKw\":9007199254740993",
                ",\"powerKw\":1.7976931348623157e308",
                ",\"powerKw\":2.5E-3",
                ",\"voltageV\" : 399.99 ",
                ",\n\t\"currentA\":\r 0.001",
                ",\"frequencyHz\":49.98",
                ",\"breakerClosed\":false",
                ",\"breakerClosed\":truex",
                ",\"breakerClosed\":null",
                ",\"vessel\":\"41234567\\u0038\"",
                ",\"meter\":\"MTR\\u002D1\"",
                ",\"met\\u0065r\":\"MTR-1\"",
                ",\"powerKw\":-0.0",
                ",\"powerKw\":-1",
                ",\"powerKw\":\"x\"",
                ",\"powerKw\":1e400",
                ",\"powerKw\":1e-400",
                ",\"powerKw\":-1e-400",
                ",\"currentA\":12",
                ",\"extra\":1",
                ",\"extra\":null",
                ",\"voltageV\":400",
                ",\"currentA\":null",
                ",\"frequencyHz\":[50]",
                ",\"breakerClosed\":true",
                ",\"breakerClosed\":\"yes\"",
                ",\"vessel\":\"412345678\"",
                ",\"vessel\":\"41234\"",
                ",\"vessel\":412345678",
                ",\"extra\":{\"a\":[1,2,{\"b\":null}]}",
                ",\"note\":\"岸电 ⚡ 重庆\"",
                ",\"meter\":\"MTR-１\"",
                ",\"meter\":\"MTR-1\"");
        Arbitrary<String> reading = Combinators.combine(meter, seq, ts, energy, optional, optional)
                .as((m, s, t, e, o1, o2) ->
                        "{\"meter\":" + m + ",\"seq\":" + s + ",\"ts\":" + t + ",\"energyKwh\":" + e + o1 + o2 + "}");
        Arbitrary<String> array = reading.list().ofMinSize(0).ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]");
        Arbitrary<String> broken =
                Arbitraries.of("", " ", "{", "[", "[]", "{}", "null", "42", "\"x\"", "[1,2]", "[{}]");
        Arbitrary<String> spaced =
                reading.map(r -> " \n" + r.replace(",\"", " ,\t\"").replace("\":", "\" :\r\n") + " ");
        return Arbitraries.oneOf(reading, reading, spaced, array, broken, reading.map(r -> r + " trailing"));
    }

    private static String kwh(long wh) {
        return wh / 1000 + "." + String.format("%03d", wh % 1000);
    }
}
