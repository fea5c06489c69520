package io.shoreloop.shorepower;

import io.shoreloop.platform.InputRules;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Rows for {@code COPY … FROM STDIN (FORMAT binary)}, written straight into byte chunks of about
 * {@link #CHUNK_BYTES} bytes, each row whole (PostgreSQL's binary copy format: a signature and two zero words, then
 * per row its field count and each field as a length, {@code -1} for null, and its bytes in network order; a
 * {@code -1} field count at the end).
 *
 * <p>PostgreSQL reads these values as they are (a {@code uuid}'s 16 bytes, an {@code int8}, an IEEE double, a
 * {@code timestamptz} as microseconds since 2000-01-01 UTC) where the text format made it parse every timestamp,
 * number and id from its digits, and made this side write them: in the live benchmark the readings' {@code COPY}
 * was about half of what a writer waited for from PostgreSQL, and writing its text 6.5 % of the application's CPU.
 *
 * <p>Chunks, never one array: a batch of 20,000 readings is ~3 MB, and arrays that large are "humongous" to G1 (over
 * half a heap region), which starts a marking cycle of the whole heap on such an allocation once the old generation
 * is above its threshold (20 cycles in a bench run when the text was one array, its string and its bytes; 9 with
 * chunks).
 */
final class CopyRows {

    static final int CHUNK_BYTES = 64 * 1024;

    /** The format's signature, flags (none) and header extension length (none). */
    private static final byte[] HEADER = {
        'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0
    };

    /** 2000-01-01T00:00:00Z in Unix seconds: PostgreSQL's epoch. */
    private static final long PG_EPOCH_SECOND = 946_684_800L;

    private final List<byte[]> chunks = new ArrayList<>();
    private byte[] buffer = new byte[CHUNK_BYTES + 1024];
    private int length;
    private final short fields;
    private int written;

    /** Rows of {@code fields} fields each. */
    CopyRows(int fields) {
        this.fields = (short) fields;
        put(HEADER);
    }

    /** Starts a row (each row holds exactly the fields given to the constructor). */
    void startRow() {
        room(2);
        putShort(fields);
        written = 0;
    }

    void uuid(UUID id) {
        room(20);
        putInt(16);
        putLong(id.getMostSignificantBits());
        putLong(id.getLeastSignificantBits());
        written++;
    }

    void int8(long value) {
        room(12);
        putInt(8);
        putLong(value);
        written++;
    }

    /** A double precision value, or null. */
    void float8(Double value) {
        if (value == null) {
            nul();
            return;
        }
        int8(Double.doubleToRawLongBits(value)); // both are 8 bytes, big-endian
    }

    void bool(Boolean value) {
        if (value == null) {
            nul();
            return;
        }
        room(5);
        putInt(1);
        buffer[length++] = (byte) (value ? 1 : 0);
        written++;
    }

    /**
     * A {@code timestamptz}: microseconds since 2000-01-01 UTC; a finer fraction (the server clock's) is rounded to
     * the nearest microsecond, as PostgreSQL rounds a timestamp's text.
     *
     * @throws IllegalArgumentException outside {@link InputRules#EARLIEST} to {@link InputRules#LATEST} (readings
     *     outside are dead letters before they get here)
     */
    void timestamp(Instant t) {
        if (t.isBefore(InputRules.EARLIEST) || t.isAfter(InputRules.LATEST)) {
            throw new IllegalArgumentException("a timestamp outside 0001-01-01 to 9999-12-31: " + t);
        }
        int8((t.getEpochSecond() - PG_EPOCH_SECOND) * 1_000_000L + (t.getNano() + 500) / 1000);
    }

    /** Text as UTF-8, or null. */
    void text(String value) {
        if (value == null) {
            nul();
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        room(4 + bytes.length);
        putInt(bytes.length);
        put(bytes);
        written++;
    }

    private void nul() {
        room(4);
        putInt(-1);
        written++;
    }

    /** Ends the row; a chunk is complete once it holds about {@link #CHUNK_BYTES} bytes. */
    void endRow() {
        if (written != fields) {
            throw new IllegalStateException("a row of " + written + " fields, " + fields + " expected");
        }
        if (length >= CHUNK_BYTES) {
            chunks.add(Arrays.copyOf(buffer, length));
            length = 0;
        }
    }

    /** The chunks, the last one with the format's trailer; nothing may be written after. */
    List<byte[]> chunks() {
        room(2);
        putShort((short) -1);
        chunks.add(Arrays.copyOf(buffer, length));
        length = 0;
        buffer = null;
        return chunks;
    }

    private void put(byte[] bytes) {
        room(bytes.length);
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
    }

    private void putShort(short v) {
        buffer[length++] = (byte) (v >>> 8);
        buffer[length++] = (byte) v;
    }

    private void putInt(int v) {
        buffer[length++] = (byte) (v >>> 24);
        buffer[length++] = (byte) (v >>> 16);
        buffer[length++] = (byte) (v >>> 8);
        buffer[length++] = (byte) v;
    }

    private void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }

    private void room(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }
}
