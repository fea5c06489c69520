package io.shoreloop.manifest;

import io.shoreloop.calls.CallService;
import io.shoreloop.identity.AccessPolicy;
import io.shoreloop.identity.Action;
import io.shoreloop.identity.Actor;
import io.shoreloop.identity.ActorRef;
import io.shoreloop.identity.Guard;
import io.shoreloop.identity.Guarded;
import io.shoreloop.identity.Role;
import io.shoreloop.platform.Ids;
import io.shoreloop.platform.Paging;
import io.shoreloop.platform.Problems;
import io.shoreloop.platform.ShoreloopConfig;
import io.shoreloop.platform.Sql;
import io.shoreloop.platform.Versions;
import io.shoreloop.platform.Where;
import io.shoreloop.registry.FacilityService;
import io.shoreloop.registry.Stream;
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
import java.util.function.Supplier;

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
    private final Event<ManifestNoted> noted;
    private final EntityManager em;
    private final ShoreloopConfig config;
    private final StreamTerms terms;
    private final Clock clock;
    private final ManifestStore store;

    ManifestService(
            Guard guard,
            CallService calls,
            FacilityService facilities,
            Event<StepSigned> signed,
            Event<ManifestNoted> noted,
            EntityManager em,
            ShoreloopConfig config,
            StreamTerms terms,
            Clock clock,
            ManifestStore store) {
        this.store = store;
        this.terms = terms;
        this.guard = guard;
        this.calls = calls;
        this.facilities = facilities;
        this.signed = signed;
        this.noted = noted;
        this.em = em;
        this.config = config;
        this.clock = clock;
    }

    /**
     * The same service reading time from another clock, for importing history (the demo loader records a few days
     * of past steps). Call it inside a transaction; the instance is not a CDI bean.
     */
    public ManifestService withClock(Clock other) {
        return new ManifestService(guard, calls, facilities, signed, noted, em, config, terms, other, store);
    }

    /**
     * The licences of the facilities a step involves as the registry knows them (inactive facilities hold none): those
     * {@code asked}, {@code held} as read with the manifest; the rules ask about no other facility (one they do ask about
     * is looked up on its own).
     */
    private Licences licences(Set<UUID> asked, Set<FacilityService.Licence> held) {
        return (facility, activity, stream) -> asked.contains(facility)
                ? held.contains(new FacilityService.Licence(facility, activity, stream))
                : facilities.licensed(facility, activity, stream);
    }

    private static Set<UUID> asked(UUID... involved) {
        Set<UUID> asked = new HashSet<>();
        for (UUID f : involved) {
            if (f != null) {
                asked.add(f);
            }
        }
        return asked;
    }

    /**
     * Drafts a manifest. The actor (when not known yet), the call, the receiver named and the manifest's number are read
     * in one round trip; a refused draft leaves a gap in the numbers, as any rolled-back transaction does.
     */
    public ManifestViews.ManifestView create(ActorRef who, ManifestViews.DraftInput input) {
        Sql.Round round = store.round();
        Supplier<Actor> actorFound = who.within(round);
        Sql.Round.Result<java.util.Optional<CallService.CallRef>> callFound = calls.ref(round, input.callId());
        // the receiver's registration, and the names the draft is signed under
        Sql.Round.Result<FacilityService.Registered> receiverFound = facilities.registered(
                round, input.receiverId() == null ? Set.of() : Set.of(input.receiverId()), who.subject(), false);
        Sql.Round.Result<Long> number = store.nextNumber(round);
        round.run();
        Actor actor = actorFound.get();
        CallService.CallRef call =
                callFound.get().filter(CallService.CallRef::active).orElse(null);
        if (call == null
                || !AccessPolicy.permits(actor, Action.READ, new Guarded.CallRef(call.vesselId(), call.portId()))) {
            throw new Problems.UnknownReference("callId", "vessel call");
        }
        if (input.receiverId() != null && !receiverFound.get().contains(input.receiverId())) {
            throw new Problems.UnknownReference("receiverId", "facility");
        }
        Manifest manifest = Manifest.draft(
                Ids.timeOrdered(),
                number(number.get()),
                call.id(),
                call.vesselId(),
                call.portId(),
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
                signer(actor, receiverFound.get()),
                clock.instant());
        publish(manifest, manifest.recordDraft(signer(actor, receiverFound.get())));
        return view(manifest);
    }

    public ManifestViews.ManifestView declare(
            ActorRef who, UUID id, Long expectedVersion, ManifestViews.DeclareInput in) {
        ForStep loaded = loadForStep(who, id, expectedVersion, false, in.receiverId());
        Actor actor = loaded.actor();
        Manifest m = loaded.manifest();
        if (in.receiverId() != null && !loaded.named().contains(in.receiverId())) {
            throw new Problems.UnknownReference("receiverId", "facility");
        }
        Signer signer = signer(loaded);
        if (in.receiverId() == null && m.receiverId() != null && signer.nameOf(m.receiverId()) == null) {
            // the receiver named in the draft: its name too, as the declaration hands the batch over to it
            signer = signer.withName(
                    m.receiverId(),
                    facilities.find(m.receiverId()).map(f -> f.name).orElse(null));
        }
        publish(
                m,
                m.declare(
                        signer,
                        in.receiverId(),
                        evidence(m, actor, in.evidence(), in.evidenceIds()),
                        // the receiver named in the draft, when the declaration names none: asked on its own
                        loaded.licences(),
                        clock.instant()));
        return view(m);
    }

    public ManifestViews.ManifestView receive(
            ActorRef who, UUID id, Long expectedVersion, ManifestViews.HandoverInput in) {
        ForStep loaded = loadForStep(who, id, expectedVersion, true, in.nextPartyId());
        Actor actor = loaded.actor();
        Manifest m = loaded.manifest();
        publish(
                m,
                m.receive(
                        signer(loaded),
                        quantity(in),
                        in.nextPartyId(),
                        evidence(m, actor, in),
                        loaded.licences(),
                        clock.instant()));
        return view(m);
    }

    public ManifestViews.ManifestView pickUp(
            ActorRef who, UUID id, Long expectedVersion, ManifestViews.HandoverInput in) {
        ForStep loaded = loadForStep(who, id, expectedVersion, true, in.nextPartyId());
        Actor actor = loaded.actor();
        Manifest m = loaded.manifest();
        publish(
                m,
                m.pickUp(
                        signer(loaded),
                        quantity(in),
                        in.vehicle(),
                        in.nextPartyId(),
                        evidence(m, actor, in),
                        loaded.licences(),
                        clock.instant()));
        return view(m);
    }

    public ManifestViews.ManifestView dispose(
            ActorRef who, UUID id, Long expectedVersion, ManifestViews.HandoverInput in) {
        ForStep loaded = loadForStep(who, id, expectedVersion, true);
        Actor actor = loaded.actor();
        Manifest m = loaded.manifest();
        publish(
                m,
                m.dispose(
                        signer(loaded),
                        quantity(in),
                        in.treatment(),
                        evidence(m, actor, in),
                        loaded.licences(),
                        clock.instant()));
        return view(m, false);
    }

    public ManifestViews.ManifestView cancel(
            ActorRef who, UUID id, Long expectedVersion, ManifestViews.CancelInput in) {
        ForStep loaded = loadForStep(who, id, expectedVersion, false);
        Manifest m = loaded.manifest();
        publish(m, m.cancel(signer(loaded), in.reason(), clock.instant()));
        return view(m);
    }

    /**
     * Refuses all or part of the batch; the refused part goes onto a new linked manifest, back with the vessel as a
     * draft, or declared at once to another reception facility the refusing party names ({@code refusedToId}).
     */
    public ManifestViews.ManifestView refuse(
            ActorRef who, UUID id, Long expectedVersion, ManifestViews.RefuseInput in) {
        ForStep loaded = loadForStep(who, id, expectedVersion, true, in.nextPartyId(), in.refusedToId());
        Actor actor = loaded.actor();
        Manifest m = loaded.manifest();
        Instant now = clock.instant();
        StepSigned step = m.refuse(
                signer(loaded),
                new Manifest.Quantity(in.acceptedQuantity(), in.method()),
                in.refusedQuantity(),
                in.reason(),
                in.vehicle(),
                in.treatment(),
                in.nextPartyId(),
                evidence(m, actor, in.evidence(), in.evidenceIds()),
                loaded.licences(),
                now);
        publish(m, step);
        Manifest linked = Manifest.forRefusedPart(
                m, Ids.timeOrdered(), nextNumber(), in.refusedQuantity(), in.method(), signer(loaded), now);
        publish(linked, linked.recordDraft(signer(loaded)));
        if (in.refusedToId() != null) {
            // sent on to another reception facility at once, declared by the refusing party, instead of back to the
            // ship
            publish(linked, linked.sendRefusedPartOn(signer(loaded), in.refusedToId(), facilities::licensed, now));
        }
        // a refusal starts before closure: if it closed the manifest, it did so just now
        return view(m, false);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public ManifestViews.ManifestView get(Actor actor, UUID id) {
        return view(load(actor, id, null));
    }

    /**
     * The manifests of these vessel calls with their steps, by call, each call's oldest first, for the features that
     * judge calls (no access check: not for answering a user), as one query of a round trip the caller sends.
     */
    public Sql.Round.Result<java.util.Map<UUID, List<Manifest>>> ofCalls(
            Sql.Round round, java.util.Collection<UUID> callIds) {
        return store.ofCalls(round, callIds);
    }

    /** Evidence types a party may upload. */
    static final java.util.Set<String> EVIDENCE_TYPES =
            java.util.Set.of("image/jpeg", "image/png", "application/pdf", "text/plain", "text/csv");

    /** Largest evidence file accepted. */
    static final int MAX_EVIDENCE_BYTES = 10 * 1024 * 1024;

    /**
     * Stores evidence for a manifest: the vessel's crew or a facility involved in the manifest uploads a photo,
     * weighbridge ticket or flowmeter log, identified by its SHA-256, for a later step to cite.
     */
    public ManifestViews.EvidenceView uploadEvidence(Actor actor, UUID id, ManifestViews.EvidenceUpload upload) {
        Manifest m = load(actor, id, null);
        boolean party = (actor.is(Role.CREW) && m.vesselId().equals(actor.partyId()))
                || (actor.partyId() != null && guarded(m).involvedParties().contains(actor.partyId()));
        if (!party) {
            throw new ManifestRules.WrongParty("Only the crew or a facility of this manifest may add evidence");
        }
        String type = upload.contentType() == null
                ? ""
                : upload.contentType().split(";")[0].trim().toLowerCase();
        if (!EVIDENCE_TYPES.contains(type)) {
            throw new Problems.InvalidField(
                    "evidence-type", "Content-Type", "Evidence must be one of " + EVIDENCE_TYPES);
        }
        if (upload.content() == null || upload.content().length == 0 || upload.content().length > MAX_EVIDENCE_BYTES) {
            throw new Problems.InvalidField("evidence-size", "body", "Evidence must be 1 byte to 10 MiB");
        }
        Evidence e = new Evidence();
        e.id = Ids.timeOrdered();
        e.manifestId = m.id();
        e.sha256 = io.shoreloop.platform.CanonicalJson.sha256Hex(upload.content());
        e.contentType = type;
        e.sizeBytes = upload.content().length;
        e.filename = upload.filename();
        e.latitude = upload.latitude();
        e.longitude = upload.longitude();
        e.note = upload.note();
        e.uploadedBy = actor.userId();
        e.partyId = actor.partyId();
        e.uploadedAt = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        e.content = upload.content();
        e.persist();
        return ManifestViews.EvidenceView.of(e);
    }

    /** The evidence of a manifest the actor may see. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<ManifestViews.EvidenceView> evidence(Actor actor, UUID id) {
        Manifest m = load(actor, id, null);
        return Evidence.of(m.id()).stream().map(ManifestViews.EvidenceView::of).toList();
    }

    /** One piece of evidence with its bytes. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Evidence evidenceContent(Actor actor, UUID id, UUID evidenceId) {
        Manifest m = load(actor, id, null);
        Evidence e = Evidence.findById(evidenceId);
        if (e == null || !e.manifestId.equals(m.id())) {
            throw new Problems.NotFound("Evidence " + evidenceId);
        }
        return e;
    }

    private String evidence(Manifest m, Actor actor, ManifestViews.HandoverInput in) {
        return evidence(m, actor, in.evidence(), in.evidenceIds());
    }

    /**
     * The evidence a step signs: the free-text note and, for each cited upload, its SHA-256 and type. Cited uploads
     * must belong to this manifest and come from the signer's party.
     */
    private String evidence(Manifest m, Actor actor, String note, List<UUID> ids) {
        if (ids == null || ids.isEmpty()) {
            return note;
        }
        List<String> parts = new java.util.ArrayList<>();
        if (note != null && !note.isBlank()) {
            parts.add(note);
        }
        for (int i = 0; i < ids.size(); i++) {
            Evidence e = Evidence.findById(ids.get(i));
            if (e == null || !e.manifestId.equals(m.id()) || !java.util.Objects.equals(e.partyId, actor.partyId())) {
                throw new Problems.UnknownReference(
                        "evidenceIds[" + i + "]", "evidence of your party on this manifest");
            }
            parts.add("sha256:" + e.sha256 + " (" + e.contentType + ")");
        }
        return String.join("; ", parts);
    }

    /** Checks that the actor may see the manifest (404 otherwise); for features that show what belongs to it. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public void requireVisible(Actor actor, UUID id) {
        load(actor, id, null);
    }

    /** Loads a manifest the actor may see (404 otherwise) and checks If-Match when one was sent. */
    Manifest load(Actor actor, UUID id, Long expectedVersion) {
        return checked(actor, id, expectedVersion, store.find(id));
    }

    /**
     * A manifest loaded to sign a step on it, with the actor signing, the licences of the parties the step names and
     * which of those are registered facilities.
     */
    private record ForStep(Actor actor, Manifest manifest, Licences licences, FacilityService.Registered named) {}

    /**
     * Loads a manifest to sign a step on it, locked until the transaction ends (a second party signing at the same
     * moment waits, then signs on what the first signed, or is refused by the rules), in one round trip with the actor
     * (when not known yet) and the facilities named with their licences, and the actor's own party's when
     * {@code actorsParty} (a step checks the licences of the party signing and of the party it hands over to; any
     * other is asked on its own).
     */
    private ForStep loadForStep(ActorRef who, UUID id, Long expectedVersion, boolean actorsParty, UUID... parties) {
        Set<UUID> asked = asked(parties);
        Sql.Round round = store.round();
        Supplier<Actor> actorFound = who.within(round);
        Sql.Round.Result<java.util.Optional<Manifest>> found = store.findForUpdate(round, id);
        // always asked: also the names the step is signed under (the actor's party's, a vessel's too)
        Sql.Round.Result<FacilityService.Registered> named =
                facilities.registered(round, asked, who.subject(), actorsParty);
        round.run();
        Actor actor = actorFound.get();
        Manifest m = checked(actor, id, expectedVersion, found.get());
        if (actorsParty && actor.partyId() != null) {
            asked.add(actor.partyId());
        }
        FacilityService.Registered registered = named.get();
        return new ForStep(actor, m, licences(asked, registered.licences()), registered);
    }

    /** The manifest found, if the actor may see it and it has the version expected. */
    private Manifest checked(Actor actor, UUID id, Long expectedVersion, java.util.Optional<Manifest> found) {
        Manifest m = found.orElseThrow(() -> new Problems.NotFound("Manifest " + id));
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
            if (s.nextPartyId() != null) {
                involved.add(s.nextPartyId());
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
                .and("m.id in (" + involving("facility") + ")", "facility", filter.facilityId());
        restrictToScope(where, scope);
        var query = Manifest.<Manifest>find(
                "from Manifest m where " + where.hql() + " order by m.createdAt desc, m.id", where.params());
        long total = query.count();
        var items = query.page(page.page(), page.size()).list();
        return new Paging.Page<>(
                items.stream().map(ManifestViews.ManifestSummary::of).toList(), page.page(), page.size(), total);
    }

    /**
     * The ids of the manifests a party is involved in (HQL, the party as parameter {@code param}): it is their receiver,
     * signed one of their steps or was named in one to take the batch next, which includes whoever is named now. Each
     * part is read through its own index (manifest_receiver_idx, manifest_step_party_idx, manifest_step_next_party_idx),
     * not by testing every manifest (in a table of 300,000 manifests, 0.14 ms for a party with none of them against 54
     * ms with the test on every row).
     */
    private static String involving(String param) {
        return "select r.id from Manifest r where r.receiverId = :" + param
                + " union select p.manifestId from StepParties p where p.partyId = :" + param + " or p.nextPartyId = :"
                + param;
    }

    /** Restricts a query over {@code Manifest m} to the rows a list scope may see. */
    private static void restrictToScope(Where where, AccessPolicy.ListScope scope) {
        if (scope.all()) {
            return;
        }
        if (scope.vesselId() != null) {
            where.always("m.vesselId = :own", "own", scope.vesselId());
        } else if (scope.involvedParty() != null) {
            where.always("m.id in (" + involving("party") + ")", "party", scope.involvedParty());
        } else {
            where.always("m.portId in :ports", "ports", scope.portIds());
        }
    }

    /** Open discrepancies the actor may see, oldest first, with their age. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Paging.Page<ManifestViews.OpenDiscrepancy> openDiscrepancies(Actor actor, Paging.Request page) {
        AccessPolicy.ListScope scope = AccessPolicy.scope(actor, AccessPolicy.Listing.MANIFESTS);
        if (scope.isNone()) {
            return new Paging.Page<>(List.of(), page.page(), page.size(), 0);
        }
        Where where = new Where().and("d.manifestId = m.id").and("d.resolvedAt is null");
        restrictToScope(where, scope);
        String from = " from Discrepancy d, Manifest m where " + where.hql();
        var count = em.createQuery("select count(d)" + from, Long.class);
        var rows = em.createQuery("select d, m" + from + " order by d.openedAt, d.id", Object[].class);
        where.params().forEach((k, v) -> {
            count.setParameter(k, v);
            rows.setParameter(k, v);
        });
        Instant now = clock.instant();
        List<ManifestViews.OpenDiscrepancy> items =
                rows.setFirstResult(page.offset()).setMaxResults(page.size()).getResultList().stream()
                        .map(r -> ManifestViews.OpenDiscrepancy.of((Discrepancy) r[0], (Manifest) r[1], now))
                        .toList();
        return new Paging.Page<>(items, page.page(), page.size(), count.getSingleResult());
    }

    /**
     * Reconciles a step just signed, stores the manifest (its row and the new step: a drafted manifest is inserted,
     * a loaded one updated if nobody changed it meanwhile) and tells the ledger and the read models.
     */
    private void publish(Manifest m, StepSigned step) {
        Discrepancy opened = reconcile(m, step);
        if (m.storedSteps() == 0) {
            store.insert(m);
        } else {
            store.update(m);
        }
        if (opened != null) {
            opened.persist();
            em.flush();
        }
        signed.fire(step);
        if (opened != null) {
            noted.fire(new ManifestNoted.DiscrepancyOpened(
                    m.id(),
                    opened.id,
                    opened.stepSeq,
                    opened.previousQty.toPlainString(),
                    opened.newQty.toPlainString(),
                    opened.deviationPct.toPlainString()));
        }
    }

    /** Opens a discrepancy when this step's quantity deviates from the previous stage beyond the tolerance. */
    private Discrepancy reconcile(Manifest m, StepSigned step) {
        BigDecimal previous = step.previousQuantity();
        BigDecimal observed = step.observedQuantity();
        if (previous == null
                || observed == null
                || previous.signum() == 0
                || step.action() == ManifestAction.DECLARE
                || step.action() == ManifestAction.CORRECT) {
            return null;
        }
        BigDecimal tolerance = terms.of(m.stream()).tolerancePercent();
        BigDecimal deviation = deviation(previous, observed);
        UUID previousParty = step.previousParty();
        if (deviation.compareTo(tolerance) <= 0) {
            TransferBase base = transferBase(m, step);
            if (base == null) {
                return null;
            }
            // a further leg within the tolerance of the leg before: the transfer as a whole must stay within it of
            // the quantity it started from, less what was refused on the way, or legs of 9 % each would carry any
            // batch away with no discrepancy
            deviation = deviation(base.expected(), observed);
            if (deviation.compareTo(tolerance) <= 0) {
                return null;
            }
            previous = base.expected();
            previousParty = base.party();
        }
        Discrepancy d = new Discrepancy();
        d.id = Ids.timeOrdered();
        d.manifestId = m.id();
        d.stepSeq = step.seq();
        d.previousQty = previous;
        d.newQty = observed;
        d.deviationPct = deviation;
        d.openedAt = step.step().at();
        d.previousParty = previousParty;
        d.newParty = step.step().partyId();
        m.markDiscrepant();
        return d;
    }

    private static BigDecimal deviation(BigDecimal previous, BigDecimal observed) {
        return observed.subtract(previous)
                .abs()
                .multiply(BigDecimal.valueOf(100))
                .divide(previous, 2, RoundingMode.HALF_UP);
    }

    /** What a further transfer leg should find: the quantity the transfer started from less what was refused since. */
    private record TransferBase(BigDecimal expected, UUID party) {}

    /**
     * A leg of the transfer: a pickup, or a transporter's refusal, which stands for a pickup of the part it accepts
     * (until 2026-12-08 refusals were no legs: repeated partial refusals of 9 % each drifted a batch away unseen, and a
     * leg after a partial refusal was reconciled against the whole quantity, refused part included).
     */
    private static boolean leg(Step s) {
        return s.action() == ManifestAction.PICKUP
                || (s.action() == ManifestAction.REFUSE && s.role() == Role.TRANSPORTER);
    }

    /**
     * For a further leg of the transfer (one after another leg), what it is reconciled against: the quantity of the
     * handover the transfer started from (the receipt), or of the latest leg since then at which a discrepancy was
     * opened (that deviation is the parties' or the bureau's to explain; the drift counts again from there), less the
     * quantities refused at the legs since; {@code null} for any other step.
     */
    private static TransferBase transferBase(Manifest m, StepSigned step) {
        if (!leg(step.step())) {
            return null;
        }
        List<Step> steps = m.steps();
        int firstLeg = -1;
        for (int i = 0; i < step.seq(); i++) {
            if (leg(steps.get(i))) {
                firstLeg = i;
                break;
            }
        }
        if (firstLeg < 0) {
            return null; // the first leg: the receipt is the leg before
        }
        int anchor = -1;
        for (int i = firstLeg - 1; i >= 0; i--) {
            if (steps.get(i).quantity() != null
                    && steps.get(i).action() != ManifestAction.CANCEL
                    && steps.get(i).action() != ManifestAction.CORRECT) {
                anchor = i;
                break;
            }
        }
        for (Discrepancy d : Discrepancy.<Discrepancy>list("manifestId", m.id())) {
            if (d.stepSeq > anchor
                    && d.stepSeq < step.seq()
                    && steps.get(d.stepSeq).quantity() != null) {
                anchor = d.stepSeq;
            }
        }
        if (anchor < 0) {
            return null;
        }
        BigDecimal expected = steps.get(anchor).quantity();
        for (int i = anchor + 1; i < step.seq(); i++) {
            Step s = steps.get(i);
            if (s.action() == ManifestAction.REFUSE && s.refusedQuantity() != null) {
                expected = expected.subtract(s.refusedQuantity());
            }
        }
        return expected.signum() > 0
                ? new TransferBase(expected, steps.get(anchor).partyId())
                : null;
    }

    /**
     * One of the two parties of a discrepancy (the one whose quantity was the reference, or the one that found the
     * deviation) explains it; once both have, it is resolved.
     */
    public ManifestViews.ManifestView explainDiscrepancy(
            Actor actor, UUID manifestId, Long expectedVersion, UUID discrepancyId, ManifestViews.ExplanationInput in) {
        Manifest m = load(actor, manifestId, expectedVersion);
        Discrepancy d = discrepancy(m, discrepancyId);
        boolean previousSide = actor.partyId() != null && actor.partyId().equals(d.previousParty);
        boolean newSide = actor.partyId() != null && actor.partyId().equals(d.newParty);
        if (!previousSide && !newSide) {
            throw new ManifestRules.WrongParty("Only the two parties of the discrepancy may explain it");
        }
        if (previousSide && newSide && (d.previousExplanation != null || d.newExplanation != null)) {
            throw new ManifestRules.AlreadyDone(
                    "Your party has already explained this discrepancy; as it is on both sides, a bureau closes it");
        }
        if (previousSide && d.previousExplanation == null) {
            d.previousExplanation = in.explanation();
        } else if (newSide && d.newExplanation == null) {
            d.newExplanation = in.explanation();
        } else {
            throw new ManifestRules.AlreadyDone("Your party has already explained this discrepancy");
        }
        // one party on both sides (a leg it relayed to itself, a receipt it disposed of itself): its explanation fills
        // one side only, and a bureau closes the discrepancy
        boolean oneParty = d.previousParty != null && d.previousParty.equals(d.newParty);
        boolean resolved = !oneParty && d.previousExplanation != null && d.newExplanation != null;
        if (resolved) {
            d.resolvedAt = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
            d.resolution = "Explained by both parties";
            d.resolvedBy = actor.userId();
        }
        em.flush();
        noted.fire(new ManifestNoted.DiscrepancyExplained(
                m.id(), d.id, String.valueOf(actor.partyId()), in.explanation(), resolved));
        return view(m);
    }

    /** A bureau covering the manifest's port closes a discrepancy with its finding. */
    public ManifestViews.ManifestView closeDiscrepancy(
            Actor actor, UUID manifestId, Long expectedVersion, UUID discrepancyId, ManifestViews.ExplanationInput in) {
        Manifest m = load(actor, manifestId, expectedVersion);
        if (!actor.is(Role.BUREAU)) {
            throw new ManifestRules.WrongParty("Only a bureau closes a discrepancy; the parties explain it");
        }
        Discrepancy d = discrepancy(m, discrepancyId);
        d.resolvedAt = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        d.resolution = in.explanation();
        d.resolvedBy = actor.userId();
        em.flush();
        noted.fire(
                new ManifestNoted.DiscrepancyClosed(m.id(), d.id, String.valueOf(actor.partyId()), in.explanation()));
        return view(m);
    }

    private static Discrepancy discrepancy(Manifest m, UUID discrepancyId) {
        Discrepancy d = Discrepancy.findById(discrepancyId);
        if (d == null || !d.manifestId.equals(m.id())) {
            throw new Problems.NotFound("Discrepancy " + discrepancyId);
        }
        if (!d.open()) {
            throw new ManifestRules.AlreadyDone("This discrepancy is already resolved");
        }
        return d;
    }

    /** The prefix of a manifest state's literal in a query. */
    private static final String STATE = ManifestState.class.getName() + ".";

    /**
     * Marks manifests whose receipt, pickup or disposal deadline has passed, and escalates discrepancies left open
     * past their deadline. A batch its receiver named itself to dispose of (direct disposal) has no pickup to wait
     * for: only its disposal deadline applies. Answers how many manifests became overdue. Runs in batches; a manifest being signed at
     * the same moment is simply picked up by the next run.
     */
    public int markOverdue(int batchSize) {
        // Hibernate reads and writes here: the writes this transaction deferred go first
        store.flush();
        Instant now = clock.instant();
        int marked = 0;
        for (Stream stream : Stream.values()) {
            marked += markOverdue(stream, terms.of(stream), now, batchSize);
        }
        em.flush();
        // each escalation goes into its manifest's chain, as every other event of a discrepancy does
        java.time.Duration deadline = config.manifest().discrepancyDeadline();
        List<Discrepancy> due = Discrepancy.<Discrepancy>find(
                        "resolvedAt is null and escalated = false and openedAt < ?1 order by openedAt",
                        now.minus(deadline))
                .page(0, batchSize)
                .list();
        for (Discrepancy d : due) {
            d.escalated = true;
            noted.fire(new ManifestNoted.DiscrepancyEscalated(
                    d.manifestId,
                    d.id,
                    d.openedAt.toString(),
                    d.openedAt.plus(deadline).toString()));
        }
        em.flush();
        return marked;
    }

    /**
     * One stream's late manifests, by its own deadlines. A batch its receiver named itself to dispose of (it holds
     * the licence) waits for no pickup: only its disposal deadline applies. A receiver licensed to transport but not
     * to dispose of the stream that names itself picks the batch up itself, and so has the pickup deadline (until
     * 2026-12-08 naming itself alone waived it). The query alone decides which deadline a received batch missed: it
     * answers one past its pickup deadline but within its disposal deadline only when a pickup is awaited.
     */
    private int markOverdue(Stream stream, StreamTerms.Terms rules, Instant now, int batchSize) {
        // declared and not closed: the open manifests' partial index (manifest_open_age_idx, V18) then serves the query
        // whatever plan PostgreSQL caches for it; the states, as literals, pick the deadline that applies
        List<Manifest> late = Manifest.<Manifest>find(
                        "from Manifest m where m.overdue = false and m.declaredAt is not null and m.closedAt is null"
                                + " and m.stream = ?4"
                                + " and ((m.state = " + STATE + "DECLARED"
                                + " and m.declaredAt < ?1)"
                                + " or (m.state = " + STATE + "RECEIVED and m.receivedAt < ?2"
                                + " and not (m.nextPartyId = m.receiverId and exists (select f.id from Facility f"
                                + " join f.licences l where f.id = m.receiverId and f.active"
                                + " and l.activity = io.shoreloop.registry.Activity.DISPOSE and l.stream = ?4)))"
                                + " or (m.state in (" + STATE + "RECEIVED, " + STATE + "IN_TRANSFER)"
                                + " and m.receivedAt < ?3)) order by m.createdAt",
                        now.minus(rules.receipt()),
                        now.minus(rules.pickup()),
                        now.minus(rules.disposal()),
                        stream)
                .page(0, batchSize)
                .list();
        for (Manifest m : late) {
            String deadline;
            Instant due;
            if (m.state() == ManifestState.DECLARED) {
                deadline = "RECEIPT";
                due = m.declaredAt().plus(rules.receipt());
            } else if (m.state() == ManifestState.RECEIVED
                    && m.receivedAt().plus(rules.pickup()).isBefore(now)
                    && !m.receivedAt().plus(rules.disposal()).isBefore(now)) {
                deadline = "PICKUP";
                due = m.receivedAt().plus(rules.pickup());
            } else {
                deadline = "DISPOSAL";
                due = m.receivedAt().plus(rules.disposal());
            }
            if (m.markOverdue(deadline, now)) {
                noted.fire(new ManifestNoted.DeadlineMissed(m.id(), deadline, due.toString()));
            }
        }
        return late.size();
    }

    private String nextNumber() {
        return number(store.nextNumber());
    }

    /** The manifest number ({@code SL-yyyy-nnnnnnn}) of a value of the sequence. */
    private String number(long next) {
        return "SL-" + clock.instant().atZone(ZoneOffset.UTC).getYear() + "-" + String.format("%07d", next);
    }

    /** The actor signing a step, with the names it is signed under. */
    private static Signer signer(ForStep loaded) {
        return signer(loaded.actor(), loaded.named());
    }

    private static Signer signer(Actor actor, FacilityService.Registered named) {
        return new Signer(actor.userId(), actor.partyId(), actor.role(), actor.name(), named.names());
    }

    private static Manifest.Quantity quantity(ManifestViews.HandoverInput in) {
        return new Manifest.Quantity(in.quantity(), in.method());
    }

    ManifestViews.ManifestView view(Manifest m) {
        return view(m, true);
    }

    /**
     * The manifest as answered. Discrepancies exist only on discrepant manifests, corrections only on closed ones (and
     * not yet when {@code mayHaveCorrections} is false: right after the step that closed it): the queries are skipped
     * otherwise.
     */
    private ManifestViews.ManifestView view(Manifest m, boolean mayHaveCorrections) {
        return ManifestViews.ManifestView.of(
                m,
                linked(m),
                m.discrepant() ? Discrepancy.of(m.id()) : List.of(),
                mayHaveCorrections && m.state() == ManifestState.DISPOSED ? Correction.of(m.id()) : List.of());
    }

    /**
     * The manifests made for refused parts of this batch (only a manifest with a refusal has any: no query for others,
     * so a step's answer costs nothing more).
     */
    private List<UUID> linked(Manifest m) {
        if (m.steps().stream().noneMatch(s -> s.action() == ManifestAction.REFUSE)) {
            return List.of();
        }
        return em.createQuery("select m.id from Manifest m where m.parentId = ?1 order by m.createdAt", UUID.class)
                .setParameter(1, m.id())
                .getResultList();
    }

    /**
     * Proposes a correction of a closed manifest's quantity at one step. A party that signed the manifest or a bureau
     * covering its port may propose; the parties whose quantities it touches must all approve (the proposer's own
     * approval is implied) before it is applied as a new revision.
     */
    public ManifestViews.ManifestView proposeCorrection(
            Actor actor, UUID id, Long expectedVersion, ManifestViews.CorrectionInput in) {
        // locked, so that two proposals at once cannot both find none waiting
        Manifest m = loadForStep(actor, id, expectedVersion, false).manifest();
        boolean signer = m.signedBy(actor.partyId());
        if (!signer && !actor.is(Role.BUREAU)) {
            throw new ManifestRules.WrongParty("Only a party of this manifest or a bureau may propose a correction");
        }
        if (Correction.count("manifestId = ?1 and state = ?2", m.id(), Correction.State.PENDING) > 0) {
            throw new ManifestRules.AlreadyDone("A correction of this manifest is already waiting for approval");
        }
        Set<UUID> required = m.partiesAffectedBy(in.stepSeq());
        BigDecimal quantity = Manifest.correctedQuantity(in.quantity());
        Correction c = new Correction();
        c.id = Ids.timeOrdered();
        c.manifestId = m.id();
        c.stepSeq = in.stepSeq();
        c.newQuantity = quantity;
        c.newMethod = in.method();
        c.reason = in.reason();
        c.proposedBy = actor.userId();
        c.proposedParty = actor.partyId();
        c.state = Correction.State.PENDING;
        c.createdAt = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        c.require(required);
        c.persist();
        em.flush();
        noted.fire(new ManifestNoted.CorrectionNoted(
                m.id(),
                c.id,
                "PROPOSED",
                String.valueOf(actor.partyId()),
                c.stepSeq,
                c.newQuantity.toPlainString(),
                c.reason));
        if (required.contains(actor.partyId())) {
            return approveCorrection(actor, id, null, c.id);
        }
        return view(m);
    }

    /** An affected party approves a pending correction; the last approval applies it. */
    public ManifestViews.ManifestView approveCorrection(Actor actor, UUID id, Long expectedVersion, UUID correctionId) {
        ForStep loaded = loadForStep(actor, id, expectedVersion, false);
        Manifest m = loaded.manifest();
        Correction c = pendingCorrection(m, correctionId, actor);
        boolean complete = c.approve(actor.partyId());
        noted.fire(new ManifestNoted.CorrectionNoted(
                m.id(),
                c.id,
                "APPROVED",
                String.valueOf(actor.partyId()),
                c.stepSeq,
                c.newQuantity.toPlainString(),
                c.reason));
        if (complete) {
            c.state = Correction.State.APPLIED;
            c.decidedAt = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
            publish(
                    m,
                    m.applyCorrection(
                            signer(loaded),
                            c.stepSeq,
                            new Manifest.Quantity(c.newQuantity, c.newMethod),
                            c.reason,
                            clock.instant()));
        }
        em.flush();
        return view(m);
    }

    /** An affected party rejects a pending correction; the manifest stays as signed. */
    public ManifestViews.ManifestView rejectCorrection(
            Actor actor, UUID id, Long expectedVersion, UUID correctionId, ManifestViews.ExplanationInput in) {
        Manifest m = load(actor, id, expectedVersion);
        Correction c = pendingCorrection(m, correctionId, actor);
        c.state = Correction.State.REJECTED;
        c.decidedAt = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        em.flush();
        noted.fire(new ManifestNoted.CorrectionNoted(
                m.id(),
                c.id,
                "REJECTED",
                String.valueOf(actor.partyId()),
                c.stepSeq,
                c.newQuantity.toPlainString(),
                in.explanation()));
        return view(m);
    }

    private static Correction pendingCorrection(Manifest m, UUID correctionId, Actor actor) {
        Correction c = Correction.findById(correctionId);
        if (c == null || !c.manifestId.equals(m.id())) {
            throw new Problems.NotFound("Correction " + correctionId);
        }
        if (c.state != Correction.State.PENDING) {
            throw new ManifestRules.AlreadyDone(
                    "This correction was already " + c.state.name().toLowerCase());
        }
        if (actor.partyId() == null || !c.required().contains(actor.partyId())) {
            throw new ManifestRules.WrongParty("Only a party affected by the correction may approve or reject it");
        }
        if (c.approved().contains(actor.partyId())) {
            throw new ManifestRules.AlreadyDone("Your party has already approved this correction");
        }
        return c;
    }
}
