package io.shoreloop.identity;

/** What a user wants to do with an object. */
public enum Action {
    READ,
    CREATE,
    UPDATE,
    DEACTIVATE,
    /** Claim a shore-power exemption for a call. */
    CLAIM_EXEMPTION
}
