package io.shoreloop.registry;

import io.shoreloop.identity.AccessPolicy;
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
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Vessels: scoped data. A crew sees and updates its own vessel; berth operators and bureaus see vessels related to
 * their ports (home port or a call there); administrators register and deactivate vessels.
 */
@ApplicationScoped
@Transactional
public class VesselService {

    /** A collection tank as sent and answered. */
    public record TankInput(
            @NotNull Stream stream,

            @NotNull @DecimalMin("0.001") @DecimalMax("1000000") @Digits(integer = 7, fraction = 3)
            BigDecimal capacity,

            QuantityUnit unit) {}

    /** What a client sends to register or update a vessel. */
    public record VesselInput(
            @NotBlank @Size(max = 200) String name,

            @NotNull @Pattern(regexp = "^[0-9]{9}$", message = "MMSI is 9 digits")
            String mmsi,

            @Pattern(regexp = "^[0-9]{7}$", message = "IMO number is 7 digits")
            String imo,

            @Size(max = 40) String cnShipId,
            @NotNull VesselType type,

            @DecimalMin("0.1") @DecimalMax("1000000") @Digits(integer = 7, fraction = 1)
            BigDecimal grossTonnage,

            @Min(0) Integer crewCapacity,
            UUID homePortId,
            @Valid ShorePowerInput shorePower,
            List<@Valid TankInput> tanks) {}

    /** A vessel as answered. */
    public record VesselView(
            UUID id,
            String name,
            String mmsi,
            String imo,
            String cnShipId,
            VesselType type,
            BigDecimal grossTonnage,
            Integer crewCapacity,
            UUID homePortId,
            ShorePowerInput shorePower,
            List<TankInput> tanks,
            boolean active,
            long version) {
        static VesselView of(Vessel v) {
            return new VesselView(
                    v.id,
                    v.name,
                    v.mmsi,
                    v.imo,
                    v.cnShipId,
                    v.type,
                    v.grossTonnage,
                    v.crewCapacity,
                    v.homePortId,
                    ShorePowerInput.of(v.shorePower),
                    v.tanks.stream()
                            .map(t -> new TankInput(t.stream, t.capacity, t.unit))
                            .sorted(java.util.Comparator.comparing(TankInput::stream))
                            .toList(),
                    v.active,
                    v.version);
        }
    }

    /** List filters. */
    public record VesselFilter(String mmsi, VesselType type, String name, Boolean includeInactive) {}

    private final Guard guard;
    private final Event<MasterDataChanged> changed;
    private final EntityManager em;
    private final Clock clock;

    public VesselService(Guard guard, EntityManager em, Clock clock, Event<MasterDataChanged> changed) {
        this.changed = changed;
        this.guard = guard;
        this.em = em;
        this.clock = clock;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Paging.Page<VesselView> list(Actor actor, VesselFilter filter, Paging.Request page) {
        AccessPolicy.ListScope scope = AccessPolicy.scope(actor, AccessPolicy.Listing.VESSELS);
        if (scope.isNone()) {
            return new Paging.Page<>(List.of(), page.page(), page.size(), 0);
        }
        Where where = new Where()
                .and("mmsi = :mmsi", "mmsi", filter.mmsi())
                .and("type = :type", "type", filter.type())
                .and(
                        "lower(name) like :name",
                        "name",
                        filter.name() == null ? null : "%" + filter.name().toLowerCase() + "%");
        if (!Boolean.TRUE.equals(filter.includeInactive())) {
            where.and("active = true");
        }
        if (!scope.all()) {
            if (scope.vesselId() != null) {
                where.always("id = :own", "own", scope.vesselId());
            } else {
                where.always(
                        "(homePortId in :ports or id in (select vp.vesselId from VesselPort vp where vp.portId in"
                                + " :ports))",
                        "ports",
                        scope.portIds());
            }
        }
        return Paging.of(
                Vessel.<Vessel>find(where.hql() + " order by name, mmsi", where.params()), page, VesselView::of);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public VesselView get(Actor actor, UUID id) {
        return VesselView.of(load(actor, id, Action.READ));
    }

    /** The vessel by id, for other features (no access check). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<Vessel> find(UUID id) {
        return Optional.ofNullable(Vessel.findById(id));
    }

    /** Records that a vessel has been at a port (a call there), which brings it into that port's scope. */
    public void notePresence(UUID vesselId, UUID portId) {
        em.createNativeQuery("insert into vessel_port (vessel_id, port_id) values (?1, ?2) on conflict do nothing")
                .setParameter(1, vesselId)
                .setParameter(2, portId)
                .executeUpdate();
    }

    /**
     * Rebuilds the ports a vessel is related to from its active calls (after a call is moved or deactivated), so that a
     * call entered in error does not leave the vessel visible to that port's operator and bureaus.
     */
    public void recomputePresence(UUID vesselId) {
        em.createNativeQuery("delete from vessel_port where vessel_id = ?1")
                .setParameter(1, vesselId)
                .executeUpdate();
        em.createNativeQuery("insert into vessel_port (vessel_id, port_id) select distinct vessel_id, port_id"
                        + " from vessel_call where vessel_id = ?1 and active")
                .setParameter(1, vesselId)
                .executeUpdate();
    }

    public VesselView create(Actor actor, VesselInput input) {
        guard.require(actor, Action.CREATE, new Guarded.VesselRef(null, Set.of()), "Vessel");
        validate(input, null);
        Vessel vessel = new Vessel();
        vessel.id = UUID.randomUUID();
        apply(vessel, input);
        vessel.persistAndFlush();
        return VesselView.of(vessel);
    }

    public VesselView update(Actor actor, UUID id, long expectedVersion, VesselInput input) {
        Vessel vessel = load(actor, id, Action.UPDATE);
        Versions.check(vessel.version, expectedVersion);
        validate(input, vessel);
        apply(vessel, input);
        vessel.persistAndFlush();
        changed.fire(new MasterDataChanged(MasterDataChanged.Kind.VESSEL, vessel.id));
        return VesselView.of(vessel);
    }

    public VesselView deactivate(Actor actor, UUID id, long expectedVersion) {
        Vessel vessel = load(actor, id, Action.DEACTIVATE);
        Versions.check(vessel.version, expectedVersion);
        vessel.active = false;
        vessel.updatedAt = clock.instant();
        vessel.persistAndFlush();
        changed.fire(new MasterDataChanged(MasterDataChanged.Kind.VESSEL, vessel.id));
        return VesselView.of(vessel);
    }

    private Vessel load(Actor actor, UUID id, Action action) {
        Vessel vessel = Vessel.findById(id);
        if (vessel == null) {
            throw new Problems.NotFound("Vessel " + id);
        }
        guard.require(actor, action, guarded(vessel), "Vessel " + id);
        return vessel;
    }

    /** The access-policy view of a vessel: its id and the ports it is related to. */
    @SuppressWarnings("unchecked")
    public Guarded.VesselRef guarded(Vessel vessel) {
        Set<UUID> ports =
                new HashSet<>(em.createNativeQuery("select port_id from vessel_port where vessel_id = ?1", UUID.class)
                        .setParameter(1, vessel.id)
                        .getResultList());
        if (vessel.homePortId != null) {
            ports.add(vessel.homePortId);
        }
        return new Guarded.VesselRef(vessel.id, ports);
    }

    private void validate(VesselInput input, Vessel existing) {
        if (input.imo() != null && !Imo.isValid(input.imo())) {
            throw new Problems.InvalidField(
                    "invalid-imo", "imo", "IMO number " + input.imo() + " has a wrong check digit");
        }
        if (existing == null || !existing.mmsi.equals(input.mmsi())) {
            if (Vessel.count("mmsi", input.mmsi()) > 0) {
                throw new Problems.DuplicateKey(
                        "mmsi", "A vessel with MMSI " + input.mmsi() + " is already registered");
            }
        }
        if (input.imo() != null && (existing == null || !input.imo().equals(existing.imo))) {
            if (Vessel.count("imo", input.imo()) > 0) {
                throw new Problems.DuplicateKey("imo", "A vessel with IMO " + input.imo() + " is already registered");
            }
        }
        if (input.cnShipId() != null && (existing == null || !input.cnShipId().equals(existing.cnShipId))) {
            if (Vessel.count("cnShipId", input.cnShipId()) > 0) {
                throw new Problems.DuplicateKey(
                        "cnShipId", "A vessel with ship id " + input.cnShipId() + " is already registered");
            }
        }
        if (input.homePortId() != null && Port.findById(input.homePortId()) == null) {
            throw new Problems.UnknownReference("homePortId", "port");
        }
        (input.shorePower() == null ? ShorePowerInput.NONE : input.shorePower()).validate("shorePower");
        Set<Stream> seen = EnumSet.noneOf(Stream.class);
        List<TankInput> tanks = input.tanks() == null ? List.of() : input.tanks();
        for (int i = 0; i < tanks.size(); i++) {
            TankInput tank = tanks.get(i);
            if (!seen.add(tank.stream())) {
                throw new Problems.InvalidField(
                        "duplicate-tank", "tanks[" + i + "].stream", "One tank entry per stream");
            }
            if (tank.unit() != null && tank.unit() != tank.stream().unit()) {
                throw new Problems.InvalidField(
                        "unit-mismatch",
                        "tanks[" + i + "].unit",
                        tank.stream() + " is measured in " + tank.stream().unit());
            }
        }
    }

    private void apply(Vessel vessel, VesselInput input) {
        vessel.name = input.name();
        vessel.mmsi = input.mmsi();
        vessel.imo = input.imo();
        vessel.cnShipId = input.cnShipId();
        vessel.type = input.type();
        vessel.grossTonnage = input.grossTonnage();
        vessel.crewCapacity = input.crewCapacity();
        vessel.homePortId = input.homePortId();
        vessel.shorePower = (input.shorePower() == null ? ShorePowerInput.NONE : input.shorePower()).toEntity();
        vessel.tanks.clear();
        for (TankInput t : input.tanks() == null ? List.<TankInput>of() : input.tanks()) {
            Vessel.Tank tank = new Vessel.Tank();
            tank.stream = t.stream();
            tank.capacity = t.capacity();
            tank.unit = t.stream().unit();
            vessel.tanks.add(tank);
        }
        vessel.updatedAt = clock.instant();
    }
}
