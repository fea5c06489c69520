package io.shoreloop.manifest;

import io.shoreloop.calls.VesselCall;
import io.shoreloop.identity.Role;
import io.shoreloop.registry.QuantityUnit;
import io.shoreloop.registry.Stream;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What clients send to manifest endpoints and what they get back. */
public final class ManifestViews {

    private ManifestViews() {}

    /** A new manifest (draft) for a batch from a vessel call. */
    public record DraftInput(
            @NotNull UUID callId,
            @NotNull Stream stream,
            @NotNull BigDecimal quantity,
            QuantityMethod method,
            @Size(max = 200) String cargoName,
            VesselCall.NlsCategory nlsCategory,

            @Pattern(regexp = "^[A-K]$", message = "garbage category is one letter A to K")
            String garbageCategory,

            UUID receiverId,
            @Size(max = 2000) String note) {}

    /** Declaration by the crew. */
    public record DeclareInput(
            UUID receiverId,
            @Size(max = 2000) String evidence,
            @Size(max = 100) List<@NotNull UUID> evidenceIds) {}

    /** A handover: receipt, pickup or disposal, with the quantity found and who takes the batch next. */
    public record HandoverInput(
            BigDecimal quantity,
            QuantityMethod method,
            UUID nextPartyId,
            @Size(max = 100) String vehicle,
            @Size(max = 200) String treatment,
            @Size(max = 2000) String evidence,
            @Size(max = 100) List<@NotNull UUID> evidenceIds) {}

    /** An explanation of a discrepancy, or a bureau's finding when it closes one. */
    public record ExplanationInput(
            @jakarta.validation.constraints.NotBlank @Size(max = 2000)
            String explanation) {}

    /** A proposed correction: which step's quantity, the corrected quantity and why. */
    public record CorrectionInput(
            @NotNull Integer stepSeq,
            @NotNull BigDecimal quantity,
            QuantityMethod method,

            @jakarta.validation.constraints.NotBlank @Size(max = 2000)
            String reason) {}

    /** A correction as answered. */
    public record CorrectionView(
            UUID id,
            int stepSeq,
            BigDecimal quantity,
            QuantityMethod method,
            String reason,
            UUID proposedParty,
            java.util.Set<UUID> requiredParties,
            java.util.Set<UUID> approvedParties,
            Correction.State state,
            Instant createdAt,
            Instant decidedAt) {
        static CorrectionView of(Correction c) {
            return new CorrectionView(
                    c.id,
                    c.stepSeq,
                    c.newQuantity,
                    c.newMethod,
                    c.reason,
                    c.proposedParty,
                    c.required(),
                    c.approved(),
                    c.state,
                    c.createdAt,
                    c.decidedAt);
        }
    }

    /** A cancellation. */
    public record CancelInput(@Size(max = 2000) String reason) {}

    /** An evidence upload: the bytes and what the uploader says about them. */
    public record EvidenceUpload(
            byte[] content,
            String contentType,
            String filename,
            BigDecimal latitude,
            BigDecimal longitude,
            String note) {}

    /** Uploaded evidence as answered (its bytes are at {@code …/evidence/{id}/content}). */
    public record EvidenceView(
            UUID id,
            String sha256,
            String contentType,
            int sizeBytes,
            String filename,
            BigDecimal latitude,
            BigDecimal longitude,
            String note,
            UUID partyId,
            Instant uploadedAt) {
        static EvidenceView of(Evidence e) {
            return new EvidenceView(
                    e.id,
                    e.sha256,
                    e.contentType,
                    e.sizeBytes,
                    e.filename,
                    e.latitude,
                    e.longitude,
                    e.note,
                    e.partyId,
                    e.uploadedAt);
        }
    }

    /** A refusal, full (accepted 0) or partial, with the handover details of the accepted part. */
    public record RefuseInput(
            BigDecimal acceptedQuantity,
            BigDecimal refusedQuantity,
            QuantityMethod method,
            @Size(max = 2000) String reason,
            UUID nextPartyId,
            UUID refusedToId,
            @Size(max = 100) String vehicle,
            @Size(max = 200) String treatment,
            @Size(max = 2000) String evidence,
            @Size(max = 100) List<@NotNull UUID> evidenceIds) {}

    /** List filters. */
    public record ManifestFilter(
            ManifestState state,
            Stream stream,
            UUID vesselId,
            UUID facilityId,
            UUID portId,
            UUID callId,
            Boolean overdue,
            Boolean discrepant,
            Instant from,
            Instant to) {}

    /** One signed step as answered. */
    public record StepView(
            int seq,
            ManifestAction action,
            UUID userId,
            UUID partyId,
            Role role,
            Instant at,
            BigDecimal quantity,
            QuantityMethod method,
            String vehicle,
            String treatment,
            UUID nextPartyId,
            String reason,
            BigDecimal refusedQuantity,
            String evidence,
            Integer correctsSeq,
            String contentHash,
            String partyName,
            String userName,
            String nextPartyName) {}

    /** A discrepancy as answered. */
    public record DiscrepancyView(
            UUID id,
            int stepSeq,
            BigDecimal previousQuantity,
            BigDecimal newQuantity,
            BigDecimal deviationPercent,
            Instant openedAt,
            UUID previousParty,
            UUID newParty,
            String previousExplanation,
            String newExplanation,
            boolean escalated,
            Instant resolvedAt,
            String resolution) {}

    /** A manifest with its steps and discrepancies. */
    public record ManifestView(
            UUID id,
            String number,
            UUID callId,
            UUID vesselId,
            UUID portId,
            Stream stream,
            QuantityUnit unit,
            ManifestState state,
            UUID receiverId,
            UUID nextPartyId,
            BigDecimal declaredQuantity,
            QuantityMethod declaredMethod,
            BigDecimal currentQuantity,
            String cargoName,
            String nlsCategory,
            String garbageCategory,
            UUID parentId,
            List<UUID> linkedManifestIds,
            String note,
            String cancelReason,
            boolean overdue,
            Instant overdueSince,
            String overdueDeadline,
            boolean discrepant,
            Instant createdAt,
            Instant declaredAt,
            Instant receivedAt,
            Instant closedAt,
            int revision,
            List<StepView> steps,
            List<DiscrepancyView> discrepancies,
            List<CorrectionView> corrections,
            long version) {

        static ManifestView of(
                Manifest m, List<UUID> linked, List<Discrepancy> discrepancies, List<Correction> corrections) {
            List<Step> steps = m.steps();
            return new ManifestView(
                    m.id(),
                    m.number(),
                    m.callId(),
                    m.vesselId(),
                    m.portId(),
                    m.stream(),
                    m.unit(),
                    m.state(),
                    m.receiverId(),
                    m.nextPartyId(),
                    m.declaredQuantity(),
                    m.declaredMethod(),
                    m.currentQuantity(),
                    m.cargoName(),
                    m.nlsCategory(),
                    m.garbageCategory(),
                    m.parentId(),
                    linked,
                    m.note(),
                    m.cancelReason(),
                    m.overdue(),
                    m.overdueSince(),
                    m.overdueDeadline(),
                    m.discrepant(),
                    m.createdAt(),
                    m.declaredAt(),
                    m.receivedAt(),
                    m.closedAt(),
                    m.revision(),
                    java.util.stream.IntStream.range(0, steps.size())
                            .mapToObj(i -> {
                                Step s = steps.get(i);
                                return new StepView(
                                        i,
                                        s.action(),
                                        s.userId(),
                                        s.partyId(),
                                        s.role(),
                                        s.at(),
                                        s.quantity(),
                                        s.method(),
                                        s.vehicle(),
                                        s.treatment(),
                                        s.nextPartyId(),
                                        s.reason(),
                                        s.refusedQuantity(),
                                        s.evidence(),
                                        s.correctsSeq(),
                                        s.contentHash(),
                                        s.partyName(),
                                        s.userName(),
                                        s.nextPartyName());
                            })
                            .toList(),
                    discrepancies.stream()
                            .map(d -> new DiscrepancyView(
                                    d.id,
                                    d.stepSeq,
                                    d.previousQty,
                                    d.newQty,
                                    d.deviationPct,
                                    d.openedAt,
                                    d.previousParty,
                                    d.newParty,
                                    d.previousExplanation,
                                    d.newExplanation,
                                    d.escalated,
                                    d.resolvedAt,
                                    d.resolution))
                            .toList(),
                    corrections.stream().map(CorrectionView::of).toList(),
                    m.version());
        }
    }

    /** A manifest in a list. */
    public record ManifestSummary(
            UUID id,
            String number,
            UUID vesselId,
            UUID portId,
            Stream stream,
            QuantityUnit unit,
            ManifestState state,
            BigDecimal declaredQuantity,
            BigDecimal currentQuantity,
            UUID receiverId,
            UUID nextPartyId,
            boolean overdue,
            boolean discrepant,
            Instant createdAt,
            Instant closedAt,
            long version) {
        static ManifestSummary of(Manifest m) {
            return new ManifestSummary(
                    m.id(),
                    m.number(),
                    m.vesselId(),
                    m.portId(),
                    m.stream(),
                    m.unit(),
                    m.state(),
                    m.declaredQuantity(),
                    m.currentQuantity(),
                    m.receiverId(),
                    m.nextPartyId(),
                    m.overdue(),
                    m.discrepant(),
                    m.createdAt(),
                    m.closedAt(),
                    m.version());
        }
    }

    /** An open discrepancy with its manifest and age. */
    public record OpenDiscrepancy(
            UUID discrepancyId,
            UUID manifestId,
            String number,
            Stream stream,
            UUID portId,
            int stepSeq,
            BigDecimal previousQuantity,
            BigDecimal newQuantity,
            BigDecimal deviationPercent,
            Instant openedAt,
            long ageDays,
            boolean escalated,
            boolean explainedByPreviousParty,
            boolean explainedByNewParty) {
        static OpenDiscrepancy of(Discrepancy d, Manifest m, Instant now) {
            return new OpenDiscrepancy(
                    d.id,
                    m.id(),
                    m.number(),
                    m.stream(),
                    m.portId(),
                    d.stepSeq,
                    d.previousQty,
                    d.newQty,
                    d.deviationPct,
                    d.openedAt,
                    java.time.Duration.between(d.openedAt, now).toDays(),
                    d.escalated,
                    d.previousExplanation != null,
                    d.newExplanation != null);
        }
    }
}
