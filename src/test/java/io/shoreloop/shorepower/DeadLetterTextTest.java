package io.shoreloop.shorepower;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A dead letter's texts as the table can hold them, whatever a message said. */
class DeadLetterTextTest {

    @Test
    void nulCharactersAreEscapedAndLongTextsCutOnACharacterBoundary() {
        assertEquals("a\\u0000b", ShorePowerIngest.bounded("a\0b"));
        assertEquals("plain", ShorePowerIngest.bounded("plain"));
        assertNull(ShorePowerIngest.bounded(null));

        String chinese = "岸".repeat(1_000); // 3 bytes each
        String cut = ShorePowerIngest.bounded(chinese);
        byte[] bytes = cut.getBytes(StandardCharsets.UTF_8);
        assertTrue(bytes.length <= ShorePowerIngest.MAX_TEXT_BYTES, "at most 1 KiB");
        assertEquals(ShorePowerIngest.MAX_TEXT_BYTES / 3, cut.length(), "whole characters only");
        assertTrue(chinese.startsWith(cut));
    }
}
