package io.shoreloop.shorepower;

/** How a session relates to the calls of its berth. Anything but {@link #MATCHED} is listed for the operator. */
public enum MatchOutcome {
    /** Exactly one call's stay covers the session, and the ship the readings named (if any) is that call's. */
    MATCHED,
    /** No call covers the session, and it overlaps at most one. */
    UNMATCHED,
    /** Several calls cover or overlap the session, and the readings' ship does not single one out. */
    AMBIGUOUS,
    /** The readings named a ship that is not the covering call's, or named several ships. */
    VESSEL_MISMATCH
}
