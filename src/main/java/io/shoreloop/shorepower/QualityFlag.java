package io.shoreloop.shorepower;

/** What the accounting noticed about an energy step, a session or a match. Flags never change a figure silently. */
public enum QualityFlag {
    /** The register dropped to (near) zero: the meter was reset or replaced; a new epoch starts. */
    RESET,
    /** The register passed the meter's registered modulus and started again from zero. */
    ROLLOVER,
    /**
     * The register went down, but neither to near zero nor across the modulus: a new epoch starts at the new value
     * and the step counts nothing (the baseline of the new epoch is unknown).
     */
    REGISTER_DROP,
    /**
     * The register rose by more than the berth could have supplied (capacity × elapsed time × margin): the increase
     * is kept in the balance as <em>rejected</em> energy and counted in no session and not as unallocated.
     */
    IMPLAUSIBLE_JUMP,
    /** The time between two readings exceeded the gap factor × the meter's reporting interval. */
    GAP,
    /** The session ended because the meter fell silent for longer than the silence timeout. */
    INTERRUPTED,
    /**
     * The session was still supplying when the call at the meter's berth departed: it ends at the last reading at or
     * before the departure (status {@link SessionStatus#CLOSED}), and the step across the departure is unallocated.
     */
    CLOSED_AT_DEPARTURE,
    /** Readings inside the session named different ships. */
    VESSEL_CONFLICT
}
