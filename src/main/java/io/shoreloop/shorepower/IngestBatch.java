package io.shoreloop.shorepower;

import java.time.Instant;
import java.util.List;

/**
 * What ingestion hands to {@link ShorePowerIngest#store} in one transaction: the valid readings of a batch of MQTT
 * messages, meter status reports, and the dead letters of the messages (or array elements) that were refused.
 */
public record IngestBatch(List<Incoming> readings, List<StatusReport> statuses, List<DeadLetter> deadLetters) {

    public IngestBatch {
        readings = List.copyOf(readings);
        statuses = List.copyOf(statuses);
        deadLetters = List.copyOf(deadLetters);
    }

    /**
     * One valid reading of a registered meter, with the informative values that accounting does not use.
     *
     * @param meter the meter, resolved from the topic (and agreeing with the payload)
     * @param reading the reading
     * @param voltageV voltage, or {@code null}
     * @param currentA current, or {@code null}
     * @param frequencyHz frequency, or {@code null}
     * @param receivedAt when the message arrived
     */
    public record Incoming(
            RegisteredMeter meter,
            Reading reading,
            Double voltageV,
            Double currentA,
            Double frequencyHz,
            Instant receivedAt) {}

    /**
     * A message of the retained {@code status} topic (or the meter's last will).
     *
     * @param meter the meter
     * @param online its state
     * @param at the payload's {@code ts}, else the receive time
     */
    public record StatusReport(RegisteredMeter meter, boolean online, Instant at) {}

    /**
     * A refused message (or array element).
     *
     * @param topic the topic it came on
     * @param portCode the topic's port code, if the topic had one (for scoping)
     * @param meterCode the topic's meter code, if any
     * @param payload the raw payload (truncated on storage at 64 KiB)
     * @param reason why it was refused
     * @param receivedAt when it arrived
     * @param whole whether the payload is kept whole: a good message the store failed on (a fault of Shoreloop's or a
     *     refusal of the database), which must be replayable once the cause is mended, also when it is a backfill
     *     array of more than 64 KiB
     */
    public record DeadLetter(
            String topic,
            String portCode,
            String meterCode,
            String payload,
            String reason,
            Instant receivedAt,
            boolean whole) {

        /** A bad message's letter: its payload is kept up to 64 KiB (contract.md). */
        public DeadLetter(
                String topic, String portCode, String meterCode, String payload, String reason, Instant receivedAt) {
            this(topic, portCode, meterCode, payload, reason, receivedAt, false);
        }
    }

    /**
     * What a batch did.
     *
     * @param stored readings new to the store
     * @param duplicates readings whose {@code (meter, ts)} was already stored (redelivery, repeated backfill)
     * @param sessionsWritten sessions created or changed
     * @param sessionsRemoved sessions that no longer exist
     * @param deadLetters dead letters written
     */
    public record Outcome(int stored, int duplicates, int sessionsWritten, int sessionsRemoved, int deadLetters) {}
}
