package io.shoreloop.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which ingest writer stores a message: always the same one for a meter, whatever its berth or topic kind. */
class WriterRoutingTest {

    @Test
    void aMetersReadingsAndStatusGoToOneWriter() {
        for (int i = 0; i < 200; i++) {
            String meter = String.format("MTR-%03d", i);
            int writer = MqttIngest.writerOf(PayloadParser.topic("shorepower/v1/CQ-GY/B01/" + meter + "/reading"), 3);
            assertEquals(
                    writer,
                    MqttIngest.writerOf(PayloadParser.topic("shorepower/v1/CQ-GY/B01/" + meter + "/status"), 3));
            // a spoofed or moved topic still lands with the meter's other messages (its dead letter keeps their order)
            assertEquals(
                    writer,
                    MqttIngest.writerOf(PayloadParser.topic("shorepower/v1/WH-YL/B07/" + meter + "/reading"), 3));
        }
    }

    @Test
    void meterCodesSpreadOverAllWritersAndUnknownTopicsGoToTheFirst() {
        Set<Integer> used = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            used.add(MqttIngest.writerOf(PayloadParser.topic("shorepower/v1/CQ-GY/B01/M" + i + "/reading"), 4));
        }
        assertEquals(Set.of(0, 1, 2, 3), used);
        assertEquals(0, MqttIngest.writerOf(null, 4));
        assertEquals(0, MqttIngest.writerOf(PayloadParser.topic("shorepower/v1/CQ-GY/B01/M1/reading"), 1));
    }
}
