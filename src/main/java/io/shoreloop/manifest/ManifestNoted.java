package io.shoreloop.manifest;

import java.util.Map;
import java.util.UUID;

/**
 * Past-tense events about a manifest that are not signed steps: a deadline was missed, a discrepancy was opened,
 * explained or closed. The ledger appends each to the manifest's chain in the same transaction.
 */
public sealed interface ManifestNoted {

    UUID manifestId();

    /** The ledger entry type. */
    String type();

    /** The canonical payload (strings, integers, booleans, nulls, maps and lists only). */
    Map<String, Object> payload();

    /** A deadline (receipt, pickup or disposal) passed with the manifest still waiting. */
    record DeadlineMissed(UUID manifestId, String deadline, String dueAt) implements ManifestNoted {
        public String type() {
            return "DEADLINE_MISSED";
        }

        public Map<String, Object> payload() {
            return Map.of("manifestId", manifestId.toString(), "deadline", deadline, "dueAt", dueAt);
        }
    }

    /** A step's quantity deviated from the previous stage beyond the tolerance. */
    record DiscrepancyOpened(
            UUID manifestId, UUID discrepancyId, int stepSeq, String previous, String observed, String deviationPercent)
            implements ManifestNoted {
        public String type() {
            return "DISCREPANCY_OPENED";
        }

        public Map<String, Object> payload() {
            return Map.of(
                    "manifestId",
                    manifestId.toString(),
                    "discrepancyId",
                    discrepancyId.toString(),
                    "stepSeq",
                    stepSeq,
                    "previousQuantity",
                    previous,
                    "observedQuantity",
                    observed,
                    "deviationPercent",
                    deviationPercent);
        }
    }

    /** One of the two parties explained a discrepancy (resolved once both have). */
    record DiscrepancyExplained(UUID manifestId, UUID discrepancyId, String party, String explanation, boolean resolved)
            implements ManifestNoted {
        public String type() {
            return "DISCREPANCY_EXPLAINED";
        }

        public Map<String, Object> payload() {
            return Map.of(
                    "manifestId",
                    manifestId.toString(),
                    "discrepancyId",
                    discrepancyId.toString(),
                    "party",
                    party,
                    "explanation",
                    explanation,
                    "resolved",
                    resolved);
        }
    }

    /** A discrepancy was left open past its deadline and is now the bureau's to close. */
    record DiscrepancyEscalated(UUID manifestId, UUID discrepancyId, String openedAt, String deadline)
            implements ManifestNoted {
        public String type() {
            return "DISCREPANCY_ESCALATED";
        }

        public Map<String, Object> payload() {
            return Map.of(
                    "manifestId",
                    manifestId.toString(),
                    "discrepancyId",
                    discrepancyId.toString(),
                    "openedAt",
                    openedAt,
                    "deadline",
                    deadline);
        }
    }

    /** A bureau closed a discrepancy. */
    record DiscrepancyClosed(UUID manifestId, UUID discrepancyId, String bureau, String resolution)
            implements ManifestNoted {
        public String type() {
            return "DISCREPANCY_CLOSED";
        }

        public Map<String, Object> payload() {
            return Map.of(
                    "manifestId",
                    manifestId.toString(),
                    "discrepancyId",
                    discrepancyId.toString(),
                    "bureau",
                    bureau,
                    "resolution",
                    resolution);
        }
    }

    /** A correction of a closed manifest was proposed, approved by one party, or rejected. */
    record CorrectionNoted(
            UUID manifestId, UUID correctionId, String what, String party, int stepSeq, String quantity, String reason)
            implements ManifestNoted {
        public String type() {
            return "CORRECTION_" + what;
        }

        public Map<String, Object> payload() {
            Map<String, Object> p = new java.util.LinkedHashMap<>();
            p.put("manifestId", manifestId.toString());
            p.put("correctionId", correctionId.toString());
            p.put("party", party);
            p.put("stepSeq", stepSeq);
            p.put("quantity", quantity);
            p.put("reason", reason);
            return p;
        }
    }
}
