package io.shoreloop.registry;

import io.shoreloop.identity.Action;
import io.shoreloop.identity.Actor;
import io.shoreloop.identity.AdminAudit;
import io.shoreloop.identity.Guard;
import io.shoreloop.identity.Guarded;
import io.shoreloop.platform.Paging;
import io.shoreloop.platform.Problems;
import io.shoreloop.platform.Versions;
import io.shoreloop.platform.Where;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Port operators and bureaus, the parties that users act for besides vessels and facilities: directory data readable
 * by every signed-in user, registered, changed and deactivated by administrators. A bureau's jurisdiction is the set
 * of ports its users read inside; a change applies to their next request. Deactivating a party signs its users out
 * (they count as deactivated while it is).
 */
@ApplicationScoped
@Transactional
public class PartyService {

    private static final Logger LOG = Logger.getLogger("io.shoreloop.access");

    /** What a client sends to register or update a port operator. */
    public record PortOperatorInput(
            @NotBlank @Pattern(regexp = PortService.CODE, message = "letters, digits, '-' and '_' only; at most 64")
            String code,

            @NotBlank @Size(max = 200) String name) {}

    /** A port operator as answered, with the ports it runs. */
    public record PortOperatorView(
            UUID id, String code, String name, List<UUID> portIds, boolean active, long version) {}

    /** What a client sends to register or update a bureau; {@code portIds} is its whole jurisdiction. */
    public record BureauInput(
            @NotBlank @Pattern(regexp = PortService.CODE, message = "letters, digits, '-' and '_' only; at most 64")
            String code,

            @NotBlank @Size(max = 200) String name,
            @NotNull Bureau.Kind kind,
            @NotNull @Size(max = 1000) List<@NotNull UUID> portIds) {}

    /** A bureau as answered. */
    public record BureauView(
            UUID id, String code, String name, Bureau.Kind kind, List<UUID> portIds, boolean active, long version) {
        static BureauView of(Bureau b) {
            return new BureauView(
                    b.id, b.code, b.name, b.kind, b.portIds.stream().sorted().toList(), b.active, b.version);
        }
    }

    /** List filters: {@code portId} keeps the operator running that port, or the bureaus covering it. */
    public record PartyFilter(String code, UUID portId, Bureau.Kind kind, Boolean includeInactive) {}

    private final Guard guard;
    private final Clock clock;
    private final AdminAudit audit;

    public PartyService(Guard guard, Clock clock, AdminAudit audit) {
        this.guard = guard;
        this.clock = clock;
        this.audit = audit;
    }

    // ---------------------------------------------------------------- port operators

    @Transactional(Transactional.TxType.SUPPORTS)
    public Paging.Page<PortOperatorView> listOperators(Actor actor, PartyFilter filter, Paging.Request page) {
        Where where = new Where()
                .and("o.code = :code", "code", filter.code())
                .and(
                        "exists (select 1 from Port p where p.operatorId = o.id and p.id = :port)",
                        "port",
                        filter.portId());
        if (!Boolean.TRUE.equals(filter.includeInactive())) {
            where.and("o.active = true");
        }
        return Paging.of(
                PortOperator.<PortOperator>find(
                        "from PortOperator o where " + where.hql() + " order by o.code", where.params()),
                page,
                this::view);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public PortOperatorView getOperator(Actor actor, UUID id) {
        return view(loadOperator(actor, id, Action.READ));
    }

    public PortOperatorView createOperator(Actor actor, PortOperatorInput input) {
        guard.require(actor, Action.CREATE, new Guarded.PartyRef(null), "Port operator");
        uniqueOperatorCode(input.code(), null);
        PortOperator operator = new PortOperator();
        operator.id = UUID.randomUUID();
        operator.createdAt = clock.instant();
        operator.code = input.code();
        operator.name = input.name();
        operator.persistAndFlush();
        LOG.infof("port operator %s (%s) registered by %s", operator.code, operator.id, actor.subject());
        PortOperatorView view = view(operator);
        audit.record(actor, AdminAudit.Kind.PORT_OPERATOR, operator.id, AdminAudit.Change.CREATED, null, view);
        return view;
    }

    public PortOperatorView updateOperator(Actor actor, UUID id, long expectedVersion, PortOperatorInput input) {
        PortOperator operator = loadOperator(actor, id, Action.UPDATE);
        Versions.check(operator.version, expectedVersion);
        uniqueOperatorCode(input.code(), operator.id);
        PortOperatorView was = view(operator);
        operator.code = input.code();
        operator.name = input.name();
        operator.persistAndFlush();
        PortOperatorView view = view(operator);
        audit.record(actor, AdminAudit.Kind.PORT_OPERATOR, operator.id, AdminAudit.Change.UPDATED, was, view);
        return view;
    }

    public PortOperatorView setOperatorActive(Actor actor, UUID id, long expectedVersion, boolean active) {
        PortOperator operator = loadOperator(actor, id, Action.DEACTIVATE);
        Versions.check(operator.version, expectedVersion);
        if (operator.active == active) {
            return view(operator);
        }
        PortOperatorView was = view(operator);
        operator.active = active;
        operator.persistAndFlush();
        LOG.infof(
                "port operator %s (%s) %s by %s",
                operator.code, operator.id, active ? "reactivated" : "deactivated", actor.subject());
        PortOperatorView view = view(operator);
        audit.record(
                actor, AdminAudit.Kind.PORT_OPERATOR, operator.id, AdminAudit.Change.activeSetTo(active), was, view);
        return view;
    }

    private PortOperator loadOperator(Actor actor, UUID id, Action action) {
        PortOperator operator = PortOperator.findById(id);
        if (operator == null) {
            throw new Problems.NotFound("Port operator " + id);
        }
        guard.require(actor, action, new Guarded.PartyRef(operator.id), "Port operator " + id);
        return operator;
    }

    private static void uniqueOperatorCode(String code, UUID self) {
        if (PortOperator.count("code = ?1 and id <> ?2", code, self == null ? new UUID(0, 0) : self) > 0) {
            throw new Problems.DuplicateKey("code", "A port operator with code '" + code + "' already exists");
        }
    }

    private PortOperatorView view(PortOperator o) {
        List<UUID> ports = Port.<Port>find("operatorId = ?1 order by code", o.id).stream()
                .map(p -> p.id)
                .toList();
        return new PortOperatorView(o.id, o.code, o.name, ports, o.active, o.version);
    }

    /** The administrators' changes to this port operator, oldest first (for those who may change it). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<AdminAudit.Entry> operatorHistory(Actor actor, UUID id) {
        loadOperator(actor, id, Action.UPDATE);
        return audit.history(id);
    }

    // ---------------------------------------------------------------- bureaus

    /** The administrators' changes to this bureau, oldest first (for those who may change it). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<AdminAudit.Entry> bureauHistory(Actor actor, UUID id) {
        loadBureau(actor, id, Action.UPDATE);
        return audit.history(id);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Paging.Page<BureauView> listBureaus(Actor actor, PartyFilter filter, Paging.Request page) {
        Where where = new Where()
                .and("b.code = :code", "code", filter.code())
                .and("b.kind = :kind", "kind", filter.kind())
                .and(":port member of b.portIds", "port", filter.portId());
        if (!Boolean.TRUE.equals(filter.includeInactive())) {
            where.and("b.active = true");
        }
        return Paging.of(
                Bureau.<Bureau>find("from Bureau b where " + where.hql() + " order by b.code", where.params()),
                page,
                BureauView::of);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public BureauView getBureau(Actor actor, UUID id) {
        return BureauView.of(loadBureau(actor, id, Action.READ));
    }

    public BureauView createBureau(Actor actor, BureauInput input) {
        guard.require(actor, Action.CREATE, new Guarded.PartyRef(null), "Bureau");
        uniqueBureauCode(input.code(), null);
        Bureau bureau = new Bureau();
        bureau.id = UUID.randomUUID();
        bureau.createdAt = clock.instant();
        apply(bureau, input);
        bureau.persistAndFlush();
        LOG.infof(
                "bureau %s (%s) registered by %s, jurisdiction %s",
                bureau.code, bureau.id, actor.subject(), bureau.portIds);
        BureauView view = BureauView.of(bureau);
        audit.record(actor, AdminAudit.Kind.BUREAU, bureau.id, AdminAudit.Change.CREATED, null, view);
        return view;
    }

    public BureauView updateBureau(Actor actor, UUID id, long expectedVersion, BureauInput input) {
        Bureau bureau = loadBureau(actor, id, Action.UPDATE);
        Versions.check(bureau.version, expectedVersion);
        uniqueBureauCode(input.code(), bureau.id);
        BureauView was = BureauView.of(bureau);
        apply(bureau, input);
        bureau.persistAndFlush();
        BureauView view = BureauView.of(bureau);
        if (!was.portIds().equals(view.portIds())) {
            LOG.infof(
                    "bureau %s (%s) jurisdiction changed by %s: %s -> %s",
                    bureau.code, bureau.id, actor.subject(), was.portIds(), view.portIds());
        }
        audit.record(actor, AdminAudit.Kind.BUREAU, bureau.id, AdminAudit.Change.UPDATED, was, view);
        return view;
    }

    public BureauView setBureauActive(Actor actor, UUID id, long expectedVersion, boolean active) {
        Bureau bureau = loadBureau(actor, id, Action.DEACTIVATE);
        Versions.check(bureau.version, expectedVersion);
        if (bureau.active == active) {
            return BureauView.of(bureau);
        }
        BureauView was = BureauView.of(bureau);
        bureau.active = active;
        bureau.persistAndFlush();
        LOG.infof(
                "bureau %s (%s) %s by %s",
                bureau.code, bureau.id, active ? "reactivated" : "deactivated", actor.subject());
        BureauView view = BureauView.of(bureau);
        audit.record(actor, AdminAudit.Kind.BUREAU, bureau.id, AdminAudit.Change.activeSetTo(active), was, view);
        return view;
    }

    private Bureau loadBureau(Actor actor, UUID id, Action action) {
        Bureau bureau = Bureau.findById(id);
        if (bureau == null) {
            throw new Problems.NotFound("Bureau " + id);
        }
        guard.require(actor, action, new Guarded.PartyRef(bureau.id), "Bureau " + id);
        return bureau;
    }

    private static void uniqueBureauCode(String code, UUID self) {
        if (Bureau.count("code = ?1 and id <> ?2", code, self == null ? new UUID(0, 0) : self) > 0) {
            throw new Problems.DuplicateKey("code", "A bureau with code '" + code + "' already exists");
        }
    }

    private static void apply(Bureau bureau, BureauInput input) {
        Set<UUID> ports = new HashSet<>();
        for (int i = 0; i < input.portIds().size(); i++) {
            UUID port = input.portIds().get(i);
            if (!ports.add(port)) {
                throw new Problems.InvalidField("duplicate-port", "portIds[" + i + "]", "Port listed twice");
            }
            // a port deactivated since it was added may stay; a port added now must be active
            Port found = Port.findById(port);
            if (found == null || (!found.active && !bureau.portIds.contains(port))) {
                throw new Problems.UnknownReference("portIds[" + i + "]", "port");
            }
        }
        bureau.code = input.code();
        bureau.name = input.name();
        bureau.kind = input.kind();
        bureau.portIds.retainAll(ports);
        bureau.portIds.addAll(ports);
    }
}
