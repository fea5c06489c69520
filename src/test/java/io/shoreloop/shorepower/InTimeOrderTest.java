package io.shoreloop.shorepower;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A meter's readings of one batch, as the ingest writes them: in time order, the first delivered of each instant. */
class InTimeOrderTest {

    static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
    static final Instant RECEIVED = Instant.parse("2026-03-01T09:00:00Z");

    @Test
    void readingsAlreadyInOrderAreTakenAsTheyAre() {
        List<IngestBatch.Incoming> delivered =
                new ArrayList<>(List.of(at(0, 1, 1000), at(15, 2, 1001), at(30, 3, 1002)));
        assertSame(delivered, ShorePowerIngest.inTimeOrder(delivered));
    }

    @Test
    void lateAndRepeatedReadingsAreSortedAndTheFirstDeliveredOfAnInstantWins() {
        List<IngestBatch.Incoming> delivered = List.of(
                at(30, 3, 1002), at(0, 1, 1000), at(30, 99, 5000), at(15, 2, 1001), at(0, 98, 4000), at(45, 4, 1003));
        List<IngestBatch.Incoming> ordered = ShorePowerIngest.inTimeOrder(delivered);
        assertEquals(
                List.of(1L, 2L, 3L, 4L),
                ordered.stream().map(in -> in.reading().seq()).toList());
        assertEquals(
                List.of(T0, T0.plusSeconds(15), T0.plusSeconds(30), T0.plusSeconds(45)),
                ordered.stream().map(in -> in.reading().ts()).toList());
    }

    @Test
    void aRepeatRightAfterItsOriginalIsDropped() {
        List<IngestBatch.Incoming> ordered =
                ShorePowerIngest.inTimeOrder(List.of(at(0, 1, 1000), at(0, 7, 9999), at(15, 2, 1001)));
        assertEquals(
                List.of(1L, 2L), ordered.stream().map(in -> in.reading().seq()).toList());
    }

    private static IngestBatch.Incoming at(int seconds, long seq, long registerWh) {
        Reading r = new Reading("MTR-1", seq, T0.plusSeconds(seconds), registerWh, 10.0, true, null);
        return new IngestBatch.Incoming(null, r, null, null, null, RECEIVED);
    }
}
