package io.shoreloop.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The direct reader of the common timestamp shape answers exactly as {@link OffsetDateTime#parse} does. */
class IsoTimestampsTest {

    private static Instant general(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant().truncatedTo(ChronoUnit.MICROS);
        } catch (DateTimeException e) {
            return null;
        }
    }

    @Property(tries = 10_000)
    void sameAnswerAsTheGeneralParser(@ForAll("timestamps") String text) {
        assertEquals(general(text), IsoTimestamps.parse(text), text);
        Instant fast = IsoTimestamps.fast(text);
        if (fast != null) {
            assertEquals(general(text), fast, "fast path: " + text);
        }
    }

    @Property(tries = 2_000)
    void theCommonShapeTakesTheFastPath(@ForAll("validInstants") Instant instant) {
        String text = instant.toString(); // ISO with Z, fraction only when non-zero
        assertNotNull(IsoTimestamps.fast(text), text);
        assertEquals(instant.truncatedTo(ChronoUnit.MICROS), IsoTimestamps.parse(text));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-03-01T08:00:00Z",
                "2026-03-01T08:00:00.5+08:00",
                "2026-03-01T08:00:00.123456789-03:30",
                "2024-02-29T23:59:59.9999999Z",
                "2026-03-01t08:00:00z",
                "2026-03-01T08:00Z",
                "2026-03-01T08:00:00.Z",
                "2026-03-01T08:00:00+08:00:00",
                "2026-03-01T08:00:00+18:00",
                "0000-01-01T00:00:00Z",
                "-0001-01-01T00:00:00Z",
                "+12026-01-01T00:00:00Z"
            })
    void acceptedAsTheGeneralParserAcceptsThem(String text) {
        assertNotNull(general(text), text);
        assertEquals(general(text), IsoTimestamps.parse(text), text);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-02-29T08:00:00Z",
                "2026-13-01T08:00:00Z",
                "2026-04-31T08:00:00Z",
                "2026-03-01T24:00:00Z",
                "2026-03-01T08:60:00Z",
                "2026-03-01T08:00:60Z",
                "2026-03-01T08:00:00",
                "2026-03-01T08:00:00.1234567890Z",
                "2026-03-01T08:00:00+19:00",
                "2026-03-01T08:00:00+08:60",
                "2026-03-01 08:00:00Z",
                "2026-03-01T08:00:00ZZ",
                "2026-03-01T08:00:00+0800",
                "1772352000",
                ""
            })
    void refusedAsTheGeneralParserRefusesThem(String text) {
        assertNull(general(text), text);
        assertNull(IsoTimestamps.parse(text), text);
    }

    @Provide
    Arbitrary<String> timestamps() {
        Arbitrary<String> year = Arbitraries.oneOf(
                Arbitraries.integers().between(1900, 2100).map(y -> String.format("%04d", y)),
                Arbitraries.of("0000", "0004", "1600", "2000", "2100", "9999", "abcd", "-001"));
        Arbitrary<String> month = twoDigits(0, 13);
        Arbitrary<String> day = twoDigits(0, 32);
        Arbitrary<String> hour = twoDigits(0, 24);
        Arbitrary<String> minute = twoDigits(0, 60);
        Arbitrary<String> second = Arbitraries.oneOf(twoDigits(0, 60), Arbitraries.just(""));
        Arbitrary<String> fraction = Arbitraries.oneOf(
                Arbitraries.just(""),
                Arbitraries.strings().numeric().ofMinLength(0).ofMaxLength(11).map(f -> "." + f));
        Arbitrary<String> offset = Arbitraries.oneOf(
                Arbitraries.of("Z", "z", "", "+00:00", "-00:00", "+0800", "+08:00:00", "+18:00", "-18:00", "+18:01"),
                Combinators.combine(Arbitraries.of("+", "-"), twoDigits(0, 19), twoDigits(0, 60))
                        .as((sign, h, m) -> sign + h + ":" + m));
        Arbitrary<String> separator = Arbitraries.of("T", "T", "T", "t", " ");
        return Combinators.combine(year, month, day, separator, hour, minute, second, fraction)
                .as((y, mo, d, sep, h, mi, s, f) ->
                        y + "-" + mo + "-" + d + sep + h + ":" + mi + (s.isEmpty() ? "" : ":" + s) + f)
                .flatMap(prefix -> offset.map(o -> prefix + o));
    }

    @Provide
    Arbitrary<Instant> validInstants() {
        return Arbitraries.longs()
                .between(
                        Instant.parse("1900-01-01T00:00:00Z").getEpochSecond(),
                        Instant.parse("2200-01-01T00:00:00Z").getEpochSecond())
                .flatMap(s -> Arbitraries.oneOf(
                                Arbitraries.just(0), Arbitraries.integers().between(0, 999_999_999))
                        .map(nanos -> Instant.ofEpochSecond(s, nanos)));
    }

    private static Arbitrary<String> twoDigits(int min, int max) {
        return Arbitraries.integers().between(min, max).map(v -> String.format("%02d", v));
    }
}
