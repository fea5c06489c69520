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
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

/** Meters: registered by the operator of the berth's port; visible to that operator, bureaus covering it, admins. */
@ApplicationScoped
@Transactional
public class MeterService {

    /** Default register modulus: an 8-digit kWh register rolls over at 100,000,000. */
    static final BigDecimal DEFAULT_MODULUS = new BigDecimal("100000000");

    /** What a client sends to register or update a meter. */
    public record MeterInput(
            @NotBlank @Pattern(regexp = PortService.CODE, message = "letters, digits, '-' and '_' only; at most 64")
            String code,

            @NotNull UUID berthId,

            @DecimalMin("1") @DecimalMax("1000000000000") @Digits(integer = 13, fraction = 3)
            BigDecimal registerModulusKwh,

            @Min(1) @Max(86400) Integer reportingIntervalS) {}

    /** A meter as answered, with the MQTT topic it publishes readings on. */
    public record MeterView(
            UUID id,
            String code,
            UUID berthId,
            UUID portId,
            BigDecimal registerModulusKwh,
            int reportingIntervalS,
            String readingTopic,
            boolean active,
            long version) {}

    /** List filters. */
    public record MeterFilter(UUID berthId, UUID portId, String code, Boolean includeInactive) {}

    private final Guard guard;
    private final Clock clock;
    private final jakarta.enterprise.event.Event<MeterRegistrationChanged> changed;
    private final EntityManager em;

    public MeterService(
            Guard guard,
            Clock clock,
            jakarta.enterprise.event.Event<MeterRegistrationChanged> changed,
            EntityManager em) {
        this.guard = guard;
        this.clock = clock;
        this.changed = changed;
        this.em = em;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Paging.Page<MeterView> list(Actor actor, MeterFilter filter, Paging.Request page) {
        AccessPolicy.ListScope scope = AccessPolicy.scope(actor, AccessPolicy.Listing.METERS);
        if (scope.isNone()) {
            return new Paging.Page<>(List.of(), page.page(), page.size(), 0);
        }
        Where where = new Where()
                .and("berthId = :berth", "berth", filter.berthId())
                .and("code = :code", "code", filter.code())
                .and("berthId in (select b.id from Berth b where b.portId = :port)", "port", filter.portId());
        if (!Boolean.TRUE.equals(filter.includeInactive())) {
            where.and("active = true");
        }
        if (!scope.all()) {
            where.always("berthId in (select b.id from Berth b where b.portId in :ports)", "ports", scope.portIds());
        }
        return Paging.of(Meter.<Meter>find(where.hql() + " order by code", where.params()), page, this::view);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public MeterView get(Actor actor, UUID id) {
        return view(load(actor, id, Action.READ));
    }

    public MeterView create(Actor actor, MeterInput input) {
        Berth berth = activeBerth(input.berthId());
        guard.require(actor, Action.CREATE, new Guarded.MeterRef(berth.portId), "Meter");
        if (Meter.count("code", input.code()) > 0) {
            throw new Problems.DuplicateKey("code", "A meter with code '" + input.code() + "' already exists");
        }
        Meter meter = new Meter();
        meter.id = UUID.randomUUID();
        apply(meter, input);
        meter.persistAndFlush();
        return view(meter);
    }

    public MeterView update(Actor actor, UUID id, long expectedVersion, MeterInput input) {
        Meter meter = load(actor, id, Action.UPDATE);
        Versions.check(meter.version, expectedVersion);
        Berth target = activeBerth(input.berthId());
        // moving a meter to a berth of another port needs the right on that port too
        if (!guard.permits(actor, Action.UPDATE, new Guarded.MeterRef(target.portId))) {
            throw new Problems.ActionForbidden("You may not move a meter to a berth of a port you do not operate");
        }
        if (!meter.code.equals(input.code()) && Meter.count("code", input.code()) > 0) {
            throw new Problems.DuplicateKey("code", "A meter with code '" + input.code() + "' already exists");
        }
        keepHistoryWhole(meter, input);
        apply(meter, input);
        meter.persistAndFlush();
        changed.fire(new MeterRegistrationChanged("meter " + meter.code));
        return view(meter);
    }

    public MeterView deactivate(Actor actor, UUID id, long expectedVersion) {
        Meter meter = load(actor, id, Action.DEACTIVATE);
        Versions.check(meter.version, expectedVersion);
        meter.active = false;
        meter.updatedAt = clock.instant();
        meter.persistAndFlush();
        changed.fire(new MeterRegistrationChanged("meter " + meter.code));
        return view(meter);
    }

    /**
     * A meter's berth and register modulus shape how its readings are read: sessions are derived again whenever a late
     * reading or a call's departure touches them, with the registration as it then stands. Changed under a history,
     * they would move its sessions, their energy and verdicts to the new berth, or read its old rollovers anew. So
     * once a meter has readings both stay; a meter moved to another berth (or given another register) is deactivated
     * and registered again under a new code. The meter's state row is locked first so that an ingest batch writing
     * its first readings is either seen here or waits for the change.
     */
    private void keepHistoryWhole(Meter meter, MeterInput input) {
        boolean moved = !meter.berthId.equals(input.berthId());
        BigDecimal modulus = input.registerModulusKwh() == null ? DEFAULT_MODULUS : input.registerModulusKwh();
        boolean newRegister = meter.registerModulusKwh.compareTo(modulus) != 0;
        if (!moved && !newRegister) {
            return;
        }
        em.createNativeQuery("select 1 from shore_meter_state where meter_id = ?1 for update")
                .setParameter(1, meter.id)
                .getResultList();
        boolean hasReadings = !em.createNativeQuery("select 1 from meter_reading where meter_id = ?1 limit 1")
                .setParameter(1, meter.id)
                .getResultList()
                .isEmpty();
        if (hasReadings) {
            throw new MeterHasReadings(moved ? "berthId" : "registerModulusKwh");
        }
    }

    /** A change of berth or register refused for a meter that has readings. */
    public static final class MeterHasReadings extends io.shoreloop.platform.DomainException {
        MeterHasReadings(String field) {
            super(
                    io.shoreloop.platform.ProblemKind.CONFLICT,
                    "meter-has-readings",
                    "This meter has readings: its berth and register modulus stay as they were when it read them."
                            + " Deactivate it and register the meter again (under a new code) at its new berth"
                            + " or with its new register",
                    field);
        }
    }

    private Meter load(Actor actor, UUID id, Action action) {
        Meter meter = Meter.findById(id);
        if (meter == null) {
            throw new Problems.NotFound("Meter " + id);
        }
        Berth berth = Berth.findById(meter.berthId);
        guard.require(actor, action, new Guarded.MeterRef(berth.portId), "Meter " + id);
        return meter;
    }

    private static Berth activeBerth(UUID berthId) {
        Berth berth = Berth.findById(berthId);
        if (berth == null || !berth.active) {
            throw new Problems.UnknownReference("berthId", "berth");
        }
        return berth;
    }

    private void apply(Meter meter, MeterInput input) {
        meter.code = input.code();
        meter.berthId = input.berthId();
        meter.registerModulusKwh = input.registerModulusKwh() == null ? DEFAULT_MODULUS : input.registerModulusKwh();
        meter.reportingIntervalS = input.reportingIntervalS() == null ? 15 : input.reportingIntervalS();
        meter.updatedAt = clock.instant();
    }

    private MeterView view(Meter meter) {
        Berth berth = Berth.findById(meter.berthId);
        Port port = Port.findById(berth.portId);
        return new MeterView(
                meter.id,
                meter.code,
                meter.berthId,
                berth.portId,
                meter.registerModulusKwh,
                meter.reportingIntervalS,
                "shorepower/v1/" + port.code + "/" + berth.code + "/" + meter.code + "/reading",
                meter.active,
                meter.version);
    }
}
