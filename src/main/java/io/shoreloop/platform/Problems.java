package io.shoreloop.platform;

/** Generic domain exceptions shared by every feature. */
public final class Problems {

    private Problems() {}

    /** An object that does not exist or that the caller may not see. */
    public static final class NotFound extends DomainException {
        public NotFound(String what) {
            super(ProblemKind.NOT_FOUND, "not-found", what + " not found");
        }
    }

    /** A request field that breaks a rule. */
    public static final class InvalidField extends DomainException {
        public InvalidField(String type, String field, String message) {
            super(ProblemKind.INVALID, type, message, field);
        }
    }

    /** A reference to another object that does not exist (or is not visible). */
    public static final class UnknownReference extends DomainException {
        public UnknownReference(String field, String what) {
            super(ProblemKind.INVALID, "unknown-reference", "Unknown " + what + " in '" + field + "'", field);
        }
    }

    /** A code or natural key that is already taken. */
    public static final class DuplicateKey extends DomainException {
        public DuplicateKey(String field, String message) {
            super(ProblemKind.CONFLICT, "duplicate", message, field);
        }
    }

    /** The caller may see the object but may not perform this action on it. */
    public static final class ActionForbidden extends DomainException {
        public ActionForbidden(String message) {
            super(ProblemKind.FORBIDDEN, "forbidden", message);
        }
    }

    /** An update whose If-Match does not name the current version. */
    public static final class StaleVersion extends DomainException {
        public StaleVersion(long current) {
            super(
                    ProblemKind.PRECONDITION_FAILED,
                    "stale-version",
                    "The object has changed (current version " + current + "); fetch it again and retry");
        }
    }

    /** An update without If-Match. */
    public static final class VersionRequired extends DomainException {
        public VersionRequired() {
            super(
                    ProblemKind.PRECONDITION_REQUIRED,
                    "if-match-required",
                    "Updates need an If-Match header with the ETag of the version you read");
        }
    }
}
