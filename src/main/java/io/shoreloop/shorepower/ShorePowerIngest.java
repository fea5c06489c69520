package io.shoreloop.shorepower;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.narayana.jta.QuarkusTransactionException;
import io.shoreloop.platform.ShoreloopConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The shore-power service API that ingestion calls: stores a batch of readings, status reports and dead letters in
 * one transaction, and brings the sessions of the meters concerned up to date.
 *
 * <p>Per batch, not per message: the per-meter state rows of all meters in the batch are locked in one statement
 * (so that two instances sharing the subscription never build one meter's sessions concurrently), the readings are
 * inserted in one statement ({@code insert ... select from unnest(arrays) on conflict do nothing returning}, which
 * tells exactly which readings are new), the windows of the meters whose timelines are not cached are loaded in one
 * statement, and the changed sessions are upserted in one JDBC batch.
 *
 * <p>Each meter's {@link MeterTimeline} is resumed from its cursor ({@link MeterTimeline#resumableAfter()}): the
 * reading after which its session state machine was idle. A batch that reaches back before the cursor resumes from
 * the latest earlier cursor (kept in {@code shore_meter_cursor}), or from the meter's first reading if there is
 * none. Timelines are cached between batches and reused while the state row's {@code version} says that nobody
 * else changed the meter since.
 *
 * <p>Timelines know the departures of the calls at their meter's berth as {@code shore_call_departure} records them
 * (a session still supplying at a departure ends there). {@link #syncDepartures} takes the departures recorded,
 * corrected or withdrawn since, re-derives the meters concerned and records the departures, under the same locks,
 * so that the stored sessions always match the recorded departures and the readings.
 */
@ApplicationScoped
@Transactional
public class ShorePowerIngest {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ShorePowerIngest.class);

    /** Dead-letter payloads are cut at 64 KiB (contract.md). */
    static final int MAX_PAYLOAD_BYTES = 64 * 1024;

    private static final String READING_COLUMNS = "meter_id, ts, seq, register_wh, power_kw, voltage_v, current_a,"
            + " frequency_hz, breaker_closed, vessel_mmsi, received_at";

    /** A batch's readings go straight in while none is stored already (the common case)... */
    private static final String COPY_READINGS =
            "copy meter_reading (" + READING_COLUMNS + ") from stdin (format binary)";

    /** ...else into a staging table (one per connection, emptied at commit), and the new ones moved over from it. */
    private static final String STAGE = "create temporary table if not exists shore_reading_stage"
            + " (like meter_reading including defaults) on commit delete rows";

    private static final String COPY_TO_STAGE =
            "copy shore_reading_stage (" + READING_COLUMNS + ") from stdin (format binary)";

    private static final String INSERT_STAGED = "insert into meter_reading (" + READING_COLUMNS + ") select "
            + READING_COLUMNS + " from shore_reading_stage on conflict do nothing returning meter_id, ts";

    private static final String UNIQUE_VIOLATION = "23505";

    private static final String LOAD_WINDOWS = """
            select r.meter_id, r.ts, r.seq, r.register_wh, r.power_kw, r.breaker_closed, r.vessel_mmsi
              from unnest(?::uuid[], ?::bigint[]) as c(m, after)
              join meter_reading r
                on r.meter_id = c.m
               and r.ts >= case when c.after is null then '-infinity'::timestamptz
                                else timestamptz 'epoch' + c.after * interval '1 microsecond' end
             order by r.meter_id, r.ts
            """;

    /**
     * The changed sessions of a batch, one statement for all of them (a meter's sessions are distinct by start, and
     * meters are distinct, so no row is upserted twice). Times go as microseconds since the epoch, a session's flags
     * and candidate calls as comma-separated text: a JDBC batch of one upsert per session bound 17 parameters per row
     * (timestamps with {@code setObject}, two arrays each) and was the largest part of storing a batch with 5,000
     * meters (a third of the writers' CPU, async-profiler).
     */
    private static final String UPSERT_SESSIONS = """
            insert into shore_session (meter_id, start_ts, end_ts, metered_from, status, energy_wh, rejected_wh,
                                       reading_count, peak_kw, longest_gap_s, vessel_mmsi, flags, berth_id, port_id,
                                       call_id, match_outcome, match_candidates, updated_at)
            select u.meter_id,
                   timestamptz 'epoch' + u.start_us * interval '1 microsecond',
                   timestamptz 'epoch' + u.end_us * interval '1 microsecond',
                   timestamptz 'epoch' + u.from_us * interval '1 microsecond',
                   u.status, u.energy_wh, u.rejected_wh, u.readings, u.peak_kw, u.gap_s, u.vessel,
                   string_to_array(u.flags, ','), u.berth_id, u.port_id, u.call_id, u.outcome,
                   string_to_array(u.candidates, ',')::uuid[], now()
              from unnest(?::uuid[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::bigint[], ?::bigint[],
                          ?::int[], ?::float8[], ?::bigint[], ?::text[], ?::text[], ?::uuid[], ?::uuid[], ?::uuid[],
                          ?::text[], ?::text[])
                   as u(meter_id, start_us, end_us, from_us, status, energy_wh, rejected_wh, readings, peak_kw, gap_s,
                        vessel, flags, berth_id, port_id, call_id, outcome, candidates)
            on conflict (meter_id, start_ts) do update set
                end_ts = excluded.end_ts, metered_from = excluded.metered_from, status = excluded.status,
                energy_wh = excluded.energy_wh, rejected_wh = excluded.rejected_wh,
                reading_count = excluded.reading_count, peak_kw = excluded.peak_kw,
                longest_gap_s = excluded.longest_gap_s, vessel_mmsi = excluded.vessel_mmsi, flags = excluded.flags,
                berth_id = excluded.berth_id, port_id = excluded.port_id, call_id = excluded.call_id,
                match_outcome = excluded.match_outcome, match_candidates = excluded.match_candidates,
                updated_at = now()
            """;

    /**
     * The batch's meters' state rows, one statement for all of them (one row per meter; their rows are locked by
     * {@link #lockStates}). As a JDBC batch of one update per meter, with a batch holding one reading of each of ~2,900
     * meters ({@code bench/ingest --meters 5000}), they took 0.008-0.011 ms of PostgreSQL per row, a sixth of its time;
     * as one statement 0.009 ms (most of it is the row's new version) and one round trip instead of ~2,900 bound rows.
     */
    private static final String UPDATE_STATES = """
            update shore_meter_state s set
                resumable_after = case when u.resumable_after is null then null
                                       else timestamptz 'epoch' + u.resumable_after * interval '1 microsecond' end,
                last_reading_at = greatest(s.last_reading_at,
                                           timestamptz 'epoch' + u.last_ts * interval '1 microsecond'),
                last_received_at = greatest(s.last_received_at,
                                            timestamptz 'epoch' + u.received * interval '1 microsecond'),
                reading_count = s.reading_count + u.n, metered_wh = s.metered_wh + u.metered,
                session_wh = s.session_wh + u.session, unallocated_wh = s.unallocated_wh + u.unallocated,
                rejected_wh = s.rejected_wh + u.rejected, version = s.version + 1,
                online = case when u.went_online then true else s.online end,
                online_since = case when u.went_online
                                    then timestamptz 'epoch' + u.received * interval '1 microsecond'
                                    else s.online_since end,
                checkpoint_at = case when u.cp_set
                                     then timestamptz 'epoch' + u.cp_at * interval '1 microsecond'
                                     else s.checkpoint_at end,
                checkpoint = case when u.cp_set then u.cp else s.checkpoint end,
                updated_at = now()
              from unnest(?::uuid[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[],
                          ?::bigint[], ?::bigint[], ?::boolean[], ?::boolean[], ?::bigint[], ?::text[])
                   as u(meter_id, resumable_after, last_ts, received, n, metered, session, unallocated, rejected,
                        went_online, cp_set, cp_at, cp)
             where s.meter_id = u.meter_id
            """;

    /** The columns of {@link #UPDATE_STATES}, a meter at a time. */
    private static final class StateUpdates {
        private final List<UUID> meters = new ArrayList<>();
        private final List<Long> resumableAfter = new ArrayList<>();
        private final List<Long> lastTs = new ArrayList<>();
        private final List<Long> received = new ArrayList<>();
        private final List<Long> readings = new ArrayList<>();
        private final List<Long> metered = new ArrayList<>();
        private final List<Long> session = new ArrayList<>();
        private final List<Long> unallocated = new ArrayList<>();
        private final List<Long> rejected = new ArrayList<>();
        private final List<Boolean> wentOnline = new ArrayList<>();
        private final List<Boolean> checkpointSet = new ArrayList<>();
        private final List<Long> checkpointAt = new ArrayList<>();
        private final List<String> checkpoint = new ArrayList<>();

        /**
         * The meter's checkpoint (null: none) to be written with its row; without this call the row keeps its own.
         * Follows the meter's {@link #add}.
         */
        void checkpoint(MeterTimeline.Checkpoint cp) {
            int last = checkpointSet.size() - 1;
            checkpointSet.set(last, true);
            checkpointAt.set(last, cp == null ? null : micros(cp.at()));
            checkpoint.set(last, cp == null ? null : cp.encoded());
        }

        /** One meter (once per batch): its cursor and last reading (null: unchanged), the balance's deltas. */
        void add(
                UUID meter,
                Instant cursor,
                Instant last,
                Instant receivedAt,
                long count,
                EnergyBalance before,
                EnergyBalance after,
                boolean online) {
            meters.add(meter);
            resumableAfter.add(cursor == null ? null : micros(cursor));
            lastTs.add(last == null ? null : micros(last));
            received.add(micros(receivedAt));
            readings.add(count);
            metered.add(delta(before, after, EnergyBalance::meteredWh));
            session.add(delta(before, after, EnergyBalance::sessionWh));
            unallocated.add(delta(before, after, EnergyBalance::unallocatedWh));
            rejected.add(delta(before, after, EnergyBalance::rejectedWh));
            wentOnline.add(online);
            checkpointSet.add(false);
            checkpointAt.add(null);
            checkpoint.add(null);
        }

        void write(Connection c) throws SQLException {
            if (meters.isEmpty()) {
                return;
            }
            try (PreparedStatement ps = c.prepareStatement(UPDATE_STATES)) {
                // typed arrays, so that the driver uses its encoder for the element's class (see writeSessions)
                ps.setArray(1, c.createArrayOf("uuid", meters.toArray(new UUID[0])));
                int i = 2;
                for (List<Long> column :
                        List.of(resumableAfter, lastTs, received, readings, metered, session, unallocated, rejected)) {
                    ps.setArray(i++, c.createArrayOf("int8", column.toArray(new Long[0])));
                }
                ps.setArray(i++, c.createArrayOf("bool", wentOnline.toArray(new Boolean[0])));
                ps.setArray(i++, c.createArrayOf("bool", checkpointSet.toArray(new Boolean[0])));
                ps.setArray(i++, c.createArrayOf("int8", checkpointAt.toArray(new Long[0])));
                ps.setArray(i, c.createArrayOf("text", checkpoint.toArray(new String[0])));
                ps.executeUpdate();
            }
        }
    }

    /**
     * Calls changed since the sync last looked (oldest first, locked until the sync commits), with their departure
     * (active, recorded) and the one the sessions know; either may be absent.
     */
    private static final String DEPARTURES_PENDING = """
            select p.call_id, c.berth_id, c.departure, k.berth_id, k.departure, p.seq
              from shore_departure_pending p
              left join vessel_call c on c.id = p.call_id and c.active and c.departure is not null
              left join shore_call_departure k on k.call_id = p.call_id
             order by p.seq
             limit ?
               for update of p
            """;

    private static final String UPDATE_STATE_DEPARTED = """
            update shore_meter_state set
                resumable_after = ?, session_wh = session_wh + ?, unallocated_wh = unallocated_wh + ?,
                version = version + 1, checkpoint_at = null, checkpoint = null, updated_at = now()
             where meter_id = ?
            """;

    /** Calls whose departures one sync takes at most (the next run takes the rest). */
    static final int DEPARTURE_SYNC_BATCH = 5_000;

    private static final String CALLS_AT_BERTHS = """
            select c.id, v.mmsi, c.arrival, c.departure, c.berth_id
              from vessel_call c join vessel v on v.id = c.vessel_id
             where c.active and c.berth_id = any(?) and c.arrival <= ? and (c.departure is null or c.departure >= ?)
            """;

    private final AgroalDataSource dataSource;
    private final Clock clock;
    private final AccountingRules rules;
    private final SessionMatcher matcher;
    private final Duration tolerance;
    private final int cacheReadings;

    /**
     * Timelines kept between batches (access order; the eldest are dropped beyond the limits). Shared by the writers,
     * each of which stores the meters of its own group (a meter is always stored by the same writer), so a writer only
     * finds there what it or the departure sync put there; guarded by itself, with {@link #cachedReadings}.
     */
    private final Map<UUID, Cached> cache = new LinkedHashMap<>(1024, 0.75f, true);

    private static final int CACHE_METERS = 20_000;

    /**
     * Heap a cached reading takes with its share of its timeline (measured: 183 bytes in windows of 32-64 readings of
     * a session, trimmed as {@link #keep} does; 300 when a timeline kept several objects per reading).
     */
    static final int CACHED_READING_BYTES = 192;

    /**
     * The readings the cache may hold: as configured, but within 15 % of the heap. The old default of a million
     * readings (~300 MB, millions of objects) filled a 1 GiB heap's old generation, which every G1 marking cycle walks;
     * in the 768 MiB container it could have taken more than half the heap. With this bound and 512 readings a meter,
     * G1's share of the application's CPU during a measured backfill went from 34 % to 26 %.
     */
    static int cacheTotalReadings(int configured, long maxHeapBytes) {
        long byHeap = maxHeapBytes / 100 * 15 / CACHED_READING_BYTES;
        return (int) Math.max(0, Math.min(configured, byHeap));
    }

    private final int cacheTotalReadings;

    /** The timelines' checkpoint interval (see {@link #checkpointEvery(int)}). */
    private final int checkpointEvery;

    /**
     * A checkpoint every quarter of the readings a cached timeline may hold: a trim down to half of them then finds one
     * among the readings it may forget (a timeline it cannot trim is dropped and reloaded by the next batch).
     */
    static int checkpointEvery(int cacheReadings) {
        return Math.max(1, cacheReadings / 4);
    }

    /**
     * A timeline in step with the store at {@code version}; its window starts after {@code floor} (null: all), and
     * {@code below} readings of the meter were stored at or before the floor at that version (the state row's count
     * less the window's; see {@link #catchUp}).
     */
    private record Cached(
            MeterTimeline timeline,
            Instant floor,
            long version,
            long below,
            MeterTimeline.Checkpoint written,
            int size) {
        Cached(MeterTimeline timeline, Instant floor, long version, long below, MeterTimeline.Checkpoint written) {
            this(timeline, floor, version, below, written, timeline.size());
        }
    }

    /** A checkpoint the state row may hold, not known to the cache (another instance wrote the row last). */
    private static final MeterTimeline.Checkpoint UNKNOWN = new MeterTimeline.Checkpoint(Instant.EPOCH, null);

    /** Whether the row holds {@code known} (never {@link #UNKNOWN}), which is the same checkpoint as {@code cp}. */
    private static boolean holds(MeterTimeline.Checkpoint known, MeterTimeline.Checkpoint cp) {
        if (known == UNKNOWN) {
            return false;
        }
        return cp == null ? known == null : known != null && cp.at().equals(known.at()) && cp.state() == known.state();
    }

    /**
     * Where the timelines of a batch's meters came from when not from the cache in step with the store
     * ({@code shoreloop.ingest.timelines{source}}): brought up to a later version by reading only their window again
     * ({@link #catchUp}), resumed from the checkpoint their state row keeps inside a session, or resumed from their
     * cursor (the idle point before the open session; none cached, or one that could not catch up).
     */
    private final Counter caughtUp;

    private final Counter resumedInside;
    private final Counter resumedFromCursor;

    /** Readings the cached timelines hold together (as they were when cached). */
    private long cachedReadings;

    /**
     * A meter's state row as locked; {@code evidence} is the time of the latest evidence of its liveness (the latest of
     * its last change online or offline, its last message received and its last status message's time).
     */
    private record State(
            UUID meterId, Instant resumableAfter, long version, Boolean online, long readings, Instant evidence) {}

    private final jakarta.enterprise.event.Event<SessionsMatched> sessionsMatched;

    private final TransactionSynchronizationRegistry transactions;

    /** Calls matched by the batch being stored, per writer thread (set for the length of a transaction). */
    private final ThreadLocal<Set<UUID>> matchedCalls = new ThreadLocal<>();

    /**
     * Writers store batches at the same time, each for meters of its own, under the read lock; the departure sync,
     * which re-derives the meters of whole berths, holds the write lock: it runs alone.
     */
    private final java.util.concurrent.locks.ReadWriteLock writers =
            new java.util.concurrent.locks.ReentrantReadWriteLock();

    public ShorePowerIngest(
            AgroalDataSource dataSource,
            Clock clock,
            ShoreloopConfig config,
            jakarta.enterprise.event.Event<SessionsMatched> sessionsMatched,
            TransactionSynchronizationRegistry transactions,
            MeterRegistry metrics) {
        this.caughtUp = metrics.counter("shoreloop.ingest.timelines", "source", "caught-up");
        this.resumedInside = metrics.counter("shoreloop.ingest.timelines", "source", "resumed-inside-session");
        this.resumedFromCursor = metrics.counter("shoreloop.ingest.timelines", "source", "resumed-from-cursor");
        this.sessionsMatched = sessionsMatched;
        this.transactions = transactions;
        this.dataSource = dataSource;
        this.clock = clock;
        this.rules = AccountingRules.defaults();
        this.tolerance = config.shorepower().matchTolerance();
        this.matcher = new SessionMatcher(tolerance);
        this.cacheReadings = config.shorepower().timelineCacheReadings();
        this.checkpointEvery = checkpointEvery(cacheReadings);
        this.cacheTotalReadings = cacheTotalReadings(
                config.shorepower().timelineCacheTotalReadings(),
                Runtime.getRuntime().maxMemory());
    }

    /**
     * Stores one batch in one transaction. Readings already stored (same meter and timestamp) are absorbed; sessions
     * of the meters concerned are brought up to date and matched to the calls at their berths.
     *
     * @throws StoreUnavailable when the database refused the batch, also at its commit: nothing of it is stored, the
     *     caller retries
     */
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    public IngestBatch.Outcome store(IngestBatch batch) {
        try {
            return storeOnce(batch);
        } catch (StoreUnavailable e) {
            if (!e.isStoredMeanwhile()) {
                throw e;
            }
            // a reading stored meanwhile refused the copy and with it the transaction: once more, at once, through the
            // staging table (see insertReadings); neither a failed batch nor a dead letter
            return storeOnce(batch);
        }
    }

    /** {@link #store} in one transaction, a failed commit refused as {@link StoreUnavailable}. */
    private IngestBatch.Outcome storeOnce(IngestBatch batch) {
        try {
            return QuarkusTransaction.requiringNew().call(() -> {
                Set<UUID> matchedCalls = new HashSet<>();
                return committed(writers.readLock(), matchedCalls, (c, touched) -> storeWith(c, batch, touched));
            });
        } catch (QuarkusTransactionException e) {
            // the work was done but the commit failed (the database went away at that moment, a deferred check):
            // nothing of the batch is stored, and the caller must hear so, not an unexpected failure it cannot retry
            throw new StoreUnavailable(commitFailure(e));
        }
    }

    /**
     * The database's own error behind a failed commit (the transaction manager keeps it as a suppressed exception of
     * its own), else one that says the transaction was rolled back.
     */
    private static SQLException commitFailure(QuarkusTransactionException e) {
        SQLException found = sqlExceptionIn(e, 0);
        return found != null
                ? found
                : new SQLException("The batch's transaction did not commit: " + e.getCause(), "40000", e);
    }

    private static SQLException sqlExceptionIn(Throwable t, int depth) {
        if (t == null || depth > 8) {
            return null;
        }
        if (t instanceof SQLException sql && sql.getSQLState() != null) {
            return sql;
        }
        for (Throwable suppressed : t.getSuppressed()) {
            SQLException found = sqlExceptionIn(suppressed, depth + 1);
            if (found != null) {
                return found;
            }
        }
        return t.getCause() == t ? null : sqlExceptionIn(t.getCause(), depth + 1);
    }

    /** Work on one connection; {@code touched} collects the meters whose cached timelines it may have changed. */
    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c, Set<UUID> touched) throws SQLException;
    }

    /**
     * Runs {@code work} (one transaction, committed by it) under {@code lock} (see {@link #writers});
     * {@code matchedCalls} collects the calls of the sessions it stores, announced ({@link SessionsMatched}) in the
     * same transaction so that their verdicts are sure to follow. A failure drops the cached timelines it touched, and
     * so does a transaction that does not commit after the work (the commit comes after this returns): a timeline kept
     * for version v+1 of a meter whose v+1 was never stored would match the v+1 another instance stores next, and the
     * next batch would build on readings that are not in the store, without those that are.
     */
    private <T> T committed(java.util.concurrent.locks.Lock lock, Set<UUID> matchedCalls, Work<T> work) {
        Set<UUID> touched = new HashSet<>();
        lock.lock();
        this.matchedCalls.set(matchedCalls);
        try (Connection c = dataSource.getConnection()) {
            T result = work.run(c, touched);
            dropUnlessCommitted(touched);
            if (!matchedCalls.isEmpty()) {
                sessionsMatched.fire(new SessionsMatched(Set.copyOf(matchedCalls)));
            }
            return result;
        } catch (SQLException e) {
            touched.forEach(this::uncache);
            throw new StoreUnavailable(e);
        } catch (RuntimeException e) {
            touched.forEach(this::uncache);
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof SQLException sql) {
                    throw new StoreUnavailable(sql); // an observer's statement: retried like the batch's own
                }
            }
            throw e;
        } finally {
            this.matchedCalls.remove();
            lock.unlock();
        }
    }

    private void dropUnlessCommitted(Set<UUID> touched) {
        if (touched.isEmpty()) {
            return;
        }
        Set<UUID> kept = Set.copyOf(touched);
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {}

            @Override
            public void afterCompletion(int status) {
                if (status != Status.STATUS_COMMITTED) {
                    kept.forEach(ShorePowerIngest.this::uncache);
                }
            }
        });
    }

    /**
     * Brings the sessions in line with the departures recorded, corrected or withdrawn (call deactivated or moved)
     * since they were derived: for each berth concerned, re-derives its meters from the session containing the
     * earliest departure that changed, stores the sessions that differ (matched again), and records the departures
     * as known ({@code shore_call_departure}), all in one transaction. The calls the changed sessions were or are now
     * matched to get their verdicts recomputed ({@link SessionsMatched}); a call whose departure changed nothing
     * here was already judged again when the departure was recorded (and a sync must not judge an old call again
     * with master data that changed since). One instance syncs at a time; another one skips its turn.
     *
     * @return the number of calls whose departure was taken
     */
    public int syncDepartures() {
        Set<UUID> calls = new HashSet<>();
        return committed(writers.writeLock(), calls, (c, touched) -> syncDeparturesWith(c, calls, touched));
    }

    private record DepartureChange(
            UUID call, UUID berthNow, Instant departureNow, UUID berthWas, Instant departureWas) {}

    private int syncDeparturesWith(Connection c, Set<UUID> calls, Set<UUID> touched) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select pg_try_advisory_xact_lock(1397769296, 1)");
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next() || !rs.getBoolean(1)) {
                return 0; // another instance is at it
            }
        }
        List<DepartureChange> changes = new ArrayList<>();
        List<Object[]> taken = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(DEPARTURES_PENDING)) {
            ps.setInt(1, DEPARTURE_SYNC_BATCH);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    DepartureChange ch = new DepartureChange(
                            rs.getObject(1, UUID.class),
                            rs.getObject(2, UUID.class),
                            instant(rs, 3),
                            rs.getObject(4, UUID.class),
                            instant(rs, 5));
                    taken.add(new Object[] {ch.call(), rs.getLong(6)});
                    if (!java.util.Objects.equals(ch.berthNow(), ch.berthWas())
                            || !java.util.Objects.equals(ch.departureNow(), ch.departureWas())) {
                        changes.add(ch);
                    }
                }
            }
        }
        batchUpdate(c, "delete from shore_departure_pending where call_id = ? and seq = ?", taken);
        if (changes.isEmpty()) {
            return 0;
        }
        // per berth: the earliest departure added, moved or removed
        Map<UUID, Instant> earliest = new HashMap<>();
        for (DepartureChange ch : changes) {
            if (ch.berthWas() != null) {
                earliest.merge(ch.berthWas(), ch.departureWas(), (a, b) -> a.isBefore(b) ? a : b);
            }
            if (ch.berthNow() != null) {
                earliest.merge(ch.berthNow(), ch.departureNow(), (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        List<RegisteredMeter> atBerths = MeterDirectory.atBerths(c, earliest.keySet());
        if (!atBerths.isEmpty()) {
            rederive(c, atBerths, earliest, changes, calls, touched);
        }
        // the departures as the sessions now know them
        try (PreparedStatement delete = c.prepareStatement("delete from shore_call_departure where call_id = ?");
                PreparedStatement insert = c.prepareStatement(
                        "insert into shore_call_departure (call_id, berth_id, departure) values (?, ?, ?)")) {
            for (DepartureChange ch : changes) {
                if (ch.berthWas() != null) {
                    delete.setObject(1, ch.call());
                    delete.addBatch();
                }
                if (ch.berthNow() != null) {
                    insert.setObject(1, ch.call());
                    insert.setObject(2, ch.berthNow());
                    insert.setObject(3, odt(ch.departureNow()));
                    insert.addBatch();
                }
            }
            delete.executeBatch();
            insert.executeBatch();
        }
        return changes.size();
    }

    /** Re-derives the meters at the berths concerned with the departures as they now stand, and stores the changes. */
    private void rederive(
            Connection c,
            List<RegisteredMeter> atBerths,
            Map<UUID, Instant> earliest,
            List<DepartureChange> changes,
            Set<UUID> calls,
            Set<UUID> touched)
            throws SQLException {
        Map<UUID, RegisteredMeter> meters = new HashMap<>();
        atBerths.forEach(m -> meters.put(m.id(), m));
        touched.addAll(meters.keySet());
        Map<UUID, State> states = lockStates(c, meters.keySet());
        dropStaleProfiles(atBerths);

        // the departures as known so far, with the changes applied (counted per call: two calls may share one)
        Map<UUID, Map<Instant, Integer>> departures = new HashMap<>();
        earliest.keySet().forEach(b -> departures.put(b, new HashMap<>()));
        try (PreparedStatement ps =
                c.prepareStatement("select berth_id, departure from shore_call_departure where berth_id = any(?)")) {
            ps.setArray(1, c.createArrayOf("uuid", earliest.keySet().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    departures.get(rs.getObject(1, UUID.class)).merge(instant(rs, 2), 1, Integer::sum);
                }
            }
        }
        for (DepartureChange ch : changes) {
            if (ch.berthWas() != null) {
                departures.get(ch.berthWas()).computeIfPresent(ch.departureWas(), (d, n) -> n == 1 ? null : n - 1);
            }
            if (ch.berthNow() != null) {
                departures.get(ch.berthNow()).merge(ch.departureNow(), 1, Integer::sum);
            }
        }

        // timelines as the store reflects them (the old departures), reaching back to the earliest change
        Map<UUID, MeterTimeline> timelines = new HashMap<>();
        Map<UUID, Instant> windows = new HashMap<>();
        Map<UUID, Instant> atOrBefore = new HashMap<>();
        for (RegisteredMeter m : atBerths) {
            State st = states.get(m.id());
            Instant from = earliest.get(m.berthId());
            Cached cached = cached(m.id());
            if (cached != null
                    && cached.version() == st.version()
                    && (cached.floor() == null || !cached.floor().isAfter(from))) {
                timelines.put(m.id(), cached.timeline());
            } else if (st.resumableAfter() != null && !st.resumableAfter().isAfter(from)) {
                windows.put(m.id(), st.resumableAfter());
            } else {
                atOrBefore.put(m.id(), from);
            }
        }
        windows.putAll(cursors(c, atOrBefore, "<="));
        loadWindows(c, windows, Map.of(), states, Map.of(), meters, timelines);

        List<Session> upserts = new ArrayList<>();
        List<Session.Key> removals = new ArrayList<>();
        List<Session.Key> previous = new ArrayList<>();
        List<Object[]> stateUpdates = new ArrayList<>();
        List<Object[]> cursorDeletes = new ArrayList<>();
        List<Object[]> cursorInserts = new ArrayList<>();
        for (RegisteredMeter m : atBerths) {
            UUID id = m.id();
            State st = states.get(id);
            MeterTimeline tl = timelines.get(id);
            EnergyBalance before = tl.balance();
            SessionChanges changed =
                    tl.replaceDepartures(departures.get(m.berthId()).keySet());
            EnergyBalance after = tl.balance();
            upserts.addAll(changed.created());
            upserts.addAll(changed.changed());
            removals.addAll(changed.removed());
            previous.addAll(changed.removed());
            changed.changed().forEach(x -> previous.add(x.key()));
            Instant cursor = tl.resumableAfter().orElse(null);
            stateUpdates.add(new Object[] {
                ts(cursor),
                delta(before, after, EnergyBalance::sessionWh),
                delta(before, after, EnergyBalance::unallocatedWh),
                id
            });
            // a cursor depends on the departures before it only: those after the earliest change may be stale
            cursorDeletes.add(new Object[] {id, ts(earliest.get(m.berthId()))});
            if (cursor != null) {
                cursorInserts.add(new Object[] {id, ts(cursor)});
            }
            Cached was = windows.containsKey(id) ? null : cached(id);
            // the departures' update clears the row's checkpoint
            keep(id, tl, was == null ? windows.get(id) : was.floor(), st.version() + 1, st.readings(), null);
        }
        calls.addAll(callsOf(c, previous, meters)); // the calls they were matched to until now
        writeSessions(c, upserts, removals, List.of(), meters);
        batchUpdate(c, UPDATE_STATE_DEPARTED, stateUpdates);
        batchUpdate(c, "delete from shore_meter_cursor where meter_id = ? and ts > ?", cursorDeletes);
        batchUpdate(
                c, "insert into shore_meter_cursor (meter_id, ts) values (?, ?) on conflict do nothing", cursorInserts);
    }

    /** The calls these stored sessions are matched to. */
    private static Set<UUID> callsOf(Connection c, List<Session.Key> keys, Map<UUID, RegisteredMeter> meters)
            throws SQLException {
        Set<UUID> out = new HashSet<>();
        if (keys.isEmpty()) {
            return out;
        }
        Map<String, UUID> idOf = new HashMap<>();
        meters.values().forEach(m -> idOf.put(m.code(), m.id()));
        UUID[] ids = new UUID[keys.size()];
        Long[] starts = new Long[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            ids[i] = idOf.get(keys.get(i).meter());
            starts[i] = micros(keys.get(i).start());
        }
        try (PreparedStatement ps = c.prepareStatement("""
                select distinct s.call_id from unnest(?::uuid[], ?::bigint[]) as k(m, t)
                  join shore_session s on s.meter_id = k.m
                   and s.start_ts = timestamptz 'epoch' + k.t * interval '1 microsecond'
                 where s.call_id is not null
                """)) {
            ps.setArray(1, c.createArrayOf("uuid", ids));
            ps.setArray(2, c.createArrayOf("int8", starts));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return out;
    }

    private IngestBatch.Outcome storeWith(Connection c, IngestBatch batch, Set<UUID> touched) throws SQLException {
        Instant now = clock.instant();
        Map<UUID, RegisteredMeter> meters = new HashMap<>();
        batch.readings().forEach(r -> meters.put(r.meter().id(), r.meter()));
        batch.statuses().forEach(s -> meters.put(s.meter().id(), s.meter()));
        touched.addAll(meters.keySet());

        Map<UUID, State> states = lockStates(c, meters.keySet());
        dropStaleProfiles(meters.values());

        // per meter in time order, one reading per (meter, ts): the first one delivered wins, as the store's key does
        Map<UUID, List<IngestBatch.Incoming>> byMeter = new HashMap<>();
        for (IngestBatch.Incoming in : batch.readings()) {
            byMeter.computeIfAbsent(in.meter().id(), k -> new ArrayList<>()).add(in);
        }
        byMeter.replaceAll((id, delivered) -> inTimeOrder(delivered));
        Map<UUID, List<Reading>> fresh = insertReadings(c, byMeter, holdsStored(byMeter, states));
        int offered = byMeter.values().stream().mapToInt(List::size).sum();
        int stored = fresh.values().stream().mapToInt(List::size).sum();

        // timelines: cached ones in step with the store, else resumed from a cursor
        Map<UUID, MeterTimeline> timelines = new HashMap<>();
        Map<UUID, Instant> windows = new HashMap<>();
        Map<UUID, Instant> earliest = new HashMap<>();
        Map<UUID, Cached> behind = new HashMap<>();
        // what the row holds of the cached timelines in step: known; of the others not
        Map<UUID, MeterTimeline.Checkpoint> written = new HashMap<>();
        for (Map.Entry<UUID, List<Reading>> e : fresh.entrySet()) {
            UUID id = e.getKey();
            State st = states.get(id);
            Instant first = e.getValue().get(0).ts();
            earliest.put(id, first);
            Cached cached = cached(id);
            if (cached != null && (cached.floor() == null || first.isAfter(cached.floor()))) {
                if (cached.version() == st.version()) {
                    timelines.put(id, cached.timeline());
                    written.put(id, cached.written());
                } else if (cached.version() < st.version()) {
                    behind.put(id, cached);
                }
            }
        }
        catchUp(c, behind, fresh, meters, states, timelines);
        behind.keySet().forEach(id -> written.put(id, UNKNOWN));
        Map<UUID, Instant> cursors = new HashMap<>();
        Map<UUID, Instant> lookUp = new HashMap<>();
        for (Map.Entry<UUID, Instant> e : earliest.entrySet()) {
            UUID id = e.getKey();
            if (!timelines.containsKey(id)) {
                State st = states.get(id);
                Instant first = e.getValue();
                if (st.resumableAfter() != null && first.isAfter(st.resumableAfter())) {
                    cursors.put(id, st.resumableAfter());
                } else {
                    lookUp.put(id, first);
                }
            }
        }
        cursors.putAll(cursors(c, lookUp, "<"));
        Map<UUID, MeterTimeline.Checkpoint> inside = storedCheckpoints(c, cursors.keySet(), states, earliest);
        windows.putAll(cursors);
        inside.forEach((id, cp) -> windows.put(id, cp.at()));
        resumedInside.increment(inside.size());
        resumedFromCursor.increment(windows.size() - inside.size());
        Set<UUID> floorless = loadWindows(c, windows, inside, states, fresh, meters, timelines);
        if (!floorless.isEmpty()) {
            // a checkpoint whose reading is not stored (a row changed by hand): from the idle point instead
            Map<UUID, Instant> again = new HashMap<>();
            floorless.forEach(id -> again.put(id, cursors.get(id)));
            windows.putAll(again);
            loadWindows(c, again, Map.of(), states, fresh, meters, timelines);
        }
        inside.forEach(written::put);
        floorless.forEach(id -> written.put(id, UNKNOWN));
        cursors.keySet().forEach(id -> written.putIfAbsent(id, UNKNOWN));

        List<Session> upserts = new ArrayList<>();
        List<Session.Key> removals = new ArrayList<>();
        StateUpdates stateUpdates = new StateUpdates();
        List<Object[]> cursorInserts = new ArrayList<>();
        List<Session> replaced = new ArrayList<>();
        List<Object[]> cursorDeletes = new ArrayList<>();
        List<Object[]> statusRows = new ArrayList<>();
        Map<UUID, Instant> lastReceived = new HashMap<>();
        Map<UUID, Integer> offeredBy = new HashMap<>();
        for (IngestBatch.Incoming in : batch.readings()) {
            lastReceived.merge(in.meter().id(), in.receivedAt(), (a, b) -> a.isAfter(b) ? a : b);
            offeredBy.merge(in.meter().id(), 1, Integer::sum);
        }
        Map<UUID, Boolean> online = new HashMap<>();
        Map<UUID, Instant> evidence = new HashMap<>();
        states.forEach((id, st) -> {
            online.put(id, st.online());
            if (st.evidence() != null) {
                evidence.put(id, st.evidence());
            }
        });

        for (UUID id : byMeter.keySet()) {
            State st = states.get(id);
            MeterTimeline tl = timelines.get(id);
            List<Reading> newOnes = fresh.getOrDefault(id, List.of());
            EnergyBalance before = tl == null ? null : tl.balance();
            Instant cursor = st.resumableAfter();
            Instant lastTs = null;
            if (tl != null) {
                SessionChanges changes = tl.accept(newOnes);
                upserts.addAll(changes.created());
                upserts.addAll(changes.changed());
                removals.addAll(changes.removed());
                replaced.addAll(changes.before());
                Instant now2 = tl.resumableAfter().orElse(null);
                Instant first = earliest.get(id);
                if (cursor != null && !first.isAfter(cursor)) {
                    cursorDeletes.add(new Object[] {id, ts(first)});
                }
                if (now2 != null && !now2.equals(cursor)) {
                    cursorInserts.add(new Object[] {id, ts(now2)});
                }
                cursor = now2;
                lastTs = newOnes.get(newOnes.size() - 1).ts();
            }
            EnergyBalance after = tl == null ? null : tl.balance();
            Instant received = lastReceived.get(id);
            // a message received before the latest evidence (a dead letter replayed days later) says nothing of now
            boolean wentOnline = !Boolean.TRUE.equals(online.get(id)) && !before(received, st.evidence());
            if (received != null) {
                evidence.merge(id, received, (a, b) -> a.isAfter(b) ? a : b);
            }
            if (wentOnline) {
                statusRows.add(new Object[] {id, true, "READING", ts(received)});
                online.put(id, true);
            }
            stateUpdates.add(id, cursor, lastTs, received, newOnes.size(), before, after, wentOnline);
            if (tl != null) {
                MeterTimeline.Checkpoint checkpoint = tl.latestCheckpoint().orElse(null);
                if (!holds(written.get(id), checkpoint)) {
                    stateUpdates.checkpoint(checkpoint);
                }
                Cached was = windows.containsKey(id) ? null : cached(id);
                keep(
                        id,
                        tl,
                        was == null ? windows.get(id) : was.floor(),
                        st.version() + 1,
                        st.readings() + newOnes.size(),
                        checkpoint);
            } else {
                advance(id, st.version());
            }
        }

        // status reports, in arrival order, recorded only when they change the meter's state and are not older than
        // the latest evidence: a retained status the broker sends again at every reconnect (or a replayed one) was
        // recorded as a change, dated before the change it overturned
        // A status that changes nothing is kept as evidence too (last_status_at): an "online" repeated while online
        // says the meter is alive, and until 2026-12-07 (eighth session) a meter that had no reading to send was taken
        // offline for silence while it said so
        // One update per meter: whether its state changed, to what and since when (the last change), and its latest
        // status message's time
        Map<UUID, Object[]> statusStates = new HashMap<>();
        for (IngestBatch.StatusReport s : batch.statuses()) {
            UUID id = s.meter().id();
            if (before(s.at(), evidence.get(id))) {
                continue;
            }
            evidence.put(id, s.at());
            Object[] state = statusStates.computeIfAbsent(id, k -> new Object[] {false, false, null, null, k});
            state[3] = ts(s.at());
            if (!Boolean.valueOf(s.online()).equals(online.get(id))) {
                online.put(id, s.online());
                statusRows.add(new Object[] {id, s.online(), "STATUS_TOPIC", ts(s.at())});
                state[0] = true;
                state[1] = s.online();
                state[2] = ts(s.at());
            }
        }

        writeSessions(c, upserts, removals, replaced, meters);
        stateUpdates.write(c);
        batchUpdate(c, "delete from shore_meter_cursor where meter_id = ? and ts >= ?", cursorDeletes);
        batchUpdate(
                c, "insert into shore_meter_cursor (meter_id, ts) values (?, ?) on conflict do nothing", cursorInserts);
        batchUpdate(c, "insert into meter_status (meter_id, online, source, at) values (?, ?, ?, ?)", statusRows);
        List<Object[]> statusUpdates = new ArrayList<>();
        statusStates
                .values()
                .forEach(st -> statusUpdates.add(new Object[] {st[0], st[1], st[0], st[2], st[0], st[3], st[4]}));
        batchUpdate(
                c,
                "update shore_meter_state set online = case when ? then ? else online end,"
                        + " online_since = case when ? then ? else online_since end,"
                        + " updated_at = case when ? then now() else updated_at end,"
                        + " last_status_at = greatest(last_status_at, ?) where meter_id = ?",
                statusUpdates);
        int deadLetters = writeDeadLetters(c, batch.deadLetters());
        return new IngestBatch.Outcome(stored, offered - stored, upserts.size(), removals.size(), deadLetters);
    }

    /**
     * Keeps a timeline for the meter's next batch, its window trimmed to the cache's bound (however long its session
     * runs), or drops it when it cannot be trimmed; the next batch then resumes from the store.
     */
    private void keep(
            UUID id,
            MeterTimeline tl,
            Instant windowFloor,
            long version,
            long storedReadings,
            MeterTimeline.Checkpoint written) {
        if (!tl.trim(cacheReadings, cacheReadings / 2)) {
            uncache(id);
            return;
        }
        synchronized (cache) {
            Cached was = cache.put(
                    id,
                    new Cached(
                            tl,
                            tl.windowFloor() != null ? tl.windowFloor() : windowFloor,
                            version,
                            storedReadings - tl.size(),
                            written));
            cachedReadings += tl.size() - (was == null ? 0 : was.size());
            Iterator<Map.Entry<UUID, Cached>> eldest = cache.entrySet().iterator();
            while ((cachedReadings > cacheTotalReadings || cache.size() > CACHE_METERS) && eldest.hasNext()) {
                Map.Entry<UUID, Cached> e = eldest.next();
                if (!e.getKey().equals(id)) {
                    cachedReadings -= e.getValue().size();
                    eldest.remove();
                }
            }
        }
    }

    /**
     * Drops the cached timelines built with another registration of their meter than the one now read (its berth's
     * capacity changed since): they would judge later readings with the old capacity. The next batch reads the window
     * again with the new one; the readings before the change are judged alike with either.
     */
    private void dropStaleProfiles(Collection<RegisteredMeter> current) {
        synchronized (cache) {
            for (RegisteredMeter m : current) {
                Cached cached = cache.get(m.id());
                if (cached != null && !cached.timeline().profile().equals(m.profile())) {
                    cachedReadings -= cache.remove(m.id()).size();
                }
            }
        }
    }

    private Cached cached(UUID id) {
        synchronized (cache) {
            return cache.get(id);
        }
    }

    /** A batch without new readings for the meter: its cached timeline (if in step) is in step with the next version. */
    private void advance(UUID id, long version) {
        synchronized (cache) {
            Cached cached = cache.get(id);
            if (cached != null && cached.version() == version) {
                cache.put(
                        id,
                        new Cached(
                                cached.timeline(),
                                cached.floor(),
                                version + 1,
                                cached.below(),
                                cached.written(),
                                cached.size()));
            } else if (cached != null) {
                cachedReadings -= cache.remove(id).size();
            }
        }
    }

    private void uncache(UUID id) {
        synchronized (cache) {
            Cached was = cache.remove(id);
            if (was != null) {
                cachedReadings -= was.size();
            }
        }
    }

    private static long delta(
            EnergyBalance before, EnergyBalance after, java.util.function.ToLongFunction<EnergyBalance> f) {
        return before == null ? 0 : f.applyAsLong(after) - f.applyAsLong(before);
    }

    /**
     * Locks the meters' state rows (in a fixed order, so that writers wait for each other rather than deadlock) and
     * answers them. A meter's row is created with the meter ({@code V21}); one found missing (a meter registered
     * before that, its row not back-filled, or a row deleted by hand) is created here and then locked.
     */
    private Map<UUID, State> lockStates(Connection c, Set<UUID> ids) throws SQLException {
        Map<UUID, State> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        UUID[] sorted = ids.stream().sorted().toArray(UUID[]::new);
        lockExisting(c, sorted, out);
        if (out.size() < sorted.length) {
            UUID[] missing =
                    Arrays.stream(sorted).filter(id -> !out.containsKey(id)).toArray(UUID[]::new);
            try (PreparedStatement ps = c.prepareStatement("insert into shore_meter_state (meter_id)"
                    + " select unnest(?::uuid[]) order by 1 on conflict do nothing")) {
                ps.setArray(1, c.createArrayOf("uuid", missing));
                ps.executeUpdate();
            }
            lockExisting(c, missing, out);
        }
        return out;
    }

    /** Locks those of the (sorted) meters' state rows that exist, in that order; adds them to {@code out}. */
    private static void lockExisting(Connection c, UUID[] sorted, Map<UUID, State> out) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("select meter_id, resumable_after, version, online, reading_count,"
                        + " greatest(online_since, last_received_at, last_status_at)"
                        + " from shore_meter_state where meter_id = any(?) order by meter_id for update")) {
            ps.setArray(1, c.createArrayOf("uuid", sorted));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    UUID id = rs.getObject(1, UUID.class);
                    Object online = rs.getObject(4);
                    out.put(
                            id,
                            new State(
                                    id,
                                    instant(rs, 2),
                                    rs.getLong(3),
                                    (Boolean) online,
                                    rs.getLong(5),
                                    instant(rs, 6)));
                }
            }
        }
    }

    /**
     * A meter's readings of one batch in time order, the first delivered of each timestamp kept. They mostly come in
     * order already (a meter publishes in order, a backfill array is in order): then the list is answered as it is.
     */
    static List<IngestBatch.Incoming> inTimeOrder(List<IngestBatch.Incoming> delivered) {
        boolean ordered = true;
        for (int i = 1; i < delivered.size() && ordered; i++) {
            ordered = delivered
                    .get(i - 1)
                    .reading()
                    .ts()
                    .isBefore(delivered.get(i).reading().ts());
        }
        if (ordered) {
            return delivered;
        }
        List<IngestBatch.Incoming> sorted = new ArrayList<>(delivered);
        sorted.sort(Comparator.comparing(in -> in.reading().ts())); // stable: delivery order among equal timestamps
        List<IngestBatch.Incoming> out = new ArrayList<>(sorted.size());
        for (IngestBatch.Incoming in : sorted) {
            if (out.isEmpty()
                    || !out.get(out.size() - 1)
                            .reading()
                            .ts()
                            .equals(in.reading().ts())) {
                out.add(in);
            }
        }
        return out;
    }

    /**
     * Whether the batch surely holds a reading stored already: one its meter's cached timeline (in step with the
     * store) knows. Redeliveries come in runs, so after a batch that did, the next {@link #STAGED_AFTER_DUPLICATE}
     * batches are treated alike.
     */
    private boolean holdsStored(Map<UUID, List<IngestBatch.Incoming>> byMeter, Map<UUID, State> states) {
        if (stagedBatches.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return true;
        }
        for (Map.Entry<UUID, List<IngestBatch.Incoming>> e : byMeter.entrySet()) {
            Cached cached = cached(e.getKey());
            if (cached != null && cached.version() == states.get(e.getKey()).version()) {
                for (IngestBatch.Incoming in : e.getValue()) {
                    if (cached.timeline().knows(in.reading().ts())) {
                        stagedBatches.set(STAGED_AFTER_DUPLICATE);
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Batches after one holding a stored reading that go through the staging table at once. */
    static final int STAGED_AFTER_DUPLICATE = 20;

    private final java.util.concurrent.atomic.AtomicInteger stagedBatches =
            new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Stores the readings not stored yet; answers them by meter, in time order. Straight in with {@code COPY}, unless
     * {@code holdsStored}: then through a staging table and {@code insert … on conflict do nothing returning}. A stored
     * reading the cached timelines did not know refuses the whole copy, and with it the transaction: {@link #store}
     * stores the batch again ({@link StoreUnavailable#isStoredMeanwhile()}), and it and the next
     * {@link #STAGED_AFTER_DUPLICATE} batches take the staging table. The copy once ran under a savepoint, so that
     * the transaction survived the refusal: two more round trips per batch (8 % of a writer's time in the live
     * benchmark), and a subtransaction for the readings.
     */
    private Map<UUID, List<Reading>> insertReadings(
            Connection c, Map<UUID, List<IngestBatch.Incoming>> byMeter, boolean holdsStored) throws SQLException {
        int n = byMeter.values().stream().mapToInt(List::size).sum();
        Map<UUID, List<Reading>> fresh = new HashMap<>();
        if (n == 0) {
            return fresh;
        }
        // COPY's binary format, sent in chunks (see CopyRows)
        CopyRows rows = new CopyRows(11);
        for (Map.Entry<UUID, List<IngestBatch.Incoming>> e : byMeter.entrySet()) {
            UUID meter = e.getKey();
            for (IngestBatch.Incoming in : e.getValue()) {
                Reading rd = in.reading();
                rows.startRow();
                rows.uuid(meter);
                rows.timestamp(rd.ts());
                rows.int8(rd.seq());
                rows.int8(rd.registerWh());
                rows.float8(rd.powerKw());
                rows.float8(in.voltageV());
                rows.float8(in.currentA());
                rows.float8(in.frequencyHz());
                rows.bool(rd.breakerClosed());
                rows.text(rd.vessel());
                rows.timestamp(in.receivedAt());
                rows.endRow();
            }
        }
        List<byte[]> chunks = rows.chunks();
        if (!holdsStored) {
            try {
                copy(c, COPY_READINGS, chunks);
            } catch (SQLException e) {
                if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    // the transaction is lost; the caller stores the batch again at once, through the staging table
                    stagedBatches.set(STAGED_AFTER_DUPLICATE);
                }
                throw e;
            }
            // all of them, already in time order
            byMeter.forEach((id, mine) -> fresh.put(id, readingsOf(mine)));
            return fresh;
        }
        Map<UUID, Map<Instant, Reading>> offered = new HashMap<>();
        byMeter.forEach((id, mine) -> {
            Map<Instant, Reading> byTs = new HashMap<>();
            mine.forEach(in -> byTs.put(in.reading().ts(), in.reading()));
            offered.put(id, byTs);
        });
        execute(c, STAGE);
        copy(c, COPY_TO_STAGE, chunks);
        try (PreparedStatement ps = c.prepareStatement(INSERT_STAGED);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                UUID id = rs.getObject(1, UUID.class);
                Instant ts = instant(rs, 2);
                fresh.computeIfAbsent(id, k -> new ArrayList<>())
                        .add(offered.get(id).get(ts));
            }
        }
        fresh.values().forEach(list -> list.sort(Comparator.comparing(Reading::ts)));
        return fresh;
    }

    private static List<Reading> readingsOf(List<IngestBatch.Incoming> incoming) {
        List<Reading> out = new ArrayList<>(incoming.size());
        incoming.forEach(in -> out.add(in.reading()));
        return out;
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.execute();
        }
    }

    private static void copy(Connection c, String sql, List<byte[]> chunks) throws SQLException {
        org.postgresql.copy.CopyIn copy =
                c.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyIn(sql);
        try {
            for (byte[] rows : chunks) {
                copy.writeToCopy(rows, 0, rows.length);
            }
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    /**
     * For each meter, its latest cursor {@code comparison} ({@code <} or {@code <=}) its instant, or null (a key
     * with a null value) when it has none: one statement for all of them. A batch of meters this instance has no
     * timeline of (the first batches after a start: every meter that reports) asked for each meter's cursor in a round
     * trip of its own (2.9 % of the application's CPU in a profile of {@code bench/ingest --meters 5000}).
     */
    static Map<UUID, Instant> cursors(Connection c, Map<UUID, Instant> at, String comparison) throws SQLException {
        if (!comparison.equals("<") && !comparison.equals("<=")) {
            throw new IllegalArgumentException("comparison " + comparison);
        }
        Map<UUID, Instant> out = new HashMap<>();
        if (at.isEmpty()) {
            return out;
        }
        UUID[] meters = at.keySet().toArray(UUID[]::new);
        String[] instants =
                Arrays.stream(meters).map(m -> odt(at.get(m)).toString()).toArray(String[]::new);
        try (PreparedStatement ps = c.prepareStatement("select u.m, (select max(k.ts) from shore_meter_cursor k"
                + " where k.meter_id = u.m and k.ts " + comparison + " u.at)"
                + " from unnest(?::uuid[], ?::timestamptz[]) as u(m, at)")) {
            ps.setArray(1, c.createArrayOf("uuid", meters));
            ps.setArray(2, c.createArrayOf("text", instants));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getObject(1, UUID.class), instant(rs, 2));
                }
            }
        }
        return out;
    }

    /**
     * Brings cached timelines up to the store's version when others stored batches of their meters since they were
     * kept (another instance on the shared subscription, which hands a meter's messages to any of them; a dead
     * letter replayed): their windows are read again (the readings after their floor: the ones they hold and the
     * others' new ones, at most the cache's bound beyond what came meanwhile) and the others' readings fed to them.
     * Resuming from the meter's cursor instead re-reads its whole open session, which grows as long as the ship stays
     * connected: with instances taking turns on a meter, every batch did. A timeline catches up only when nothing it
     * cannot see changed: no reading stored at or before its floor meanwhile (the state row's count less the
     * window's, against the same figure when it was kept), and the departures from its floor on as it knows them
     * (the departure sync changes them); otherwise it is resumed from the store as before.
     */
    private void catchUp(
            Connection c,
            Map<UUID, Cached> behind,
            Map<UUID, List<Reading>> fresh,
            Map<UUID, RegisteredMeter> meters,
            Map<UUID, State> states,
            Map<UUID, MeterTimeline> timelines)
            throws SQLException {
        if (behind.isEmpty()) {
            return;
        }
        UUID[] ids = behind.keySet().toArray(UUID[]::new);
        Map<UUID, Instant> floors = new HashMap<>();
        Map<UUID, Instant> since = new HashMap<>();
        behind.forEach((id, cached) -> {
            floors.put(id, cached.floor());
            since.put(id, cached.timeline().departuresMatterFrom());
        });
        Map<UUID, List<Reading>> window =
                readWindows(c, ids, floors, fresh, meters).known();
        Map<UUID, List<Instant>> departures = departuresAt(c, ids, since, meters);
        for (UUID id : ids) {
            Cached cached = behind.get(id);
            List<Reading> readings = window.getOrDefault(id, List.of());
            if (states.get(id).readings() - readings.size() != cached.below()) {
                continue; // readings at or before its floor were stored meanwhile
            }
            MeterTimeline tl = cached.timeline();
            // the departures from the idle point before the floor, not from the floor: one between them (taken by
            // the other instance's sync) ended the session the window continues
            Instant from = since.get(id);
            NavigableSet<Instant> stored =
                    new TreeSet<>(departures.getOrDefault(meters.get(id).berthId(), List.of()));
            if (from != null) {
                stored = stored.tailSet(from, true);
            }
            if (!stored.equals(from == null ? tl.departures() : tl.departures().tailSet(from, true))) {
                continue; // the departure sync re-derived the meter
            }
            tl.accept(readings);
            timelines.put(id, tl);
            caughtUp.increment();
        }
    }

    /**
     * Since start: cached timelines caught up with the store ({@link #catchUp}), timelines resumed from it, and of
     * those the ones resumed from a checkpoint inside a session.
     */
    long[] timelineSources() {
        long inside = (long) resumedInside.count();
        return new long[] {(long) caughtUp.count(), inside + (long) resumedFromCursor.count(), inside};
    }

    /** The stored readings at each meter's cursor (its floor) and after it (its window), this batch's left out. */
    private record Windows(Map<UUID, Reading> floors, Map<UUID, List<Reading>> known) {}

    /** Reads floor and window of each meter of {@code ids} from its cursor in {@code from} (null: whole history). */
    private static Windows readWindows(
            Connection c,
            UUID[] ids,
            Map<UUID, Instant> from,
            Map<UUID, List<Reading>> fresh,
            Map<UUID, RegisteredMeter> meters)
            throws SQLException {
        Long[] after = new Long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            Instant cursor = from.get(ids[i]);
            after[i] = cursor == null ? null : micros(cursor);
        }
        Map<UUID, Set<Instant>> exclude = new HashMap<>();
        fresh.forEach((id, list) -> {
            Set<Instant> set = new HashSet<>();
            list.forEach(r -> set.add(r.ts()));
            exclude.put(id, set);
        });
        Map<UUID, Reading> floors = new HashMap<>();
        Map<UUID, List<Reading>> known = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(LOAD_WINDOWS)) {
            ps.setArray(1, c.createArrayOf("uuid", ids));
            ps.setArray(2, c.createArrayOf("int8", after));
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    UUID id = rs.getObject(1, UUID.class);
                    Instant ts = instant(rs, 2);
                    if (exclude.getOrDefault(id, Set.of()).contains(ts)) {
                        continue;
                    }
                    Double power = (Double) rs.getObject(5);
                    Boolean breaker = (Boolean) rs.getObject(6);
                    Reading reading = new Reading(
                            meters.get(id).code(), rs.getLong(3), ts, rs.getLong(4), power, breaker, rs.getString(7));
                    if (ts.equals(from.get(id))) {
                        floors.put(id, reading);
                    } else {
                        known.computeIfAbsent(id, k -> new ArrayList<>()).add(reading);
                    }
                }
            }
        }
        return new Windows(floors, known);
    }

    /**
     * Loads floor and window of each meter in {@code windows} (meter → cursor, null: whole history; or the reading of
     * its checkpoint in {@code inside}, where it resumes inside the session). Answers the meters of {@code inside}
     * whose checkpoint's reading was not found: they are not loaded.
     */
    private Set<UUID> loadWindows(
            Connection c,
            Map<UUID, Instant> windows,
            Map<UUID, MeterTimeline.Checkpoint> inside,
            Map<UUID, State> states,
            Map<UUID, List<Reading>> fresh,
            Map<UUID, RegisteredMeter> meters,
            Map<UUID, MeterTimeline> timelines)
            throws SQLException {
        Set<UUID> floorless = new HashSet<>();
        if (windows.isEmpty()) {
            return floorless;
        }
        UUID[] ids = windows.keySet().toArray(UUID[]::new);
        Windows read = readWindows(c, ids, windows, fresh, meters);
        Map<UUID, Reading> floors = read.floors();
        Map<UUID, List<Reading>> known = read.known();
        Map<UUID, List<Instant>> departures = departuresAt(c, ids, windows, meters);
        for (UUID id : ids) {
            Instant cursor = windows.get(id);
            Reading floor = cursor == null ? null : floors.get(id);
            MeterProfile profile = meters.get(id).profile();
            List<Instant> atBerth = departures.getOrDefault(meters.get(id).berthId(), List.of());
            MeterTimeline.Checkpoint checkpoint = inside.get(id);
            if (checkpoint != null) {
                if (floor == null) {
                    floorless.add(id);
                } else {
                    timelines.put(
                            id,
                            MeterTimeline.resumeInside(
                                    profile,
                                    rules,
                                    floor,
                                    checkpoint,
                                    states.get(id).resumableAfter(),
                                    known.getOrDefault(id, List.of()),
                                    atBerth,
                                    checkpointEvery));
                }
                continue;
            }
            // without a cursor, floor is null too: the meter's whole history
            timelines.put(
                    id,
                    MeterTimeline.resume(
                            profile, rules, floor, known.getOrDefault(id, List.of()), atBerth, checkpointEvery));
        }
        return floorless;
    }

    /**
     * The checkpoints the state rows of these meters keep, where a meter's timeline may resume: after its idle cursor
     * and before the batch's first reading of it (a late reading before the checkpoint needs the session from its
     * start). A checkpoint that cannot be read (a row changed by hand) is passed over.
     */
    private static Map<UUID, MeterTimeline.Checkpoint> storedCheckpoints(
            Connection c, Set<UUID> ids, Map<UUID, State> states, Map<UUID, Instant> earliest) throws SQLException {
        Map<UUID, MeterTimeline.Checkpoint> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("select meter_id, checkpoint_at, checkpoint"
                + " from shore_meter_state where meter_id = any(?) and checkpoint_at is not null")) {
            ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    UUID id = rs.getObject(1, UUID.class);
                    Instant at = instant(rs, 2);
                    Instant idle = states.get(id).resumableAfter();
                    if (!earliest.get(id).isAfter(at) || (idle != null && !at.isAfter(idle))) {
                        continue;
                    }
                    try {
                        out.put(id, MeterTimeline.Checkpoint.decode(at, rs.getString(3)));
                    } catch (IllegalArgumentException e) {
                        LOG.warnf(
                                "Meter %s: its stored checkpoint cannot be read (%s); resuming from its cursor",
                                id, e.getMessage());
                    }
                }
            }
        }
        return out;
    }

    /**
     * The departures the stored sessions of these meters' berths were derived with ({@code shore_call_departure}), from
     * the earliest window on (a departure before a window cannot touch it), by berth.
     */
    private static Map<UUID, List<Instant>> departuresAt(
            Connection c, UUID[] ids, Map<UUID, Instant> windows, Map<UUID, RegisteredMeter> meters)
            throws SQLException {
        Set<UUID> berths = new HashSet<>();
        Instant from = Instant.MAX;
        for (UUID id : ids) {
            berths.add(meters.get(id).berthId());
            Instant cursor = windows.get(id);
            from = cursor == null ? Instant.MIN : cursor.isBefore(from) ? cursor : from;
        }
        Map<UUID, List<Instant>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "select berth_id, departure from shore_call_departure where berth_id = any(?) and departure >= ?::timestamptz")) {
            ps.setArray(1, c.createArrayOf("uuid", berths.toArray()));
            ps.setString(2, from.equals(Instant.MIN) ? "-infinity" : from.toString());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>())
                            .add(instant(rs, 2));
                }
            }
        }
        return out;
    }

    /**
     * Deletes the removed sessions and upserts the others, each matched to its call. {@code before} are the changed
     * and removed sessions as they were: the calls they matched (with the calls as they stand) are announced with the
     * new matches, so that a call that lost a session (a late reading naming another vessel, moving its start, or
     * breaking it up) is judged again, not only the call that gained one.
     */
    private void writeSessions(
            Connection c,
            List<Session> upserts,
            List<Session.Key> removals,
            List<Session> before,
            Map<UUID, RegisteredMeter> meters)
            throws SQLException {
        Map<String, RegisteredMeter> byCode = new HashMap<>();
        meters.values().forEach(m -> byCode.put(m.code(), m));
        if (!removals.isEmpty()) {
            try (PreparedStatement ps =
                    c.prepareStatement("delete from shore_session where meter_id = ? and start_ts = ?")) {
                for (Session.Key k : removals) {
                    ps.setObject(1, byCode.get(k.meter()).id());
                    ps.setObject(2, odt(k.start()));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (upserts.isEmpty() && before.isEmpty()) {
            return;
        }
        List<Session> matched = new ArrayList<>(upserts);
        matched.addAll(before);
        Map<UUID, List<CallStay>> calls = callsFor(c, matched, byCode);
        for (Session was : before) {
            UUID callId = matcher.match(
                            was, calls.getOrDefault(byCode.get(was.meter()).berthId(), List.of()))
                    .callId();
            if (callId != null) {
                matchedCalls.get().add(callId);
            }
        }
        if (upserts.isEmpty()) {
            return;
        }
        int n = upserts.size();
        // arrays of their element's own class: the driver then writes them with its encoder for that class, where an
        // Object[] went through its generic one (an element at a time as an object; ~7 % of Shoreloop's CPU at 5,000
        // meters, with the state rows' arrays: README, "Arrays the driver writes by type")
        UUID[] meterIds = new UUID[n];
        Long[] starts = new Long[n];
        Long[] ends = new Long[n];
        Long[] meteredFrom = new Long[n];
        String[] statuses = new String[n];
        Long[] energy = new Long[n];
        Long[] rejected = new Long[n];
        Integer[] readings = new Integer[n];
        Double[] peaks = new Double[n];
        Long[] gaps = new Long[n];
        String[] vessels = new String[n];
        String[] flags = new String[n];
        UUID[] berths = new UUID[n];
        UUID[] ports = new UUID[n];
        UUID[] callIds = new UUID[n];
        String[] outcomes = new String[n];
        String[] candidates = new String[n];
        for (int i = 0; i < n; i++) {
            Session s = upserts.get(i);
            RegisteredMeter meter = byCode.get(s.meter());
            SessionMatch match = matcher.match(s, calls.getOrDefault(meter.berthId(), List.of()));
            if (match.callId() != null) {
                matchedCalls.get().add(match.callId());
            }
            meterIds[i] = meter.id();
            starts[i] = micros(s.start());
            ends[i] = micros(s.end());
            meteredFrom[i] = micros(s.meteredFrom());
            statuses[i] = s.status().name();
            energy[i] = s.energyWh();
            rejected[i] = s.rejectedWh();
            readings[i] = s.readingCount();
            peaks[i] = s.peakKw();
            gaps[i] = s.longestGap() == null ? 0L : s.longestGap().toSeconds();
            vessels[i] = s.vessel();
            flags[i] = s.flags().stream().map(Enum::name).sorted().collect(Collectors.joining(","));
            berths[i] = meter.berthId();
            ports[i] = meter.portId();
            callIds[i] = match.callId();
            outcomes[i] = match.outcome().name();
            candidates[i] = match.candidates().stream().map(UUID::toString).collect(Collectors.joining(","));
        }
        try (PreparedStatement ps = c.prepareStatement(UPSERT_SESSIONS)) {
            int i = 1;
            ps.setArray(i++, c.createArrayOf("uuid", meterIds));
            ps.setArray(i++, c.createArrayOf("int8", starts));
            ps.setArray(i++, c.createArrayOf("int8", ends));
            ps.setArray(i++, c.createArrayOf("int8", meteredFrom));
            ps.setArray(i++, c.createArrayOf("text", statuses));
            ps.setArray(i++, c.createArrayOf("int8", energy));
            ps.setArray(i++, c.createArrayOf("int8", rejected));
            ps.setArray(i++, c.createArrayOf("int4", readings));
            ps.setArray(i++, c.createArrayOf("float8", peaks));
            ps.setArray(i++, c.createArrayOf("int8", gaps));
            ps.setArray(i++, c.createArrayOf("text", vessels));
            ps.setArray(i++, c.createArrayOf("text", flags));
            ps.setArray(i++, c.createArrayOf("uuid", berths));
            ps.setArray(i++, c.createArrayOf("uuid", ports));
            ps.setArray(i++, c.createArrayOf("uuid", callIds));
            ps.setArray(i++, c.createArrayOf("text", outcomes));
            ps.setArray(i, c.createArrayOf("text", candidates));
            ps.executeUpdate();
        }
    }

    private Map<UUID, List<CallStay>> callsFor(
            Connection c, Collection<Session> sessions, Map<String, RegisteredMeter> byCode) throws SQLException {
        Set<UUID> berths = new HashSet<>();
        Instant from = Instant.MAX;
        Instant to = Instant.MIN;
        for (Session s : sessions) {
            berths.add(byCode.get(s.meter()).berthId());
            from = s.start().isBefore(from) ? s.start() : from;
            to = s.end().isAfter(to) ? s.end() : to;
        }
        Map<UUID, List<CallStay>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(CALLS_AT_BERTHS)) {
            ps.setArray(1, c.createArrayOf("uuid", berths.toArray()));
            ps.setObject(2, odt(to.plus(tolerance)));
            ps.setObject(3, odt(from.minus(tolerance)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getObject(5, UUID.class), k -> new ArrayList<>())
                            .add(new CallStay(
                                    rs.getObject(1, UUID.class), rs.getString(2), instant(rs, 3), instant(rs, 4)));
                }
            }
        }
        return out;
    }

    private static int writeDeadLetters(Connection c, List<IngestBatch.DeadLetter> letters) throws SQLException {
        if (letters.isEmpty()) {
            return 0;
        }
        // a status message already kept as a dead letter is not kept again: the broker sends a meter's retained status
        // at every subscription, so an unregistered meter's (a meter taken out of service whose last will or status
        // stays retained) became a new dead letter at every reconnection of every instance (V32 indexes them). Two
        // instances that receive it at the same moment take turns: each locks the status topics it is about to keep
        // (in one order), then asks whether one is kept, in a statement of its own that sees what the other committed
        java.util.SortedSet<String> statusTopics = new java.util.TreeSet<>();
        for (IngestBatch.DeadLetter d : letters) {
            String topic = bounded(d.topic());
            if (topic != null && topic.endsWith("/status")) {
                statusTopics.add(topic);
            }
        }
        if (!statusTopics.isEmpty()) {
            // in the order of the lock keys (the topics' hashes): two writers never wait for each other in a circle
            try (PreparedStatement lock = c.prepareStatement("select pg_advisory_xact_lock(1397769297, h) from"
                    + " (select distinct hashtext(t) h from unnest(?::text[]) t order by 1 offset 0) k")) {
                lock.setArray(1, c.createArrayOf("text", statusTopics.toArray()));
                lock.executeQuery().close();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("""
                insert into dead_letter (topic, port_id, meter_code, payload, payload_truncated, reason, received_at)
                select ?, (select id from port where code = ?), ?, ?, ?, ?, ?
                 where not (? and exists (select 1 from dead_letter d where d.topic like '%/status' and d.topic = ?
                                             and d.payload = ? and d.reason = ?))
                """)) {
            for (IngestBatch.DeadLetter d : letters) {
                String whole = escapeNul(d.payload());
                String payload = d.whole() ? whole : cut(whole, MAX_PAYLOAD_BYTES);
                String topic = bounded(d.topic());
                String reason = bounded(d.reason());
                ps.setString(1, topic);
                ps.setString(2, bounded(d.portCode()));
                ps.setString(3, bounded(d.meterCode()));
                ps.setString(4, payload);
                ps.setBoolean(5, payload.length() != whole.length());
                ps.setString(6, reason);
                ps.setObject(7, odt(d.receivedAt()));
                ps.setBoolean(8, topic != null && topic.endsWith("/status"));
                ps.setString(9, topic);
                ps.setString(10, payload);
                ps.setString(11, reason);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return letters.size();
    }

    /** A dead letter's topic, codes and reason: at most 1 KiB of UTF-8 (they quote what a message said). */
    static final int MAX_TEXT_BYTES = 1024;

    /**
     * A dead letter's topic, code or reason as the table can hold it whatever the message said: NUL escaped, at most
     * {@link #MAX_TEXT_BYTES} (a meter named with a NUL in a payload made the letter's reason unstorable, SQLState
     * 22021, and its writer retried it for ever).
     */
    static String bounded(String text) {
        return text == null ? null : cut(escapeNul(text), MAX_TEXT_BYTES);
    }

    /** NUL characters, which PostgreSQL refuses in text, as the JSON escape {@code \\u0000}. */
    private static String escapeNul(String text) {
        return text.indexOf('\0') >= 0 ? text.replace("\0", "\\u0000") : text;
    }

    /** At most {@code maxBytes} of UTF-8, cut on a character boundary. */
    private static String cut(String text, int maxBytes) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return text;
        }
        int end = maxBytes;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    private static void batchUpdate(Connection c, String sql, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    if (row[i] == null) {
                        ps.setNull(i + 1, Types.NULL);
                    } else {
                        ps.setObject(i + 1, row[i]);
                    }
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static OffsetDateTime odt(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    /** Whether {@code at} is before {@code than}; not when either is unknown. */
    private static boolean before(Instant at, Instant than) {
        return at != null && than != null && at.isBefore(than);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime odt = rs.getObject(column, OffsetDateTime.class);
        return odt == null ? null : odt.toInstant();
    }
}
