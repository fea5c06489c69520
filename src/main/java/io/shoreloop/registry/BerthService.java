package io.shoreloop.registry;

import io.shoreloop.identity.Action;
import io.shoreloop.identity.Actor;
import io.shoreloop.identity.Guard;
import io.shoreloop.identity.Guarded;
import io.shoreloop.platform.Paging;
import io.shoreloop.platform.Problems;
import io.shoreloop.platform.Versions;
import io.shoreloop.platform.Where;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

/** Berths: directory data; created and changed by the operator of their port (or an administrator). */
@ApplicationScoped
@Transactional
public class BerthService {

    /** What a client sends to create or update a berth. */
    public record BerthInput(
            @NotNull UUID portId,

            @NotBlank @Pattern(regexp = PortService.CODE, message = "letters, digits, '-' and '_' only; at most 64")
            String code,

            @NotBlank @Size(max = 200) String name,
            @NotNull TerminalKind terminalKind,
            @Valid ShorePowerInput shorePower) {}

    /** A berth as answered. */
    public record BerthView(
            UUID id,
            UUID portId,
            String code,
            String name,
            TerminalKind terminalKind,
            ShorePowerInput shorePower,
            boolean active,
            long version) {
        static BerthView of(Berth b) {
            return new BerthView(
                    b.id,
                    b.portId,
                    b.code,
                    b.name,
                    b.terminalKind,
                    ShorePowerInput.of(b.shorePower),
                    b.active,
                    b.version);
        }
    }

    /** List filters. */
    public record BerthFilter(UUID portId, Boolean shorePower, TerminalKind terminalKind, Boolean includeInactive) {}

    private final Guard guard;
    private final Event<MasterDataChanged> changed;
    private final Clock clock;
    private final jakarta.persistence.EntityManager em;
    private final java.time.Duration capacityNotice;

    public BerthService(
            Guard guard,
            Clock clock,
            Event<MasterDataChanged> changed,
            jakarta.persistence.EntityManager em,
            io.shoreloop.platform.ShoreloopConfig config) {
        this.changed = changed;
        this.guard = guard;
        this.clock = clock;
        this.em = em;
        // a reading may be stamped up to the future tolerance ahead, and another instance may know the old capacity for
        // up to a minute (its meter directory): the change takes effect after both
        this.capacityNotice = config.mqtt().futureTolerance().plusMinutes(2);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Paging.Page<BerthView> list(Actor actor, BerthFilter filter, Paging.Request page) {
        Where where = new Where()
                .and("portId = :port", "port", filter.portId())
                .and("shorePower.available = :sp", "sp", filter.shorePower())
                .and("terminalKind = :kind", "kind", filter.terminalKind());
        if (!Boolean.TRUE.equals(filter.includeInactive())) {
            where.and("active = true");
        }
        return Paging.of(
                Berth.<Berth>find(where.hql() + " order by portId, code", where.params()), page, BerthView::of);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public BerthView get(Actor actor, UUID id) {
        return BerthView.of(load(actor, id, Action.READ));
    }

    /** The berth by id, for other features (no access check). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<Berth> find(UUID id) {
        return Optional.ofNullable(Berth.findById(id));
    }

    public BerthView create(Actor actor, BerthInput input) {
        Port port = activePort(input.portId());
        guard.require(actor, Action.CREATE, new Guarded.BerthRef(port.id), "Berth");
        validate(input);
        requireUniqueCode(input.portId(), input.code());
        Berth berth = new Berth();
        berth.id = UUID.randomUUID();
        apply(berth, input);
        berth.persistAndFlush();
        return BerthView.of(berth);
    }

    public BerthView update(Actor actor, UUID id, long expectedVersion, BerthInput input) {
        Berth berth = load(actor, id, Action.UPDATE);
        Versions.check(berth.version, expectedVersion);
        if (!berth.portId.equals(input.portId())) {
            throw new Problems.InvalidField(
                    "immutable-field", "portId", "A berth cannot move to another port; register a new berth");
        }
        validate(input);
        if (!berth.code.equals(input.code())) {
            requireUniqueCode(input.portId(), input.code());
        }
        BigDecimal before = accounted(berth.shorePower.capacityKva);
        apply(berth, input);
        BigDecimal after = accounted(berth.shorePower.capacityKva);
        if (before.compareTo(after) != 0) {
            recordCapacityChange(berth, before, after);
        }
        berth.persistAndFlush();
        changed.fire(new MasterDataChanged(MasterDataChanged.Kind.BERTH, berth.id));
        return BerthView.of(berth);
    }

    public BerthView deactivate(Actor actor, UUID id, long expectedVersion) {
        Berth berth = load(actor, id, Action.DEACTIVATE);
        Versions.check(berth.version, expectedVersion);
        berth.active = false;
        berth.updatedAt = clock.instant();
        berth.persistAndFlush();
        changed.fire(new MasterDataChanged(MasterDataChanged.Kind.BERTH, berth.id));
        return BerthView.of(berth);
    }

    /** The capacity shore-power accounting reads for a berth: its shore-power capacity, 1,000 kVA when none. */
    private static BigDecimal accounted(BigDecimal capacityKva) {
        return capacityKva == null ? new BigDecimal("1000") : capacityKva;
    }

    /**
     * A berth's shore-power capacity bounds the energy its meters' readings may plausibly show (a jump above capacity
     * × time × 125 % is flagged and not counted, and it decides between a rollover and a reset). Sessions are derived
     * again whenever a late reading or a call's departure touches them: a capacity changed under a history judged its
     * old readings with the new one, so that a session re-derived later gained or lost energy that its verdict was
     * decided on. The change is kept instead, in effect from a time after every reading its meters already have and
     * after every instance has heard of it (the future tolerance plus two minutes from now), and each reading is judged
     * with the capacity of its time. The meters' state rows are locked first, as ingestion locks them, so that no
     * batch stores a later reading meanwhile.
     */
    private void recordCapacityChange(Berth berth, BigDecimal before, BigDecimal after) {
        em.createNativeQuery("select 1 from shore_meter_state where meter_id in (select id from meter where berth_id"
                        + " = ?1) order by meter_id for update")
                .setParameter(1, berth.id)
                .getResultList();
        em.createNativeQuery("insert into berth_capacity_change (berth_id, effective_from, before_kva, after_kva)"
                        + " select ?1, greatest(now() + make_interval(secs => ?2),"
                        + "   (select max(st.last_reading_at) + interval '1 millisecond' from shore_meter_state st"
                        + "      join meter m on m.id = st.meter_id where m.berth_id = ?1),"
                        + "   (select max(effective_from) + interval '1 millisecond' from berth_capacity_change"
                        + "      where berth_id = ?1)), ?3, ?4")
                .setParameter(1, berth.id)
                .setParameter(2, (double) capacityNotice.toSeconds())
                .setParameter(3, before)
                .setParameter(4, after)
                .executeUpdate();
    }

    private Berth load(Actor actor, UUID id, Action action) {
        Berth berth = Berth.findById(id);
        if (berth == null) {
            throw new Problems.NotFound("Berth " + id);
        }
        guard.require(actor, action, new Guarded.BerthRef(berth.portId), "Berth " + id);
        return berth;
    }

    private static Port activePort(UUID portId) {
        Port port = Port.findById(portId);
        if (port == null || !port.active) {
            throw new Problems.UnknownReference("portId", "port");
        }
        return port;
    }

    private static void requireUniqueCode(UUID portId, String code) {
        if (Berth.count("portId = ?1 and code = ?2", portId, code) > 0) {
            throw new Problems.DuplicateKey("code", "This port already has a berth with code '" + code + "'");
        }
    }

    private static void validate(BerthInput input) {
        ShorePowerInput sp = input.shorePower() == null ? ShorePowerInput.NONE : input.shorePower();
        sp.validate("shorePower");
    }

    private void apply(Berth berth, BerthInput input) {
        berth.portId = input.portId();
        berth.code = input.code();
        berth.name = input.name();
        berth.terminalKind = input.terminalKind();
        berth.shorePower = (input.shorePower() == null ? ShorePowerInput.NONE : input.shorePower()).toEntity();
        berth.updatedAt = clock.instant();
    }
}
