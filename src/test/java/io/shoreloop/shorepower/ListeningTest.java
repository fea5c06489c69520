package io.shoreloop.shorepower;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Listening counts from the subscription or from the end of the last hold, and not at all while one is in force. */
class ListeningTest {

    static final Instant T = Instant.parse("2026-12-07T00:00:00Z");

    @Test
    void listeningCountsFromTheSubscriptionOrTheEndOfTheLastHold() {
        Listening l = new Listening();
        assertEquals(Optional.empty(), l.lasted(T), "not subscribed");
        l.started(T);
        assertEquals(Optional.of(Duration.ofSeconds(10)), l.lasted(T.plusSeconds(10)));

        // the database away, then reading paused too: nothing counts until both ended
        l.hold(Listening.Hold.STORE_UNAVAILABLE);
        l.hold(Listening.Hold.READING_PAUSED);
        assertEquals(Optional.empty(), l.lasted(T.plusSeconds(20)));
        l.release(Listening.Hold.STORE_UNAVAILABLE, T.plusSeconds(30));
        assertEquals(Optional.empty(), l.lasted(T.plusSeconds(35)), "reading still paused");
        l.release(Listening.Hold.READING_PAUSED, T.plusSeconds(40));
        assertEquals(Optional.of(Duration.ofSeconds(5)), l.lasted(T.plusSeconds(45)), "from the last hold's end");

        // a release without a hold changes nothing; a lost connection ends listening, holds or not
        l.release(Listening.Hold.STORE_UNAVAILABLE, T.plusSeconds(50));
        assertEquals(Optional.of(Duration.ofSeconds(15)), l.lasted(T.plusSeconds(55)));
        l.stopped();
        assertEquals(Optional.empty(), l.lasted(T.plusSeconds(60)));
        l.started(T.plusSeconds(70));
        assertEquals(Optional.of(Duration.ofSeconds(5)), l.lasted(T.plusSeconds(75)));
    }
}
