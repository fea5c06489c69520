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
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.UUID;

/** Ports: directory data readable by every user, created by administrators, updated by their operator. */
@ApplicationScoped
@Transactional
public class PortService {

    /** Codes used in MQTT topics: letters, digits, '-', '_'; at most 64 characters. */
    public static final String CODE = "^[A-Za-z0-9_-]{1,64}$";

    /**
     * Province keys, as in {@code shoreloop.emissions.provinces.<key>.*} (so also usable in environment variable names).
     */
    public static final String PROVINCE = "^[a-z0-9-]{1,64}$";

    /** What a client sends to create or update a port. */
    public record PortInput(
            @NotBlank @Pattern(regexp = CODE, message = "letters, digits, '-' and '_' only; at most 64")
            String code,

            @NotBlank @Size(max = 200) String name,
            @NotNull RegionKind regionKind,
            @NotBlank String timeZone,
            UUID operatorId,

            @Pattern(regexp = PROVINCE, message = "lower-case letters, digits and '-' only; at most 64")
            String province) {}

    /** A port as answered. */
    public record PortView(
            UUID id,
            String code,
            String name,
            RegionKind regionKind,
            String timeZone,
            UUID operatorId,
            String province,
            boolean active,
            long version) {
        static PortView of(Port p) {
            return new PortView(
                    p.id, p.code, p.name, p.regionKind, p.timeZone, p.operatorId, p.province, p.active, p.version);
        }
    }

    /** List filters. */
    public record PortFilter(String code, RegionKind regionKind, Boolean includeInactive) {}

    private final Guard guard;
    private final EntityManager em;
    private final Clock clock;
    private final jakarta.enterprise.event.Event<MeterRegistrationChanged> changed;

    public PortService(
            Guard guard,
            EntityManager em,
            Clock clock,
            jakarta.enterprise.event.Event<MeterRegistrationChanged> changed) {
        this.guard = guard;
        this.em = em;
        this.clock = clock;
        this.changed = changed;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Paging.Page<PortView> list(Actor actor, PortFilter filter, Paging.Request page) {
        Where where = new Where()
                .and("code = :code", "code", filter.code())
                .and("regionKind = :kind", "kind", filter.regionKind());
        if (!Boolean.TRUE.equals(filter.includeInactive())) {
            where.and("active = true");
        }
        return Paging.of(Port.<Port>find(where.hql() + " order by code", where.params()), page, PortView::of);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public PortView get(Actor actor, UUID id) {
        return PortView.of(load(actor, id, Action.READ));
    }

    public PortView create(Actor actor, PortInput input) {
        guard.require(actor, Action.CREATE, new Guarded.PortRef(null), "Port");
        validate(input);
        if (Port.byCode(input.code()).isPresent()) {
            throw new Problems.DuplicateKey("code", "A port with code '" + input.code() + "' already exists");
        }
        Port port = new Port();
        port.id = UUID.randomUUID();
        apply(port, input);
        port.persistAndFlush();
        return PortView.of(port);
    }

    public PortView update(Actor actor, UUID id, long expectedVersion, PortInput input) {
        Port port = load(actor, id, Action.UPDATE);
        Versions.check(port.version, expectedVersion);
        validate(input);
        if (!port.code.equals(input.code()) && Port.byCode(input.code()).isPresent()) {
            throw new Problems.DuplicateKey("code", "A port with code '" + input.code() + "' already exists");
        }
        if (!java.util.Objects.equals(port.operatorId, input.operatorId())
                && !actor.is(io.shoreloop.identity.Role.ADMIN)) {
            throw new Problems.ActionForbidden("Only an administrator may change a port's operator");
        }
        apply(port, input);
        port.persistAndFlush();
        changed.fire(new MeterRegistrationChanged("port " + port.code));
        return PortView.of(port);
    }

    public PortView deactivate(Actor actor, UUID id, long expectedVersion) {
        Port port = load(actor, id, Action.DEACTIVATE);
        Versions.check(port.version, expectedVersion);
        port.active = false;
        port.updatedAt = clock.instant();
        port.persistAndFlush();
        changed.fire(new MeterRegistrationChanged("port " + port.code));
        return PortView.of(port);
    }

    private Port load(Actor actor, UUID id, Action action) {
        Port port = Port.findById(id);
        if (port == null) {
            throw new Problems.NotFound("Port " + id);
        }
        guard.require(actor, action, new Guarded.PortRef(port.id), "Port " + id);
        return port;
    }

    private void validate(PortInput input) {
        try {
            ZoneId.of(input.timeZone());
        } catch (DateTimeException e) {
            throw new Problems.InvalidField(
                    "invalid-time-zone", "timeZone", "timeZone must be an IANA zone such as Asia/Shanghai");
        }
        if (input.operatorId() != null) {
            Number n = (Number) em.createNativeQuery("select count(*) from port_operator where id = ?1 and active")
                    .setParameter(1, input.operatorId())
                    .getSingleResult();
            if (n.intValue() == 0) {
                throw new Problems.UnknownReference("operatorId", "port operator");
            }
        }
    }

    private void apply(Port port, PortInput input) {
        port.code = input.code();
        port.name = input.name();
        port.regionKind = input.regionKind();
        port.timeZone = input.timeZone();
        port.operatorId = input.operatorId();
        port.province = input.province();
        port.updatedAt = clock.instant();
    }
}
