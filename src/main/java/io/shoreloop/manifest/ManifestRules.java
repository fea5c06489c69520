package io.shoreloop.manifest;

import io.shoreloop.platform.DomainException;
import io.shoreloop.platform.ProblemKind;

/** The manifest rules a request can break, each a fact with a stable problem type. */
public final class ManifestRules {

    private ManifestRules() {}

    /** The signer is not the party that takes the batch over at this step. */
    public static final class WrongParty extends DomainException {
        WrongParty(String message) {
            super(ProblemKind.FORBIDDEN, "wrong-party", message);
        }
    }

    /** The action is not possible in the manifest's current state. */
    public static final class IllegalTransition extends DomainException {
        IllegalTransition(ManifestAction action, ManifestState state) {
            super(
                    ProblemKind.CONFLICT,
                    "illegal-transition",
                    "A manifest in state " + state + " cannot be " + pastTense(action));
        }

        private static String pastTense(ManifestAction action) {
            return switch (action) {
                case DRAFT -> "drafted";
                case DECLARE -> "declared";
                case RECEIVE -> "received";
                case PICKUP -> "picked up";
                case DISPOSE -> "disposed of";
                case REFUSE -> "refused";
                case CANCEL -> "cancelled";
                case CORRECT -> "corrected";
            };
        }
    }

    /** A facility named or signing is not licensed for this activity on this stream. */
    public static final class LicenceMissing extends DomainException {
        LicenceMissing(String field, String message) {
            super(ProblemKind.UNPROCESSABLE, "licence-missing", message, field);
        }
    }

    /** A quantity is missing, not positive, or more than there is. */
    public static final class QuantityInvalid extends DomainException {
        QuantityInvalid(String field, String message) {
            super(ProblemKind.INVALID, "quantity-invalid", message, field);
        }
    }

    /** A required detail of the step is missing (vehicle, treatment, reason, cargo…). */
    public static final class DetailMissing extends DomainException {
        DetailMissing(String field, String message) {
            super(ProblemKind.INVALID, "detail-missing", message, field);
        }
    }

    /** The thing was already done (an explanation given, a discrepancy resolved). */
    public static final class AlreadyDone extends DomainException {
        AlreadyDone(String message) {
            super(ProblemKind.CONFLICT, "already-done", message);
        }
    }
}
