package io.shoreloop.platform;

/** Families of problems; the problem mapper turns each into an HTTP status. */
public enum ProblemKind {
    /** The request is malformed or a field is invalid. */
    INVALID,
    /** Not authenticated. */
    UNAUTHENTICATED,
    /** Authenticated, may see the object, but may not do this. */
    FORBIDDEN,
    /** Does not exist, or is outside the caller's scope (answered the same way). */
    NOT_FOUND,
    /** Conflicts with the current state of the data (duplicate code, overlapping call, illegal transition). */
    CONFLICT,
    /** If-Match did not match the current version. */
    PRECONDITION_FAILED,
    /** An update came without If-Match. */
    PRECONDITION_REQUIRED,
    /** Well-formed but cannot be processed (idempotency key reused with another body). */
    UNPROCESSABLE,
    /** A dependency (database, broker) is down: retry later. */
    UNAVAILABLE
}
