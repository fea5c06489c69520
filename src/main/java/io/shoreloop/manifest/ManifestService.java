package io.shoreloop.manifest;

import io.shoreloop.calls.CallService;
import io.shoreloop.calls.VesselCall;
import io.shoreloop.identity.AccessPolicy;
import io.shoreloop.identity.Action;
import io.shoreloop.identity.Actor;
import io.shoreloop.identity.Guard;
import io.shoreloop.identity.Guarded;
import io.shoreloop.identity.Role;
import io.shoreloop.platform.Paging;
import io.shoreloop.platform.Problems;
import io.shoreloop.platform.ShoreloopConfig;
import io.shoreloop.platform.Versions;
import io.shoreloop.platform.Where;
import io.shoreloop.registry.FacilityService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Manifests: drafting, the signed steps, reconciliation and the linked manifests of refusals. The rules of each
 * step live in {@link Manifest}; this service finds the objects, checks that the actor may see the manifest at all
 * (404 otherwise), hands the aggregate the signer and the licence book, records discrepancies and fires
 * {@link StepSigned} for the ledger.
 */
@ApplicationScoped
@Transactional
public class ManifestService {

    private final Guard guard;
    private final CallService calls;
    private final FacilityService facilities;
    private final Event<StepSigned> signed;
    private final EntityManager em;
    private final ShoreloopConfig config;
    private final Clock clock;

    public ManifestService(
            Guard guard,
            CallService calls,
            FacilityService facilities,
            Event<StepSigned> signed,
            EntityManager em,
            ShoreloopConfig config,
            Clock clock) {
        this.guard = guard;
        this.calls = calls;
        this.facilities = facilities;
        this.signed = signed;
        this.em = em;
        this.config = config;
        this.clock = clock;
    }

    /** Licences as the registry knows them (inactive facilities hold none). */
    Licences licences() {
        return (facility, activity, stream) -> facility != null
                && facilities
                        .find(facility)
                        .filter(f -> f.active)
                        .map(f -> f.licensedFor(activity, stream))
                        .orElse(false);
    }

    public ManifestViews.ManifestView create(Actor actor, ManifestViews.DraftInput input) {
        VesselCall call = calls.find(input.callId()).filter(c -> c.active).orElse(null);
        if (call == null
                || !AccessPolicy.permits(actor, Action.READ, new Guarded.CallRef(call.vesselId, call.portId))) {
            throw new Problems.UnknownReference("callId", "vessel call");
        }
        if (input.receiverId() != null && facilities.find(input.receiverId()).isEmpty()) {
            throw new Problems.UnknownReference("receiverId", "facility");
        }
        Manifest manifest = Manifest.draft(
                UUID.randomUUID(),
                nextNumber(),
                call.id,
                call.vesselId,
                call.portId,
                new Manifest.Batch(
                        input.stream(),
                        input.quantity(),
                        input.method(),
                        input.cargoName(),
                        input.nlsCategory() == null ? null : input.nlsCategory().name(),
                        input.garbageCategory(),
                        input.note()),
                input.receiverId(),
                null,
                signer(actor),
                clock.instant());
        manifest.persist();
        publish(manifest, manifest.recordDraft(signer(actor)));
        return view(manifest);
    }

    public ManifestViews.ManifestView declare(
            Actor actor, UUID id, Long expectedVersion, ManifestViews.DeclareInput in) {
        Manifest m = load(actor, id, expectedVersion);
        if (in.receiverId() != null && facilities.find(in.receiverId()).isEmpty()) {
            throw new Problems.UnknownReference("receiverId", "facility");
        }
        publish(m, m.declare(signer(actor), in.receiverId(), in.evidence(), licences(), clock.instant()));
        return view(m);
    }

    public ManifestViews.ManifestView receive(
            Actor actor, UUID id, Long expectedVersion, ManifestViews.HandoverInput in) {
        Manifest m = load(actor, id, expectedVersion);
        publish(
                m,
                m.receive(signer(actor), quantity(in), in.nextPartyId(), in.evidence(), licences(), clock.instant()));
        return view(m);
    }

    public ManifestViews.ManifestView pickUp(
            Actor actor, UUID id, Long expectedVersion, ManifestViews.HandoverInput in) {
        Manifest m = load(actor, id, expectedVersion);
        publish(
                m,
                m.pickUp(
                        signer(actor),
                        quantity(in),
                        in.vehicle(),
                        in.nextPartyId(),
                        in.evidence(),
                        licences(),
                        clock.instant()));
        return view(m);
    }

    public ManifestViews.ManifestView dispose(
            Actor actor, UUID id, Long expectedVersion, ManifestViews.HandoverInput in) {
        Manifest m = load(actor, id, expectedVersion);
        publish(m, m.dispose(signer(actor), quantity(in), in.treatment(), in.evidence(), licences(), clock.instant()));
        return view(m);
    }

    public ManifestViews.ManifestView cancel(Actor actor, UUID id, Long expectedVersion, ManifestViews.CancelInput in) {
        Manifest m = load(actor, id, expectedVersion);
        publish(m, m.cancel(signer(actor), in.reason(), clock.instant()));
        return view(m);
    }

    /** Refuses all or part of the batch; the refused part goes onto a new linked manifest, back with the vessel. */
    public ManifestViews.ManifestView refuse(Actor actor, UUID id, Long expectedVersion, ManifestViews.RefuseInput in) {
        Manifest m = load(actor, id, expectedVersion);
        Instant now = clock.instant();
        StepSigned step = m.refuse(
                signer(actor),
                new Manifest.Quantity(in.acceptedQuantity(), in.method()),
                in.refusedQuantity(),
                in.reason(),
                in.vehicle(),
                in.treatment(),
                in.nextPartyId(),
                in.evidence(),
                licences(),
                now);
        publish(m, step);
        Manifest linked = Manifest.forRefusedPart(
                m, UUID.randomUUID(), nextNumber(), in.refusedQuantity(), in.method(), signer(actor), now);
        linked.persist();
        publish(linked, linked.recordDraft(signer(actor)));
        return view(m);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public ManifestViews.ManifestView get(Actor actor, UUID id) {
        return view(load(actor, id, null));
    }

    /** Checks that the actor may see the manifest (404 otherwise); for features that show what belongs to it. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public void requireVisible(Actor actor, UUID id) {
        load(actor, id, null);
    }

    /** Loads a manifest the actor may see (404 otherwise) and checks If-Match when one was sent. */
    Manifest load(Actor actor, UUID id, Long expectedVersion) {
        Manifest m = Manifest.findById(id);
        if (m == null) {
            throw new Problems.NotFound("Manifest " + id);
        }
        guard.require(actor, Action.READ, guarded(m), "Manifest " + id);
        if (expectedVersion != null) {
            Versions.check(m.version(), expectedVersion);
        }
        return m;
    }

    /** The access-policy view of a manifest. */
    public static Guarded.ManifestRef guarded(Manifest m) {
        Set<UUID> involved = new HashSet<>();
        if (m.receiverId() != null) {
            involved.add(m.receiverId());
        }
        if (m.nextPartyId() != null) {
            involved.add(m.nextPartyId());
        }
        m.steps().forEach(s -> {
            if (s.partyId() != null && s.role() != Role.CREW) {
                involved.add(s.partyId());
            }
        });
        return new Guarded.ManifestRef(m.vesselId(), m.portId(), involved);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Paging.Page<ManifestViews.ManifestSummary> list(
            Actor actor, ManifestViews.ManifestFilter filter, Paging.Request page) {
        AccessPolicy.ListScope scope = AccessPolicy.scope(actor, AccessPolicy.Listing.MANIFESTS);
        if (scope.isNone()) {
            return new Paging.Page<>(List.of(), page.page(), page.size(), 0);
        }
        Where where = new Where()
                .and("m.state = :state", "state", filter.state())
                .and("m.stream = :stream", "stream", filter.stream())
                .and("m.vesselId = :vessel", "vessel", filter.vesselId())
                .and("m.portId = :port", "port", filter.portId())
                .and("m.callId = :call", "call", filter.callId())
                .and("m.overdue = :overdue", "overdue", filter.overdue())
                .and("m.discrepant = :discrepant", "discrepant", filter.discrepant())
                .and("m.createdAt >= :from", "from", filter.from())
                .and("m.createdAt < :to", "to", filter.to())
                .and(
                        "(m.receiverId = :facility or m.nextPartyId = :facility or exists (select 1 from Manifest m2"
                                + " join m2.steps s where m2 = m and s.partyId = :facility))",
                        "facility",
                        filter.facilityId());
        if (!scope.all()) {
            if (scope.vesselId() != null) {
                where.always("m.vesselId = :own", "own", scope.vesselId());
            } else if (scope.involvedParty() != null) {
                where.always(
                        "(m.receiverId = :party or m.nextPartyId = :party or exists (select 1 from Manifest m3 join"
                                + " m3.steps s3 where m3 = m and s3.partyId = :party))",
                        "party",
                        scope.involvedParty());
            } else {
                where.always("m.portId in :ports", "ports", scope.portIds());
            }
        }
        var query = Manifest.<Manifest>find(
                "from Manifest m where " + where.hql() + " order by m.createdAt desc, m.id", where.params());
        long total = query.count();
        var items = query.page(page.page(), page.size()).list();
        return new Paging.Page<>(
                items.stream().map(ManifestViews.ManifestSummary::of).toList(), page.page(), page.size(), total);
    }

    private void publish(Manifest m, StepSigned step) {
        reconcile(m, step);
        em.flush();
        signed.fire(step);
    }

    /** Opens a discrepancy when this step's quantity deviates from the previous stage beyond the tolerance. */
    private void reconcile(Manifest m, StepSigned step) {
        BigDecimal previous = step.previousQuantity();
        BigDecimal observed = step.observedQuantity();
        if (previous == null || observed == null || previous.signum() == 0 || step.action() == ManifestAction.DECLARE) {
            return;
        }
        BigDecimal deviation = observed.subtract(previous)
                .abs()
                .multiply(BigDecimal.valueOf(100))
                .divide(previous, 2, RoundingMode.HALF_UP);
        if (deviation.compareTo(config.manifest().tolerancePercent()) > 0) {
            Discrepancy d = new Discrepancy();
            d.id = UUID.randomUUID();
            d.manifestId = m.id();
            d.stepSeq = step.seq();
            d.previousQty = previous;
            d.newQty = observed;
            d.deviationPct = deviation;
            d.openedAt = step.step().at();
            d.persist();
            m.markDiscrepant();
        }
    }

    private String nextNumber() {
        Number n = (Number)
                em.createNativeQuery("select nextval('manifest_number_seq')").getSingleResult();
        return "SL-" + clock.instant().atZone(ZoneOffset.UTC).getYear() + "-" + String.format("%07d", n.longValue());
    }

    private static Signer signer(Actor actor) {
        return new Signer(actor.userId(), actor.partyId(), actor.role());
    }

    private static Manifest.Quantity quantity(ManifestViews.HandoverInput in) {
        return new Manifest.Quantity(in.quantity(), in.method());
    }

    ManifestViews.ManifestView view(Manifest m) {
        return ManifestViews.ManifestView.of(m, Discrepancy.of(m.id()));
    }
}
