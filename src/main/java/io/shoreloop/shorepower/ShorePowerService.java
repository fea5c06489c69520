package io.shoreloop.shorepower;

import io.agroal.api.AgroalDataSource;
import io.shoreloop.identity.AccessPolicy;
import io.shoreloop.identity.Actor;
import io.shoreloop.platform.Paging;
import io.shoreloop.platform.Problems;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Shore-power read models: sessions (with energy, flags and the matched call), dead letters and meter liveness.
 * Scoped like meters: an admin sees everything, a berth operator the ports it runs, a bureau its jurisdiction.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class ShorePowerService {

    /** A session as answered. Energy in kWh with three decimals, exactly as metered. */
    public record SessionView(
            UUID meterId,
            String meterCode,
            UUID berthId,
            UUID portId,
            Instant start,
            Instant end,
            Instant meteredFrom,
            SessionStatus status,
            BigDecimal energyKwh,
            BigDecimal rejectedKwh,
            int readingCount,
            Double peakKw,
            long longestGapS,
            String vessel,
            List<String> flags,
            MatchOutcome matchOutcome,
            UUID callId,
            List<UUID> candidateCallIds) {}

    /** Session filters; {@code from}/{@code to} select sessions overlapping that period. */
    public record SessionFilter(
            UUID berthId,
            UUID portId,
            UUID meterId,
            UUID vesselId,
            String mmsi,
            UUID callId,
            Instant from,
            Instant to,
            SessionStatus status,
            MatchOutcome matchOutcome) {}

    /** A refused MQTT message. */
    public record DeadLetterView(
            long id,
            String topic,
            UUID portId,
            String meterCode,
            String reason,
            String payload,
            boolean payloadTruncated,
            Instant receivedAt,
            Instant replayedAt,
            String replayOutcome) {}

    /** Dead-letter filters ({@code replayed}: only those replayed, or only those not; null: both). */
    public record DeadLetterFilter(UUID portId, String meterCode, Instant from, Instant to, Boolean replayed) {}

    /** One change of a meter's liveness. */
    public record StatusChange(boolean online, String source, Instant at, Instant recordedAt) {}

    /** A meter's liveness: current state (null: never heard of) and, for one meter, its history (newest first). */
    public record MeterStatusView(
            UUID meterId,
            String meterCode,
            UUID berthId,
            UUID portId,
            Boolean online,
            Instant onlineSince,
            Instant lastReceivedAt,
            Instant lastReadingAt,
            Instant lastStatusAt,
            List<StatusChange> history) {}

    private final AgroalDataSource dataSource;

    public ShorePowerService(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Paging.Page<SessionView> sessions(Actor actor, SessionFilter f, Paging.Request page) {
        AccessPolicy.ListScope scope = AccessPolicy.scope(actor, AccessPolicy.Listing.SESSIONS);
        if (scope.isNone()) {
            return new Paging.Page<>(List.of(), page.page(), page.size(), 0);
        }
        Sql sql = new Sql();
        sql.and("s.berth_id = ?", f.berthId())
                .and("s.port_id = ?", f.portId())
                .and("s.meter_id = ?", f.meterId())
                .and("s.vessel_mmsi = (select mmsi from vessel where id = ?)", f.vesselId())
                .and("s.vessel_mmsi = ?", f.mmsi())
                .and("s.call_id = ?", f.callId())
                .and("s.end_ts >= ?", odt(f.from()))
                .and("s.start_ts < ?", odt(f.to()))
                .and("s.status = ?", f.status() == null ? null : f.status().name())
                .and(
                        "s.match_outcome = ?",
                        f.matchOutcome() == null ? null : f.matchOutcome().name());
        if (f.vesselId() != null) {
            // the ship named by the readings, or the ship of the call the session matched
            sql.replaceLast(
                    "(s.vessel_mmsi = (select mmsi from vessel where id = ?) or s.call_id in"
                            + " (select id from vessel_call where vessel_id = ?))",
                    f.vesselId(),
                    f.vesselId());
        }
        if (scope.vesselId() != null) {
            // a crew: the sessions matched to its vessel's calls (what a meter's vessel field claims is not enough)
            sql.and("s.call_id in (select id from vessel_call where vessel_id = ?)", scope.vesselId());
        } else if (!scope.all()) {
            sql.and("s.port_id = any(?)", scope.portIds().toArray(UUID[]::new));
        }
        String from = " from shore_session s join meter m on m.id = s.meter_id where " + sql.where();
        // the candidates are for the berth's operator: a crew sees only its own call among them
        boolean crew = scope.vesselId() != null;
        return query(
                "select count(*)" + from,
                "select s.meter_id, m.code, s.berth_id, s.port_id, s.start_ts, s.end_ts, s.metered_from, s.status,"
                        + " s.energy_wh, s.rejected_wh, s.reading_count, s.peak_kw, s.longest_gap_s, s.vessel_mmsi,"
                        + " s.flags, s.match_outcome, s.call_id, s.match_candidates"
                        + from
                        + " order by s.start_ts desc, m.code",
                sql,
                page,
                rs -> new SessionView(
                        rs.getObject(1, UUID.class),
                        rs.getString(2),
                        rs.getObject(3, UUID.class),
                        rs.getObject(4, UUID.class),
                        instant(rs, 5),
                        instant(rs, 6),
                        instant(rs, 7),
                        SessionStatus.valueOf(rs.getString(8)),
                        BigDecimal.valueOf(rs.getLong(9), 3),
                        BigDecimal.valueOf(rs.getLong(10), 3),
                        rs.getInt(11),
                        (Double) rs.getObject(12),
                        rs.getLong(13),
                        rs.getString(14),
                        List.of((String[]) rs.getArray(15).getArray()),
                        MatchOutcome.valueOf(rs.getString(16)),
                        rs.getObject(17, UUID.class),
                        candidates(rs, crew)));
    }

    private static List<UUID> candidates(ResultSet rs, boolean crew) throws SQLException {
        List<UUID> all = List.of((UUID[]) rs.getArray(18).getArray());
        if (!crew) {
            return all;
        }
        UUID own = rs.getObject(17, UUID.class);
        return all.stream().filter(c -> c.equals(own)).toList();
    }

    public Paging.Page<DeadLetterView> deadLetters(Actor actor, DeadLetterFilter f, Paging.Request page) {
        AccessPolicy.ListScope scope = AccessPolicy.scope(actor, AccessPolicy.Listing.METERS);
        if (scope.isNone()) {
            return new Paging.Page<>(List.of(), page.page(), page.size(), 0);
        }
        Sql sql = new Sql()
                .and("d.port_id = ?", f.portId())
                .and("d.meter_code = ?", f.meterCode())
                .and("d.received_at >= ?", odt(f.from()))
                .and("d.received_at < ?", odt(f.to()));
        if (f.replayed() != null) {
            sql.and(f.replayed() ? "d.replayed_at is not null" : "d.replayed_at is null");
        }
        if (!scope.all()) {
            sql.and("d.port_id = any(?)", scope.portIds().toArray(UUID[]::new));
        }
        String from = " from dead_letter d where " + sql.where();
        return query(
                "select count(*)" + from,
                "select d.id, d.topic, d.port_id, d.meter_code, d.reason, d.payload, d.payload_truncated,"
                        + " d.received_at, d.replayed_at, d.replay_outcome"
                        + from
                        + " order by d.received_at desc, d.id desc",
                sql,
                page,
                rs -> new DeadLetterView(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getObject(3, UUID.class),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getBoolean(7),
                        instant(rs, 8),
                        instant(rs, 9),
                        rs.getString(10)));
    }

    public Paging.Page<MeterStatusView> meterStatuses(Actor actor, UUID portId, UUID berthId, Paging.Request page) {
        AccessPolicy.ListScope scope = AccessPolicy.scope(actor, AccessPolicy.Listing.METERS);
        if (scope.isNone()) {
            return new Paging.Page<>(List.of(), page.page(), page.size(), 0);
        }
        Sql sql = new Sql().and("m.active").and("b.port_id = ?", portId).and("m.berth_id = ?", berthId);
        if (!scope.all()) {
            sql.and("b.port_id = any(?)", scope.portIds().toArray(UUID[]::new));
        }
        String from = " from meter m join berth b on b.id = m.berth_id"
                + " left join shore_meter_state st on st.meter_id = m.id where " + sql.where();
        return query(
                "select count(*)" + from,
                "select m.id, m.code, m.berth_id, b.port_id, st.online, st.online_since, st.last_received_at,"
                        + " st.last_reading_at, st.last_status_at"
                        + from
                        + " order by m.code",
                sql,
                page,
                ShorePowerService::statusOf);
    }

    /** One meter's liveness with its last {@code limit} changes. */
    public MeterStatusView meterStatus(Actor actor, UUID meterId, int limit) {
        AccessPolicy.ListScope scope = AccessPolicy.scope(actor, AccessPolicy.Listing.METERS);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "select m.id, m.code, m.berth_id, b.port_id, st.online, st.online_since, st.last_received_at,"
                                + " st.last_reading_at, st.last_status_at from meter m join berth b on b.id = m.berth_id"
                                + " left join shore_meter_state st on st.meter_id = m.id where m.id = ?")) {
            ps.setObject(1, meterId);
            MeterStatusView view;
            try (ResultSet rs = ps.executeQuery()) {
                view = rs.next() ? statusOf(rs) : null;
            }
            if (view == null || !(scope.all() || scope.portIds().contains(view.portId()))) {
                throw new Problems.NotFound("Meter " + meterId);
            }
            List<StatusChange> history = new ArrayList<>();
            try (PreparedStatement h =
                    c.prepareStatement("select online, source, at, recorded_at from meter_status where meter_id = ?"
                            + " order by recorded_at desc, id desc limit ?")) {
                h.setObject(1, meterId);
                h.setInt(2, limit);
                try (ResultSet rs = h.executeQuery()) {
                    while (rs.next()) {
                        history.add(
                                new StatusChange(rs.getBoolean(1), rs.getString(2), instant(rs, 3), instant(rs, 4)));
                    }
                }
            }
            return new MeterStatusView(
                    view.meterId(),
                    view.meterCode(),
                    view.berthId(),
                    view.portId(),
                    view.online(),
                    view.onlineSince(),
                    view.lastReceivedAt(),
                    view.lastReadingAt(),
                    view.lastStatusAt(),
                    history);
        } catch (SQLException e) {
            throw new io.shoreloop.platform.Sql.Failure("meter status", e); // 503 only when the database is down
        }
    }

    private static MeterStatusView statusOf(ResultSet rs) throws SQLException {
        return new MeterStatusView(
                rs.getObject(1, UUID.class),
                rs.getString(2),
                rs.getObject(3, UUID.class),
                rs.getObject(4, UUID.class),
                (Boolean) rs.getObject(5),
                instant(rs, 6),
                instant(rs, 7),
                instant(rs, 8),
                instant(rs, 9),
                List.of());
    }

    private interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private <T> Paging.Page<T> query(String count, String select, Sql sql, Paging.Request page, Row<T> row) {
        try (Connection c = dataSource.getConnection()) {
            long total;
            try (PreparedStatement ps = c.prepareStatement(count)) {
                sql.bind(c, ps);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            List<T> items = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(select + " limit ? offset ?")) {
                int next = sql.bind(c, ps);
                ps.setInt(next, page.size());
                ps.setInt(next + 1, page.offset());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        items.add(row.map(rs));
                    }
                }
            }
            return new Paging.Page<>(items, page.page(), page.size(), total);
        } catch (SQLException e) {
            throw new io.shoreloop.platform.Sql.Failure(select, e);
        }
    }

    /** A where clause with positional parameters; a UUID[] parameter is bound as a uuid array. */
    private static final class Sql {
        private final List<String> clauses = new ArrayList<>();
        private final List<List<Object>> params = new ArrayList<>();

        Sql and(String clause, Object value) {
            if (value != null) {
                clauses.add(clause);
                params.add(List.of(value));
            }
            return this;
        }

        Sql and(String clause) {
            clauses.add(clause);
            params.add(List.of());
            return this;
        }

        /** Replaces the clause added by the last {@code and} that had a value, e.g. to widen it. */
        void replaceLast(String clause, Object... values) {
            for (int i = clauses.size() - 1; i >= 0; i--) {
                if (clauses.get(i).contains("select mmsi from vessel")) {
                    clauses.set(i, clause);
                    params.set(i, Arrays.asList(values));
                    return;
                }
            }
        }

        String where() {
            return clauses.isEmpty() ? "true" : String.join(" and ", clauses);
        }

        int bind(Connection c, PreparedStatement ps) throws SQLException {
            int i = 1;
            for (List<Object> values : params) {
                for (Object v : values) {
                    if (v instanceof UUID[] ids) {
                        Array array = c.createArrayOf("uuid", ids);
                        ps.setArray(i++, array);
                    } else {
                        ps.setObject(i++, v);
                    }
                }
            }
            return i;
        }
    }

    private static OffsetDateTime odt(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime odt = rs.getObject(column, OffsetDateTime.class);
        return odt == null ? null : odt.toInstant();
    }
}
