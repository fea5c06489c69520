package io.shoreloop.calls;

import io.shoreloop.identity.AccessPolicy;
import io.shoreloop.identity.Action;
import io.shoreloop.identity.Actor;
import io.shoreloop.identity.Guard;
import io.shoreloop.identity.Guarded;
import io.shoreloop.platform.DomainException;
import io.shoreloop.platform.Ids;
import io.shoreloop.platform.Paging;
import io.shoreloop.platform.ProblemKind;
import io.shoreloop.platform.Problems;
import io.shoreloop.platform.Sql;
import io.shoreloop.platform.Versions;
import io.shoreloop.platform.Where;
import io.shoreloop.registry.Berth;
import io.shoreloop.registry.BerthService;
import io.shoreloop.registry.Vessel;
import io.shoreloop.registry.VesselService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Vessel calls: registered and updated by the operator of the berth's port (port systems post them), visible to
 * the vessel's crew, that operator and the bureaus covering the port. The crew or the operator may claim a
 * shore-power exemption. A berth holds one vessel at a time and a vessel is at one berth at a time.
 */
@ApplicationScoped
@Transactional
public class CallService {

    /** A cargo discharged during the call. */
    public record CargoInput(
            @NotBlank @Size(max = 200) String name,
            VesselCall.NlsCategory nlsCategory,

            @DecimalMin("0") @DecimalMax("10000000") @Digits(integer = 8, fraction = 3)
            BigDecimal quantityT,

            boolean solidifyingOrHighViscosity) {}

    /** What a client sends to register or update a call. */
    public record CallInput(
            @NotNull UUID vesselId,
            @NotNull UUID berthId,
            @NotNull Instant arrival,
            Instant departure,
            @Min(0) @Max(10000) Integer crewOnBoard,
            List<@Valid CargoInput> cargo) {}

    /** A shore-power exemption claim. */
    public record ExemptionInput(
            @NotNull VesselCall.ExemptionReason reason,
            @NotBlank @Size(max = 2000) String note,
            @Size(max = 2000) String evidence) {}

    /** The exemption as answered. */
    public record Exemption(VesselCall.ExemptionReason reason, String note, String evidence) {}

    /** A call as answered. */
    public record CallView(
            UUID id,
            UUID vesselId,
            UUID berthId,
            UUID portId,
            Instant arrival,
            Instant departure,
            Long stayMinutes,
            Integer crewOnBoard,
            List<CargoInput> cargo,
            Exemption exemption,
            boolean active,
            long version) {
        static CallView of(VesselCall c) {
            return new CallView(
                    c.id,
                    c.vesselId,
                    c.berthId,
                    c.portId,
                    c.arrival,
                    c.departure,
                    c.departure == null
                            ? null
                            : Duration.between(c.arrival, c.departure).toMinutes(),
                    c.crewOnBoard,
                    c.cargo.stream()
                            .map(x -> new CargoInput(x.name, x.nlsCategory, x.quantityT, x.solidifyingOrHighViscosity))
                            .toList(),
                    c.exemptionReason == null
                            ? null
                            : new Exemption(c.exemptionReason, c.exemptionNote, c.exemptionEvidence),
                    c.active,
                    c.version);
        }
    }

    /** List filters. */
    public record CallFilter(
            UUID vesselId,
            UUID berthId,
            UUID portId,
            Instant from,
            Instant to,
            Boolean open,
            Boolean includeInactive) {}

    /** Another call occupies the berth, or the vessel is elsewhere, during this stay. */
    public static final class CallsOverlap extends DomainException {
        CallsOverlap(String field, String message) {
            super(ProblemKind.CONFLICT, "overlapping-call", message, field);
        }
    }

    private final Guard guard;
    private final VesselService vessels;
    private final BerthService berths;
    private final EntityManager em;
    private final Sql sql;
    private final Clock clock;
    private final jakarta.enterprise.event.Event<CallChanged> changed;

    public CallService(
            Guard guard,
            VesselService vessels,
            BerthService berths,
            EntityManager em,
            Sql sql,
            Clock clock,
            jakarta.enterprise.event.Event<CallChanged> changed) {
        this.changed = changed;
        this.sql = sql;
        this.guard = guard;
        this.vessels = vessels;
        this.berths = berths;
        this.em = em;
        this.clock = clock;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Paging.Page<CallView> list(Actor actor, CallFilter filter, Paging.Request page) {
        AccessPolicy.ListScope scope = AccessPolicy.scope(actor, AccessPolicy.Listing.CALLS);
        if (scope.isNone()) {
            return new Paging.Page<>(List.of(), page.page(), page.size(), 0);
        }
        Where where = new Where()
                .and("vesselId = :vessel", "vessel", filter.vesselId())
                .and("berthId = :berth", "berth", filter.berthId())
                .and("portId = :port", "port", filter.portId())
                .and("(departure is null or departure > :from)", "from", filter.from())
                .and("arrival < :to", "to", filter.to());
        if (Boolean.TRUE.equals(filter.open())) {
            where.and("departure is null");
        } else if (Boolean.FALSE.equals(filter.open())) {
            where.and("departure is not null");
        }
        if (!Boolean.TRUE.equals(filter.includeInactive())) {
            where.and("active = true");
        }
        if (!scope.all()) {
            if (scope.vesselId() != null) {
                where.always("vesselId = :own", "own", scope.vesselId());
            } else {
                where.always("portId in :ports", "ports", scope.portIds());
            }
        }
        return Paging.of(
                VesselCall.<VesselCall>find(where.hql() + " order by arrival desc, id", where.params()),
                page,
                CallView::of);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public CallView get(Actor actor, UUID id) {
        return CallView.of(load(actor, id, Action.READ));
    }

    /** The call by id, for other features (no access check). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public java.util.Optional<VesselCall> find(UUID id) {
        return java.util.Optional.ofNullable(VesselCall.findById(id));
    }

    /** Who a call belongs to, for features that only need to know that (one indexed lookup, no entity). */
    public record CallRef(UUID id, UUID vesselId, UUID portId, boolean active) {}

    /** The call's {@link CallRef}, if the call exists, as a query of {@code round} (no access check). */
    public Sql.Round.Result<java.util.Optional<CallRef>> ref(Sql.Round round, UUID id) {
        return round.add(
                "select id, vessel_id, port_id, active from vessel_call where id = ?",
                rs -> rs.next()
                        ? java.util.Optional.of(
                                new CallRef(Sql.uuid(rs, 1), Sql.uuid(rs, 2), Sql.uuid(rs, 3), rs.getBoolean(4)))
                        : java.util.Optional.empty(),
                id);
    }

    public CallView create(Actor actor, CallInput input) {
        Berth berth = lockedBerth(input.berthId());
        guard.require(actor, Action.CREATE, new Guarded.CallRef(input.vesselId(), berth.portId), "Call");
        activeVessel(input.vesselId());
        validate(input, null);
        VesselCall call = new VesselCall();
        call.id = Ids.timeOrdered();
        apply(call, input, berth);
        call.persistAndFlush();
        changed.fire(new CallChanged(call.id));
        vessels.notePresence(call.vesselId, call.portId);
        return CallView.of(call);
    }

    public CallView update(Actor actor, UUID id, long expectedVersion, CallInput input) {
        VesselCall call = load(actor, id, Action.UPDATE);
        Versions.check(call.version, expectedVersion);
        if (!call.vesselId.equals(input.vesselId())) {
            throw new Problems.InvalidField(
                    "immutable-field", "vesselId", "A call cannot change vessel; deactivate it and register another");
        }
        Berth berth = lockedBerth(input.berthId());
        if (!guard.permits(actor, Action.UPDATE, new Guarded.CallRef(call.vesselId, berth.portId))) {
            throw new Problems.ActionForbidden("You may not move a call to a berth of a port you do not operate");
        }
        if (!berth.portId.equals(call.portId) && hasManifests(call.id)) {
            throw new CallHasManifests();
        }
        validate(input, call.id);
        apply(call, input, berth);
        call.persistAndFlush();
        changed.fire(new CallChanged(call.id));
        vessels.recomputePresence(call.vesselId);
        return CallView.of(call);
    }

    public CallView claimExemption(Actor actor, UUID id, long expectedVersion, ExemptionInput input) {
        VesselCall call = load(actor, id, Action.CLAIM_EXEMPTION);
        Versions.check(call.version, expectedVersion);
        call.exemptionReason = input.reason();
        call.exemptionNote = input.note();
        call.exemptionEvidence = input.evidence();
        call.updatedAt = clock.instant();
        call.persistAndFlush();
        changed.fire(new CallChanged(call.id));
        return CallView.of(call);
    }

    public CallView deactivate(Actor actor, UUID id, long expectedVersion) {
        VesselCall call = load(actor, id, Action.DEACTIVATE);
        Versions.check(call.version, expectedVersion);
        call.active = false;
        call.updatedAt = clock.instant();
        call.persistAndFlush();
        changed.fire(new CallChanged(call.id));
        vessels.recomputePresence(call.vesselId);
        return CallView.of(call);
    }

    /**
     * Whether manifests were drafted on the call. They keep the port of the call they were signed at (their signed
     * content names it, and it decides who reads them: the port's operator and the bureaus covering it), so a call
     * with manifests may move between berths of its port but not to another port.
     */
    private boolean hasManifests(UUID callId) {
        return !em.createNativeQuery("select 1 from manifest where call_id = ?1 limit 1")
                .setParameter(1, callId)
                .getResultList()
                .isEmpty();
    }

    /** A call with manifests moved to a berth of another port. */
    public static final class CallHasManifests extends io.shoreloop.platform.DomainException {
        CallHasManifests() {
            super(
                    io.shoreloop.platform.ProblemKind.CONFLICT,
                    "call-has-manifests",
                    "Manifests were signed for this call at its port: it may move to another berth of that port, not"
                            + " to another port. Deactivate it and register the call at the right port",
                    "berthId");
        }
    }

    private VesselCall load(Actor actor, UUID id, Action action) {
        VesselCall call = VesselCall.findById(id);
        if (call == null) {
            throw new Problems.NotFound("Call " + id);
        }
        guard.require(actor, action, new Guarded.CallRef(call.vesselId, call.portId), "Call " + id);
        return call;
    }

    /** Locks the berth row so that concurrent registrations at one berth are checked for overlap one at a time. */
    private Berth lockedBerth(UUID berthId) {
        Berth berth = berths.find(berthId).filter(b -> b.active).orElse(null);
        if (berth == null) {
            throw new Problems.UnknownReference("berthId", "berth");
        }
        em.lock(berth, LockModeType.PESSIMISTIC_WRITE);
        return berth;
    }

    private void activeVessel(UUID vesselId) {
        Vessel vessel = vessels.find(vesselId).filter(v -> v.active).orElse(null);
        if (vessel == null) {
            throw new Problems.UnknownReference("vesselId", "vessel");
        }
    }

    private void validate(CallInput input, UUID self) {
        if (input.departure() != null && !input.departure().isAfter(input.arrival())) {
            throw new Problems.InvalidField("departure-before-arrival", "departure", "departure must be after arrival");
        }
        if (input.arrival().isAfter(clock.instant().plus(Duration.ofDays(30)))) {
            throw new Problems.InvalidField(
                    "arrival-too-far-ahead", "arrival", "arrival is more than 30 days ahead; register actual calls");
        }
        // every rule of the request itself first, the overlaps last: a refusal for an overlap with a call the caller
        // may not read (the vessel at another port's berth) then comes only for a request that would otherwise have
        // registered a call (visible to its port's bureaus), never for a probe that cannot take effect
        List<CargoInput> cargo = input.cargo() == null ? List.of() : input.cargo();
        for (int i = 0; i < cargo.size(); i++) {
            if (cargo.get(i).solidifyingOrHighViscosity() && cargo.get(i).nlsCategory() != VesselCall.NlsCategory.Y) {
                throw new Problems.InvalidField(
                        "invalid-cargo",
                        "cargo[" + i + "].solidifyingOrHighViscosity",
                        "Only category Y cargoes are flagged as solidifying or high-viscosity");
            }
        }
        Instant end = input.departure() == null ? Instant.parse("9999-12-31T00:00:00Z") : input.departure();
        String overlap = "active = true and arrival < :end and (departure is null or departure > :start)"
                + (self == null ? "" : " and id <> :self");
        var params = new java.util.HashMap<String, Object>();
        params.put("start", input.arrival());
        params.put("end", end);
        if (self != null) {
            params.put("self", self);
        }
        params.put("berth", input.berthId());
        if (VesselCall.count(overlap + " and berthId = :berth", params) > 0) {
            throw new CallsOverlap("arrival", "Another vessel is at this berth during this stay");
        }
        params.remove("berth");
        params.put("vessel", input.vesselId());
        if (VesselCall.count(overlap + " and vesselId = :vessel", params) > 0) {
            throw new CallsOverlap("arrival", "This vessel has another call during this stay");
        }
    }

    private void apply(VesselCall call, CallInput input, Berth berth) {
        call.vesselId = input.vesselId();
        call.berthId = berth.id;
        call.portId = berth.portId;
        call.arrival = input.arrival();
        call.departure = input.departure();
        call.crewOnBoard = input.crewOnBoard();
        call.cargo.clear();
        for (CargoInput c : input.cargo() == null ? List.<CargoInput>of() : input.cargo()) {
            VesselCall.Cargo cargo = new VesselCall.Cargo();
            cargo.name = c.name();
            cargo.nlsCategory = c.nlsCategory();
            cargo.quantityT = c.quantityT();
            cargo.solidifyingOrHighViscosity = c.solidifyingOrHighViscosity();
            call.cargo.add(cargo);
        }
        call.updatedAt = clock.instant();
    }
}
