package io.shoreloop.shorepower;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The readings' rows in PostgreSQL's binary {@code COPY} format, read back field by field. */
class CopyRowsTest {

    /** The fields of each row, as their bytes ({@code null} for a null field). */
    static List<List<byte[]>> rowsOf(List<byte[]> chunks) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        chunks.forEach(c -> all.write(c, 0, c.length));
        ByteBuffer in = ByteBuffer.wrap(all.toByteArray());
        byte[] signature = new byte[11];
        in.get(signature);
        assertArrayEquals("PGCOPY\n\377\r\n\0".getBytes(StandardCharsets.ISO_8859_1), signature);
        assertEquals(0, in.getInt(), "flags");
        assertEquals(0, in.getInt(), "header extension");
        List<List<byte[]>> rows = new ArrayList<>();
        for (short fields = in.getShort(); fields != -1; fields = in.getShort()) {
            List<byte[]> row = new ArrayList<>();
            for (int i = 0; i < fields; i++) {
                int length = in.getInt();
                byte[] value = length < 0 ? null : new byte[length];
                if (value != null) {
                    in.get(value);
                }
                row.add(value);
            }
            rows.add(row);
        }
        assertEquals(0, in.remaining(), "nothing after the trailer");
        return rows;
    }

    private static long int8(byte[] b) {
        assertEquals(8, b.length);
        return ByteBuffer.wrap(b).getLong();
    }

    private static long micros(Instant t) {
        CopyRows rows = new CopyRows(1);
        rows.startRow();
        rows.timestamp(t);
        rows.endRow();
        return int8(rowsOf(rows.chunks()).get(0).get(0));
    }

    @Test
    void eachTypeIsWrittenAsPostgresqlReadsItInBinary() {
        UUID id = UUID.fromString("0189f7e4-5a6b-7c8d-9e0f-112233445566");
        CopyRows rows = new CopyRows(10);
        rows.startRow();
        rows.uuid(id);
        rows.timestamp(Instant.parse("2000-01-01T00:00:01.000001Z"));
        rows.int8(-42);
        rows.float8(12.5);
        rows.float8(-0.0);
        rows.float8(null);
        rows.bool(true);
        rows.bool(null);
        rows.text("长江 №1");
        rows.text(null);
        rows.endRow();
        List<byte[]> row = rowsOf(rows.chunks()).get(0);
        assertEquals(10, row.size());
        ByteBuffer uuid = ByteBuffer.wrap(row.get(0));
        assertEquals(id, new UUID(uuid.getLong(), uuid.getLong()));
        assertEquals(1_000_001L, int8(row.get(1)));
        assertEquals(-42L, int8(row.get(2)));
        assertEquals(Double.doubleToRawLongBits(12.5), int8(row.get(3)));
        assertEquals(Double.doubleToRawLongBits(-0.0), int8(row.get(4)));
        assertEquals(null, row.get(5));
        assertArrayEquals(new byte[] {1}, row.get(6));
        assertEquals(null, row.get(7));
        assertArrayEquals("长江 №1".getBytes(StandardCharsets.UTF_8), row.get(8));
        assertEquals(null, row.get(9));
    }

    /** Microseconds since 2000-01-01 UTC, the clock's finer fraction rounded to the nearest one. */
    @Test
    void timestampsAreMicrosecondsSincePostgresqlsEpoch() {
        assertEquals(0, micros(Instant.parse("2000-01-01T00:00:00Z")));
        assertEquals(-1, micros(Instant.parse("1999-12-31T23:59:59.999999Z")));
        // date '2000-01-01' - date '0001-01-01' = 730119 days
        assertEquals(-730_119L * 86_400 * 1_000_000, micros(Instant.parse("0001-01-01T00:00:00Z")));
        assertEquals(1_000_000L, micros(Instant.parse("2000-01-01T00:00:00.9999995Z")));
        assertEquals(999_999L, micros(Instant.parse("2000-01-01T00:00:00.999999499Z")));
        assertEquals(1L, micros(Instant.parse("2000-01-01T00:00:00.0000005Z")));
        assertThrows(IllegalArgumentException.class, () -> micros(Instant.parse("0000-12-31T23:59:59Z")));
        assertThrows(IllegalArgumentException.class, () -> micros(Instant.parse("+10000-01-01T00:00:00Z")));
    }

    @Test
    void aRowMustHoldItsFields() {
        CopyRows rows = new CopyRows(2);
        rows.startRow();
        rows.int8(1);
        assertThrows(IllegalStateException.class, rows::endRow);
    }

    @Test
    void chunksHoldWholeRowsOfAboutTheChunkSize() {
        CopyRows rows = new CopyRows(2);
        for (long i = 0; i < 20_000; i++) {
            rows.startRow();
            rows.int8(i);
            rows.text("x".repeat((int) (i % 7)));
            rows.endRow();
        }
        List<byte[]> chunks = rows.chunks();
        assertTrue(chunks.size() > 5, "several chunks");
        for (byte[] chunk : chunks) {
            assertTrue(chunk.length < CopyRows.CHUNK_BYTES + 1024, "about the chunk size");
        }
        List<List<byte[]>> read = rowsOf(chunks);
        assertEquals(20_000, read.size());
        for (int i = 0; i < read.size(); i++) {
            assertEquals(i, int8(read.get(i).get(0)));
            assertEquals("x".repeat(i % 7), new String(read.get(i).get(1), StandardCharsets.UTF_8));
        }
        // every chunk but the first starts with a row's field count: rows are whole
        for (byte[] chunk : chunks.subList(1, chunks.size())) {
            assertEquals(2, ByteBuffer.wrap(Arrays.copyOf(chunk, 2)).getShort());
        }
    }
}
