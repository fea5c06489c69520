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
import io.shoreloop.registry.VesselType;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Reads what the rules need about one call from the database and hands it over as plain values: the call, its
 * vessel, berth and port, the connections matched to it, the berth's faults, the call's manifests and the vessel's
 * earlier handovers. The call, the vessel, the earlier handovers and the manifests are plain SQL queries that join a
 * round trip of the caller's ({@link #read}); the shore-power case's berth, port, faults and connections are read
 * when it is needed.
 */
@ApplicationScoped
class CallFacts {

    /** States in which a manifest stands for a handover by the vessel. */
    static final Set<ManifestState> HANDED_OVER = EnumSet.of(
            ManifestState.DECLARED, ManifestState.RECEIVED, ManifestState.IN_TRANSFER, ManifestState.DISPOSED);

    /** The three cases of one call. */
    record Cases(ShorePowerDuty.Case shorePower, ZeroDischarge.Case zeroDischarge, TankWashing.Case tankWashing) {}

    /** The call as the rules read it, with its cargo in order. */
    record Call(
            UUID id,
            UUID vesselId,
            UUID berthId,
            UUID portId,
            Instant arrival,
            Instant departure,
            Integer crewOnBoard,
            VesselCall.ExemptionReason exemptionReason,
            String exemptionNote,
            String exemptionEvidence,
            List<TankWashing.Cargo> cargo,
            boolean active) {}

    /** The vessel as the rules read it: its type, its shore-power facility and its tanks' capacities. */
    record Ship(UUID id, VesselType type, ShorePowerSpec shorePower, Map<Stream, BigDecimal> tanks) {}

    /** The answers of {@link #read}, by call id, once its round has run (a call that does not exist is absent). */
    record Reads(
            Sql.Round.Result<Map<UUID, Call>> calls,
            Sql.Round.Result<Map<UUID, Ship>> vessels,
            Sql.Round.Result<Map<UUID, Instant[]>> before,
            Sql.Round.Result<Map<UUID, List<Manifest>>> manifests) {}

    private static final String CALLS = "select c.id, c.vessel_id, c.berth_id, c.port_id, c.arrival, c.departure,"
            + " c.crew_on_board, c.exemption_reason, c.exemption_note, c.exemption_evidence, c.active, k.name,"
            + " k.nls_category, k.solidifying_or_high_viscosity from vessel_call c left join call_cargo k on"
            + " k.call_id = c.id where c.id = any(?) order by c.id, k.seq";

    private static final String VESSELS =
            "select c.id, v.id, v.vessel_type, v.shore_power, v.sp_voltage_v, v.sp_frequency_hz,"
                    + " v.sp_capacity_kva, v.sp_high_voltage, v.sp_socket, t.stream, t.capacity from vessel_call c join vessel"
                    + " v on v.id = c.vessel_id left join vessel_tank t on t.vessel_id = v.id where c.id = any(?) order by c.id";

    /**
     * The vessel's previous departure before this call and its last handover of sewage and of garbage before it, in
     * one statement.
     */
    private static final String BEFORE = "select k.id, (select max(c.departure) from vessel_call c where c.vessel_id ="
            + " k.vessel_id and c.active and c.id <> k.id and c.departure <= k.arrival),"
            + " (select max(m.declared_at) from manifest m where m.vessel_id = k.vessel_id and m.stream = 'SEWAGE'"
            + " and m.call_id <> k.id and m.declared_at < k.arrival and m.state in (" + states() + ")),"
            + " (select max(m.declared_at) from manifest m where m.vessel_id = k.vessel_id and m.stream = 'GARBAGE'"
            + " and m.call_id <> k.id and m.declared_at < k.arrival and m.state in (" + states() + "))"
            + " from vessel_call k where k.id = any(?)";

    private final ConnectedTime connected;
    private final ShoreloopConfig config;
    private final ManifestService manifests;

    CallFacts(ConnectedTime connected, ShoreloopConfig config, ManifestService manifests) {
        this.connected = connected;
        this.config = config;
        this.manifests = manifests;
    }

    /** Adds the reads of these calls to {@code round}; they answer once it has run. */
    Reads read(Sql.Round round, Collection<UUID> callIds) {
        Object ids = callIds.toArray(UUID[]::new);
        return new Reads(
                round.add(CALLS, CallFacts::calls, ids),
                round.add(VESSELS, CallFacts::ships, ids),
                round.add(
                        BEFORE,
                        rs -> {
                            Map<UUID, Instant[]> before = new HashMap<>();
                            while (rs.next()) {
                                before.put(
                                        Sql.uuid(rs, 1),
                                        new Instant[] {Sql.instant(rs, 2), Sql.instant(rs, 3), Sql.instant(rs, 4)});
                            }
                            return before;
                        },
                        ids),
                manifests.ofCalls(round, callIds));
    }

    /** The calls with their cargo (rows by call, then cargo in order). */
    private static Map<UUID, Call> calls(ResultSet rs) throws SQLException {
        Map<UUID, Call> calls = new HashMap<>();
        boolean more = rs.next();
        while (more) {
            UUID id = Sql.uuid(rs, 1);
            UUID vessel = Sql.uuid(rs, 2);
            UUID berth = Sql.uuid(rs, 3);
            UUID port = Sql.uuid(rs, 4);
            Instant arrival = Sql.instant(rs, 5);
            Instant departure = Sql.instant(rs, 6);
            Integer crew = Sql.integer(rs, 7);
            VesselCall.ExemptionReason reason = Sql.enumOf(rs, 8, VesselCall.ExemptionReason.class);
            String note = rs.getString(9);
            String evidence = rs.getString(10);
            boolean active = rs.getBoolean(11);
            List<TankWashing.Cargo> cargo = new ArrayList<>();
            do {
                String name = rs.getString(12);
                if (name != null) {
                    cargo.add(new TankWashing.Cargo(
                            name, Sql.enumOf(rs, 13, VesselCall.NlsCategory.class), rs.getBoolean(14)));
                }
                more = rs.next();
            } while (more && Sql.uuid(rs, 1).equals(id));
            calls.put(
                    id,
                    new Call(
                            id,
                            vessel,
                            berth,
                            port,
                            arrival,
                            departure,
                            crew,
                            reason,
                            note,
                            evidence,
                            List.copyOf(cargo),
                            active));
        }
        return calls;
    }

    /** Each call's vessel with its tanks (rows by call, then tank). */
    private static Map<UUID, Ship> ships(ResultSet rs) throws SQLException {
        Map<UUID, Ship> ships = new HashMap<>();
        boolean more = rs.next();
        while (more) {
            UUID call = Sql.uuid(rs, 1);
            UUID id = Sql.uuid(rs, 2);
            VesselType type = Sql.enumOf(rs, 3, VesselType.class);
            ShorePowerSpec spec = rs.getBoolean(4)
                    ? new ShorePowerSpec(
                            true,
                            Sql.integer(rs, 5),
                            Sql.integer(rs, 6),
                            rs.getBigDecimal(7),
                            (Boolean) rs.getObject(8),
                            rs.getString(9))
                    : ShorePowerSpec.NONE;
            Map<Stream, BigDecimal> tanks = new EnumMap<>(Stream.class);
            do {
                Stream stream = Sql.enumOf(rs, 10, Stream.class);
                if (stream != null) {
                    tanks.put(stream, rs.getBigDecimal(11));
                }
                more = rs.next();
            } while (more && Sql.uuid(rs, 1).equals(call));
            ships.put(call, new Ship(id, type, spec, tanks));
        }
        return ships;
    }

    /**
     * The cases of one call from its reads ({@code call}: the call, present); without {@code shorePower}, the
     * shore-power case is null (neither the call's sessions nor the berth's faults are read).
     */
    Cases of(Call call, Reads in, boolean shorePower) {
        Ship vessel = in.vessels().get().get(call.id());
        List<Manifest> handovers = in.manifests().get().getOrDefault(call.id(), List.of()).stream()
                .sorted(java.util.Comparator.comparing(Manifest::createdAt).thenComparing(Manifest::id))
                .toList();
        return new Cases(
                shorePower
                        ? shorePower(call, vessel, Berth.findById(call.berthId()), Port.findById(call.portId()))
                        : null,
                zeroDischarge(call, vessel, in.before().get().get(call.id()), handovers),
                tankWashing(call, vessel, handovers));
    }

    /**
     * The shore-power case of a call. While the ship is at berth the duty is pending whatever it drew and whatever
     * failed ({@link ShorePowerDuty#judge}), so the case of an open stay holds neither its connections nor the berth's
     * faults, and neither is read: a call whose meters report every few seconds is judged again after each debounce
     * delay, and read its sessions and faults each time (with a thousand ships at berth, a thousand calls every two
     * seconds). Its inputs then change only with what decides it; the departure's recording judges it with both.
     */
    private ShorePowerDuty.Case shorePower(Call call, Ship vessel, Berth berth, Port port) {
        boolean atBerth = call.departure() == null;
        List<ShorePowerDuty.Fault> faults = atBerth
                ? List.of()
                : BerthFault.overlapping(berth.id, call.arrival(), call.departure()).stream()
                        .map(f -> new ShorePowerDuty.Fault(f.startedAt, f.endedAt, f.description))
                        .toList();
        ShorePowerDuty.Claim claim = call.exemptionReason() == null
                ? null
                : new ShorePowerDuty.Claim(call.exemptionReason(), call.exemptionNote(), call.exemptionEvidence());
        return new ShorePowerDuty.Case(
                port.regionKind,
                berth.terminalKind.liquidCargo(),
                spec(berth.shorePower),
                vessel.type().liquidCargo(),
                vessel.shorePower(),
                call.arrival(),
                call.departure(),
                atBerth ? List.of() : connected.of(call.id()),
                claim,
                faults,
                config.compliance().stayTolerance());
    }

    private static String states() {
        return String.join(
                ", ", HANDED_OVER.stream().map(s -> "'" + s.name() + "'").toList());
    }

    private ZeroDischarge.Case zeroDischarge(Call call, Ship vessel, Instant[] before, List<Manifest> manifests) {
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
                since = call.arrival();
                basis = "this call's arrival, no earlier call on record";
            }
            BigDecimal handed = manifests.stream()
                    .filter(m -> m.stream() == stream && HANDED_OVER.contains(m.state()))
                    .map(CallFacts::handedOver)
                    .reduce(BigDecimal.ZERO, BigDecimal::add);
            streams.add(new ZeroDischarge.StreamCase(
                    stream, since, basis, handed, vessel.tanks().get(stream)));
        }
        return new ZeroDischarge.Case(
                call.crewOnBoard(),
                call.departure(),
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

    private static TankWashing.Case tankWashing(Call call, Ship vessel, List<Manifest> manifests) {
        List<TankWashing.WashingManifest> washing = manifests.stream()
                .filter(m -> m.stream() == Stream.TANK_WASHING)
                .map(m -> new TankWashing.WashingManifest(
                        m.number(), m.cargoName(), m.state().name(), HANDED_OVER.contains(m.state())))
                .toList();
        return new TankWashing.Case(vessel.type(), call.departure(), call.cargo(), washing);
    }

    private static ShorePowerSpec spec(ShorePower sp) {
        if (sp == null || !sp.available) {
            return ShorePowerSpec.NONE;
        }
        return new ShorePowerSpec(true, sp.voltageV, sp.frequencyHz, sp.capacityKva, sp.highVoltage, sp.socket);
    }
}
