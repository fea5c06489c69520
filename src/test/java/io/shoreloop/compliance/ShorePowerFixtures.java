package io.shoreloop.compliance;

import io.shoreloop.calls.VesselCall.ExemptionReason;
import io.shoreloop.registry.RegionKind;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Fixtures that read like sentences: {@code aContainerShip().atAnInlandShorePowerBerth().staying(hours(3))}. */
final class ShorePowerFixtures {

    static final Instant ARRIVAL = Instant.parse("2025-03-01T08:00:00Z");
    static final ShorePowerSpec LV_400 =
            new ShorePowerSpec(true, 400, 50, new BigDecimal("630"), false, "IEC 60309 LV 350A");
    static final ShorePowerSpec SHIP_LV_400 =
            new ShorePowerSpec(true, 400, 50, new BigDecimal("250"), false, "IEC 60309 LV 350A");

    private RegionKind region = RegionKind.INLAND;
    private boolean liquidTerminal;
    private ShorePowerSpec berth = LV_400;
    private boolean liquidShip;
    private ShorePowerSpec ship = SHIP_LV_400;
    private Instant departure = ARRIVAL.plus(Duration.ofHours(3));
    private final List<ShorePowerDuty.Connection> connections = new ArrayList<>();
    private ShorePowerDuty.Claim claim;
    private final List<ShorePowerDuty.Fault> faults = new ArrayList<>();
    private Duration tolerance = Duration.ofMinutes(15);

    static ShorePowerFixtures aContainerShipWithAFacility() {
        return new ShorePowerFixtures();
    }

    static ShorePowerFixtures aShipWithoutAFacility() {
        ShorePowerFixtures f = new ShorePowerFixtures();
        f.ship = ShorePowerSpec.NONE;
        return f;
    }

    static ShorePowerFixtures aChemicalTankerWithAFacility() {
        ShorePowerFixtures f = new ShorePowerFixtures();
        f.liquidShip = true;
        return f;
    }

    static Duration hours(long h) {
        return Duration.ofHours(h);
    }

    static Duration minutes(long m) {
        return Duration.ofMinutes(m);
    }

    ShorePowerFixtures atAnInlandShorePowerBerth() {
        region = RegionKind.INLAND;
        return this;
    }

    ShorePowerFixtures atACoastalShorePowerBerth() {
        region = RegionKind.COASTAL;
        return this;
    }

    ShorePowerFixtures atAChemicalTerminal() {
        liquidTerminal = true;
        return this;
    }

    ShorePowerFixtures atABerthWithoutShorePower() {
        berth = ShorePowerSpec.NONE;
        return this;
    }

    ShorePowerFixtures atABerthSupplying(ShorePowerSpec supply) {
        berth = supply;
        return this;
    }

    ShorePowerFixtures staying(Duration stay) {
        departure = ARRIVAL.plus(stay);
        return this;
    }

    ShorePowerFixtures stillAtBerth() {
        departure = null;
        return this;
    }

    /** Connected from {@code from} after arrival for {@code length}, delivering {@code kwh}. */
    ShorePowerFixtures connected(Duration from, Duration length, String kwh) {
        Instant start = ARRIVAL.plus(from);
        connections.add(new ShorePowerDuty.Connection(new Interval(start, start.plus(length)), new BigDecimal(kwh)));
        return this;
    }

    ShorePowerFixtures claiming(ExemptionReason reason, String evidence) {
        claim = new ShorePowerDuty.Claim(reason, "note for " + reason, evidence);
        return this;
    }

    /** A berth fault recorded from {@code from} after arrival for {@code length} ({@code null}: still open). */
    ShorePowerFixtures withABerthFault(Duration from, Duration length) {
        Instant start = ARRIVAL.plus(from);
        faults.add(new ShorePowerDuty.Fault(start, length == null ? null : start.plus(length), "breaker tripped"));
        return this;
    }

    ShorePowerFixtures withTolerance(Duration t) {
        tolerance = t;
        return this;
    }

    Verdict judged() {
        return ShorePowerDuty.judge(new ShorePowerDuty.Case(
                region,
                liquidTerminal,
                berth,
                liquidShip,
                ship,
                ARRIVAL,
                departure,
                connections,
                claim,
                faults,
                tolerance));
    }
}
