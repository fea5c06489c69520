package io.shoreloop.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void anIdIsAVersion7UuidCarryingItsMillisecond() {
        long at = 1_764_900_000_123L; // 2025-12-05T02:00:00.123Z
        UUID id = Ids.timeOrdered(at);
        assertEquals(7, id.version());
        assertEquals(2, id.variant());
        assertEquals(at, id.getMostSignificantBits() >>> 16);
        // RFC 9562's text form: the first 12 hex digits are the time
        assertEquals(String.format("%012x", at), id.toString().replace("-", "").substring(0, 12));
    }

    @Test
    void idsSortByTheirMillisecondAsPostgreSqlComparesUuids() {
        UUID earlier = Ids.timeOrdered(1_000_000L);
        UUID later = Ids.timeOrdered(1_000_001L);
        // PostgreSQL orders uuid by its bytes, unsigned: the text form's order
        assertTrue(earlier.toString().compareTo(later.toString()) < 0);
    }

    @Test
    void idsOfOneMillisecondDifferInTheir74RandomBits() {
        Set<UUID> ids = new HashSet<>();
        long highOnes = 0, highZeros = 0, lowOnes = 0, lowZeros = 0;
        for (int i = 0; i < 10_000; i++) {
            UUID id = Ids.timeOrdered(42L);
            ids.add(id);
            assertEquals(7, id.version());
            assertEquals(2, id.variant());
            assertEquals(42L, id.getMostSignificantBits() >>> 16);
            highOnes |= id.getMostSignificantBits();
            highZeros |= ~id.getMostSignificantBits();
            lowOnes |= id.getLeastSignificantBits();
            lowZeros |= ~id.getLeastSignificantBits();
        }
        assertEquals(10_000, ids.size());
        // every one of the 12 + 62 random bits was seen both set and clear
        assertEquals(0xFFFL, highOnes & highZeros & 0xFFFL);
        assertEquals(0x3FFF_FFFF_FFFF_FFFFL, lowOnes & lowZeros & 0x3FFF_FFFF_FFFF_FFFFL);
    }
}
