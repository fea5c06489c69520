package io.shoreloop.compliance;

import io.shoreloop.calls.VesselCall;
import io.shoreloop.identity.Role;
import io.shoreloop.manifest.Manifest;
import io.shoreloop.manifest.ManifestAction;
import io.shoreloop.manifest.ManifestService;
import io.shoreloop.manifest.ManifestState;
import io.shoreloop.manifest.Step;
import io.shoreloop.platform.ShoreloopConfig;
import io.shoreloop.platform.Sql;
import io.shoreloop.registry.Berth;
import io.shoreloop.registry.BerthFault;
import io.shoreloop.registry.Port;
import io.shoreloop.registry.ShorePower;
import io.shoreloop.registry.Stream;
import io.shoreloop.registry.Vessel;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Reads what the rules need about one call from the database and hands it over as plain values: the call, its
 * vessel, berth and port, the connections matched to it, the berth's faults, the call's manifests and the vessel's
 * earlier handovers.
 */
@ApplicationScoped
class CallFacts {

    /** States in which a manifest stands for a handover by the vessel. */
    static final Set<ManifestState> HANDED_OVER = EnumSet.of(
            ManifestState.DECLARED, ManifestState.RECEIVED, ManifestState.IN_TRANSFER, ManifestState.DISPOSED);

    /** The three cases of one call. */
    record Cases(ShorePowerDuty.Case shorePower, ZeroDischarge.Case zeroDischarge, TankWashing.Case tankWashing) {}

    private final ConnectedTime connected;
    private final ShoreloopConfig config;
    private final ManifestService manifests;
    private final Sql sql;

    CallFacts(ConnectedTime connected, ShoreloopConfig config, ManifestService manifests, Sql sql) {
        this.connected = connected;
        this.config = config;
        this.manifests = manifests;
        this.sql = sql;
    }

    /**
     * The cases of one call; without {@code shorePower}, the shore-power case is null (neither the call's sessions nor
     * the berth's faults are read).
     */
    Cases of(VesselCall call, boolean shorePower) {
        Vessel vessel = Vessel.findById(call.vesselId);
        // one query for the manifests and their steps (not one more per manifest)
        List<Manifest> handovers = manifests.ofCall(call.id).stream()
                .sorted(java.util.Comparator.comparing(Manifest::createdAt).thenComparing(Manifest::id))
                .toList();
        return new Cases(
                shorePower ? shorePower(call, vessel, Berth.findById(call.berthId), Port.findById(call.portId)) : null,
                zeroDischarge(call, vessel, handovers),
                tankWashing(call, vessel, handovers));
    }

    private ShorePowerDuty.Case shorePower(VesselCall call, Vessel vessel, Berth berth, Port port) {
        Instant until = call.departure == null ? Instant.parse("9999-12-31T00:00:00Z") : call.departure;
        List<ShorePowerDuty.Fault> faults = BerthFault.overlapping(berth.id, call.arrival, until).stream()
                .map(f -> new ShorePowerDuty.Fault(f.startedAt, f.endedAt, f.description))
                .toList();
        ShorePowerDuty.Claim claim = call.exemptionReason == null
                ? null
                : new ShorePowerDuty.Claim(call.exemptionReason, call.exemptionNote, call.exemptionEvidence);
        return new ShorePowerDuty.Case(
                port.regionKind,
                berth.terminalKind.liquidCargo(),
                spec(berth.shorePower),
                vessel.type.liquidCargo(),
                spec(vessel.shorePower),
                call.arrival,
                call.departure,
                connected.of(call.id),
                claim,
                faults,
                config.compliance().stayTolerance());
    }

    /**
     * The vessel's previous departure before this call and its last handover of sewage and of garbage before it, in
     * one statement.
     */
    private static final String BEFORE = "select (select max(c.departure) from vessel_call c where c.vessel_id = ?"
            + " and c.active and c.id <> ? and c.departure <= ?),"
            + " (select max(m.declared_at) from manifest m where m.vessel_id = ? and m.stream = 'SEWAGE'"
            + " and m.call_id <> ? and m.declared_at < ? and m.state in (" + states() + ")),"
            + " (select max(m.declared_at) from manifest m where m.vessel_id = ? and m.stream = 'GARBAGE'"
            + " and m.call_id <> ? and m.declared_at < ? and m.state in (" + states() + "))";

    private static String states() {
        return String.join(
                ", ", HANDED_OVER.stream().map(s -> "'" + s.name() + "'").toList());
    }

    private ZeroDischarge.Case zeroDischarge(VesselCall call, Vessel vessel, List<Manifest> manifests) {
        Instant[] before = sql.first(
                        BEFORE,
                        rs -> new Instant[] {Sql.instant(rs, 1), Sql.instant(rs, 2), Sql.instant(rs, 3)},
                        vessel.id,
                        call.id,
                        call.arrival,
                        vessel.id,
                        call.id,
                        call.arrival,
                        vessel.id,
                        call.id,
                        call.arrival)
                .orElseThrow();
        Instant previousDeparture = before[0];
        List<ZeroDischarge.StreamCase> streams = new ArrayList<>();
        for (Stream stream : List.of(Stream.SEWAGE, Stream.GARBAGE)) {
            Instant lastHandover = stream == Stream.SEWAGE ? before[1] : before[2];
            Instant since;
            String basis;
            if (lastHandover != null) {
                since = lastHandover;
                basis = "the last handover (" + lastHandover + ")";
            } else if (previousDeparture != null) {
                since = previousDeparture;
                basis = "the previous call's departure (" + previousDeparture + "), no earlier handover on record";
            } else {
                since = call.arrival;
                basis = "this call's arrival, no earlier call on record";
            }
            BigDecimal handed = manifests.stream()
                    .filter(m -> m.stream() == stream && HANDED_OVER.contains(m.state()))
                    .map(CallFacts::handedOver)
                    .reduce(BigDecimal.ZERO, BigDecimal::add);
            BigDecimal tank = vessel.tanks.stream()
                    .filter(t -> t.stream == stream)
                    .map(t -> t.capacity)
                    .findFirst()
                    .orElse(null);
            streams.add(new ZeroDischarge.StreamCase(stream, since, basis, handed, tank));
        }
        return new ZeroDischarge.Case(
                call.crewOnBoard,
                call.departure,
                streams,
                new ZeroDischarge.Rates(
                        config.compliance().sewageM3PerPersonDay(),
                        config.compliance().garbageKgPerPersonDay(),
                        config.compliance().handoverShare(),
                        config.compliance().balancePeriodMax()));
    }

    /**
     * What one manifest handed over: the quantity the reception facility accepted (its receipt, or the accepted part
     * of a refusal at receipt, as corrected later), or the declared quantity while receipt is pending.
     */
    static BigDecimal handedOver(Manifest m) {
        if (m.state() == ManifestState.DECLARED) {
            return m.declaredQuantity();
        }
        List<Step> steps = m.steps();
        for (int seq = 0; seq < steps.size(); seq++) {
            Step s = steps.get(seq);
            boolean receipt = s.action() == ManifestAction.RECEIVE
                    || (s.action() == ManifestAction.REFUSE && s.role() == Role.RECEIVER);
            if (receipt && s.quantity() != null) {
                BigDecimal q = s.quantity();
                for (Step later : steps.subList(seq + 1, steps.size())) {
                    if (later.action() == ManifestAction.CORRECT
                            && later.correctsSeq() != null
                            && later.correctsSeq() == seq
                            && later.quantity() != null) {
                        q = later.quantity();
                    }
                }
                return q;
            }
        }
        return m.declaredQuantity();
    }

    private static TankWashing.Case tankWashing(VesselCall call, Vessel vessel, List<Manifest> manifests) {
        List<TankWashing.Cargo> cargo = call.cargo.stream()
                .map(c -> new TankWashing.Cargo(c.name, c.nlsCategory, c.solidifyingOrHighViscosity))
                .toList();
        List<TankWashing.WashingManifest> washing = manifests.stream()
                .filter(m -> m.stream() == Stream.TANK_WASHING)
                .map(m -> new TankWashing.WashingManifest(
                        m.number(), m.cargoName(), m.state().name(), HANDED_OVER.contains(m.state())))
                .toList();
        return new TankWashing.Case(vessel.type, call.departure, cargo, washing);
    }

    private static ShorePowerSpec spec(ShorePower sp) {
        if (sp == null || !sp.available) {
            return ShorePowerSpec.NONE;
        }
        return new ShorePowerSpec(true, sp.voltageV, sp.frequencyHz, sp.capacityKva, sp.highVoltage, sp.socket);
    }
}
