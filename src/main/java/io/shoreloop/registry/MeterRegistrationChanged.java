package io.shoreloop.registry;

/**
 * Past-tense event: a meter, or the port its topic names, was changed or deactivated, fired inside the changing
 * transaction. What ingestion cached about meters (which berth and port a code belongs to, whether it is active) may
 * be out of date.
 */
public record MeterRegistrationChanged(String what) {}
