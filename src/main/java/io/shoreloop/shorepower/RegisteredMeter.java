package io.shoreloop.shorepower;

import java.util.UUID;

/**
 * A registered meter as ingestion sees it: where it is and what its accounting needs.
 *
 * @param id meter id
 * @param code the meter's MQTT code
 * @param berthId berth it supplies
 * @param berthCode that berth's code (the topic's {@code {berth}})
 * @param portId the berth's port
 * @param portCode that port's code (the topic's {@code {port}})
 * @param active whether the meter is active (an inactive meter's readings are dead letters)
 * @param profile capacity, modulus and reporting interval
 */
public record RegisteredMeter(
        UUID id,
        String code,
        UUID berthId,
        String berthCode,
        UUID portId,
        String portCode,
        boolean active,
        MeterProfile profile) {

    /** {@code true} when the topic's port and berth are where this meter is registered. */
    public boolean isAt(String port, String berth) {
        return portCode.equals(port) && berthCode.equals(berth);
    }
}
