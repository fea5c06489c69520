package io.shoreloop.shorepower;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A vessel call's stay at the berth, as matching sees it.
 *
 * @param callId the call
 * @param vessel the ship's MMSI, or {@code null} if the call does not know it
 * @param arrival all fast
 * @param departure let go, or {@code null} while the ship is still at the berth
 */
public record CallStay(UUID callId, String vessel, Instant arrival, Instant departure) {

    public CallStay {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(arrival, "arrival");
        if (departure != null && departure.isBefore(arrival)) {
            throw new IllegalArgumentException("departure before arrival: " + callId);
        }
    }
}
