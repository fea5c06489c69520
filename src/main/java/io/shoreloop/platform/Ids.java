package io.shoreloop.platform;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Ids of rows that are written often (manifests and what hangs off them, calls, verdicts): time-ordered UUIDs, version 7
 * of RFC 9562 (48 bits of Unix time in milliseconds, then 74 random bits). Random (version 4) ids put every new key of
 * an index at a random place: each insert touches a random leaf page of the primary key and of every index that
 * starts with the id (steps, ledger entries and chains, marks), so the pages a busy hour writes are spread over the
 * whole index instead of its end (which matters once the indexes outgrow memory, and for the full-page images written
 * after each checkpoint). Ids made in the same millisecond are in random order among themselves. An id shows when it
 * was made (as the rows' own times do); its 74 random bits come from {@link SecureRandom}, as those of
 * {@link UUID#randomUUID()} do, so one id cannot be guessed from another.
 */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    /** A new time-ordered id (UUID version 7). */
    public static UUID timeOrdered() {
        return timeOrdered(System.currentTimeMillis());
    }

    /** A time-ordered id for this Unix time in milliseconds (its first 48 bits). */
    static UUID timeOrdered(long unixMillis) {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        long high = (unixMillis & 0xFFFF_FFFF_FFFFL) << 16 // unix_ts_ms
                | 0x7000 // version 7
                | ((random[0] & 0x0FL) << 8)
                | (random[1] & 0xFFL); // rand_a, 12 bits
        long low = 0x8000_0000_0000_0000L | ((random[2] & 0x3FL) << 56); // variant 10, then rand_b: 62 bits
        for (int i = 3; i < 10; i++) {
            low |= (random[i] & 0xFFL) << (8 * (9 - i));
        }
        return new UUID(high, low);
    }
}
