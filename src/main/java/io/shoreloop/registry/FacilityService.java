package io.shoreloop.registry;

import io.shoreloop.identity.Action;
import io.shoreloop.identity.Actor;
import io.shoreloop.identity.Guard;
import io.shoreloop.identity.Guarded;
import io.shoreloop.platform.Paging;
import io.shoreloop.platform.Problems;
import io.shoreloop.platform.Sql;
import io.shoreloop.platform.Versions;
import io.shoreloop.platform.Where;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Facilities and their licences: directory data readable by every user; only administrators register them and
 * change licences (a licence is granted by an authority, never by the facility itself).
 */
@ApplicationScoped
@Transactional
public class FacilityService {

    /** One licensed activity for one stream. */
    public record LicenceInput(
            @NotNull Activity activity, @NotNull Stream stream) {}

    /** A truck, barge or pipeline of a transport company. */
    public record VehicleInput(
            @NotBlank @Size(max = 40) String identifier,
            @NotNull Facility.VehicleKind kind,

            @DecimalMin("0.001") @DecimalMax("100000000") @Digits(integer = 9, fraction = 3)
            BigDecimal capacity) {}

    /** What a client sends to register or update a facility. */
    public record FacilityInput(
            @NotBlank @Pattern(regexp = PortService.CODE, message = "letters, digits, '-' and '_' only; at most 64")
            String code,

            @NotBlank @Size(max = 200) String name,
            @NotNull FacilityKind kind,
            UUID portId,
            @Size(max = 400) String address,
            List<@Valid LicenceInput> licences,
            List<@Valid VehicleInput> vehicles) {}

    /** A facility as answered. */
    public record FacilityView(
            UUID id,
            String code,
            String name,
            FacilityKind kind,
            UUID portId,
            String address,
            List<LicenceInput> licences,
            List<VehicleInput> vehicles,
            boolean active,
            long version) {
        static FacilityView of(Facility f) {
            return new FacilityView(
                    f.id,
                    f.code,
                    f.name,
                    f.kind,
                    f.portId,
                    f.address,
                    f.licences.stream()
                            .map(l -> new LicenceInput(l.activity, l.stream))
                            .sorted(java.util.Comparator.comparing(LicenceInput::activity)
                                    .thenComparing(LicenceInput::stream))
                            .toList(),
                    f.vehicles.stream()
                            .map(v -> new VehicleInput(v.identifier, v.kind, v.capacity))
                            .sorted(java.util.Comparator.comparing(VehicleInput::identifier))
                            .toList(),
                    f.active,
                    f.version);
        }
    }

    /** List filters. */
    public record FacilityFilter(
            FacilityKind kind, UUID portId, Activity activity, Stream stream, Boolean includeInactive) {}

    private final Guard guard;
    private final Clock clock;
    private final jakarta.persistence.EntityManager em;
    private final Sql sql;

    public FacilityService(Guard guard, Clock clock, jakarta.persistence.EntityManager em, Sql sql) {
        this.guard = guard;
        this.clock = clock;
        this.em = em;
        this.sql = sql;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Paging.Page<FacilityView> list(Actor actor, FacilityFilter filter, Paging.Request page) {
        Where where =
                new Where().and("kind = :kind", "kind", filter.kind()).and("portId = :port", "port", filter.portId());
        if (filter.activity() != null || filter.stream() != null) {
            where.and("exists (select 1 from Facility f2 join f2.licences l where f2 = f"
                    + (filter.activity() != null ? " and l.activity = :activity" : "")
                    + (filter.stream() != null ? " and l.stream = :stream" : "")
                    + ")");
            if (filter.activity() != null) {
                where.params().put("activity", filter.activity());
            }
            if (filter.stream() != null) {
                where.params().put("stream", filter.stream());
            }
        }
        if (!Boolean.TRUE.equals(filter.includeInactive())) {
            where.and("active = true");
        }
        return Paging.of(
                Facility.<Facility>find("from Facility f where " + where.hql() + " order by code", where.params()),
                page,
                FacilityView::of);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public FacilityView get(Actor actor, UUID id) {
        return FacilityView.of(load(actor, id, Action.READ));
    }

    /** The facility by id, for other features (no access check). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<Facility> find(UUID id) {
        return Optional.ofNullable(Facility.findById(id));
    }

    /**
     * Whether an active facility holds a licence for this activity on this stream: one indexed lookup, without
     * loading the facility (other features check licences on their hot paths).
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public boolean licensed(UUID facilityId, Activity activity, Stream stream) {
        if (facilityId == null) {
            return false;
        }
        return sql.first(
                        "select 1 from facility_licence l join facility f on f.id = l.facility_id"
                                + " where l.facility_id = ? and l.activity = ? and l.stream = ? and f.active",
                        rs -> Boolean.TRUE,
                        facilityId,
                        activity,
                        stream)
                .isPresent();
    }

    /** One licence: a facility may carry out an activity on a stream. */
    public record Licence(UUID facilityId, Activity activity, Stream stream) {}

    /**
     * Which of the facilities asked are registered (active or not), and the licences of the active ones; with the
     * names of those facilities and of the party (facility or vessel) the user acts for, as they are now.
     */
    public record Registered(Set<UUID> facilities, Set<Licence> licences, java.util.Map<UUID, String> names) {
        public boolean contains(UUID facility) {
            return facilities.contains(facility);
        }
    }

    /**
     * {@link Registered} for these facilities, and for the facility the user with this subject (the actor of a
     * request, not looked up yet) acts for when {@code withUsersParty}; the names of all of them and of the user's
     * party (a facility or a vessel) in any case (a step records the names it is signed under). A query of {@code
     * round}: a step loads the manifest, its actor and the licences of the parties it names in one round trip.
     */
    public Sql.Round.Result<Registered> registered(
            Sql.Round round, Collection<UUID> facilityIds, String subject, boolean withUsersParty) {
        return round.add(
                "with me as (select u.party_id from app_user u where u.subject = ?)"
                        + " select f.id, f.active, l.activity, l.stream, f.name,"
                        + " f.id = any(cast(? as uuid[])) or (? and f.id = (select party_id from me))"
                        + " from facility f left join facility_licence l on l.facility_id = f.id"
                        + " where f.id = any (array_append(cast(? as uuid[]), (select party_id from me)))"
                        + " union all select v.id, false, null, null, v.name, false from vessel v"
                        + " where v.id = (select party_id from me)",
                rs -> {
                    Set<UUID> registered = new HashSet<>();
                    Set<Licence> held = new HashSet<>();
                    java.util.Map<UUID, String> names = new java.util.HashMap<>();
                    while (rs.next()) {
                        UUID id = Sql.uuid(rs, 1);
                        if (rs.getString(5) != null) {
                            names.put(id, rs.getString(5));
                        }
                        if (!rs.getBoolean(6)) {
                            continue;
                        }
                        registered.add(id);
                        if (rs.getBoolean(2) && rs.getString(3) != null) {
                            held.add(new Licence(
                                    id, Sql.enumOf(rs, 3, Activity.class), Sql.enumOf(rs, 4, Stream.class)));
                        }
                    }
                    return new Registered(registered, held, names);
                },
                subject,
                facilityIds.toArray(UUID[]::new),
                withUsersParty,
                facilityIds.toArray(UUID[]::new));
    }

    public FacilityView create(Actor actor, FacilityInput input) {
        guard.require(actor, Action.CREATE, new Guarded.FacilityRef(null), "Facility");
        validate(input);
        if (Facility.count("code", input.code()) > 0) {
            throw new Problems.DuplicateKey("code", "A facility with code '" + input.code() + "' already exists");
        }
        Facility facility = new Facility();
        facility.id = UUID.randomUUID();
        apply(facility, input);
        facility.persistAndFlush();
        return FacilityView.of(facility);
    }

    public FacilityView update(Actor actor, UUID id, long expectedVersion, FacilityInput input) {
        Facility facility = load(actor, id, Action.UPDATE);
        Versions.check(facility.version, expectedVersion);
        validate(input);
        if (!facility.code.equals(input.code()) && Facility.count("code", input.code()) > 0) {
            throw new Problems.DuplicateKey("code", "A facility with code '" + input.code() + "' already exists");
        }
        apply(facility, input);
        facility.persistAndFlush();
        return FacilityView.of(facility);
    }

    public FacilityView deactivate(Actor actor, UUID id, long expectedVersion) {
        Facility facility = load(actor, id, Action.DEACTIVATE);
        Versions.check(facility.version, expectedVersion);
        facility.active = false;
        facility.updatedAt = clock.instant();
        facility.persistAndFlush();
        return FacilityView.of(facility);
    }

    private Facility load(Actor actor, UUID id, Action action) {
        Facility facility = Facility.findById(id);
        if (facility == null) {
            throw new Problems.NotFound("Facility " + id);
        }
        guard.require(actor, action, new Guarded.FacilityRef(facility.id), "Facility " + id);
        return facility;
    }

    private static void validate(FacilityInput input) {
        if (input.portId() != null && Port.findById(input.portId()) == null) {
            throw new Problems.UnknownReference("portId", "port");
        }
        Set<LicenceInput> seen = new HashSet<>();
        List<LicenceInput> licences = input.licences() == null ? List.of() : input.licences();
        for (int i = 0; i < licences.size(); i++) {
            if (!seen.add(licences.get(i))) {
                throw new Problems.InvalidField("duplicate-licence", "licences[" + i + "]", "Licence listed twice");
            }
        }
        Set<String> vehicles = new HashSet<>();
        List<VehicleInput> list = input.vehicles() == null ? List.of() : input.vehicles();
        for (int i = 0; i < list.size(); i++) {
            if (!vehicles.add(list.get(i).identifier())) {
                throw new Problems.InvalidField(
                        "duplicate-vehicle", "vehicles[" + i + "].identifier", "Vehicle listed twice");
            }
        }
    }

    private void apply(Facility facility, FacilityInput input) {
        facility.code = input.code();
        facility.name = input.name();
        facility.kind = input.kind();
        facility.portId = input.portId();
        facility.address = input.address();
        facility.licences.clear();
        for (LicenceInput l : input.licences() == null ? List.<LicenceInput>of() : input.licences()) {
            Facility.Licence licence = new Facility.Licence();
            licence.activity = l.activity();
            licence.stream = l.stream();
            facility.licences.add(licence);
        }
        facility.vehicles.clear();
        for (VehicleInput v : input.vehicles() == null ? List.<VehicleInput>of() : input.vehicles()) {
            Facility.Vehicle vehicle = new Facility.Vehicle();
            vehicle.identifier = v.identifier();
            vehicle.kind = v.kind();
            vehicle.capacity = v.capacity();
            facility.vehicles.add(vehicle);
        }
        facility.updatedAt = clock.instant();
    }
}
