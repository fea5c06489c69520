package io.shoreloop.manifest;

/** How a quantity was established. */
public enum QuantityMethod {
    /** Crew estimate. */
    DECLARED,
    /** Flowmeter. */
    METERED,
    /** Weighbridge. */
    WEIGHED,
    /** Tank sounding. */
    GAUGED
}
