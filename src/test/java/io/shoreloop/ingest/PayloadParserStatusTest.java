package io.shoreloop.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The retained status topic's payload: its time is the meter's, within the same 5 minutes ahead as a reading's. */
class PayloadParserStatusTest {

    private final PayloadParser parser = new PayloadParser(Duration.ofMinutes(5));
    private final Instant now = Instant.parse("2026-12-07T10:00:00Z");

    @Test
    void aStatusTakesItsOwnTimeOrTheReceiveTimeAndRefusesATimeFarAhead() {
        assertEquals(now, parser.status("{\"online\":false}", now).ts(), "the last will: no ts");
        Instant soon = now.plusSeconds(60);
        assertEquals(
                soon,
                parser.status("{\"online\":true,\"ts\":\"" + soon + "\"}", now).ts());
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> parser.status("{\"online\":true,\"ts\":\"2099-01-01T00:00:00Z\"}", now));
        assertTrue(e.getMessage().startsWith("future-timestamp: "), e.getMessage());
    }
}
