package io.shoreloop.manifest;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.shoreloop.identity.Role;
import io.shoreloop.platform.CanonicalJson;
import io.shoreloop.platform.Sql;
import io.shoreloop.registry.Activity;
import io.shoreloop.registry.QuantityUnit;
import io.shoreloop.registry.Stream;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OrderColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The e-manifest aggregate (联单): one batch of one stream from one vessel call, followed from the ship to the
 * disposal plant. Its state changes only through the intention-revealing methods below, each of which checks the
 * current state, the signer's role and party (the party that takes the batch over, designated by the previous
 * step) and the facilities' licences, then records a signed {@link Step} with the hash of the manifest's canonical
 * content at that moment, and answers the {@link StepSigned} event for the ledger and read models.
 *
 * <pre>
 * DRAFT ─declare (crew)→ DECLARED ─receive (designated receiver)→ RECEIVED ─pickup (designated transporter)→
 * IN_TRANSFER ─pickup (next transporter)→ IN_TRANSFER ─dispose (designated plant)→ DISPOSED
 * RECEIVED ─dispose (the receiver itself, licensed to dispose)→ DISPOSED
 * DRAFT | DECLARED ─cancel (crew, reason)→ CANCELLED
 * DECLARED | RECEIVED | IN_TRANSFER ─refuse (designated party; accepted part moves on, refused part → linked manifest)
 * </pre>
 */
@Entity
@Table(name = "manifest")
public class Manifest extends PanacheEntityBase {

    static final int SCALE = 3;

    @Id
    private UUID id;

    @Column(nullable = false, unique = true)
    private String number;

    @Column(name = "call_id", nullable = false)
    private UUID callId;

    @Column(name = "vessel_id", nullable = false)
    private UUID vesselId;

    @Column(name = "port_id", nullable = false)
    private UUID portId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private Stream stream;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private QuantityUnit unit;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private ManifestState state;

    @Column(name = "receiver_id")
    private UUID receiverId;

    @Column(name = "next_party_id")
    private UUID nextPartyId;

    @Column(name = "declared_qty", nullable = false)
    private BigDecimal declaredQty;

    @Enumerated(EnumType.STRING)
    @Column(name = "declared_method", nullable = false)
    private QuantityMethod declaredMethod;

    @Column(name = "current_qty", nullable = false)
    private BigDecimal currentQty;

    @Column(name = "cargo_name")
    private String cargoName;

    @Column(name = "nls_category")
    private String nlsCategory;

    @Column(name = "garbage_category")
    private String garbageCategory;

    @Column(name = "parent_id")
    private UUID parentId;

    private String note;

    @Column(name = "cancel_reason")
    private String cancelReason;

    @Column(nullable = false)
    private boolean overdue;

    @Column(name = "overdue_since")
    private Instant overdueSince;

    @Column(name = "overdue_deadline")
    private String overdueDeadline;

    @Column(nullable = false)
    private boolean discrepant;

    @Column(name = "created_by", nullable = false)
    private UUID createdBy;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "declared_at")
    private Instant declaredAt;

    @Column(name = "received_at")
    private Instant receivedAt;

    @Column(name = "closed_at")
    private Instant closedAt;

    @Column(nullable = false)
    private int revision = 1;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Version
    private long version;

    @jakarta.persistence.Transient
    private int storedSteps;

    @jakarta.persistence.Transient
    private boolean lockedForUpdate;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "manifest_step", joinColumns = @JoinColumn(name = "manifest_id"))
    @OrderColumn(name = "seq", nullable = false)
    private List<Step> steps = new ArrayList<>();

    protected Manifest() {}

    /** What a batch is: stream, declared quantity, and for tank washing the cargo and its NLS category. */
    public record Batch(
            Stream stream,
            BigDecimal quantity,
            QuantityMethod method,
            String cargoName,
            String nlsCategory,
            String garbageCategory,
            String note) {}

    /** A quantity with how it was established. */
    public record Quantity(BigDecimal value, QuantityMethod method) {}

    /** Starts a manifest for a batch from a vessel call; only the vessel's crew may. */
    public static Manifest draft(
            UUID id,
            String number,
            UUID callId,
            UUID vesselId,
            UUID portId,
            Batch batch,
            UUID receiverId,
            UUID parentId,
            Signer signer,
            Instant now) {
        if (signer.role() != Role.CREW || !vesselId.equals(signer.partyId())) {
            throw new ManifestRules.WrongParty("Only the crew of the vessel may draft its manifests");
        }
        Manifest m = new Manifest();
        m.id = id;
        m.number = number;
        m.callId = callId;
        m.vesselId = vesselId;
        m.portId = portId;
        m.stream = batch.stream();
        m.unit = batch.stream().unit();
        m.declaredQty = positive(batch.quantity(), "quantity");
        m.declaredMethod = batch.method() == null ? QuantityMethod.DECLARED : batch.method();
        m.currentQty = m.declaredQty;
        if (batch.stream() == Stream.TANK_WASHING) {
            if (batch.cargoName() == null || batch.cargoName().isBlank()) {
                throw new ManifestRules.DetailMissing("cargoName", "Tank-washing water needs the cargo name");
            }
            if (batch.nlsCategory() == null) {
                throw new ManifestRules.DetailMissing(
                        "nlsCategory", "Tank-washing water needs the cargo's NLS category (X, Y, Z or OS)");
            }
        }
        m.cargoName = batch.cargoName();
        m.nlsCategory = batch.nlsCategory();
        if (batch.garbageCategory() != null && batch.stream() != Stream.GARBAGE) {
            throw new ManifestRules.DetailMissing("garbageCategory", "Only garbage has a garbage category");
        }
        m.garbageCategory = batch.garbageCategory();
        m.note = batch.note();
        m.receiverId = receiverId;
        m.parentId = parentId;
        m.state = ManifestState.DRAFT;
        m.createdBy = signer.userId();
        m.createdAt = truncate(now);
        m.updatedAt = m.createdAt;
        return m;
    }

    /**
     * The linked manifest for the refused part of a batch: a DRAFT of the same vessel call and stream, back with
     * the vessel, whose crew declares it to another facility. Its first step is signed by the refusing party.
     */
    public static Manifest forRefusedPart(
            Manifest original,
            UUID id,
            String number,
            BigDecimal refused,
            QuantityMethod method,
            Signer refusedBy,
            Instant now) {
        Manifest m = new Manifest();
        m.id = id;
        m.number = number;
        m.callId = original.callId;
        m.vesselId = original.vesselId;
        m.portId = original.portId;
        m.stream = original.stream;
        m.unit = original.unit;
        m.declaredQty = positive(refused, "refusedQuantity");
        m.declaredMethod = method == null ? QuantityMethod.DECLARED : method;
        m.currentQty = m.declaredQty;
        m.cargoName = original.cargoName;
        m.nlsCategory = original.nlsCategory;
        m.garbageCategory = original.garbageCategory;
        m.parentId = original.id;
        m.note = "Refused part of " + original.number;
        m.state = ManifestState.DRAFT;
        m.createdBy = refusedBy.userId();
        m.createdAt = truncate(now);
        m.updatedAt = m.createdAt;
        return m;
    }

    /**
     * Records the drafting as the first step (separate so that the caller can persist the row first), signed by whoever
     * drafted the manifest; only once, before any other step.
     */
    public StepSigned recordDraft(Signer signer) {
        if (state != ManifestState.DRAFT || !steps.isEmpty()) {
            throw new ManifestRules.IllegalTransition(ManifestAction.DRAFT, state);
        }
        if (!createdBy.equals(signer.userId())) {
            throw new ManifestRules.WrongParty("The drafting is signed by the user who drafted the manifest");
        }
        return sign(
                ManifestAction.DRAFT,
                signer,
                createdAt,
                new Quantity(declaredQty, declaredMethod),
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    /**
     * The party that refused part of a batch sends that part on to another reception facility licensed to receive the
     * stream (domain.md: the refused quantity goes "back to the ship, or to another facility"): the linked manifest,
     * just drafted by that party, is declared to the facility, which receives it as any declared batch. Not to the
     * refusing party itself, whose refusal it is.
     */
    public StepSigned sendRefusedPartOn(Signer signer, UUID to, Licences licences, Instant now) {
        require(ManifestAction.DECLARE, ManifestState.DRAFT);
        if (parentId == null || !createdBy.equals(signer.userId())) {
            throw new ManifestRules.WrongParty("Only the party that refused the batch may send its refused part on");
        }
        if (to.equals(signer.partyId())) {
            throw new io.shoreloop.platform.Problems.InvalidField(
                    "invalid-refused-to",
                    "refusedToId",
                    "Send the refused part to another facility, or leave it with the ship");
        }
        if (!licences.licensed(to, Activity.RECEIVE, stream)) {
            throw new ManifestRules.LicenceMissing("refusedToId", "The facility is not licensed to receive " + stream);
        }
        return declaredTo(to, signer, null, now);
    }

    /** The batch declared to {@code to}, signed by {@code signer}. */
    private StepSigned declaredTo(UUID to, Signer signer, String evidence, Instant now) {
        receiverId = to;
        nextPartyId = to;
        state = ManifestState.DECLARED;
        declaredAt = truncate(now);
        return sign(
                ManifestAction.DECLARE,
                signer,
                now,
                new Quantity(declaredQty, declaredMethod),
                null,
                null,
                to,
                null,
                null,
                evidence,
                null);
    }

    /** The crew declares the batch to a reception facility licensed to receive the stream. */
    public StepSigned declare(Signer signer, UUID receiver, String evidence, Licences licences, Instant now) {
        require(ManifestAction.DECLARE, ManifestState.DRAFT);
        if (signer.role() != Role.CREW || !vesselId.equals(signer.partyId())) {
            throw new ManifestRules.WrongParty("Only the crew of the vessel may declare its manifest");
        }
        UUID to = receiver != null ? receiver : receiverId;
        if (to == null) {
            throw new ManifestRules.DetailMissing("receiverId", "Name the reception facility that takes the batch");
        }
        if (!licences.licensed(to, Activity.RECEIVE, stream)) {
            throw new ManifestRules.LicenceMissing(
                    "receiverId", "The reception facility is not licensed to receive " + stream);
        }
        return declaredTo(to, signer, evidence, now);
    }

    /**
     * The designated reception facility confirms receipt with the measured quantity and names who takes the batch
     * next: a licensed transporter, or itself when it is licensed to dispose of the stream.
     */
    public StepSigned receive(
            Signer signer, Quantity measured, UUID next, String evidence, Licences licences, Instant now) {
        require(ManifestAction.RECEIVE, ManifestState.DECLARED);
        requireDesignated(signer, Role.RECEIVER);
        requireLicence(licences, signer.partyId(), Activity.RECEIVE, "The reception facility");
        requireNextAfterReceipt(next, licences);
        BigDecimal qty = positive(measured.value(), "quantity");
        requireMethod(measured);
        currentQty = qty;
        nextPartyId = next;
        state = ManifestState.RECEIVED;
        receivedAt = truncate(now);
        return sign(ManifestAction.RECEIVE, signer, now, measured, null, null, next, null, null, evidence, null);
    }

    /** The designated transporter confirms pickup with vehicle and quantity, naming the next party. */
    public StepSigned pickUp(
            Signer signer,
            Quantity quantity,
            String vehicle,
            UUID next,
            String evidence,
            Licences licences,
            Instant now) {
        require(ManifestAction.PICKUP, ManifestState.RECEIVED, ManifestState.IN_TRANSFER);
        requireDesignated(signer, Role.TRANSPORTER);
        requireLicence(licences, signer.partyId(), Activity.TRANSPORT, "The transport company");
        if (vehicle == null || vehicle.isBlank()) {
            throw new ManifestRules.DetailMissing("vehicle", "Name the vehicle plate, barge or pipeline");
        }
        requireNextAfterPickup(next, licences);
        BigDecimal qty = positive(quantity.value(), "quantity");
        requireMethod(quantity);
        currentQty = qty;
        nextPartyId = next;
        state = ManifestState.IN_TRANSFER;
        return sign(ManifestAction.PICKUP, signer, now, quantity, vehicle, null, next, null, null, evidence, null);
    }

    /** The designated disposal plant (or the receiver itself, when licensed) confirms arrival and treatment. */
    public StepSigned dispose(
            Signer signer, Quantity quantity, String treatment, String evidence, Licences licences, Instant now) {
        require(ManifestAction.DISPOSE, ManifestState.IN_TRANSFER, ManifestState.RECEIVED);
        if (state == ManifestState.RECEIVED) {
            // the direct path: only when the receiver named itself; a named transporter must pick the batch up first
            requireDesignated(signer, Role.RECEIVER, Role.DISPOSER);
            if (!signer.partyId().equals(receiverId)) {
                throw new ManifestRules.WrongParty(
                        "Only the receiving facility itself may dispose of a received batch; a named transporter"
                                + " picks it up first");
            }
        } else {
            requireDesignated(signer, Role.DISPOSER);
        }
        requireLicence(licences, signer.partyId(), Activity.DISPOSE, "The disposal plant");
        if (treatment == null || treatment.isBlank()) {
            throw new ManifestRules.DetailMissing("treatment", "Name the treatment method");
        }
        BigDecimal qty = positive(quantity.value(), "quantity");
        requireMethod(quantity);
        currentQty = qty;
        nextPartyId = null;
        state = ManifestState.DISPOSED;
        closedAt = truncate(now);
        return sign(ManifestAction.DISPOSE, signer, now, quantity, null, treatment, null, null, null, evidence, null);
    }

    /** The crew cancels a draft or a declaration that nobody has received yet, giving a reason. */
    public StepSigned cancel(Signer signer, String reason, Instant now) {
        require(ManifestAction.CANCEL, ManifestState.DRAFT, ManifestState.DECLARED);
        if (signer.role() != Role.CREW || !vesselId.equals(signer.partyId())) {
            throw new ManifestRules.WrongParty("Only the crew of the vessel may cancel its manifest");
        }
        if (steps.stream().anyMatch(st -> st.action == ManifestAction.DECLARE && st.role != Role.CREW)) {
            // a refused part the refusing facility declared to another one: the batch is no longer on board
            throw new ManifestRules.WrongParty("This refused part was sent on by the facility that refused it and is no"
                    + " longer on board: the facility it was sent to receives or refuses it");
        }
        if (reason == null || reason.isBlank()) {
            throw new ManifestRules.DetailMissing("reason", "A cancellation needs a reason");
        }
        cancelReason = reason;
        nextPartyId = null;
        state = ManifestState.CANCELLED;
        closedAt = truncate(now);
        return sign(ManifestAction.CANCEL, signer, now, null, null, null, null, reason, null, null, null);
    }

    /**
     * The designated next party refuses all or part of the batch. The accepted part moves on exactly as the
     * corresponding handover would (receipt, pickup or disposal, with the same details); the refused part goes onto a
     * new linked manifest (created by the service). Refusing everything ends this manifest as REFUSED.
     */
    public StepSigned refuse(
            Signer signer,
            Quantity accepted,
            BigDecimal refused,
            String reason,
            String vehicle,
            String treatment,
            UUID next,
            String evidence,
            Licences licences,
            Instant now) {
        require(ManifestAction.REFUSE, ManifestState.DECLARED, ManifestState.RECEIVED, ManifestState.IN_TRANSFER);
        if (reason == null || reason.isBlank()) {
            throw new ManifestRules.DetailMissing("reason", "A refusal needs a reason");
        }
        BigDecimal refusedQty = positive(refused, "refusedQuantity");
        BigDecimal acceptedQty = accepted == null || accepted.value() == null
                ? BigDecimal.ZERO.setScale(SCALE)
                : nonNegative(accepted.value(), "acceptedQuantity");
        if (acceptedQty.signum() > 0) {
            // the accepted part is a handover like any other; a batch refused whole need not have been measured
            requireMethod(accepted);
        }
        Quantity acceptedQuantity =
                new Quantity(acceptedQty, accepted == null || accepted.method() == null ? null : accepted.method());
        // the handover the refusal stands for, and so the role it is signed in: receipt when declared; from RECEIVED,
        // disposal by the receiver that named itself, otherwise pickup; in transfer, a further leg for a transporter,
        // disposal for a plant
        ManifestAction handover = switch (state) {
            case DECLARED -> ManifestAction.RECEIVE;
            case RECEIVED ->
                signer.role() != Role.TRANSPORTER && receiverId.equals(nextPartyId)
                        ? ManifestAction.DISPOSE
                        : ManifestAction.PICKUP;
            default -> signer.role() == Role.TRANSPORTER ? ManifestAction.PICKUP : ManifestAction.DISPOSE;
        };
        switch (handover) {
            case RECEIVE -> requireDesignated(signer, Role.RECEIVER);
            case PICKUP -> requireDesignated(signer, Role.TRANSPORTER);
            default -> {
                if (state == ManifestState.RECEIVED) {
                    requireDesignated(signer, Role.RECEIVER, Role.DISPOSER);
                } else {
                    requireDesignated(signer, Role.DISPOSER);
                }
            }
        }
        if (acceptedQty.signum() == 0) {
            currentQty = acceptedQty;
            nextPartyId = null;
            state = ManifestState.REFUSED;
            closedAt = truncate(now);
        } else if (handover == ManifestAction.RECEIVE) {
            requireLicence(licences, signer.partyId(), Activity.RECEIVE, "The reception facility");
            requireNextAfterReceipt(next, licences);
            currentQty = acceptedQty;
            nextPartyId = next;
            state = ManifestState.RECEIVED;
            receivedAt = truncate(now);
        } else if (handover == ManifestAction.PICKUP) {
            requireLicence(licences, signer.partyId(), Activity.TRANSPORT, "The transport company");
            if (vehicle == null || vehicle.isBlank()) {
                throw new ManifestRules.DetailMissing("vehicle", "Name the vehicle plate, barge or pipeline");
            }
            requireNextAfterPickup(next, licences);
            currentQty = acceptedQty;
            nextPartyId = next;
            state = ManifestState.IN_TRANSFER;
        } else {
            requireLicence(licences, signer.partyId(), Activity.DISPOSE, "The disposal plant");
            if (treatment == null || treatment.isBlank()) {
                throw new ManifestRules.DetailMissing("treatment", "Name the treatment method");
            }
            currentQty = acceptedQty;
            nextPartyId = null;
            state = ManifestState.DISPOSED;
            closedAt = truncate(now);
        }
        return sign(
                ManifestAction.REFUSE,
                signer,
                now,
                acceptedQuantity,
                vehicle,
                treatment,
                next,
                reason,
                refusedQty,
                evidence,
                null);
    }

    /**
     * Applies an approved correction to a closed manifest: a new revision whose CORRECT step records the corrected
     * quantity of step {@code stepSeq}; the earlier steps stay as they were signed. When the corrected step is the
     * last handover, the manifest's current quantity follows it.
     */
    public StepSigned applyCorrection(Signer signer, int stepSeq, Quantity corrected, String reason, Instant now) {
        require(ManifestAction.CORRECT, ManifestState.DISPOSED);
        Step target = correctable(stepSeq);
        BigDecimal value = positive(corrected.value(), "quantity");
        if (reason == null || reason.isBlank()) {
            throw new ManifestRules.DetailMissing("reason", "A correction needs a reason");
        }
        revision++;
        if (target == lastHandover()) {
            currentQty = value;
        }
        return sign(
                ManifestAction.CORRECT,
                signer,
                now,
                new Quantity(value, corrected.method() == null ? target.method : corrected.method()),
                null,
                null,
                null,
                reason,
                null,
                null,
                stepSeq);
    }

    /** The step a correction may target: an existing step that recorded a quantity (not itself a correction). */
    public Step correctable(int stepSeq) {
        if (state != ManifestState.DISPOSED) {
            throw new ManifestRules.IllegalTransition(ManifestAction.CORRECT, state);
        }
        if (stepSeq < 0
                || stepSeq >= steps.size()
                || steps.get(stepSeq).quantity == null
                || steps.get(stepSeq).action == ManifestAction.CORRECT) {
            throw new ManifestRules.DetailMissing("stepSeq", "Step " + stepSeq + " has no quantity to correct");
        }
        return steps.get(stepSeq);
    }

    /**
     * The parties whose signed quantities a correction of step {@code stepSeq} touches: the signer of that step and
     * of the quantity steps just before and after it (their reconciliation changes).
     */
    public java.util.Set<UUID> partiesAffectedBy(int stepSeq) {
        correctable(stepSeq);
        java.util.Set<UUID> parties = new java.util.LinkedHashSet<>();
        for (int i = stepSeq - 1; i >= 0; i--) {
            if (steps.get(i).quantity != null && steps.get(i).action != ManifestAction.CORRECT) {
                add(parties, steps.get(i).partyId);
                break;
            }
        }
        add(parties, steps.get(stepSeq).partyId);
        for (int i = stepSeq + 1; i < steps.size(); i++) {
            if (steps.get(i).quantity != null && steps.get(i).action != ManifestAction.CORRECT) {
                add(parties, steps.get(i).partyId);
                break;
            }
        }
        return parties;
    }

    private static void add(java.util.Set<UUID> set, UUID party) {
        if (party != null) {
            set.add(party);
        }
    }

    public int revision() {
        return revision;
    }

    /**
     * Marks the manifest overdue: {@code deadline} (RECEIPT, PICKUP or DISPOSAL) passed at {@code since} while it
     * was still waiting. The mark stays (a missed deadline is a fact), the manifest moves on as usual.
     */
    public boolean markOverdue(String deadline, Instant since) {
        if (overdue || state.isFinal()) {
            return false;
        }
        overdue = true;
        overdueSince = truncate(since);
        overdueDeadline = deadline;
        return true;
    }

    public String overdueDeadline() {
        return overdueDeadline;
    }

    void markDiscrepant() {
        discrepant = true;
    }

    // ------------------------------------------------------------------------------------------------- rules

    private void require(ManifestAction action, ManifestState... allowed) {
        for (ManifestState s : allowed) {
            if (state == s) {
                return;
            }
        }
        throw new ManifestRules.IllegalTransition(action, state);
    }

    private void requireDesignated(Signer signer, Role... roles) {
        boolean roleOk = false;
        for (Role r : roles) {
            roleOk |= signer.role() == r;
        }
        if (!roleOk || nextPartyId == null || !nextPartyId.equals(signer.partyId())) {
            throw new ManifestRules.WrongParty(
                    "This step must be signed by the party that takes the batch over (the one designated by the"
                            + " previous step)");
        }
    }

    private void requireLicence(Licences book, UUID facility, Activity activity, String who) {
        if (!book.licensed(facility, activity, stream)) {
            throw new ManifestRules.LicenceMissing(
                    null, who + " is not licensed to " + activity.name().toLowerCase() + " " + stream);
        }
    }

    private void requireNextAfterReceipt(UUID next, Licences book) {
        if (next == null) {
            throw new ManifestRules.DetailMissing(
                    "nextPartyId", "Name the transporter that picks the batch up (or yourself, to dispose of it)");
        }
        boolean direct = next.equals(receiverId) && book.licensed(next, Activity.DISPOSE, stream);
        if (!direct && !book.licensed(next, Activity.TRANSPORT, stream)) {
            throw new ManifestRules.LicenceMissing(
                    "nextPartyId",
                    "The next party must be a transporter licensed for " + stream
                            + ", or the receiver itself when it is licensed to dispose of it");
        }
    }

    private void requireNextAfterPickup(UUID next, Licences book) {
        if (next == null) {
            throw new ManifestRules.DetailMissing(
                    "nextPartyId", "Name the disposal plant (or the next transporter) the batch goes to");
        }
        if (!book.licensed(next, Activity.DISPOSE, stream) && !book.licensed(next, Activity.TRANSPORT, stream)) {
            throw new ManifestRules.LicenceMissing(
                    "nextPartyId", "The destination is not licensed to dispose of or transport " + stream);
        }
    }

    /**
     * A corrected quantity as a proposal must give it: more than 0, at most three decimals, below 100,000,000 (checked
     * when proposed, so that nothing is stored rounded or waits for an approval that cannot apply it).
     */
    static BigDecimal correctedQuantity(BigDecimal value) {
        return positive(value, "quantity");
    }

    private static BigDecimal positive(BigDecimal value, String field) {
        if (value == null || value.signum() <= 0) {
            throw new ManifestRules.QuantityInvalid(field, field + " must be more than 0");
        }
        return scaled(value, field);
    }

    /**
     * A handover's quantity says how it was found (domain.md: "Quantities always carry a unit and a method"): a step
     * without it is refused before anything changes.
     */
    private static void requireMethod(Quantity quantity) {
        if (quantity.method() == null) {
            throw new ManifestRules.QuantityInvalid(
                    "method", "Say how the quantity was found: METERED, WEIGHED, GAUGED or DECLARED");
        }
    }

    private static BigDecimal nonNegative(BigDecimal value, String field) {
        if (value.signum() < 0) {
            throw new ManifestRules.QuantityInvalid(field, field + " must not be negative");
        }
        return scaled(value, field);
    }

    private static BigDecimal scaled(BigDecimal value, String field) {
        if (value.stripTrailingZeros().scale() > SCALE) {
            throw new ManifestRules.QuantityInvalid(field, field + " has more than " + SCALE + " decimals");
        }
        if (value.compareTo(new BigDecimal("100000000")) >= 0) {
            throw new ManifestRules.QuantityInvalid(field, field + " is implausibly large");
        }
        return value.setScale(SCALE, RoundingMode.UNNECESSARY);
    }

    private static Instant truncate(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }

    private StepSigned sign(
            ManifestAction action,
            Signer signer,
            Instant now,
            Quantity quantity,
            String vehicle,
            String treatment,
            UUID next,
            String reason,
            BigDecimal refused,
            String evidence,
            Integer correctsSeq) {
        Step previousHandover = lastHandover();
        BigDecimal previous = previousHandover == null ? null : previousHandover.quantity;
        UUID previousParty = previousHandover == null ? null : previousHandover.partyId;
        Step step = new Step();
        step.action = action;
        step.userId = signer.userId();
        step.partyId = signer.partyId();
        step.role = signer.role();
        step.at = truncate(now);
        step.quantity = quantity == null
                ? null
                : quantity.value() == null ? null : quantity.value().setScale(SCALE);
        step.method = quantity == null ? null : quantity.method();
        step.vehicle = vehicle;
        step.treatment = treatment;
        step.nextPartyId = next;
        step.reason = reason;
        step.refusedQty = refused;
        step.evidence = evidence;
        step.correctsSeq = correctsSeq;
        step.partyName = signer.nameOf(signer.partyId());
        step.userName = signer.userName();
        step.nextPartyName = signer.nameOf(next);
        steps.add(step);
        updatedAt = step.at;
        step.contentHash = CanonicalJson.sha256(CanonicalJson.write(content()));
        BigDecimal observed =
                step.quantity == null ? null : refused == null ? step.quantity : step.quantity.add(refused);
        return new StepSigned(id, steps.size() - 1, action, step, previous, previousParty, observed);
    }

    /** The last step that recorded a quantity (what the new party should have found), if any. */
    private Step lastHandover() {
        for (int i = steps.size() - 1; i >= 0; i--) {
            Step s = steps.get(i);
            if (s.quantity != null && s.action != ManifestAction.CANCEL && s.action != ManifestAction.CORRECT) {
                return s;
            }
        }
        return null;
    }

    /** The manifest's canonical content (RFC 8785 input): everything signed, nothing derived. */
    public Map<String, Object> content() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", id.toString());
        c.put("number", number);
        c.put("callId", callId.toString());
        c.put("vesselId", vesselId.toString());
        c.put("portId", portId.toString());
        c.put("stream", stream.name());
        c.put("unit", unit.name());
        c.put("state", state.name());
        c.put("receiverId", str(receiverId));
        c.put("nextPartyId", str(nextPartyId));
        c.put("declaredQuantity", declaredQty.setScale(SCALE).toPlainString());
        c.put("declaredMethod", declaredMethod.name());
        c.put("currentQuantity", currentQty.setScale(SCALE).toPlainString());
        c.put("cargoName", cargoName);
        c.put("nlsCategory", nlsCategory);
        c.put("garbageCategory", garbageCategory);
        c.put("parentId", str(parentId));
        c.put("note", note);
        c.put("cancelReason", cancelReason);
        c.put("revision", revision);
        List<Object> signed = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            signed.add(steps.get(i).content(i));
        }
        c.put("steps", signed);
        return c;
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    // ------------------------------------------------------------------------ stored form (see ManifestStore)

    /** The manifest table's columns, in the order of {@link #values()} and {@link #restore}. */
    static final String COLUMNS = "id, number, call_id, vessel_id, port_id, stream, unit, state, receiver_id,"
            + " next_party_id, declared_qty, declared_method, current_qty, cargo_name, nls_category, garbage_category,"
            + " parent_id, note, cancel_reason, overdue, overdue_since, overdue_deadline, discrepant, created_by,"
            + " created_at, declared_at, received_at, closed_at, revision, updated_at, version";

    /** The number of {@link #COLUMNS}. */
    static final int COLUMN_COUNT = 31;

    /** The values of {@link #COLUMNS}, for {@link io.shoreloop.platform.Sql}. */
    Object[] values() {
        return new Object[] {
            id,
            number,
            callId,
            vesselId,
            portId,
            stream,
            unit,
            state,
            receiverId,
            nextPartyId,
            declaredQty,
            declaredMethod,
            currentQty,
            cargoName,
            nlsCategory,
            garbageCategory,
            parentId,
            note,
            cancelReason,
            overdue,
            overdueSince,
            overdueDeadline,
            discrepant,
            createdBy,
            createdAt,
            declaredAt,
            receivedAt,
            closedAt,
            revision,
            updatedAt,
            version
        };
    }

    /** A manifest from the {@link #COLUMNS} of the current row (starting at column 1) and its steps in order. */
    static Manifest restore(java.sql.ResultSet rs, List<Step> steps) throws java.sql.SQLException {
        Manifest m = new Manifest();
        m.id = Sql.uuid(rs, 1);
        m.number = rs.getString(2);
        m.callId = Sql.uuid(rs, 3);
        m.vesselId = Sql.uuid(rs, 4);
        m.portId = Sql.uuid(rs, 5);
        m.stream = Sql.enumOf(rs, 6, Stream.class);
        m.unit = Sql.enumOf(rs, 7, QuantityUnit.class);
        m.state = Sql.enumOf(rs, 8, ManifestState.class);
        m.receiverId = Sql.uuid(rs, 9);
        m.nextPartyId = Sql.uuid(rs, 10);
        m.declaredQty = rs.getBigDecimal(11);
        m.declaredMethod = Sql.enumOf(rs, 12, QuantityMethod.class);
        m.currentQty = rs.getBigDecimal(13);
        m.cargoName = rs.getString(14);
        m.nlsCategory = rs.getString(15);
        m.garbageCategory = rs.getString(16);
        m.parentId = Sql.uuid(rs, 17);
        m.note = rs.getString(18);
        m.cancelReason = rs.getString(19);
        m.overdue = rs.getBoolean(20);
        m.overdueSince = Sql.instant(rs, 21);
        m.overdueDeadline = rs.getString(22);
        m.discrepant = rs.getBoolean(23);
        m.createdBy = Sql.uuid(rs, 24);
        m.createdAt = Sql.instant(rs, 25);
        m.declaredAt = Sql.instant(rs, 26);
        m.receivedAt = Sql.instant(rs, 27);
        m.closedAt = Sql.instant(rs, 28);
        m.revision = rs.getInt(29);
        m.updatedAt = Sql.instant(rs, 30);
        m.version = rs.getLong(31);
        m.steps = steps;
        return m;
    }

    /** Whether {@link ManifestStore} loaded the manifest with its row locked for this transaction. */
    boolean lockedForUpdate() {
        return lockedForUpdate;
    }

    void lockedForUpdate(boolean locked) {
        lockedForUpdate = locked;
    }

    /** How many of the steps are stored; those after them were signed since the manifest was loaded or drafted. */
    int storedSteps() {
        return storedSteps;
    }

    /** Records that the stored row has this version and holds every step signed so far ({@link ManifestStore}). */
    void stored(long newVersion) {
        version = newVersion;
        storedSteps = steps.size();
    }

    // ----------------------------------------------------------------------------------------------- reading

    public UUID id() {
        return id;
    }

    public String number() {
        return number;
    }

    public UUID callId() {
        return callId;
    }

    public UUID vesselId() {
        return vesselId;
    }

    public UUID portId() {
        return portId;
    }

    public Stream stream() {
        return stream;
    }

    public QuantityUnit unit() {
        return unit;
    }

    public ManifestState state() {
        return state;
    }

    public UUID receiverId() {
        return receiverId;
    }

    public UUID nextPartyId() {
        return nextPartyId;
    }

    public BigDecimal declaredQuantity() {
        return declaredQty;
    }

    public QuantityMethod declaredMethod() {
        return declaredMethod;
    }

    public BigDecimal currentQuantity() {
        return currentQty;
    }

    public String cargoName() {
        return cargoName;
    }

    public String nlsCategory() {
        return nlsCategory;
    }

    public String garbageCategory() {
        return garbageCategory;
    }

    public UUID parentId() {
        return parentId;
    }

    public String note() {
        return note;
    }

    public String cancelReason() {
        return cancelReason;
    }

    public boolean overdue() {
        return overdue;
    }

    public Instant overdueSince() {
        return overdueSince;
    }

    public boolean discrepant() {
        return discrepant;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant declaredAt() {
        return declaredAt;
    }

    public Instant receivedAt() {
        return receivedAt;
    }

    public Instant closedAt() {
        return closedAt;
    }

    public long version() {
        return version;
    }

    public List<Step> steps() {
        return Collections.unmodifiableList(steps);
    }

    public Optional<Step> lastStep() {
        return steps.isEmpty() ? Optional.empty() : Optional.of(steps.get(steps.size() - 1));
    }

    /** Every party that ever signed a step of this manifest. */
    public boolean signedBy(UUID party) {
        return party != null && steps.stream().anyMatch(s -> party.equals(s.partyId));
    }
}
