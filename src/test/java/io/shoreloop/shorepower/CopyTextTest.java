package io.shoreloop.shorepower;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The readings' {@code COPY} text: PostgreSQL's text format, written straight as UTF-8 bytes in whole-row chunks. */
class CopyTextTest {

    private static String text(List<byte[]> chunks) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        chunks.forEach(c -> all.write(c, 0, c.length));
        return all.toString(StandardCharsets.UTF_8);
    }

    @Test
    void fieldsAreTabSeparatedWithNullsAndNumbersAsPostgresqlReadsThem() {
        ShorePowerIngest.CopyText rows = new ShorePowerIngest.CopyText();
        rows.ascii("m-1");
        rows.field(Instant.parse("2026-12-03T10:15:30.123456Z"));
        rows.field(0L);
        rows.field(1_234_567_890_123L);
        rows.field(Long.valueOf(-42));
        rows.field(12.5);
        rows.field((Object) null);
        rows.field("t");
        rows.endRow();
        assertEquals("m-1\t2026-12-03T10:15:30.123456Z\t0\t1234567890123\t-42\t12.5\t\\N\tt\n", text(rows.chunks()));
    }

    /** Instants are written as {@link Instant#toString()} writes them, digit by digit for the years 0-9999. */
    @Test
    void instantsAreWrittenAsTheirIsoTextInEveryYear() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        List<Instant> instants = new java.util.ArrayList<>(List.of(
                Instant.EPOCH,
                Instant.EPOCH.minusNanos(1),
                Instant.parse("0000-01-01T00:00:00Z"),
                Instant.parse("0000-01-01T00:00:00Z").minusNanos(1),
                Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.parse("9999-12-31T23:59:59.999999999Z").plusNanos(1),
                Instant.parse("2000-02-29T12:00:00.100Z"),
                Instant.parse("2100-03-01T00:00:00.000001Z"),
                Instant.parse("1900-02-28T23:59:59.000000001Z"),
                Instant.MIN,
                Instant.MAX));
        long from = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        long to = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        int[] precision = {1, 1_000, 1_000_000, 1_000_000_000};
        for (int i = 0; i < 200_000; i++) {
            int step = precision[random.nextInt(precision.length)];
            instants.add(Instant.ofEpochSecond(
                    random.nextLong(from - 86_400, to + 86_400), random.nextInt(1_000_000_000) / step * step));
        }
        for (Instant t : instants) {
            ShorePowerIngest.CopyText rows = new ShorePowerIngest.CopyText();
            rows.ascii("m");
            rows.field(t);
            rows.endRow();
            assertEquals("m\t" + t + "\n", text(rows.chunks()), t::toString);
        }
    }

    /** A double as the shortest decimal of few digits that reads back as it, else as {@link Double#toString}. */
    @Test
    void doublesAreWrittenAsDecimalsThatReadBackAsExactlyThemselves() {
        assertEquals("412.37", field(412.37));
        assertEquals("0.05", field(0.05));
        assertEquals("230", field(230.0));
        assertEquals("0", field(0.0));
        assertEquals("49.999999", field(49.999999));
        assertEquals("0.30000000000000004", field(0.1 + 0.2));
        assertEquals("-0.0", field(-0.0));
        assertEquals("\\N", field(null));
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        List<Double> values = new java.util.ArrayList<>(List.of(
                Double.MIN_VALUE,
                Double.MIN_NORMAL,
                Double.MAX_VALUE,
                1e15,
                Math.nextDown(1e15),
                9007199254740992.0,
                9007199254740993.0 / 1e6,
                4503599627370496.5,
                1e-7,
                123456789.123456,
                0.000001,
                0.0000005));
        for (int i = 0; i < 200_000; i++) {
            int digits = random.nextInt(10);
            values.add(random.nextLong(1L << random.nextInt(1, 54)) / Math.pow(10, digits));
            values.add(Double.longBitsToDouble(random.nextLong(0x7FF0_0000_0000_0000L)));
        }
        for (double v : values) {
            String text = field(v);
            assertEquals(
                    Double.doubleToRawLongBits(v),
                    Double.doubleToRawLongBits(Double.parseDouble(text)),
                    () -> v + " written as " + text);
            assertTrue(
                    text.matches("[0-9]+(\\.[0-9]{0,5}[1-9])?") || text.equals(Double.toString(v)),
                    () -> v + " written as " + text);
        }
    }

    private static String field(Double value) {
        ShorePowerIngest.CopyText rows = new ShorePowerIngest.CopyText();
        rows.ascii("m");
        rows.field(value);
        rows.endRow();
        String row = text(rows.chunks());
        return row.substring(2, row.length() - 1);
    }

    @Test
    void textIsEscapedAndEncodedAsUtf8() {
        ShorePowerIngest.CopyText rows = new ShorePowerIngest.CopyText();
        rows.ascii("m");
        rows.field("a\tb\nc\rd\\e");
        rows.field("长江 №1");
        rows.endRow();
        assertEquals("m\ta\\tb\\nc\\rd\\\\e\t长江 №1\n", text(rows.chunks()));
    }

    @Test
    void chunksHoldWholeRowsOfAboutTheChunkSize() {
        ShorePowerIngest.CopyText rows = new ShorePowerIngest.CopyText();
        StringBuilder expected = new StringBuilder();
        for (long i = 0; i < 20_000; i++) {
            rows.ascii("meter");
            rows.field(i);
            rows.field("x".repeat((int) (i % 7)));
            rows.endRow();
            expected.append("meter\t")
                    .append(i)
                    .append('\t')
                    .append("x".repeat((int) (i % 7)))
                    .append('\n');
        }
        List<byte[]> chunks = rows.chunks();
        assertTrue(chunks.size() > 1, "several chunks");
        for (byte[] chunk : chunks) {
            assertEquals('\n', chunk[chunk.length - 1], "a chunk ends with a whole row");
            assertTrue(chunk.length < ShorePowerIngest.COPY_CHUNK_BYTES + 1024, "about the chunk size");
        }
        assertEquals(expected.toString(), text(chunks));
    }
}
