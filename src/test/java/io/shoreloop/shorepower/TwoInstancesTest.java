package io.shoreloop.shorepower;

import static io.shoreloop.testing.DemoUsers.ADMIN;
import static io.shoreloop.testing.DemoUsers.BERTH_GY_B01;
import static io.shoreloop.testing.DemoUsers.OPERATOR_GUOYUAN;
import static io.shoreloop.testing.DemoUsers.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.shoreloop.ingest.MqttTestSupport;
import io.shoreloop.platform.ShoreloopConfig;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two Shoreloop instances on one database, as on a shared subscription, which hands each message of a meter to
 * whichever instance it likes: the batches of generated meter histories (duplicates, late and out-of-order readings,
 * backfills) are split at random between two {@link ShorePowerIngest}s, each with its own cache of timelines, stored
 * from two threads at once. Each meter's sessions and energy balance must come out exactly as for a twin meter that
 * got the same readings through one instance in one batch: the state rows' lock and version are what keeps an
 * instance from building on a timeline the other has moved on, and an instance whose timeline the other moved on
 * catches it up by reading its window again (or resumes it from the store when readings before its window came).
 */
@QuarkusTest
class TwoInstancesTest {

    static final int METERS = 4;

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    AgroalDataSource db;

    /** The application's own datasource (its role), for the second instance; {@link #db} is the owner's. */
    @Inject
    AgroalDataSource app;

    @Inject
    ShorePowerIngest instanceA;

    @Inject
    MeterDirectory directory;

    @Inject
    Clock clock;

    @Inject
    ShoreloopConfig config;

    @Inject
    Event<SessionsMatched> sessionsMatched;

    @Inject
    TransactionSynchronizationRegistry transactions;

    @Test
    void batchesSplitBetweenTwoInstancesGiveWhatOneInstanceGives() throws Exception {
        ShorePowerIngest instanceB = otherInstance();
        Random split = new Random(20261206);
        List<RegisteredMeter> tested = new ArrayList<>();
        List<RegisteredMeter> twins = new ArrayList<>();
        List<List<List<Reading>>> batchesOf = new ArrayList<>();
        for (int m = 0; m < METERS; m++) {
            GeneratedHistory history = GeneratedHistory.of(7_000 + m);
            RegisteredMeter meter = aMeter();
            RegisteredMeter twin = aMeter();
            // the history, moved to end an hour ago (inside the store's partitions whenever the test runs), in whole
            // seconds (the parser hands the store microseconds at most)
            Instant last = history.delivered.get(history.delivered.size() - 1).ts();
            Duration shift = Duration.between(
                    last, clock.instant().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS));
            List<List<Reading>> batches = new ArrayList<>();
            for (List<Reading> batch : history.batches) {
                batches.add(batch.stream().map(r -> moved(r, meter, shift)).toList());
            }
            store(
                    instanceA,
                    twin,
                    history.delivered.stream().map(r -> moved(r, twin, shift)).toList());
            tested.add(meter);
            twins.add(twin);
            batchesOf.add(batches);
        }

        long caughtUpBefore = instanceA.timelineSources()[0];
        // each meter's batches in their order of arrival, each to instance A or B; the two instances run at once
        List<List<Runnable>> work = List.of(new ArrayList<>(), new ArrayList<>());
        int[] sent = new int[2];
        for (int m = 0; m < METERS; m++) {
            for (List<Reading> batch : batchesOf.get(m)) {
                int to = split.nextInt(2);
                ShorePowerIngest instance = to == 0 ? instanceA : instanceB;
                RegisteredMeter meter = tested.get(m);
                work.get(to).add(() -> store(instance, meter, batch));
                sent[to]++;
            }
        }
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (List<Runnable> queue : work) {
                done.add(threads.submit(() -> {
                    start.await();
                    queue.forEach(Runnable::run);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            threads.shutdownNow();
        }
        assertFalse(sent[0] == 0 || sent[1] == 0, "both instances stored batches");
        // a timeline the other instance moved on is mostly caught up (its window read again), not resumed from the
        // meter's cursor (its whole open session read again); the sessions below show that both give the same
        long caughtUp =
                instanceA.timelineSources()[0] - caughtUpBefore + instanceB.timelineSources()[0];
        assertTrue(caughtUp > 0, "timelines caught up with the other instance's batches: " + caughtUp);

        for (int m = 0; m < METERS; m++) {
            String what = "meter " + m + " (history " + (7_000 + m) + ")";
            assertLikeItsTwin(tested.get(m), twins.get(m), what + ": ");
            assertEquals(readingsOf(twins.get(m)), readingsOf(tested.get(m)), what + ": readings stored, each once");
        }
    }

    /**
     * A late reading from before the window an instance keeps, stored by the other instance, changes what the kept
     * window was derived from (here it opens the breaker early in a long session and ends it there): the first
     * instance must resume that meter from the store, not catch its window up, or its next batch would extend a session
     * that no longer exists.
     */
    @Test
    void aReadingBeforeTheKeptWindowStoredByTheOtherInstanceIsNotCaughtUpPast() throws SQLException {
        ShorePowerIngest instanceB = otherInstance();
        RegisteredMeter meter = aMeter();
        RegisteredMeter twin = aMeter();
        Instant start = clock.instant().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
        // 200 readings every 15 s of a ship supplied at ~100 kW, breaker closed: one long session
        List<Instant> at = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            at.add(start.plusSeconds(15L * i));
        }
        java.util.function.BiFunction<RegisteredMeter, Integer, Reading> supplied =
                (m, i) -> new Reading(m.code(), i, at.get(i), 1_000_000L + 417L * i, 100.0, true, null);
        List<Reading> first = new ArrayList<>();
        for (int i = 0; i < 199; i++) {
            if (i != 20) {
                first.add(supplied.apply(meter, i));
            }
        }
        // the late one, at reading 20's time: breaker open, no power
        Reading late = new Reading(meter.code(), 20, at.get(20), 1_000_000L + 417L * 20, 0.0, false, null);
        Reading next = supplied.apply(meter, 199);
        for (int from = 0; from < first.size(); from += 20) {
            store(instanceA, meter, first.subList(from, Math.min(first.size(), from + 20)));
        }
        store(instanceB, meter, List.of(late)); // before A's window, which was trimmed long after reading 20
        long[] before = instanceA.timelineSources();
        store(instanceA, meter, List.of(next));
        long[] after = instanceA.timelineSources();
        assertEquals(before[0], after[0], "not caught up");
        assertEquals(before[1] + 1, after[1], "resumed from the store");

        List<Reading> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            all.add(
                    i == 20
                            ? new Reading(twin.code(), 20, at.get(20), 1_000_000L + 417L * 20, 0.0, false, null)
                            : supplied.apply(twin, i));
        }
        store(instanceA, twin, all);
        assertLikeItsTwin(meter, twin, "");
    }

    /**
     * A departure inside the session open at an instance's kept window, but before the window's floor, taken by the
     * other instance's departure sync (which ends the session there and opens one after it), must make the first
     * instance resume the meter from the store. It compared the departures from its floor on only, caught its window
     * up and went on with the session that no longer existed: two sessions then held the readings after the departure,
     * their energy counted twice.
     */
    @Test
    void aDepartureBeforeTheKeptWindowTakenByTheOtherInstanceIsNotCaughtUpPast() throws SQLException {
        ShorePowerIngest instanceB = otherInstance();
        String berthCode =
                "W" + java.util.UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        String berthId = MqttTestSupport.aBerthAtGuoyuan(berthCode, "Two instances test berth");
        RegisteredMeter meter = aMeterAt(berthId, berthCode);
        RegisteredMeter twin = aMeterAt(berthId, berthCode);
        Instant start = clock.instant().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
        String callId = aCallAt(berthId, start.minus(Duration.ofHours(1)));
        // 220 readings every 15 s of a ship supplied at ~100 kW, breaker closed (left closed after it leaves)
        java.util.function.BiFunction<RegisteredMeter, Integer, Reading> supplied = (m, i) ->
                new Reading(m.code(), i, start.plusSeconds(15L * i), 1_000_000L + 417L * i, 100.0, true, null);
        List<Reading> all = new ArrayList<>();
        for (int i = 0; i < 220; i++) {
            all.add(supplied.apply(meter, i));
        }
        for (int from = 0; from < 200; from += 20) {
            store(instanceA, meter, all.subList(from, from + 20));
        }
        // the ship left at reading 100, recorded now and taken by the other instance (before A's scheduled sync, which
        // runs every second here, can take it: then A's own cache follows and this test shows nothing)
        try (Connection c = db.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("update vessel_call set departure = ?, updated_at = now() where id = ?")) {
            ps.setObject(1, start.plusSeconds(15L * 100 + 5).atOffset(java.time.ZoneOffset.UTC));
            ps.setObject(2, java.util.UUID.fromString(callId));
            assertEquals(1, ps.executeUpdate());
        }
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(instanceB::syncDepartures);
        store(instanceA, meter, all.subList(200, 220));

        List<Reading> twins = new ArrayList<>();
        for (int i = 0; i < 220; i++) {
            twins.add(supplied.apply(twin, i));
        }
        store(instanceA, twin, twins);
        assertLikeItsTwin(meter, twin, "");
        List<List<Object>> sums = rows(
                "select (select coalesce(sum(energy_wh), 0)::bigint from shore_session where meter_id = st.meter_id),"
                        + " st.session_wh from shore_meter_state st where st.meter_id = ?",
                meter);
        assertEquals(sums.get(0).get(1), sums.get(0).get(0), "Σ session energy is the state's session energy");
    }

    private RegisteredMeter aMeterAt(String berthId, String berthCode) {
        MqttTestSupport.TestMeter registered = MqttTestSupport.aMeterAt("CQ-GY", berthId, berthCode, 15);
        return directory.resolve(Set.of(registered.code())).get(registered.code());
    }

    /** A call of a ship of its own at the berth, arrived at {@code arrival}, still there. */
    private static String aCallAt(String berthId, Instant arrival) {
        String vessel = as(ADMIN)
                .body(java.util.Map.of(
                        "name",
                        "Two instances test ship",
                        "mmsi",
                        String.valueOf(700_000_000L + (long) (Math.random() * 99_999_999L)),
                        "type",
                        "RO_RO",
                        "crewCapacity",
                        15))
                .post("/api/v1/vessels")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        java.util.Map<String, Object> call = new java.util.HashMap<>();
        call.put("vesselId", vessel);
        call.put("berthId", berthId);
        call.put("arrival", arrival.toString());
        call.put("crewOnBoard", 15);
        return as(OPERATOR_GUOYUAN)
                .body(call)
                .post("/api/v1/calls")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    /**
     * An instance without the meter's timeline (the other one stored its batches, its cache dropped it, it was
     * restarted) resumes it from the checkpoint the meter's state row keeps inside the open session, reading the
     * readings after it, not the whole session from the idle point before it; and stores what one instance would.
     */
    @Test
    void anInstanceWithoutTheTimelineResumesInsideTheSessionFromTheStoredCheckpoint() throws SQLException {
        ShorePowerIngest instanceB = otherInstance();
        RegisteredMeter meter = aMeter();
        RegisteredMeter twin = aMeter();
        Instant start = clock.instant().minus(Duration.ofHours(3)).truncatedTo(ChronoUnit.SECONDS);
        java.util.function.BiFunction<RegisteredMeter, Integer, Reading> supplied =
                (m, i) -> new Reading(m.code(), i, start.plusSeconds(15L * i), 2_000_000L + 400L * i, 96.0, true, null);
        // a ship connected for 300 readings (75 minutes at 15 s), stored by A in batches of 25
        List<Reading> all = new ArrayList<>();
        for (int i = 0; i < 301; i++) {
            all.add(supplied.apply(meter, i));
        }
        for (int from = 0; from < 300; from += 25) {
            store(instanceA, meter, all.subList(from, from + 25));
        }
        List<List<Object>> checkpoint = rows(
                "select checkpoint_at is not null and checkpoint_at > coalesce(resumable_after, '-infinity'),"
                        + " checkpoint like '1;%' from shore_meter_state where meter_id = ?",
                meter);
        assertEquals(List.of(List.of(true, true)), checkpoint, "a checkpoint inside the session is stored");

        long[] before = instanceB.timelineSources();
        store(instanceB, meter, all.subList(300, 301));
        long[] after = instanceB.timelineSources();
        assertEquals(before[2] + 1, after[2], "B resumed inside the session");

        List<Reading> twins = new ArrayList<>();
        for (int i = 0; i < 301; i++) {
            twins.add(supplied.apply(twin, i));
        }
        store(instanceA, twin, twins);
        assertLikeItsTwin(meter, twin, "");
    }

    /**
     * An instance keeps a meter's timeline for its next batch before the batch's transaction commits. When the commit
     * fails (here a deferred check that refuses it once, as a database going away at that moment would), the batch is
     * refused as unavailable, to be retried like any other, and the timeline goes with it: otherwise the version it
     * was kept for can later be reached by the other instance's batches, and the first instance would build on
     * readings that were never stored and without those that were.
     */
    @Test
    void aBatchWhoseCommitFailsIsRetriedAndLeavesNothingToBuildOn() throws SQLException {
        ShorePowerIngest instanceB = otherInstance();
        GeneratedHistory history = GeneratedHistory.of(7_100);
        RegisteredMeter meter = aMeter();
        RegisteredMeter twin = aMeter();
        Instant last = history.delivered.get(history.delivered.size() - 1).ts();
        Duration shift = Duration.between(
                last, clock.instant().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS));
        List<Reading> all =
                history.delivered.stream().map(r -> moved(r, meter, shift)).toList();
        int n = all.size();
        List<Reading> first = all.subList(0, n / 3);
        List<Reading> lost = all.subList(n / 3, 2 * n / 3);
        List<Reading> third = all.subList(2 * n / 3, 5 * n / 6);
        List<Reading> fourth = all.subList(5 * n / 6, n);

        store(instanceA, meter, first);
        String trigger = "fail_commit_once_" + meter.id().toString().replace("-", "");
        try (Connection c = db.getConnection();
                Statement st = c.createStatement()) {
            st.execute("create sequence " + trigger);
            st.execute("create function " + trigger + "() returns trigger language plpgsql as $$ begin"
                    + " if nextval('" + trigger + "') = 1 then"
                    + " raise exception 'refused at commit' using errcode = '40001'; end if;"
                    + " return null; end $$");
            st.execute("create constraint trigger " + trigger + " after update on shore_meter_state"
                    + " deferrable initially deferred for each row when (new.meter_id = '" + meter.id()
                    + "') execute function " + trigger + "()");
        }
        try {
            StoreUnavailable refused = assertThrows(
                    StoreUnavailable.class,
                    () -> instanceA.store(new IngestBatch(incoming(meter, lost), List.of(), List.of())));
            assertEquals("40001", refused.sqlState(), refused.reason());
            assertTrue(refused.isTransient(), "a failed commit is retried");
        } finally {
            try (Connection c = db.getConnection();
                    Statement st = c.createStatement()) {
                st.execute("drop trigger " + trigger + " on shore_meter_state");
                st.execute("drop function " + trigger + "()");
                st.execute("drop sequence " + trigger);
            }
        }
        assertEquals(first.size(), readingsOf(meter).size(), "nothing of the refused batch is stored");

        store(instanceB, meter, third); // the meter's next version, from the other instance
        store(instanceA, meter, fourth);
        store(instanceB, meter, lost); // redelivered: everything is stored now

        store(
                instanceA,
                twin,
                history.delivered.stream().map(r -> moved(r, twin, shift)).toList());
        assertEquals(readingsOf(twin), readingsOf(meter), "readings");
        assertLikeItsTwin(meter, twin, "");
    }

    /** The meter's sessions, energy balance and cursor are those of its twin, which got the same readings. */
    private void assertLikeItsTwin(RegisteredMeter meter, RegisteredMeter twin, String what) {
        assertEquals(sessionsOf(twin), sessionsOf(meter), what + "sessions");
        assertEquals(stateOf(twin), stateOf(meter), what + "energy balance and cursor");
    }

    /** A second instance on the same database: a cache of its own, counters of its own. */
    private ShorePowerIngest otherInstance() {
        return new ShorePowerIngest(
                app,
                clock,
                config,
                sessionsMatched,
                transactions,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    }

    private RegisteredMeter aMeter() {
        MqttTestSupport.TestMeter registered = MqttTestSupport.aMeterAt("CQ-GY", BERTH_GY_B01, "B01", 60);
        return directory.resolve(Set.of(registered.code())).get(registered.code());
    }

    private static Reading moved(Reading r, RegisteredMeter meter, Duration shift) {
        return new Reading(
                meter.code(), r.seq(), r.ts().plus(shift), r.registerWh(), r.powerKw(), r.breakerClosed(), r.vessel());
    }

    /** Stores a batch as a writer does: again after a refusal (a deadlock, a reading stored meanwhile). */
    private void store(ShorePowerIngest instance, RegisteredMeter meter, List<Reading> readings) {
        IngestBatch batch = new IngestBatch(incoming(meter, readings), List.of(), List.of());
        for (int attempt = 1; ; attempt++) {
            try {
                instance.store(batch); // its own transaction
                return;
            } catch (StoreUnavailable e) {
                if (attempt == 20) {
                    throw e;
                }
            }
        }
    }

    private List<IngestBatch.Incoming> incoming(RegisteredMeter meter, List<Reading> readings) {
        return readings.stream()
                .map(r -> new IngestBatch.Incoming(meter, r, null, null, null, clock.instant()))
                .toList();
    }

    private List<List<Object>> sessionsOf(RegisteredMeter meter) {
        return rows(
                "select start_ts, end_ts, metered_from, status, energy_wh, rejected_wh, reading_count, peak_kw,"
                        + " longest_gap_s, vessel_mmsi, flags::text, call_id, match_outcome,"
                        + " match_candidates::text from shore_session where meter_id = ? order by start_ts",
                meter);
    }

    private List<List<Object>> stateOf(RegisteredMeter meter) {
        return rows(
                "select resumable_after, last_reading_at, reading_count, metered_wh, session_wh, unallocated_wh,"
                        + " rejected_wh from shore_meter_state where meter_id = ?",
                meter);
    }

    private List<List<Object>> readingsOf(RegisteredMeter meter) {
        return rows(
                "select seq, ts, register_wh, power_kw, breaker_closed, vessel_mmsi from meter_reading"
                        + " where meter_id = ? order by ts",
                meter);
    }

    private List<List<Object>> rows(String sql, RegisteredMeter meter) {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, meter.id());
            List<List<Object>> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.add(rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
