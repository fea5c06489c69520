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

    public BerthService(Guard guard, Clock clock, Event<MasterDataChanged> changed) {
        this.changed = changed;
        this.guard = guard;
        this.clock = clock;
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
        apply(berth, input);
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
