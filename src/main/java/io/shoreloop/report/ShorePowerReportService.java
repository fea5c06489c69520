package io.shoreloop.report;

import io.shoreloop.calls.VesselCall.ExemptionReason;
import io.shoreloop.identity.AccessPolicy;
import io.shoreloop.identity.Actor;
import io.shoreloop.identity.Role;
import io.shoreloop.platform.Problems;
import io.shoreloop.platform.ShoreloopConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Shore-power KPIs (usage rate, time coverage, energy, matching, violations, exemptions, avoided emissions and cost)
 * and the Art. 18 record, read from the stored shore-power verdicts (through their narrow read model
 * {@code report_shore_power_call}, kept by a trigger on {@code call_verdict}; see {@code V6__shorepower_kpi.sql}) and
 * the sessions ({@code shore_session}), restricted like the closure report: a bureau its jurisdiction, a berth operator
 * its ports, an admin everything, a crew its own vessel's calls; facility users are refused.
 *
 * <p>Call figures count the calls that arrived in the months asked (China Standard Time); session figures (sessions,
 * energy, avoided emissions) the sessions that started in them. The Art. 18 record lists the calls of the months with
 * all their sessions, and the unmatched sessions that started in them.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class ShorePowerReportService {

    /** Exemptions a bureau's review made, not a claim the rules accepted. */
    static final String BY_REVIEW = "BUREAU_REVIEW";

    /** Exemption reason codes, in column order: the claims, then exemptions by a bureau's review. */
    static final List<String> REASONS = reasons();

    private static final String ELIGIBLE = "x.outcome in ('COMPLIANT', 'EXEMPT', 'VIOLATION')";

    private final EntityManager em;
    private final Clock clock;
    private final ShoreloopConfig config;

    public ShorePowerReportService(EntityManager em, Clock clock, ShoreloopConfig config) {
        this.em = em;
        this.clock = clock;
        this.config = config;
    }

    private static List<String> reasons() {
        List<String> r = new ArrayList<>();
        for (ExemptionReason e : ExemptionReason.values()) {
            r.add(e.name());
        }
        r.add(BY_REVIEW);
        return List.copyOf(r);
    }

    /** Filters: months (inclusive; default the current month), port, grouping (default port). */
    public record Filter(YearMonth from, YearMonth to, UUID portId, ReportViews.ShorePowerGroupBy groupBy) {

        Filter resolved(Clock clock) {
            YearMonth end = to != null ? to : from != null ? from : YearMonth.now(clock.withZone(ReportService.ZONE));
            YearMonth start = from != null ? from : end;
            if (start.isAfter(end)) {
                throw new Problems.InvalidField("invalid-range", "from", "from must not be after to");
            }
            return new Filter(start, end, portId, groupBy == null ? ReportViews.ShorePowerGroupBy.PORT : groupBy);
        }

        Map<String, String> echo() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("from", String.valueOf(from));
            m.put("to", String.valueOf(to));
            m.put("portId", portId == null ? "" : portId.toString());
            if (groupBy != null) {
                m.put("groupBy", groupBy.name().toLowerCase());
            }
            return m;
        }

        OffsetDateTime start() {
            return OffsetDateTime.ofInstant(
                    from.atDay(1).atStartOfDay(ReportService.ZONE).toInstant(), ReportService.ZONE);
        }

        OffsetDateTime end() {
            return OffsetDateTime.ofInstant(
                    to.plusMonths(1).atDay(1).atStartOfDay(ReportService.ZONE).toInstant(), ReportService.ZONE);
        }
    }

    /** Facility users have no shore-power figures of their own. */
    private static AccessPolicy.ListScope scope(Actor actor) {
        if (actor.is(Role.RECEIVER) || actor.is(Role.TRANSPORTER) || actor.is(Role.DISPOSER)) {
            throw new Problems.ActionForbidden(
                    "Shore-power reports are for bureaus, port operators and vessels (their own calls)");
        }
        return AccessPolicy.scope(actor, AccessPolicy.Listing.CALLS);
    }

    /**
     * Appends the period ({@code timeColumn} in [from, to)), the port filter and the scope restriction on
     * {@code portColumn} / {@code vesselColumn}; {@code vesselColumn} null where rows may have no vessel (sessions
     * matched to no call), which no crew sees.
     */
    private static void where(
            StringBuilder sql,
            Map<String, Object> params,
            Filter f,
            AccessPolicy.ListScope s,
            String timeColumn,
            String portColumn,
            String vesselColumn) {
        sql.append(" and ")
                .append(timeColumn)
                .append(" >= :from and ")
                .append(timeColumn)
                .append(" < :to");
        params.put("from", f.start());
        params.put("to", f.end());
        if (f.portId() != null) {
            sql.append(" and ").append(portColumn).append(" = :port");
            params.put("port", f.portId());
        }
        if (s.all()) {
            return;
        }
        if (s.vesselId() != null) {
            sql.append(" and ").append(vesselColumn).append(" = :scopeVessel");
            params.put("scopeVessel", s.vesselId());
        } else {
            sql.append(" and ").append(portColumn).append(" in (:scopePorts)");
            params.put("scopePorts", s.portIds());
        }
    }

    private static String key(ReportViews.ShorePowerGroupBy groupBy) {
        return switch (groupBy) {
            case PORT -> "x.port_id::text";
            case COMPANY -> "p.operator_id::text";
            case VESSEL -> "x.vessel_id::text";
            case BERTH -> "x.berth_id::text";
            case MONTH -> "to_char(x.at at time zone 'Asia/Shanghai', 'YYYY-MM')";
        };
    }

    /** Accumulates one group's figures; energy per province, for the factors. */
    static final class Kpis {
        long calls,
                eligible,
                connected,
                facility,
                compatible,
                violations,
                pending,
                sessions,
                matched,
                callsWithSessions;
        BigDecimal berthedHours = BigDecimal.ZERO, connectedHours = BigDecimal.ZERO;
        final Map<String, Long> exemptions = new LinkedHashMap<>();
        long wh, matchedWh;
        final Map<String, Long> whByProvince = new HashMap<>();

        Kpis() {
            REASONS.forEach(r -> exemptions.put(r, 0L));
        }

        void add(Kpis o) {
            calls += o.calls;
            eligible += o.eligible;
            connected += o.connected;
            facility += o.facility;
            compatible += o.compatible;
            violations += o.violations;
            pending += o.pending;
            sessions += o.sessions;
            matched += o.matched;
            callsWithSessions += o.callsWithSessions;
            berthedHours = berthedHours.add(o.berthedHours);
            connectedHours = connectedHours.add(o.connectedHours);
            o.exemptions.forEach((k, v) -> exemptions.merge(k, v, Long::sum));
            wh += o.wh;
            matchedWh += o.matchedWh;
            o.whByProvince.forEach((k, v) -> whByProvince.merge(k, v, Long::sum));
        }

        ReportViews.ShorePowerRow row(String key, String label, Map<String, EmissionFactors> factors) {
            EmissionFactors.Avoided avoided = EmissionFactors.Avoided.NONE;
            for (Map.Entry<String, Long> e : whByProvince.entrySet()) {
                avoided = avoided.plus(factors.get(e.getKey()).avoided(kwh(e.getValue())));
            }
            long exempt =
                    exemptions.values().stream().mapToLong(Long::longValue).sum();
            return new ReportViews.ShorePowerRow(
                    key,
                    label,
                    calls,
                    eligible,
                    connected,
                    ReportViews.rate(connected, eligible),
                    berthedHours.setScale(3, RoundingMode.HALF_UP),
                    connectedHours.setScale(3, RoundingMode.HALF_UP),
                    ReportViews.rate(connectedHours, berthedHours),
                    facility,
                    compatible,
                    ReportViews.rate(compatible, facility),
                    violations,
                    exempt,
                    Map.copyOf(exemptions),
                    pending,
                    sessions,
                    matched,
                    ReportViews.rate(matched, sessions),
                    kwh(wh),
                    kwh(matchedWh),
                    callsWithSessions,
                    callsWithSessions == 0
                            ? null
                            : kwh(matchedWh).divide(BigDecimal.valueOf(callsWithSessions), 3, RoundingMode.HALF_UP),
                    avoided.co2Kg().setScale(3, RoundingMode.HALF_UP),
                    avoided.so2Kg().setScale(3, RoundingMode.HALF_UP),
                    avoided.noxKg().setScale(3, RoundingMode.HALF_UP),
                    avoided.costCny().setScale(2, RoundingMode.HALF_UP));
        }
    }

    static BigDecimal kwh(long wh) {
        return BigDecimal.valueOf(wh, 3);
    }

    /** The KPI report for the period, grouped as asked, with totals and the factors used. */
    public ReportViews.ShorePowerReport kpis(Actor actor, Filter requested) {
        Filter f = requested.resolved(clock);
        AccessPolicy.ListScope s = scope(actor);
        if (s.isNone()) {
            return new ReportViews.ShorePowerReport(
                    f.echo(), List.of(), new Kpis().row("total", "Total", Map.of()), List.of());
        }
        String key = key(f.groupBy());
        Map<String, Kpis> groups = new TreeMap<>(java.util.Comparator.nullsLast(java.util.Comparator.naturalOrder()));

        // calls: the read model of the verdicts (report_shore_power_call, V6), one narrow row per active call
        Map<String, Object> params = new HashMap<>();
        StringBuilder calls = new StringBuilder("select ")
                .append(key)
                .append(" as k, count(*), count(*) filter (where ")
                .append(ELIGIBLE)
                .append("), count(*) filter (where ")
                .append(ELIGIBLE)
                .append(" and x.connected_hours > 0), coalesce(sum(x.stay_hours) filter (where ")
                .append(ELIGIBLE)
                .append("), 0), coalesce(sum(x.connected_hours) filter (where ")
                .append(ELIGIBLE)
                .append("), 0), count(*) filter (where x.ship_facility), count(*) filter (where x.compatible),")
                .append(" count(*) filter (where x.outcome = 'VIOLATION'),")
                .append(" count(*) filter (where x.outcome = 'PENDING')");
        for (String r : REASONS) {
            calls.append(", count(*) filter (where x.exemption_reason = '")
                    .append(r)
                    .append("')");
        }
        calls.append(" from (select r.*, r.arrival as at from report_shore_power_call r where true");
        where(calls, params, f, s, "r.arrival", "r.port_id", "r.vessel_id");
        calls.append(") x join port p on p.id = x.port_id group by 1");
        for (Object[] r : rows(calls.toString(), params)) {
            Kpis k = groups.computeIfAbsent((String) r[0], x -> new Kpis());
            k.calls = ReportService.n(r[1]);
            k.eligible = ReportService.n(r[2]);
            k.connected = ReportService.n(r[3]);
            k.berthedHours = (BigDecimal) r[4];
            k.connectedHours = (BigDecimal) r[5];
            k.facility = ReportService.n(r[6]);
            k.compatible = ReportService.n(r[7]);
            k.violations = ReportService.n(r[8]);
            k.pending = ReportService.n(r[9]);
            for (int i = 0; i < REASONS.size(); i++) {
                k.exemptions.put(REASONS.get(i), ReportService.n(r[10 + i]));
            }
        }

        // sessions of the period, by start; the matched call's vessel only where the grouping or the scope needs it
        params = new HashMap<>();
        boolean vessel = f.groupBy() == ReportViews.ShorePowerGroupBy.VESSEL || s.vesselId() != null;
        StringBuilder sessions = new StringBuilder("select ")
                .append(key)
                .append(" as k, p.province, count(*), count(*) filter (where x.call_id is not null),")
                .append(
                        " coalesce(sum(x.energy_wh), 0), coalesce(sum(x.energy_wh) filter (where x.call_id is not null),")
                .append(" 0), count(distinct x.call_id) from (select s.port_id, s.berth_id, s.call_id, s.energy_wh,")
                .append(" s.start_ts as at, ")
                .append(vessel ? "c.vessel_id" : "null::uuid as vessel_id")
                .append(" from shore_session s")
                .append(vessel ? " left join vessel_call c on c.id = s.call_id" : "")
                .append(" where true");
        where(sessions, params, f, s, "s.start_ts", "s.port_id", "c.vessel_id");
        sessions.append(") x join port p on p.id = x.port_id group by 1, 2");
        for (Object[] r : rows(sessions.toString(), params)) {
            Kpis k = groups.computeIfAbsent((String) r[0], x -> new Kpis());
            k.sessions += ReportService.n(r[2]);
            k.matched += ReportService.n(r[3]);
            k.wh += ReportService.n(r[4]);
            k.matchedWh += ReportService.n(r[5]);
            k.callsWithSessions += ReportService.n(r[6]);
            k.whByProvince.merge(Objects.requireNonNullElse((String) r[1], ""), ReportService.n(r[4]), Long::sum);
        }

        Map<String, EmissionFactors> factors = new TreeMap<>();
        groups.values()
                .forEach(k -> k.whByProvince
                        .keySet()
                        .forEach(p -> factors.computeIfAbsent(
                                p, x -> EmissionFactors.of(config.emissions(), x.isEmpty() ? null : x))));
        Map<String, String> labels = labels(
                f.groupBy(), groups.keySet().stream().filter(Objects::nonNull).collect(Collectors.toSet()));
        List<ReportViews.ShorePowerRow> rows = new ArrayList<>();
        Kpis total = new Kpis();
        groups.forEach((k, g) -> {
            rows.add(g.row(k == null ? "" : k, label(f.groupBy(), k, labels), factors));
            total.add(g);
        });
        return new ReportViews.ShorePowerReport(
                f.echo(),
                rows,
                total.row("total", "Total", factors),
                factors.values().stream().distinct().toList());
    }

    private static String label(ReportViews.ShorePowerGroupBy groupBy, String key, Map<String, String> labels) {
        if (key == null) {
            return groupBy == ReportViews.ShorePowerGroupBy.VESSEL ? "Sessions matched to no call" : "(none)";
        }
        return labels.getOrDefault(key, key);
    }

    /** Display names of the groups; months are their own label. */
    private Map<String, String> labels(ReportViews.ShorePowerGroupBy groupBy, Set<String> keys) {
        String sql = switch (groupBy) {
            case PORT -> "select id::text, name from port";
            case COMPANY -> "select id::text, name from port_operator";
            case VESSEL -> "select id::text, name from vessel";
            case BERTH ->
                "select b.id::text, p.name || ' ' || b.code || ' ' || b.name from berth b"
                        + " join port p on p.id = b.port_id";
            case MONTH -> null;
        };
        if (sql == null || keys.isEmpty()) {
            return Map.of();
        }
        String alias = groupBy == ReportViews.ShorePowerGroupBy.BERTH ? "b." : "";
        Map<String, String> labels = new HashMap<>();
        rows(
                        sql + " where " + alias + "id in (:ids)",
                        Map.of("ids", keys.stream().map(UUID::fromString).toList()))
                .forEach(r -> labels.put((String) r[0], (String) r[1]));
        return labels;
    }

    /**
     * The Art. 18 record for the period: every call whose duty applied (or is pending) and every call with a session,
     * one line per session (or one without), and every session matched to no call; berth faults overlapping the stay
     * (the session, for an unmatched one). Ordered by time.
     */
    public ReportViews.Art18List art18(Actor actor, Filter requested, int page, int size) {
        Filter resolved = requested.resolved(clock);
        Filter f = new Filter(resolved.from(), resolved.to(), resolved.portId(), null);
        AccessPolicy.ListScope s = scope(actor);
        Map<String, String> echo = f.echo();
        if (s.isNone()) {
            return new ReportViews.Art18List(echo, List.of(), page, size, 0);
        }
        Map<String, Object> params = new HashMap<>();
        StringBuilder callWhere = new StringBuilder();
        where(callWhere, params, f, s, "r.arrival", "r.port_id", "r.vessel_id");
        StringBuilder sessionWhere = new StringBuilder();
        where(sessionWhere, params, f, s, "s.start_ts", "s.port_id", "null");
        String union = "select r.call_id::text as call_id, p.name as port, b.code as berth_code, b.name as berth,"
                + " ve.name as vessel, ve.mmsi, ve.imo, ve.cn_ship_id, r.arrival, c.departure, m.code as meter,"
                + " s.start_ts, s.end_ts, s.energy_wh, s.status, r.outcome as effective_outcome,"
                + " r.exemption_reason as reason, r.berth_id, r.arrival as t0, coalesce(c.departure, s.end_ts) as t1,"
                + " coalesce(s.start_ts, r.arrival) as sort_at"
                + " from report_shore_power_call r join vessel_call c on c.id = r.call_id"
                + " join port p on p.id = r.port_id join berth b on b.id = r.berth_id join vessel ve on ve.id = r.vessel_id"
                + " left join shore_session s on s.call_id = r.call_id left join meter m on m.id = s.meter_id"
                + " where (r.outcome <> 'NOT_APPLICABLE' or s.call_id is not null)" + callWhere
                + " union all select null, p.name, b.code, b.name, ve.name, coalesce(ve.mmsi, s.vessel_mmsi),"
                + " ve.imo, ve.cn_ship_id, null, null, m.code, s.start_ts, s.end_ts, s.energy_wh, s.status, null,"
                + " null, s.berth_id, s.start_ts, s.end_ts, s.start_ts"
                + " from shore_session s join port p on p.id = s.port_id join berth b on b.id = s.berth_id"
                + " join meter m on m.id = s.meter_id left join vessel ve on ve.mmsi = s.vessel_mmsi"
                // the registry's name, IMO and ship id of the ship the readings name only where the caller may read
                // that vessel (related to the session's port); elsewhere the MMSI the readings carried, nothing more
                + (s.all()
                        ? ""
                        : " and exists (select 1 from vessel_port vp where vp.vessel_id = ve.id"
                                + " and vp.port_id = s.port_id)")
                + " where s.call_id is null" + sessionWhere;
        long total = ReportService.n(
                query("select count(*) from (" + union + ") r", params).getSingleResult());
        String iso = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'";
        String faults = "(select string_agg(to_char(f.started_at at time zone 'UTC', " + iso + ") || '/' ||"
                + " coalesce(to_char(f.ended_at at time zone 'UTC', " + iso + "), 'open') ||"
                + " coalesce(' repaired ' || to_char(f.repaired_at at time zone 'UTC', " + iso + "), '') || ' '"
                + " || f.description, '; ' order by f.started_at) from berth_fault f where f.berth_id = r.berth_id"
                + " and f.started_at < coalesce(r.t1, 'infinity'::timestamptz)"
                + " and coalesce(f.ended_at, 'infinity'::timestamptz) > r.t0)";
        Query q = query(
                "select r.call_id, r.port, r.berth_code, r.berth, r.vessel, r.mmsi, r.imo, r.cn_ship_id, r.arrival,"
                        + " r.departure, r.meter, r.start_ts, r.end_ts, r.energy_wh, r.status, " + faults
                        + ", r.effective_outcome, r.reason from (" + union + ") r"
                        + " order by r.sort_at, r.call_id nulls last, r.meter",
                params);
        @SuppressWarnings("unchecked")
        List<Object[]> result =
                q.setFirstResult(page * size).setMaxResults(size).getResultList();
        List<ReportViews.Art18Line> items = result.stream()
                .map(r -> new ReportViews.Art18Line(
                        (String) r[0],
                        (String) r[1],
                        (String) r[2],
                        (String) r[3],
                        (String) r[4],
                        (String) r[5],
                        (String) r[6],
                        (String) r[7],
                        ReportService.instant(r[8]),
                        ReportService.instant(r[9]),
                        (String) r[10],
                        ReportService.instant(r[11]),
                        ReportService.instant(r[12]),
                        r[13] == null ? null : kwh(ReportService.n(r[13])),
                        (String) r[14],
                        (String) r[15],
                        (String) r[16],
                        (String) r[17]))
                .toList();
        return new ReportViews.Art18List(echo, items, page, size, total);
    }

    private Query query(String sql, Map<String, Object> params) {
        return ReportService.query(em, sql, params);
    }

    @SuppressWarnings("unchecked")
    private List<Object[]> rows(String sql, Map<String, Object> params) {
        return query(sql, params).getResultList();
    }
}
