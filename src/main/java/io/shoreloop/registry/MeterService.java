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

    public MeterService(Guard guard, Clock clock, jakarta.enterprise.event.Event<MeterRegistrationChanged> changed) {
        this.guard = guard;
        this.clock = clock;
        this.changed = changed;
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
