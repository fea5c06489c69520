package io.shoreloop.compliance;

import io.shoreloop.calls.VesselCall;
import io.shoreloop.identity.AccessPolicy;
import io.shoreloop.identity.Action;
import io.shoreloop.identity.Actor;
import io.shoreloop.identity.Guard;
import io.shoreloop.identity.Guarded;
import io.shoreloop.identity.Role;
import io.shoreloop.platform.CanonicalJson;
import io.shoreloop.platform.Ids;
import io.shoreloop.platform.Paging;
import io.shoreloop.platform.Problems;
import io.shoreloop.platform.Sql;
import io.shoreloop.platform.Where;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hibernate.Session;

/**
 * Per-call compliance verdicts: recomputes a call's three verdicts from its current inputs (under a per-call lock,
 * so concurrent triggers of one call apply one after the other and the last sees everything committed before it),
 * answers them scoped like calls, and records bureau reviews.
 */
@ApplicationScoped
@Transactional
public class ComplianceService {

    /** A verdict as answered. */
    public record VerdictView(
            UUID id,
            UUID callId,
            UUID vesselId,
            UUID portId,
            UUID berthId,
            Instant arrival,
            Instant departure,
            Verdict.Kind kind,
            Verdict.Outcome outcome,
            Verdict.Outcome effectiveOutcome,
            String reasoning,
            Map<String, Object> figures,
            String inputsHash,
            Instant computedAt,
            List<ReviewView> reviews) {
        static VerdictView of(CallVerdict v, List<ReviewView> reviews) {
            return new VerdictView(
                    v.id,
                    v.callId,
                    v.vesselId,
                    v.portId,
                    v.berthId,
                    v.arrival,
                    v.departure,
                    v.kind,
                    v.outcome,
                    v.effectiveOutcome,
                    v.reasoning,
                    v.figures,
                    v.inputsHash,
                    v.computedAt,
                    reviews);
        }
    }

    /**
     * A review as answered; {@code current} tells whether it reviewed the verdict as it stands now (same inputs),
     * and so decides the effective outcome.
     */
    public record ReviewView(
            UUID id,
            VerdictReview.Decision decision,
            Verdict.Outcome reviewedOutcome,
            Verdict.Outcome outcome,
            String reason,
            UUID reviewerId,
            UUID bureauId,
            Instant reviewedAt,
            boolean current) {
        static ReviewView of(VerdictReview r, CallVerdict v) {
            return new ReviewView(
                    r.id,
                    r.decision,
                    r.reviewedOutcome,
                    r.outcome,
                    r.reason,
                    r.reviewerId,
                    r.bureauId,
                    r.reviewedAt,
                    r.inputsHash.equals(v.inputsHash) && r.reviewedOutcome == v.outcome);
        }
    }

    /** All verdicts of one call. */
    public record CallVerdicts(UUID callId, List<VerdictView> verdicts) {}

    /** List filters. */
    public record VerdictFilter(
            UUID portId, UUID vesselId, Verdict.Outcome outcome, Verdict.Kind kind, Instant from, Instant to) {}

    /** A bureau's review: confirm, or overturn to another outcome with a reason. */
    public record ReviewInput(
            @NotNull Verdict.Kind kind,
            @NotNull VerdictReview.Decision decision,
            Verdict.Outcome outcome,
            @Size(max = 2000) String reason) {}

    private final Guard guard;
    private final CallFacts facts;
    private final EntityManager em;
    private final Clock clock;
    private final Sql sql;

    public ComplianceService(Guard guard, CallFacts facts, EntityManager em, Clock clock, Sql sql) {
        this.sql = sql;
        this.guard = guard;
        this.facts = facts;
        this.em = em;
        this.clock = clock;
    }

    /** Recomputes the verdicts of these calls (in id order, so concurrent recomputations never deadlock). */
    public void recompute(Collection<UUID> callIds) {
        callIds.stream().distinct().sorted().forEach(this::recompute);
    }

    /** Recomputes one call's verdicts; a verdict whose inputs did not change is left as it is. */
    public void recompute(UUID callId) {
        recompute(callId, true);
    }

    /**
     * Recomputes one call's verdicts; with {@code shorePower} false only the zero-discharge and tank-washing verdicts
     * (after a manifest step: what the vessel handed over changed, the shore-power inputs did not), unless the call has
     * no shore-power verdict yet.
     */
    public void recompute(UUID callId, boolean shorePower) {
        recompute(callId, shorePower, false);
    }

    /**
     * {@link #recompute(UUID, boolean)}; {@code freshTransaction}: the caller began this transaction just for it, so
     * it uses generic plans ({@link Sql#genericPlans}): its statements look rows up by the call's key, and PostgreSQL
     * planned the call's manifests anew in more than half of the recomputations of a bench run (10,660 plans in 19,432,
     * three quarters of a millisecond each, more than running it). Otherwise the caller's changes made through
     * Hibernate are flushed first, so that the call is judged as the caller left it.
     */
    void recompute(UUID callId, boolean shorePower, boolean freshTransaction) {
        if (freshTransaction) {
            sql.genericPlans();
        } else {
            em.flush();
        }
        Sql.Round round = sql.round();
        Reads reads = reads(round, List.of(callId));
        round.run();
        List<UUID> changed = judge(reads, callId, shorePower);
        if (!freshTransaction) {
            // the caller may go on with Hibernate in this transaction: the writes reach the database now, and copies of
            // the changed verdicts it may hold are dropped (read again when asked for)
            sql.flush();
            Session session = em.unwrap(Session.class);
            changed.forEach(id -> session.detach(session.getReference(CallVerdict.class, id)));
        }
    }

    /**
     * The worker's recomputation of marked calls, all in one transaction of its own (generic plans, as above) and with
     * one round trip for all their reads: {@code take} locks the calls' marks and answers, for each mark it could take,
     * whether shore power was marked too (a mark is not to be had when another instance holds it, or a step on the
     * call has not committed yet); it goes first in that round trip. Answers the calls taken (and recomputed).
     */
    Set<UUID> recomputeMarked(List<UUID> callIds, Sql.Also<Map<UUID, Boolean>> take) {
        sql.genericPlans();
        Sql.Round round = sql.round();
        Sql.Round.Result<Map<UUID, Boolean>> taken = round.add(take.sql(), take.reader(), take.params());
        Reads reads = reads(round, callIds);
        round.run();
        for (UUID call : new java.util.TreeSet<>(taken.get().keySet())) {
            judge(reads, call, taken.get().get(call));
        }
        return taken.get().keySet();
    }

    /** A stored verdict as a recomputation reads it (whether a bureau reviewed it, too). */
    private record Stored(
            UUID id,
            Verdict.Kind kind,
            Verdict.Outcome outcome,
            String reasoning,
            String inputsHash,
            Instant arrival,
            Instant departure,
            boolean reviewed) {}

    /** What a recomputation reads, in one round trip, by call. */
    private record Reads(CallFacts.Reads facts, Sql.Round.Result<Map<UUID, Map<Verdict.Kind, Stored>>> verdicts) {}

    /**
     * Serializes the recomputations (and reviews) of a call: each sees everything committed by those before it. In a
     * round trip, the reads that follow see what committed before they began, so after the locks. Several calls are
     * locked in the order of their keys (the array is sorted, and unnest keeps its order), so two transactions locking
     * several never wait for each other in a cycle.
     */
    private static final String LOCK = "select pg_advisory_xact_lock(k) from unnest(cast(? as bigint[])) k";

    private static final String VERDICTS = "select v.call_id, v.id, v.kind, v.outcome, v.reasoning, v.inputs_hash,"
            + " v.arrival, v.departure, exists (select 1 from verdict_review r where r.verdict_id = v.id) from"
            + " call_verdict v where v.call_id = any(?)";

    /**
     * A verdict stored for the first time, or stored again (its id kept, its version moved on: a review loaded before
     * fails rather than overwriting it).
     */
    private static final String UPSERT = "insert into call_verdict (id, call_id, kind, outcome, effective_outcome,"
            + " reasoning, figures, inputs_hash, vessel_id, port_id, berth_id, arrival, departure, computed_at)"
            + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (call_id, kind) do update set outcome ="
            + " excluded.outcome, effective_outcome = excluded.effective_outcome, reasoning = excluded.reasoning,"
            + " figures = excluded.figures, inputs_hash = excluded.inputs_hash, vessel_id = excluded.vessel_id,"
            + " port_id = excluded.port_id, berth_id = excluded.berth_id, arrival = excluded.arrival, departure ="
            + " excluded.departure, computed_at = excluded.computed_at, version = call_verdict.version + 1";

    /** The lock keys of these calls, in order. */
    private static Long[] lockKeys(Collection<UUID> callIds) {
        return callIds.stream()
                .map(id -> id.getMostSignificantBits() ^ id.getLeastSignificantBits())
                .sorted()
                .toArray(Long[]::new);
    }

    /** Takes the call's lock ({@link #LOCK}) in the current transaction. */
    private void lock(UUID callId) {
        sql.query(LOCK, rs -> null, (Object) lockKeys(List.of(callId)));
    }

    private Reads reads(Sql.Round round, Collection<UUID> callIds) {
        round.add(LOCK, rs -> null, (Object) lockKeys(callIds));
        CallFacts.Reads facts = this.facts.read(round, callIds);
        return new Reads(
                facts,
                round.add(
                        VERDICTS,
                        rs -> {
                            Map<UUID, Map<Verdict.Kind, Stored>> stored = new java.util.HashMap<>();
                            while (rs.next()) {
                                Stored v = new Stored(
                                        Sql.uuid(rs, 2),
                                        Sql.enumOf(rs, 3, Verdict.Kind.class),
                                        Sql.enumOf(rs, 4, Verdict.Outcome.class),
                                        rs.getString(5),
                                        rs.getString(6),
                                        Sql.instant(rs, 7),
                                        Sql.instant(rs, 8),
                                        rs.getBoolean(9));
                                stored.computeIfAbsent(Sql.uuid(rs, 1), c -> new EnumMap<>(Verdict.Kind.class))
                                        .put(v.kind(), v);
                            }
                            return stored;
                        },
                        (Object) callIds.toArray(UUID[]::new)));
    }

    /**
     * Judges one call from the reads and writes (deferred) its verdicts that changed; answers the updated ones. A call
     * that does not exist has nothing to judge.
     */
    private List<UUID> judge(Reads reads, UUID callId, boolean shorePower) {
        CallFacts.Call call = reads.facts().calls().get().get(callId);
        if (call == null) {
            return List.of();
        }
        Map<Verdict.Kind, Stored> current = reads.verdicts().get().getOrDefault(callId, Map.of());
        List<UUID> updated = new ArrayList<>();
        if (!call.active()) {
            for (Stored v : current.values()) {
                store(
                        call,
                        v,
                        new Verdict(v.kind(), Verdict.Outcome.NOT_APPLICABLE, "The call was deactivated.", Map.of()),
                        "deactivated",
                        updated);
            }
            return updated;
        }
        CallFacts.Cases cases =
                facts.of(call, reads.facts(), shorePower || !current.containsKey(Verdict.Kind.SHORE_POWER));
        if (cases.shorePower() != null) {
            Verdict verdict = ShorePowerDuty.judge(cases.shorePower());
            store(call, current.get(verdict.kind()), verdict, InputsHash.of(cases.shorePower()), updated);
        }
        Verdict zeroDischarge = ZeroDischarge.judge(cases.zeroDischarge());
        store(call, current.get(zeroDischarge.kind()), zeroDischarge, InputsHash.of(cases.zeroDischarge()), updated);
        Verdict tankWashing = TankWashing.judge(cases.tankWashing());
        store(call, current.get(tankWashing.kind()), tankWashing, InputsHash.of(cases.tankWashing()), updated);
        return updated;
    }

    /**
     * Stores a verdict as the call's verdict of its kind ({@code v}: the one stored so far, if any), when it changed
     * (deferred); an updated verdict's id goes to {@code updated}. The figures are written as canonical JSON (they hold
     * strings, decimals as strings, integers, booleans, lists and maps).
     */
    private void store(CallFacts.Call call, Stored v, Verdict verdict, String hash, List<UUID> updated) {
        if (v != null
                && v.inputsHash().equals(hash)
                && v.outcome() == verdict.outcome()
                && v.reasoning().equals(verdict.reasoning())
                && v.arrival().equals(call.arrival())
                && java.util.Objects.equals(v.departure(), call.departure())) {
            return;
        }
        // stored for the first time, or never reviewed: no review to decide
        Verdict.Outcome effective =
                v != null && v.reviewed() ? effective(v.id(), hash, verdict.outcome()) : verdict.outcome();
        sql.defer(
                UPSERT,
                v == null ? Ids.timeOrdered() : v.id(),
                call.id(),
                verdict.kind(),
                verdict.outcome(),
                effective,
                verdict.reasoning(),
                CanonicalJson.write(verdict.figures()),
                hash,
                call.vesselId(),
                call.portId(),
                call.berthId(),
                call.arrival(),
                call.departure(),
                clock.instant());
        if (v != null) {
            updated.add(v.id());
        }
    }

    /** The latest review of exactly this computation (inputs and outcome) decides; otherwise the rules do. */
    private static Verdict.Outcome effective(UUID verdictId, String hash, Verdict.Outcome outcome) {
        List<VerdictReview> reviews = VerdictReview.of(verdictId);
        for (int i = reviews.size() - 1; i >= 0; i--) {
            VerdictReview r = reviews.get(i);
            if (r.inputsHash.equals(hash) && r.reviewedOutcome == outcome) {
                return r.outcome;
            }
        }
        return outcome;
    }

    /**
     * Calls whose verdicts are missing, or were computed before the departure now recorded (or for another one):
     * at most {@code limit}, oldest arrival first.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    @SuppressWarnings("unchecked")
    public List<UUID> stale(int limit) {
        return em.createNativeQuery(
                        "select c.id from vessel_call c where c.active and not exists (select 1 from"
                                + " call_verdict v where v.call_id = c.id and v.departure is not distinct from c.departure)"
                                + " order by c.arrival limit ?1",
                        UUID.class)
                .setParameter(1, limit)
                .getResultList();
    }

    /** Verdicts the actor may see (scoped like calls), newest arrival first. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Paging.Page<VerdictView> list(Actor actor, VerdictFilter filter, Paging.Request page) {
        AccessPolicy.ListScope scope = AccessPolicy.scope(actor, AccessPolicy.Listing.CALLS);
        if (scope.isNone()) {
            return new Paging.Page<>(List.of(), page.page(), page.size(), 0);
        }
        Where where = new Where()
                .and("portId = :port", "port", filter.portId())
                .and("vesselId = :vessel", "vessel", filter.vesselId())
                .and("effectiveOutcome = :outcome", "outcome", filter.outcome())
                .and("kind = :kind", "kind", filter.kind())
                .and("(departure is null or departure > :from)", "from", filter.from())
                .and("arrival < :to", "to", filter.to());
        if (!scope.all()) {
            if (scope.vesselId() != null) {
                where.always("vesselId = :own", "own", scope.vesselId());
            } else {
                where.always("portId in :ports", "ports", scope.portIds());
            }
        }
        var query = CallVerdict.<CallVerdict>find(where.hql() + " order by arrival desc, callId, kind", where.params());
        long total = query.count();
        List<VerdictView> items = query.page(page.page(), page.size()).list().stream()
                .map(v -> VerdictView.of(v, List.of()))
                .toList();
        return new Paging.Page<>(items, page.page(), page.size(), total);
    }

    /** All verdicts of a call with their review history; 404 for a call the actor may not read. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public CallVerdicts get(Actor actor, UUID callId) {
        VesselCall call = readable(actor, callId);
        List<VerdictView> verdicts = new ArrayList<>();
        for (CallVerdict v : CallVerdict.ofCall(call.id)) {
            verdicts.add(VerdictView.of(
                    v,
                    VerdictReview.of(v.id).stream()
                            .map(r -> ReviewView.of(r, v))
                            .toList()));
        }
        return new CallVerdicts(call.id, verdicts);
    }

    /**
     * A bureau covering the call's port confirms or overturns one of its verdicts as it stands now. An overturn names
     * another outcome and a reason; the history is kept and the latest review of the current computation decides
     * the effective outcome.
     */
    public CallVerdicts review(Actor actor, UUID callId, ReviewInput input) {
        VesselCall call = readable(actor, callId);
        if (!actor.is(Role.BUREAU) || !actor.covers(call.portId)) {
            throw new Problems.ActionForbidden("Only a bureau whose jurisdiction covers the port may review a verdict");
        }
        // a recomputation of the call in flight finishes first, and none starts until this review commits: the review
        // applies to the verdict as it stands, and the next recomputation sees it
        lock(callId);
        CallVerdict v = CallVerdict.of(callId, input.kind())
                .orElseThrow(() -> new Problems.NotFound("Verdict " + input.kind() + " of call " + callId));
        Verdict.Outcome outcome;
        if (input.decision() == VerdictReview.Decision.OVERTURN) {
            if (input.outcome() == null || input.outcome() == v.outcome) {
                throw new Problems.InvalidField(
                        "overturn-needs-outcome",
                        "outcome",
                        "An overturn names an outcome other than the computed one");
            }
            if (input.reason() == null || input.reason().isBlank()) {
                throw new Problems.InvalidField("overturn-needs-reason", "reason", "An overturn needs a reason");
            }
            outcome = input.outcome();
        } else {
            if (input.outcome() != null && input.outcome() != v.outcome) {
                throw new Problems.InvalidField(
                        "confirm-other-outcome",
                        "outcome",
                        "A confirmation keeps the computed outcome; overturn instead");
            }
            outcome = v.outcome;
        }
        VerdictReview r = new VerdictReview();
        r.id = Ids.timeOrdered();
        r.verdictId = v.id;
        r.decision = input.decision();
        r.reviewedOutcome = v.outcome;
        r.inputsHash = v.inputsHash;
        r.outcome = outcome;
        r.reason = input.reason() == null || input.reason().isBlank() ? null : input.reason();
        r.reviewerId = actor.userId();
        r.bureauId = actor.partyId();
        r.reviewedAt = clock.instant();
        r.persistAndFlush();
        v.reviewed = true;
        v.effectiveOutcome = outcome;
        return get(actor, callId);
    }

    private VesselCall readable(Actor actor, UUID callId) {
        VesselCall call = VesselCall.findById(callId);
        if (call == null) {
            throw new Problems.NotFound("Call " + callId);
        }
        guard.require(actor, Action.READ, new Guarded.CallRef(call.vesselId, call.portId), "Call " + callId);
        return call;
    }
}
