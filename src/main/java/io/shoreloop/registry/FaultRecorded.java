package io.shoreloop.registry;

import java.time.Instant;
import java.util.UUID;

/**
 * Past-tense event: a berth or meter fault was recorded (or its end recorded), fired inside the recording
 * transaction. {@code end} is {@code null} while the fault lasts.
 */
public record FaultRecorded(UUID faultId, UUID berthId, Instant start, Instant end) {}
