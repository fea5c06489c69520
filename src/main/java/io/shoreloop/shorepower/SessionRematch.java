package io.shoreloop.shorepower;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.shoreloop.platform.ShoreloopConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Brings sessions in line with the calls of their berth when those changed after the session was stored: a call
 * created late, a stay corrected, a call deactivated. Each run first takes the departures that changed
 * ({@link ShorePowerIngest#syncDepartures}: a session still supplying at a departure ends there, so the meters of
 * those berths are re-derived from the session containing the departure), then matches again the sessions whose
 * berth has a call updated after them, or whose call or one of whose candidates (an ambiguous session's) was (by
 * {@code updated_at}, so an idle run costs two queries; sessions stay due for {@link #RECHECK} after the change): a
 * candidate corrected away from an ambiguous session leaves it to the other call. The calls whose
 * sessions changed, or were matched to another call or to none, get their verdicts recomputed
 * ({@link SessionsMatched}).
 */
@ApplicationScoped
public class SessionRematch {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(SessionRematch.class);

    /**
     * The sessions to match again. A call's {@code updated_at} is the application's clock at the change, a session's
     * the database's at the start of the transaction that wrote it: a batch that read the calls just before a change
     * committed can carry a later time than the change (a transaction started earlier, or clocks apart), and was never
     * matched again. So a session is matched again while its time is less than {@link #RECHECK} past a change of a call
     * that concerns it (idempotent: the same calls give the same match).
     */
    private static final String STALE = """
            select s.meter_id, m.code, s.start_ts, s.end_ts, s.metered_from, s.status, s.energy_wh, s.vessel_mmsi,
                   s.flags, s.berth_id, s.call_id, s.updated_at
              from shore_session s join meter m on m.id = s.meter_id
             where exists (select 1 from vessel_call c
                            where c.berth_id = s.berth_id and c.updated_at > s.updated_at - ?::interval
                              and c.arrival <= s.end_ts + ?::interval
                              and (c.departure is null or c.departure >= s.start_ts - ?::interval))
                or exists (select 1 from vessel_call c
                            where c.id = s.call_id and c.updated_at > s.updated_at - ?::interval)
                or (s.match_candidates <> '{}'
                    and exists (select 1 from vessel_call c
                                 where c.id = any(s.match_candidates) and c.updated_at > s.updated_at - ?::interval))
             order by s.updated_at
             limit 1000
            """;

    /** How long after a call's change the sessions it concerns are matched again (see {@link #STALE}). */
    static final Duration RECHECK = Duration.ofMinutes(5);

    private final AgroalDataSource dataSource;
    private final SessionMatcher matcher;
    private final Duration tolerance;
    private final ShorePowerIngest ingest;
    private final jakarta.enterprise.event.Event<SessionsMatched> sessionsMatched;

    public SessionRematch(
            AgroalDataSource dataSource,
            ShoreloopConfig config,
            ShorePowerIngest ingest,
            jakarta.enterprise.event.Event<SessionsMatched> sessionsMatched) {
        this.dataSource = dataSource;
        this.tolerance = config.shorepower().matchTolerance();
        this.matcher = new SessionMatcher(tolerance);
        this.ingest = ingest;
        this.sessionsMatched = sessionsMatched;
    }

    @Scheduled(
            every = "${shoreloop.shorepower.rematch-every:1m}",
            delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            ingest.syncDepartures(); // a transaction of its own
        } catch (RuntimeException e) {
            LOG.warn("Could not bring sessions in line with changed departures; the next run will", e);
        }
        try {
            QuarkusTransaction.requiringNew().run(this::rematch);
        } catch (RuntimeException e) {
            LOG.warn("Could not match sessions again; the next run will", e);
        }
    }

    /** Matches the sessions whose berth's calls changed since; answers how many were matched again. */
    @Transactional
    public int rematch() {
        Set<UUID> calls = new HashSet<>();
        int matched = rematch(calls);
        if (!calls.isEmpty()) {
            // in this transaction: the matches and the marks for the calls' verdicts commit together
            sessionsMatched.fire(new SessionsMatched(calls));
        }
        return matched;
    }

    private int rematch(Set<UUID> affectedCalls) {
        try (Connection c = dataSource.getConnection()) {
            List<Session> sessions = new ArrayList<>();
            Map<Session.Key, UUID> meterIds = new HashMap<>();
            Map<UUID, List<Session>> byBerth = new HashMap<>();
            String interval = tolerance.toSeconds() + " seconds";
            Map<Session.Key, OffsetDateTime> written = new HashMap<>();
            String recheck = RECHECK.toSeconds() + " seconds";
            try (PreparedStatement ps = c.prepareStatement(STALE)) {
                ps.setString(1, recheck);
                ps.setString(2, interval);
                ps.setString(3, interval);
                ps.setString(4, recheck);
                ps.setString(5, recheck);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Set<QualityFlag> flags = EnumSet.noneOf(QualityFlag.class);
                        for (String f : (String[]) rs.getArray(9).getArray()) {
                            flags.add(QualityFlag.valueOf(f));
                        }
                        Session s = new Session(
                                rs.getString(2),
                                instant(rs, 3),
                                instant(rs, 4),
                                instant(rs, 5),
                                SessionStatus.valueOf(rs.getString(6)),
                                rs.getLong(7),
                                0,
                                0,
                                null,
                                Duration.ZERO,
                                rs.getString(8),
                                flags);
                        sessions.add(s);
                        meterIds.put(s.key(), rs.getObject(1, UUID.class));
                        written.put(s.key(), rs.getObject(12, OffsetDateTime.class));
                        UUID was = rs.getObject(11, UUID.class);
                        if (was != null) {
                            affectedCalls.add(was);
                        }
                        byBerth.computeIfAbsent(rs.getObject(10, UUID.class), k -> new ArrayList<>())
                                .add(s);
                    }
                }
            }
            if (sessions.isEmpty()) {
                return 0;
            }
            try (PreparedStatement calls = c.prepareStatement("""
                            select c.id, v.mmsi, c.arrival, c.departure from vessel_call c
                              join vessel v on v.id = c.vessel_id where c.active and c.berth_id = ?
                            """);
                    PreparedStatement update = c.prepareStatement("""
                            update shore_session set call_id = ?, match_outcome = ?, match_candidates = ?::uuid[],
                                   updated_at = now()
                             where meter_id = ? and start_ts = ? and updated_at = ?
                            """)) {
                for (Map.Entry<UUID, List<Session>> e : byBerth.entrySet()) {
                    List<CallStay> stays = new ArrayList<>();
                    calls.setObject(1, e.getKey());
                    try (ResultSet rs = calls.executeQuery()) {
                        while (rs.next()) {
                            stays.add(new CallStay(
                                    rs.getObject(1, UUID.class), rs.getString(2), instant(rs, 3), instant(rs, 4)));
                        }
                    }
                    for (Session s : e.getValue()) {
                        SessionMatch match = matcher.match(s, stays);
                        if (match.callId() != null) {
                            affectedCalls.add(match.callId());
                        }
                        update.setObject(1, match.callId());
                        update.setString(2, match.outcome().name());
                        update.setArray(
                                3, c.createArrayOf("uuid", match.candidates().toArray()));
                        update.setObject(4, meterIds.get(s.key()));
                        update.setObject(5, s.start().atOffset(java.time.ZoneOffset.UTC));
                        // only the session as read: one a batch wrote meanwhile (its end, ship or flags changed, and
                        // matched with the calls that batch read) is not overwritten with a match of the old one;
                        // it is matched again at the next run while a call's change is recent
                        update.setObject(6, written.get(s.key()));
                        update.addBatch();
                    }
                }
                update.executeBatch();
            }
            return sessions.size();
        } catch (SQLException e) {
            throw new StoreUnavailable(e);
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime odt = rs.getObject(column, OffsetDateTime.class);
        return odt == null ? null : odt.toInstant();
    }
}
