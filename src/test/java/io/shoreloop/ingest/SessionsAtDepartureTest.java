package io.shoreloop.ingest;

import static io.shoreloop.ingest.MqttTestSupport.aMeterAt;
import static io.shoreloop.ingest.MqttTestSupport.await;
import static io.shoreloop.ingest.MqttTestSupport.publish;
import static io.shoreloop.ingest.MqttTestSupport.sessionsOf;
import static io.shoreloop.testing.DemoUsers.ADMIN;
import static io.shoreloop.testing.DemoUsers.OPERATOR_GUOYUAN;
import static io.shoreloop.testing.DemoUsers.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.shoreloop.ingest.MqttTestSupport.TestMeter;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A session still supplying when the call at its berth departs ends at the departure, whether the departure was
 * recorded through the calls API before the readings arrived or after (and corrected later). Real MQTT messages to
 * the test broker; each test has a berth and a meter of its own, and a call of Yu Roro 8 at a time no other test
 * uses.
 *
 * <p>The meter reports every 15 s from {@code t0}: 1.000 kWh with the breaker open, then 2.000 … 6.000 closed (one
 * kWh per step), then 6.500 and 6.500 open. The breaker stays closed across the departure (left closed).
 */
@QuarkusTest
class SessionsAtDepartureTest extends WithPublisher {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final String VESSEL_YU_RORO = "00000000-0000-0000-0005-000000000002";
    static final String[] KWH = {"1.000", "2.000", "3.000", "4.000", "5.000", "6.000", "6.500", "6.500"};
    static final boolean[] CLOSED = {false, true, true, true, true, true, false, false};

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    AgroalDataSource db;

    @Inject
    io.shoreloop.shorepower.SessionRematch rematch;

    @Test
    void aDepartureRecordedBeforeTheReadingsEndsTheSessionWhenTheyArrive() {
        Berth berth = aBerth();
        TestMeter meter = aMeterAt(berth.id(), berth.code(), 15);
        Instant t0 = Instant.now().minus(60, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        // the ship lets go between the readings at t0+45 s and t0+60 s
        String callId = register(berth.id(), t0.minus(2, ChronoUnit.HOURS), t0.plusSeconds(52))
                .path("id");
        await("the departure known to shore power", WAIT, () -> known(callId).equals(List.of(t0.plusSeconds(52))));

        publishReadings(meter, t0);

        await("two closed sessions", WAIT, () -> closedSessions(meter) == 2);
        JsonPath sessions = sessionsOf(meter);
        // the ship's session ends at the last reading before the departure, flagged
        assertEquals(t0.plusSeconds(15).toString(), sessions.getString("items[1].start"));
        assertEquals(t0.plusSeconds(45).toString(), sessions.getString("items[1].end"));
        assertEquals("CLOSED", sessions.getString("items[1].status"));
        assertEquals(List.of("CLOSED_AT_DEPARTURE"), sessions.getList("items[1].flags"));
        assertEquals(3.000f, sessions.getFloat("items[1].energyKwh"));
        assertEquals("MATCHED", sessions.getString("items[1].matchOutcome"));
        assertEquals(callId, sessions.getString("items[1].callId"));
        // the breaker left closed: a session of its own from the first reading after the departure
        assertEquals(t0.plusSeconds(60).toString(), sessions.getString("items[0].start"));
        assertEquals(t0.plusSeconds(90).toString(), sessions.getString("items[0].end"));
        assertEquals(List.of(), sessions.getList("items[0].flags"));
        assertEquals(1.500f, sessions.getFloat("items[0].energyKwh"));
        // the step across the departure is unallocated: nothing created, nothing lost
        await("the balance", WAIT, () -> balance(meter).equals(List.of(8L, 5_500L, 4_500L, 1_000L)));
    }

    @Test
    void aDepartureRecordedAfterTheReadingsReDerivesTheSessionAndACorrectionAgain() {
        Berth berth = aBerth();
        TestMeter meter = aMeterAt(berth.id(), berth.code(), 15);
        Instant t0 = Instant.now().minus(5, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        publishReadings(meter, t0);
        await("one closed session, no call yet", WAIT, () -> closedSessions(meter) == 1);
        assertEquals(5.500f, sessionsOf(meter).getFloat("items[0].energyKwh"));
        assertEquals("UNMATCHED", sessionsOf(meter).getString("items[0].matchOutcome"));

        // the port system records the call, with its departure, after the readings were processed
        Response created = register(berth.id(), t0.minus(2, ChronoUnit.HOURS), t0.plusSeconds(52));
        String callId = created.path("id");
        await("the session cut at the departure", WAIT, () -> closedSessions(meter) == 2);
        JsonPath cut = sessionsOf(meter);
        assertEquals(t0.plusSeconds(45).toString(), cut.getString("items[1].end"));
        assertEquals(List.of("CLOSED_AT_DEPARTURE"), cut.getList("items[1].flags"));
        assertEquals(3.000f, cut.getFloat("items[1].energyKwh"));
        assertEquals(callId, cut.getString("items[1].callId"));
        assertEquals(t0.plusSeconds(60).toString(), cut.getString("items[0].start"));
        assertEquals(1.500f, cut.getFloat("items[0].energyKwh"));
        // it starts after the ship let go: never the departed ship's, although it lies within the matching tolerance
        assertEquals("UNMATCHED", cut.getString("items[0].matchOutcome"));
        assertEquals(null, cut.getString("items[0].callId"));
        assertEquals(List.of(8L, 5_500L, 4_500L, 1_000L), balance(meter));
        // the call's verdict was recomputed with the session matched to it
        await("the verdict sees the ship's session", WAIT, () -> "3.000".equals(verdictEnergy(callId)));

        // corrected later: the ship left between the readings at t0+75 s and t0+90 s
        String corrected = as(OPERATOR_GUOYUAN)
                .header("If-Match", created.header("ETag"))
                .body(call(berth.id(), t0.minus(2, ChronoUnit.HOURS), t0.plusSeconds(82)))
                .put("/api/v1/calls/" + callId)
                .then()
                .statusCode(200)
                .extract()
                .header("ETag");
        await(
                "one session again, ending at the corrected departure",
                WAIT,
                () -> closedSessions(meter) == 1
                        && t0.plusSeconds(75)
                                .toString()
                                .equals(sessionsOf(meter).getString("items[0].end")));
        JsonPath moved = sessionsOf(meter);
        assertEquals(t0.plusSeconds(15).toString(), moved.getString("items[0].start"));
        assertEquals(List.of("CLOSED_AT_DEPARTURE"), moved.getList("items[0].flags"));
        assertEquals(5.000f, moved.getFloat("items[0].energyKwh"));
        assertEquals(callId, moved.getString("items[0].callId"));
        assertEquals(List.of(8L, 5_500L, 5_000L, 500L), balance(meter));
        await("the verdict sees the re-derived session", WAIT, () -> "5.000".equals(verdictEnergy(callId)));

        // withdrawn: the call deactivated, its departure no longer ends anything
        as(OPERATOR_GUOYUAN)
                .header("If-Match", corrected)
                .post("/api/v1/calls/" + callId + "/deactivate")
                .then()
                .statusCode(200);
        await(
                "the session whole again",
                WAIT,
                () -> closedSessions(meter) == 1 && sessionsOf(meter).getFloat("items[0].energyKwh") == 5.500f);
        JsonPath whole = sessionsOf(meter);
        assertEquals(List.of(), whole.getList("items[0].flags"));
        assertEquals("UNMATCHED", whole.getString("items[0].matchOutcome"));
        assertEquals(List.of(8L, 5_500L, 5_500L, 0L), balance(meter));
    }

    /**
     * While the ship is at berth its shore-power duty is pending whatever it draws: the sessions matched to the call
     * mark it due only after {@code shoreloop.compliance.at-berth-delay} (10 min), and judging it then does not write
     * its verdict again (its sessions were read and hashed into new inputs every debounce delay while its meters
     * reported); recording the departure judges it with them.
     */
    @Test
    void aShipAtBerthIsPendingWhateverItDrawsAndItsDepartureJudgesItsSessions() {
        Berth berth = aBerth();
        TestMeter meter = aMeterAt(berth.id(), berth.code(), 15);
        Instant t0 = Instant.now().minus(30, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        // a ship of its own: a call without departure overlaps every later call of its vessel
        String vessel = aVessel();
        Response created = register(vessel, berth.id(), t0.minus(2, ChronoUnit.HOURS), null);
        String callId = created.path("id");
        assertEquals(null, marked(callId), "the registration judged the call itself and left no mark");
        List<Object> before = shorePowerVerdict(callId);
        assertEquals("PENDING", before.get(0));

        publishReadingsMatchedTo(meter, t0, callId);
        Long dueInSeconds = marked(callId);
        assertTrue(dueInSeconds != null && dueInSeconds > 300, "due in " + dueInSeconds + " s");
        // judged now: the same verdict, not written again
        dueNow(callId);
        await("the call judged", WAIT, () -> marked(callId) == null);
        assertEquals(before, shorePowerVerdict(callId), "outcome, inputs and version as before the readings");

        as(OPERATOR_GUOYUAN)
                .header("If-Match", created.header("ETag"))
                .body(call(vessel, berth.id(), t0.minus(2, ChronoUnit.HOURS), t0.plusSeconds(300)))
                .put("/api/v1/calls/" + callId)
                .then()
                .statusCode(200);
        assertEquals("5.500", verdictEnergy(callId), "judged with its session when the departure is recorded");
        assertEquals("COMPLIANT", shorePowerVerdict(callId).get(0));
    }

    /**
     * A late reading that takes a session away from its call (here one naming another ship: the session's vessel no
     * longer agrees with the call's) has that call judged again. Only the call a stored session was matched to after
     * the batch was marked, so a call judged COMPLIANT from the session kept its verdict.
     */
    @Test
    void aLateReadingThatTakesTheSessionFromItsCallHasTheCallJudgedAgain() {
        Berth berth = aBerth();
        TestMeter meter = aMeterAt(berth.id(), berth.code(), 15);
        Instant t0 = Instant.now().minus(30, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        String callId = register(aVessel(), berth.id(), t0.minus(2, ChronoUnit.HOURS), t0.plusSeconds(300))
                .path("id");
        publishReadingsMatchedTo(meter, t0, callId);
        dueNow(callId);
        await("the call judged", WAIT, () -> marked(callId) == null && "5.500".equals(verdictEnergy(callId)));
        assertEquals("COMPLIANT", shorePowerVerdict(callId).get(0));

        // between the third and the fourth closed reading (4.000 and 5.000 kWh), naming another ship
        publish(mqtt, meter.readingTopic(), meter.reading(20, t0.plusSeconds(15L * 3 + 7), "4.500", true, "412000777"));
        await("the session no longer the call's", WAIT, () -> sessionsOf(meter).getString("items[0].callId") == null);
        // the call that lost its session is marked to be judged again (its mark made due at once while it waits)
        await("the call judged again without its session", WAIT, () -> {
            dueNow(callId);
            return !"COMPLIANT".equals(shorePowerVerdict(callId).get(0));
        });
        org.junit.jupiter.api.Assertions.assertNotEquals("5.500", verdictEnergy(callId));
    }

    /**
     * An ambiguous session (two calls' stays cover it within the tolerance) goes to the other call when one of them is
     * corrected away from it. Only sessions that a call updated later still covered, or whose own call changed, were
     * matched again: the candidate moved away covered it no more, and the session stayed ambiguous for ever.
     */
    @Test
    void anAmbiguousSessionGoesToTheOtherCallWhenOneIsCorrectedAway() {
        Berth berth = aBerth();
        TestMeter meter = aMeterAt(berth.id(), berth.code(), 15);
        Instant t0 = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        // the session (t0 + 15 s .. t0 + 90 s) ends before the first call's departure (t0 + 5 min) and begins within
        // the tolerance (30 min) of the second's arrival (t0 + 10 min): both stays cover it
        String first = register(aVessel(), berth.id(), t0.minus(4, ChronoUnit.HOURS), t0.plus(5, ChronoUnit.MINUTES))
                .path("id");
        String secondVessel = aVessel();
        Response second =
                register(secondVessel, berth.id(), t0.plus(10, ChronoUnit.MINUTES), t0.plus(2, ChronoUnit.HOURS));
        String secondId = second.path("id");
        publishReadings(meter, t0);
        await(
                "an ambiguous session",
                WAIT,
                () -> "AMBIGUOUS".equals(sessionsOf(meter).getString("items[0].matchOutcome")));

        as(OPERATOR_GUOYUAN)
                .header("If-Match", second.header("ETag"))
                .body(call(secondVessel, berth.id(), t0.plus(1, ChronoUnit.HOURS), t0.plus(2, ChronoUnit.HOURS)))
                .put("/api/v1/calls/" + secondId)
                .then()
                .statusCode(200);
        await(
                "the session matched to the first call",
                WAIT,
                () -> first.equals(sessionsOf(meter).getString("items[0].callId")));
        assertEquals("MATCHED", sessionsOf(meter).getString("items[0].matchOutcome"));
    }

    /**
     * A batch that read the calls of its berth just before a call's change committed stores its session matched
     * without it, and can carry a later time than the change (its transaction began earlier, or the application's and
     * the database's clocks differ): the session was never matched again. Sessions are now matched again while a
     * change of a call that concerns them is recent. The state such a batch leaves is made here directly.
     */
    @Test
    void aSessionStoredJustAfterACallChangedIsMatchedAgainEvenWhenItLooksNewerThanTheChange() throws Exception {
        Berth berth = aBerth();
        Matched matched = aSessionMatchedAt(berth);
        TestMeter meter = matched.meter();
        String callId = matched.callId();
        // as the batch left it: matched to no call, stored a minute after the call's change
        rows(
                "update shore_session set call_id = null, match_outcome = 'UNMATCHED', match_candidates = '{}'"
                        + " where meter_id = ?::uuid returning 1",
                meter.id());
        rows(
                "update vessel_call set updated_at = (select max(updated_at) from shore_session where meter_id = ?::uuid)"
                        + " - interval '1 minute' where id = '" + callId + "' returning 1",
                meter.id());
        rematch.rematch();
        assertEquals(callId, sessionsOf(meter).getString("items[0].callId"));
        assertEquals("MATCHED", sessionsOf(meter).getString("items[0].matchOutcome"));
    }

    /**
     * A rematch reads the sessions due, matches them and writes the matches; a batch that rewrote one of them meanwhile
     * (here a late reading that named another ship, so that the session belongs to no call) wrote it matched with the
     * calls it read. The rematch no longer overwrites it with the match of the version it read (the match is written
     * only onto the session as read). The batch is played by a transaction of the test's that holds the session's row
     * while the rematch waits for it; a trigger logs every write of the session.
     */
    @Test
    void aRematchDoesNotOverwriteASessionABatchRewroteMeanwhile() throws Exception {
        Berth berth = aBerth();
        Matched matched = aSessionMatchedAt(berth);
        TestMeter meter = matched.meter();
        String callId = matched.callId();
        String log = "rematch_log_" + berth.code().toLowerCase();
        exec("create table " + log + " (call_id uuid, outcome text)");
        exec("create function " + log + "() returns trigger language plpgsql security definer as $$ begin"
                + " insert into " + log + " values (new.call_id, new.match_outcome); return new; end $$");
        exec("create trigger " + log + " after update on shore_session for each row when (new.meter_id = '" + meter.id()
                + "') execute function " + log + "()");
        try (Connection batch = db.getConnection()) {
            // the call changed just now: its session is due for a rematch
            rows("update vessel_call set updated_at = now() where id = ?::uuid returning 1", callId);
            batch.setAutoCommit(false);
            String xid;
            try (PreparedStatement ps = batch.prepareStatement("update shore_session set vessel_mmsi = '999999999',"
                            + " call_id = null, match_outcome = 'UNMATCHED', match_candidates = '{}', updated_at = now()"
                            + " where meter_id = ?::uuid");
                    PreparedStatement id = batch.prepareStatement("select pg_current_xact_id()::xid::text")) {
                ps.setString(1, meter.id());
                assertEquals(1, ps.executeUpdate());
                try (ResultSet rs = id.executeQuery()) {
                    rs.next();
                    xid = rs.getString(1);
                }
            }
            var rematching = java.util.concurrent.CompletableFuture.supplyAsync(rematch::rematch);
            await(
                    "a rematch waiting for the batch's row",
                    WAIT,
                    () -> (Long) rows(
                                            "select count(*) from pg_locks where locktype = 'transactionid'"
                                                    + " and not granted and transactionid::text = ?",
                                            xid)
                                    .get(0)
                                    .get(0)
                            > 0);
            batch.commit();
            rematching.get(30, java.util.concurrent.TimeUnit.SECONDS);
            // and the next runs (every second in the tests) match the session as the batch left it
            Thread.sleep(2500);
            assertEquals(
                    List.of(),
                    rows("select outcome from " + log + " where call_id = ?::uuid", callId),
                    "the call written back onto the session the batch rewrote");
            assertTrue(!"MATCHED".equals(sessionsOf(meter).getString("items[0].matchOutcome")));
            assertEquals(null, sessionsOf(meter).getString("items[0].callId"));
        } finally {
            exec("drop trigger " + log + " on shore_session");
            exec("drop function " + log + "()");
            exec("drop table " + log);
        }
    }

    /**
     * An ingest batch in flight marks a call still at berth due late, holding the mark until it commits; a departure
     * recorded meanwhile waits for that batch and brings the mark forward, so the call is judged again after the
     * batch's sessions committed (the departure's own judgement cannot see them).
     */
    @Test
    void aDepartureRecordedWhileABatchMarksTheCallWaitsForItAndHasTheCallJudgedAfterIt() throws Exception {
        Berth berth = aBerth();
        String vessel = aVessel();
        Instant arrival = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        Response created = register(vessel, berth.id(), arrival, null);
        String callId = created.path("id");
        try (Connection batch = db.getConnection()) {
            batch.setAutoCommit(false);
            try (PreparedStatement ps = batch.prepareStatement("insert into compliance_pending (call_id, not_before)"
                    + " values (?::uuid, now() + interval '10 minutes')")) {
                ps.setString(1, callId);
                ps.executeUpdate();
            }
            java.util.concurrent.CompletableFuture<Integer> departure =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> as(OPERATOR_GUOYUAN)
                            .header("If-Match", created.header("ETag"))
                            .body(call(vessel, berth.id(), arrival, arrival.plusSeconds(9000)))
                            .put("/api/v1/calls/" + callId)
                            .statusCode());
            Thread.sleep(1000);
            assertTrue(!departure.isDone(), "the departure waits for the batch that holds the call's mark");
            batch.commit();
            assertEquals(200, departure.get(30, java.util.concurrent.TimeUnit.SECONDS));
        }
        await("the call judged again after the batch", WAIT, () -> marked(callId) == null);
    }

    /** Makes the call's waiting mark (if any) due now, so that the worker judges it without the debounce. */
    private void dueNow(String callId) {
        rows("update compliance_pending set not_before = now() where call_id = ?::uuid returning 1", callId);
    }

    /** In how many seconds the call's compliance mark is due (null: no mark). */
    private Long marked(String callId) {
        List<List<Object>> r = rows(
                "select ceil(extract(epoch from not_before - now()))::bigint from compliance_pending"
                        + " where call_id = ?::uuid",
                callId);
        return r.isEmpty() ? null : (Long) r.get(0).get(0);
    }

    /** The call's shore-power verdict as stored: outcome, inputs hash, version. */
    private List<Object> shorePowerVerdict(String callId) {
        return rows(
                        "select outcome, inputs_hash, version from call_verdict where call_id = ?::uuid"
                                + " and kind = 'SHORE_POWER'",
                        callId)
                .get(0);
    }

    private record Berth(String id, String code) {}

    private record Matched(TestMeter meter, String callId) {}

    /** A meter at the berth whose one closed session, three hours ago, is matched to a call of a new ship. */
    private Matched aSessionMatchedAt(Berth berth) {
        TestMeter meter = aMeterAt(berth.id(), berth.code(), 15);
        Instant t0 = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        String callId = register(aVessel(), berth.id(), t0.minus(2, ChronoUnit.HOURS), t0.plusSeconds(300))
                .path("id");
        publishReadingsMatchedTo(meter, t0, callId);
        return new Matched(meter, callId);
    }

    private static Berth aBerth() {
        String code = "D" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        return new Berth(MqttTestSupport.aBerthAtGuoyuan(code, "Departure test berth"), code);
    }

    /** A ro-ro ship with a shore-power facility the test berths supply. */
    private static String aVessel() {
        return as(ADMIN)
                .body(Map.of(
                        "name",
                        "Departure test ship",
                        "mmsi",
                        String.valueOf(600_000_000L + (long) (Math.random() * 99_999_999L)),
                        "type",
                        "RO_RO",
                        "crewCapacity",
                        15,
                        "shorePower",
                        Map.of("available", true, "voltageV", 400, "frequencyHz", 50, "capacityKva", 400)))
                .post("/api/v1/vessels")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    private static Map<String, Object> call(String berthId, Instant arrival, Instant departure) {
        return call(VESSEL_YU_RORO, berthId, arrival, departure);
    }

    private static Map<String, Object> call(String vesselId, String berthId, Instant arrival, Instant departure) {
        Map<String, Object> call = new HashMap<>();
        call.put("vesselId", vesselId);
        call.put("berthId", berthId);
        call.put("arrival", arrival.toString());
        call.put("departure", departure == null ? null : departure.toString());
        call.put("crewOnBoard", 15);
        return call;
    }

    private static Response register(String berthId, Instant arrival, Instant departure) {
        return register(VESSEL_YU_RORO, berthId, arrival, departure);
    }

    private static Response register(String vesselId, String berthId, Instant arrival, Instant departure) {
        return as(OPERATOR_GUOYUAN)
                .body(call(vesselId, berthId, arrival, departure))
                .post("/api/v1/calls")
                .then()
                .statusCode(201)
                .extract()
                .response();
    }

    /** Publishes the readings and waits until their one closed session is matched to the call. */
    private void publishReadingsMatchedTo(TestMeter meter, Instant t0, String callId) {
        publishReadings(meter, t0);
        await(
                "the session matched to the call",
                WAIT,
                () -> closedSessions(meter) == 1
                        && callId.equals(sessionsOf(meter).getString("items[0].callId")));
    }

    private void publishReadings(TestMeter meter, Instant t0) {
        for (int i = 0; i < KWH.length; i++) {
            publish(mqtt, meter.readingTopic(), meter.reading(i, t0.plusSeconds(15L * i), KWH[i], CLOSED[i], null));
        }
    }

    private static String verdictEnergy(String callId) {
        return as(ADMIN)
                .get("/api/v1/compliance/calls/" + callId)
                .then()
                .statusCode(200)
                .extract()
                .path("verdicts.find { it.kind == 'SHORE_POWER' }.figures.energyKwh");
    }

    private long closedSessions(TestMeter meter) {
        return (Long)
                rows("select count(*) from shore_session where meter_id = ?::uuid and status = 'CLOSED'", meter.id())
                        .get(0)
                        .get(0);
    }

    /** Readings, metered, in sessions, unallocated, as the meter's state row keeps them. */
    private List<Long> balance(TestMeter meter) {
        return rows(
                        "select reading_count, metered_wh, session_wh, unallocated_wh from shore_meter_state"
                                + " where meter_id = ?::uuid",
                        meter.id())
                .stream()
                .flatMap(List::stream)
                .map(o -> (Long) o)
                .toList();
    }

    /** The departure of this call as shore power knows it (none: not taken yet). */
    private List<Instant> known(String callId) {
        return rows(
                        "select (extract(epoch from departure) * 1000)::bigint from shore_call_departure"
                                + " where call_id = ?::uuid",
                        callId)
                .stream()
                .map(r -> Instant.ofEpochMilli((Long) r.get(0)))
                .toList();
    }

    private void exec(String sql) throws SQLException {
        try (Connection c = db.getConnection();
                var st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private List<List<Object>> rows(String sql, String... params) {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<List<Object>> out = new ArrayList<>();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.add(rs.getObject(i));
                    }
                    out.add(row);
                }
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
