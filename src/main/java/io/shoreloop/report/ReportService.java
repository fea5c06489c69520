package io.shoreloop.report;

import io.shoreloop.identity.AccessPolicy;
import io.shoreloop.identity.Actor;
import io.shoreloop.identity.Role;
import io.shoreloop.platform.Problems;
import io.shoreloop.registry.Stream;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Bureau reports over the closure read model (closure rates) and over the manifest table (ageing, overdue and
 * discrepant lists), always restricted to what the caller may see: a bureau its jurisdiction, a berth operator its
 * ports, an admin everything; a crew only its own vessel's figures and a reception facility only the manifests it
 * received. Transporters and disposal plants are refused (their figures are not a report of their own).
 */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class ReportService {

    /** Months of declaration are counted in China Standard Time (the read model's view uses the same zone). */
    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

    /**
     * The open manifests (of {@code manifest m}): their states, and declared and not closed, the condition of
     * manifest_open_age_idx (V18), which PostgreSQL uses only when the query names it.
     */
    static final String OPEN_MANIFEST = "m.state in ('DECLARED', 'RECEIVED', 'IN_TRANSFER')"
            + " and m.declared_at is not null and m.closed_at is null";

    private final EntityManager em;
    private final ClosureReadModel readModel;
    private final Clock clock;

    public ReportService(EntityManager em, ClosureReadModel readModel, Clock clock) {
        this.em = em;
        this.readModel = readModel;
        this.clock = clock;
    }

    /** Report filters: months of declaration (inclusive), port, stream, grouping. */
    public record Filter(YearMonth from, YearMonth to, UUID portId, Stream stream, ReportViews.GroupBy groupBy) {

        /** Fills in the defaults (the twelve months up to the current one) and checks the range. */
        Filter resolved(Clock clock) {
            YearMonth end = to != null ? to : YearMonth.now(clock.withZone(ZONE));
            YearMonth start = from != null ? from : end.minusMonths(11);
            if (start.isAfter(end)) {
                throw new Problems.InvalidField("invalid-range", "from", "from must not be after to");
            }
            return new Filter(start, end, portId, stream, groupBy == null ? ReportViews.GroupBy.PORT : groupBy);
        }

        Map<String, String> echo() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("from", String.valueOf(from));
            m.put("to", String.valueOf(to));
            m.put("portId", portId == null ? "" : portId.toString());
            m.put("stream", stream == null ? "" : stream.name());
            if (groupBy != null) {
                m.put("groupBy", groupBy.name().toLowerCase());
            }
            return m;
        }
    }

    /** Who the caller may see figures of. */
    private record Scope(boolean all, Set<UUID> ports, UUID vessel, UUID receiver) {}

    private static Scope scope(Actor actor) {
        if (actor.is(Role.TRANSPORTER) || actor.is(Role.DISPOSER)) {
            throw new Problems.ActionForbidden(
                    "Reports are for bureaus, port operators, vessels (their own) and reception facilities (theirs)");
        }
        if (actor.is(Role.RECEIVER)) {
            return new Scope(false, Set.of(), null, actor.partyId());
        }
        AccessPolicy.ListScope s = AccessPolicy.scope(actor, AccessPolicy.Listing.MANIFESTS);
        return new Scope(s.all(), s.portIds(), s.vesselId(), null);
    }

    private static boolean seesNothing(Scope s) {
        return !s.all() && s.ports().isEmpty() && s.vessel() == null && s.receiver() == null;
    }

    /** Appends the scope restriction on a table that has the named columns. */
    private static void restrict(StringBuilder sql, Map<String, Object> params, Scope s, String alias) {
        if (s.all()) {
            return;
        }
        if (s.vessel() != null) {
            sql.append(" and ").append(alias).append("vessel_id = :scopeVessel");
            params.put("scopeVessel", s.vessel());
        } else if (s.receiver() != null) {
            sql.append(" and ").append(alias).append("receiver_id = :scopeReceiver");
            params.put("scopeReceiver", s.receiver());
        } else {
            sql.append(" and ").append(alias).append("port_id in (:scopePorts)");
            params.put("scopePorts", s.ports());
        }
    }

    private static final String MEASURES = "sum(declared_n), sum(received_n), sum(transferred_n), sum(disposed_n),"
            + " sum(open_n), sum(refused_n), sum(overdue_n), sum(discrepant_n), sum(declared_qty), sum(received_qty),"
            + " sum(transferred_qty), sum(disposed_qty), sum(h00), sum(h01), sum(h02), sum(h03), sum(h04), sum(h05),"
            + " sum(h06), sum(h07), sum(h08), sum(h09), sum(h10), sum(h11), sum(h12)";

    /** Closure rates per stage, by count and by quantity, grouped as asked, with totals per unit. */
    public ReportViews.ClosureReport closure(Actor actor, Filter requested) {
        Filter f = requested.resolved(clock);
        Scope s = scope(actor);
        if (seesNothing(s)) {
            return new ReportViews.ClosureReport(f.echo(), List.of(), List.of());
        }
        // every step committed before this report was asked counts
        readModel.catchUp();
        boolean byVessel = f.groupBy() == ReportViews.GroupBy.VESSEL || s.vessel() != null;
        if (byVessel && (f.groupBy() == ReportViews.GroupBy.FACILITY || s.receiver() != null)) {
            throw new Problems.InvalidField(
                    "invalid-grouping", "groupBy", "This grouping is not available for your figures");
        }
        String key = switch (f.groupBy()) {
            case PORT -> "port_id::text";
            case FACILITY -> "receiver_id::text";
            case VESSEL -> "vessel_id::text";
            case STREAM -> "stream";
            case MONTH -> "to_char(month, 'YYYY-MM')";
        };
        Map<String, Object> params = new HashMap<>();
        StringBuilder sql = new StringBuilder("select ")
                .append(key)
                .append(" as k, unit, ")
                .append(MEASURES)
                .append(" from (select * from ")
                .append(byVessel ? "report_closure_vessel" : "report_closure")
                .append(" union all select * from ")
                .append(byVessel ? "report_closure_vessel_delta" : "report_closure_delta")
                .append(") r where month between :from and :to");
        params.put("from", f.from().atDay(1));
        params.put("to", f.to().atDay(1));
        if (f.portId() != null) {
            sql.append(" and port_id = :port");
            params.put("port", f.portId());
        }
        if (f.stream() != null) {
            sql.append(" and stream = :stream");
            params.put("stream", f.stream().name());
        }
        restrict(sql, params, s, "");
        sql.append(" group by 1, 2 order by 1, 2");
        List<Object[]> result = query(sql.toString(), params).getResultList();
        Map<String, String> labels =
                labels(f.groupBy(), result.stream().map(r -> (String) r[0]).collect(Collectors.toSet()));
        List<ReportViews.ClosureRow> rows = new ArrayList<>();
        Map<String, ReportViews.Measures> totals = new TreeMap<>();
        for (Object[] r : result) {
            ReportViews.Measures m = measures(r, 2);
            String unit = (String) r[1];
            rows.add(m.row((String) r[0], labels.getOrDefault((String) r[0], (String) r[0]), unit));
            totals.computeIfAbsent(unit, u -> new ReportViews.Measures()).add(m);
        }
        List<ReportViews.ClosureRow> totalRows = totals.entrySet().stream()
                .map(e -> e.getValue().row("total", "Total", e.getKey()))
                .toList();
        return new ReportViews.ClosureReport(f.echo(), rows, totalRows);
    }

    private static ReportViews.Measures measures(Object[] r, int at) {
        ReportViews.Measures m = new ReportViews.Measures();
        m.declared = n(r[at]);
        m.received = n(r[at + 1]);
        m.transferred = n(r[at + 2]);
        m.disposed = n(r[at + 3]);
        m.open = n(r[at + 4]);
        m.refused = n(r[at + 5]);
        m.overdue = n(r[at + 6]);
        m.discrepant = n(r[at + 7]);
        m.declaredQty = q(r[at + 8]);
        m.receivedQty = q(r[at + 9]);
        m.transferredQty = q(r[at + 10]);
        m.disposedQty = q(r[at + 11]);
        for (int i = 0; i < m.ttc.length; i++) {
            m.ttc[i] = n(r[at + 12 + i]);
        }
        return m;
    }

    static long n(Object o) {
        return o == null ? 0 : ((Number) o).longValue();
    }

    private static BigDecimal q(Object o) {
        return o == null ? BigDecimal.ZERO.setScale(3) : new BigDecimal(o.toString()).setScale(3);
    }

    /** Display names of the groups (ports, facilities, vessels); streams and months are their own label. */
    private Map<String, String> labels(ReportViews.GroupBy groupBy, Set<String> keys) {
        String table = switch (groupBy) {
            case PORT -> "port";
            case FACILITY -> "facility";
            case VESSEL -> "vessel";
            default -> null;
        };
        if (table == null || keys.isEmpty()) {
            return Map.of();
        }
        List<UUID> ids = keys.stream().map(UUID::fromString).toList();
        List<Object[]> names = em.createNativeQuery("select id::text, name from " + table + " where id in (:ids)")
                .setParameter("ids", ids)
                .getResultList();
        Map<String, String> labels = new HashMap<>();
        names.forEach(n -> labels.put((String) n[0], (String) n[1]));
        return labels;
    }

    /** Open manifests per port and stage, by age since declaration. */
    public ReportViews.AgeingReport ageing(Actor actor, UUID portId, Stream stream) {
        Scope s = scope(actor);
        Map<String, String> echo = new LinkedHashMap<>();
        echo.put("portId", portId == null ? "" : portId.toString());
        echo.put("stream", stream == null ? "" : stream.name());
        Instant now = clock.instant();
        if (seesNothing(s)) {
            return new ReportViews.AgeingReport(echo, now, List.of());
        }
        Map<String, Object> params = new HashMap<>();
        StringBuilder sql = new StringBuilder("select m.port_id::text, p.name, m.state,"
                + " count(*) filter (where m.declared_at > :t2h),"
                + " count(*) filter (where m.declared_at <= :t2h"
                + " and m.declared_at > :t1d),"
                + " count(*) filter (where m.declared_at <= :t1d"
                + " and m.declared_at > :t3d),"
                + " count(*) filter (where m.declared_at <= :t3d"
                + " and m.declared_at > :t7d),"
                + " count(*) filter (where m.declared_at <= :t7d"
                + " and m.declared_at > :t30d),"
                + " count(*) filter (where m.declared_at <= :t30d), count(*)"
                + " from manifest m join port p on p.id = m.port_id"
                + " where " + OPEN_MANIFEST);
        for (String age : List.of("2h", "1d", "3d", "7d", "30d")) {
            java.time.Duration d = age.endsWith("h")
                    ? java.time.Duration.ofHours(Long.parseLong(age.substring(0, age.length() - 1)))
                    : java.time.Duration.ofDays(Long.parseLong(age.substring(0, age.length() - 1)));
            params.put("t" + age, OffsetDateTime.ofInstant(now.minus(d), java.time.ZoneOffset.UTC));
        }
        if (portId != null) {
            sql.append(" and m.port_id = :port");
            params.put("port", portId);
        }
        if (stream != null) {
            sql.append(" and m.stream = :stream");
            params.put("stream", stream.name());
        }
        restrict(sql, params, s, "m.");
        sql.append(" group by 1, 2, 3 order by 2, 1, array_position(array['DECLARED', 'RECEIVED', 'IN_TRANSFER'],"
                + " m.state)");
        List<Object[]> result = query(sql.toString(), params).getResultList();
        List<ReportViews.AgeingRow> rows = result.stream()
                .map(r -> new ReportViews.AgeingRow(
                        (String) r[0],
                        (String) r[1],
                        (String) r[2],
                        n(r[3]),
                        n(r[4]),
                        n(r[5]),
                        n(r[6]),
                        n(r[7]),
                        n(r[8]),
                        n(r[9])))
                .toList();
        return new ReportViews.AgeingReport(echo, now, rows);
    }

    /** Which manifest list. */
    public enum ListKind {
        OVERDUE,
        DISCREPANT
    }

    /**
     * Overdue (still open, unless {@code includeClosed}) or discrepant manifests declared in the months asked, oldest
     * declaration first, each with its drill-down link.
     */
    public ReportViews.ManifestList list(
            Actor actor, ListKind kind, Filter requested, boolean includeClosed, int page, int size) {
        Filter f = new Filter(requested.from(), requested.to(), requested.portId(), requested.stream(), null)
                .resolved(clock);
        f = new Filter(f.from(), f.to(), f.portId(), f.stream(), null);
        Scope s = scope(actor);
        Map<String, String> echo = f.echo();
        if (kind == ListKind.OVERDUE) {
            echo.put("includeClosed", String.valueOf(includeClosed));
        }
        if (seesNothing(s)) {
            return new ReportViews.ManifestList(echo, List.of(), page, size, 0);
        }
        Map<String, Object> params = new HashMap<>();
        StringBuilder where = new StringBuilder(" from manifest m join port p on p.id = m.port_id"
                + " join vessel v on v.id = m.vessel_id left join facility fa on fa.id = m.receiver_id"
                + " where m.declared_at >= :from and m.declared_at < :to");
        params.put(
                "from",
                OffsetDateTime.ofInstant(f.from().atDay(1).atStartOfDay(ZONE).toInstant(), ZONE));
        params.put(
                "to",
                OffsetDateTime.ofInstant(
                        f.to().plusMonths(1).atDay(1).atStartOfDay(ZONE).toInstant(), ZONE));
        if (kind == ListKind.OVERDUE) {
            where.append(" and m.overdue");
            if (!includeClosed) {
                where.append(" and ").append(OPEN_MANIFEST);
            }
        } else {
            where.append(" and m.discrepant");
        }
        if (f.portId() != null) {
            where.append(" and m.port_id = :port");
            params.put("port", f.portId());
        }
        if (f.stream() != null) {
            where.append(" and m.stream = :stream");
            params.put("stream", f.stream().name());
        }
        restrict(where, params, s, "m.");
        long total = n(query("select count(*)" + where, params).getSingleResult());
        List<Object[]> result = query(
                        "select m.id::text, m.number, m.port_id::text, p.name, m.vessel_id::text, v.name,"
                                + " m.receiver_id::text, fa.name, m.stream, m.unit, m.state, m.declared_qty,"
                                + " m.current_qty, m.declared_at, m.overdue_since, m.overdue_deadline,"
                                + " (select count(*) from manifest_discrepancy d where d.manifest_id = m.id"
                                + " and d.resolved_at is null)"
                                + where
                                + " order by m.declared_at, m.id",
                        params)
                .setFirstResult(page * size)
                .setMaxResults(size)
                .getResultList();
        List<ReportViews.ManifestLine> items = result.stream()
                .map(r -> new ReportViews.ManifestLine(
                        (String) r[0],
                        (String) r[1],
                        "/api/v1/manifests/" + r[0],
                        (String) r[2],
                        (String) r[3],
                        (String) r[4],
                        (String) r[5],
                        (String) r[6],
                        (String) r[7],
                        (String) r[8],
                        (String) r[9],
                        (String) r[10],
                        q(r[11]),
                        q(r[12]),
                        instant(r[13]),
                        instant(r[14]),
                        (String) r[15],
                        n(r[16])))
                .toList();
        return new ReportViews.ManifestList(echo, items, page, size, total);
    }

    static Instant instant(Object o) {
        if (o == null) {
            return null;
        }
        if (o instanceof Instant i) {
            return i;
        }
        if (o instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        if (o instanceof Timestamp t) {
            return t.toInstant();
        }
        throw new IllegalStateException("Unexpected timestamp type " + o.getClass());
    }

    /** Recomputes the read model from the manifest tables (admin only). */
    @Transactional
    public ReportViews.Rebuilt rebuild(Actor actor) {
        if (!actor.is(Role.ADMIN)) {
            throw new Problems.ActionForbidden("Only an administrator rebuilds the report read model");
        }
        return new ReportViews.Rebuilt(readModel.rebuild());
    }

    private Query query(String sql, Map<String, Object> params) {
        return query(em, sql, params);
    }

    /** A native query with its named parameters set. */
    static Query query(EntityManager em, String sql, Map<String, Object> params) {
        Query q = em.createNativeQuery(sql);
        params.forEach(q::setParameter);
        return q;
    }

    static LocalDate month(YearMonth ym) {
        return ym.atDay(1);
    }
}
