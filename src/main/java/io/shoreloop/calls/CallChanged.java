package io.shoreloop.calls;

import java.util.UUID;

/**
 * Past-tense event: a call was registered or changed (times, berth, crew, cargo, an exemption claim, deactivation).
 * Fired inside the changing transaction, after the call is flushed; read models and compliance observe it.
 */
public record CallChanged(UUID callId) {}
