package io.shoreloop.compliance;

import static io.shoreloop.testing.DemoUsers.*;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Verdicts recomputed on every trigger (call registered, departure recorded, exemption claimed, fault recorded,
 * manifest signed), scoped like calls, and reviewed by bureaus. Calls are far in the past (400+ days) so that they
 * never meet the demo calls or other tests' calls.
 */
@QuarkusTest
class ComplianceResourceTest {

    static final String BERTH_GY_B01_ID = BERTH_GY_B01;
    static final String CHUANWEI = FACILITY_CHUANWEI;
    static final String VESSEL_YU_RORO = "00000000-0000-0000-0005-000000000002";
    static final String BERTH_GY_B02 = "00000000-0000-0000-0004-000000000002";

    static Instant daysAgo(int days) {
        return Instant.now().truncatedTo(ChronoUnit.HOURS).minus(days, ChronoUnit.DAYS);
    }

    static Map<String, Object> call(String vessel, String berth, Instant arrival, Instant departure, int crew) {
        Map<String, Object> m = new HashMap<>();
        m.put("vesselId", vessel);
        m.put("berthId", berth);
        m.put("arrival", arrival.toString());
        m.put("departure", departure == null ? null : departure.toString());
        m.put("crewOnBoard", crew);
        return m;
    }

    /** Registers a call as the operator of its port; answers the response (id, ETag). */
    static Response register(String operator, Map<String, Object> call) {
        return as(operator)
                .body(call)
                .post("/api/v1/calls")
                .then()
                .statusCode(201)
                .extract()
                .response();
    }

    static Response verdicts(String user, String callId) {
        return as(user).get("/api/v1/compliance/calls/" + callId)
                .then()
                .statusCode(200)
                .extract()
                .response();
    }

    static String outcome(Response verdicts, String kind) {
        return verdicts.path("verdicts.find { it.kind == '" + kind + "' }.outcome");
    }

    /**
     * The call's verdicts once {@code done} holds for them: verdicts after a manifest step are recomputed shortly
     * after the step committed (at most 30 s here, normally within a second).
     */
    static Response verdictsOnce(String user, String callId, java.util.function.Predicate<Response> done)
            throws InterruptedException {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        Response v = verdicts(user, callId);
        while (!done.test(v) && System.nanoTime() < end) {
            Thread.sleep(50);
            v = verdicts(user, callId);
        }
        return v;
    }

    @Test
    void aThreeHourCallOfTheContainerShipAtAShorePowerBerthIsAViolationUntilAShipFaultIsClaimed() {
        Instant arrival = daysAgo(400);
        Response created = register(
                OPERATOR_GUOYUAN,
                call(VESSEL_YU_CONTAINER, BERTH_GY_B01_ID, arrival, arrival.plus(3, ChronoUnit.HOURS), 12));
        String id = created.path("id");
        Response v = verdicts(BUREAU_MSA, id);
        assertEquals("VIOLATION", outcome(v, "SHORE_POWER"));
        String reasoning = v.path("verdicts.find { it.kind == 'SHORE_POWER' }.reasoning");
        assertTrue(reasoning.contains("Stay of 3 h is more than 2 h"), reasoning);
        assertEquals(true, v.path("verdicts.find { it.kind == 'SHORE_POWER' }.figures.compatible"));
        assertEquals("0.0000", v.path("verdicts.find { it.kind == 'SHORE_POWER' }.figures.coverage"));

        Map<String, Object> claim =
                Map.of("reason", "SHIP_FAULT", "note", "变频器故障 converter fault", "evidence", "轮机日志 engine log p. 12");
        as(CREW_YU_CONTAINER)
                .header("If-Match", created.header("ETag"))
                .body(claim)
                .post("/api/v1/calls/" + id + "/exemption")
                .then()
                .statusCode(200);
        Response after = verdicts(CREW_YU_CONTAINER, id);
        assertEquals("EXEMPT", outcome(after, "SHORE_POWER"));
        assertEquals("SHIP_FAULT", after.path("verdicts.find { it.kind == 'SHORE_POWER' }.figures.claimReason"));
        assertTrue(after.<String>path("verdicts.find { it.kind == 'SHORE_POWER' }.reasoning")
                .contains("engine log p. 12"));
    }

    @Test
    void anOpenCallIsPendingAndTheDepartureDecidesAtTheTwoHourBoundary() {
        // an open call overlaps every later stay, so it is registered ahead of everything else (Yu Roro 8 at B02)
        Instant arrival = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(10, ChronoUnit.DAYS);
        Response created = register(OPERATOR_GUOYUAN, call(VESSEL_YU_RORO, BERTH_GY_B02, arrival, null, 14));
        String id = created.path("id");
        assertEquals("PENDING", outcome(verdicts(BUREAU_MSA, id), "SHORE_POWER"));
        assertEquals("PENDING", outcome(verdicts(BUREAU_MSA, id), "ZERO_DISCHARGE"));

        Response exactlyTwo = as(OPERATOR_GUOYUAN)
                .header("If-Match", created.header("ETag"))
                .body(call(VESSEL_YU_RORO, BERTH_GY_B02, arrival, arrival.plus(2, ChronoUnit.HOURS), 14))
                .put("/api/v1/calls/" + id)
                .then()
                .statusCode(200)
                .extract()
                .response();
        assertEquals("NOT_APPLICABLE", outcome(verdicts(BUREAU_MSA, id), "SHORE_POWER"));

        as(OPERATOR_GUOYUAN)
                .header("If-Match", exactlyTwo.header("ETag"))
                .body(call(VESSEL_YU_RORO, BERTH_GY_B02, arrival, arrival.plus(121, ChronoUnit.MINUTES), 14))
                .put("/api/v1/calls/" + id)
                .then()
                .statusCode(200);
        assertEquals("VIOLATION", outcome(verdicts(BUREAU_MSA, id), "SHORE_POWER"));
    }

    @Test
    void aShoreFaultClaimHoldsOnceTheOperatorRecordsAFaultOverTheStay() {
        Instant arrival = daysAgo(420);
        Response created = register(
                OPERATOR_GUOYUAN,
                call(VESSEL_YU_CONTAINER, BERTH_GY_B01_ID, arrival, arrival.plus(3, ChronoUnit.HOURS), 12));
        String id = created.path("id");
        as(CREW_YU_CONTAINER)
                .header("If-Match", created.header("ETag"))
                .body(Map.of("reason", "SHORE_FAULT", "note", "岸电箱无输出 no output at the berth"))
                .post("/api/v1/calls/" + id + "/exemption")
                .then()
                .statusCode(200);
        Response without = verdicts(BUREAU_MSA, id);
        assertEquals("VIOLATION", outcome(without, "SHORE_POWER"));
        assertTrue(without.<String>path("verdicts.find { it.kind == 'SHORE_POWER' }.reasoning")
                .contains("no berth or meter fault is recorded"));

        // another port's operator may not record a fault at Guoyuan
        Map<String, Object> fault = new HashMap<>();
        fault.put("meterId", METER_GY_B01);
        fault.put("start", arrival.plus(30, ChronoUnit.MINUTES).toString());
        fault.put("end", arrival.plus(4, ChronoUnit.HOURS).toString());
        fault.put("repairedAt", arrival.plus(4, ChronoUnit.HOURS).toString());
        fault.put("description", "岸电箱断路器跳闸 breaker of the shore-power box tripped");
        as(OPERATOR_CHAOTIANMEN)
                .body(fault)
                .post("/api/v1/berths/" + BERTH_GY_B01_ID + "/faults")
                .then()
                .statusCode(403);
        as(OPERATOR_GUOYUAN)
                .body(fault)
                .post("/api/v1/berths/" + BERTH_GY_B01_ID + "/faults")
                .then()
                .statusCode(201)
                .body("meterId", equalTo(METER_GY_B01));
        Response with = verdicts(BUREAU_MSA, id);
        assertEquals("EXEMPT", outcome(with, "SHORE_POWER"));
        assertEquals("2.500", with.path("verdicts.find { it.kind == 'SHORE_POWER' }.figures.faultHours"));
        // faults are visible like the berth
        as(CREW_YU_CONTAINER)
                .get("/api/v1/berths/" + BERTH_GY_B01_ID + "/faults")
                .then()
                .statusCode(200)
                .body("description", hasItem(containsString("breaker")));

        // a fault recorded while it lasts, and ended later, with a key: the retry gets the first answer
        Instant start = daysAgo(990);
        Map<String, Object> open = new HashMap<>();
        open.put("start", start.toString());
        open.put("description", "岸电电缆破损 shore-power cable damaged");
        String faultId = as(OPERATOR_GUOYUAN)
                .body(open)
                .post("/api/v1/berths/" + BERTH_GY_B01_ID + "/faults")
                .then()
                .statusCode(201)
                .body("end", nullValue())
                .extract()
                .path("id");
        String endPath = "/api/v1/berths/" + BERTH_GY_B01_ID + "/faults/" + faultId + "/end";
        Map<String, Object> end = Map.of("end", start.plus(3, ChronoUnit.HOURS).toString());
        String ended = as(OPERATOR_GUOYUAN)
                .header("Idempotency-Key", "end-" + faultId)
                .body(end)
                .post(endPath)
                .then()
                .statusCode(200)
                .body("end", equalTo(start.plus(3, ChronoUnit.HOURS).toString()))
                .extract()
                .asString();
        String endReplayed = as(OPERATOR_GUOYUAN)
                .header("Idempotency-Key", "end-" + faultId)
                .body(end)
                .post(endPath)
                .then()
                .statusCode(200)
                .header("Idempotent-Replayed", "true")
                .extract()
                .asString();
        assertEquals(ended, endReplayed);
        // without the key, a second end is refused
        as(OPERATOR_GUOYUAN)
                .body(end)
                .post(endPath)
                .then()
                .statusCode(400)
                .body("type", equalTo("urn:shoreloop:problem:fault-ended"));
    }

    @Test
    void theDemoChemicalTankerCallHasItsTankWashingManifestAndTheChemicalBerthIsOutsideTheDuty() {
        Response v = verdicts(BUREAU_CHANGSHOU, CALL_CHANGHUA);
        assertEquals("COMPLIANT", outcome(v, "TANK_WASHING"));
        assertTrue(v.<String>path("verdicts.find { it.kind == 'TANK_WASHING' }.reasoning")
                .contains("Palm oil"));
        assertEquals("NOT_APPLICABLE", outcome(v, "SHORE_POWER"));
    }

    @Test
    void aChemicalTankerCallWithASolidifyingCargoIsFlaggedUntilATankWashingManifestIsDeclared()
            throws InterruptedException {
        Instant arrival = daysAgo(430);
        Map<String, Object> body = call(VESSEL_CHANGHUA, BERTH_CS_C01, arrival, arrival.plus(16, ChronoUnit.HOURS), 14);
        body.put(
                "cargo",
                List.of(Map.of(
                        "name",
                        "棕榈油 Palm oil",
                        "nlsCategory",
                        "Y",
                        "quantityT",
                        2200,
                        "solidifyingOrHighViscosity",
                        true)));
        String id = register(OPERATOR_CHANGSHOU, body).path("id");
        assertEquals("FLAGGED", outcome(verdicts(BUREAU_CHANGSHOU, id), "TANK_WASHING"));
        assertEquals("NOT_APPLICABLE", outcome(verdicts(BUREAU_CHANGSHOU, id), "SHORE_POWER"));

        String manifest = as(CREW_CHANGHUA)
                .body(Map.of(
                        "callId", id,
                        "stream", "TANK_WASHING",
                        "quantity", 18,
                        "cargoName", "棕榈油 Palm oil",
                        "nlsCategory", "Y"))
                .post("/api/v1/manifests")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        assertEquals("FLAGGED", outcome(verdicts(BUREAU_CHANGSHOU, id), "TANK_WASHING"), "a draft is not a handover");
        as(CREW_CHANGHUA)
                .body(Map.of("receiverId", CHUANWEI))
                .post("/api/v1/manifests/" + manifest + "/declare")
                .then()
                .statusCode(200);
        Response v = verdictsOnce(BUREAU_CHANGSHOU, id, r -> !"FLAGGED".equals(outcome(r, "TANK_WASHING")));
        assertEquals("COMPLIANT", outcome(v, "TANK_WASHING"));

        // other tests expect the demo call to be Changshou's only active call: deactivate this one
        String etag = as(OPERATOR_CHANGSHOU)
                .get("/api/v1/calls/" + id)
                .then()
                .extract()
                .header("ETag");
        as(OPERATOR_CHANGSHOU)
                .header("If-Match", etag)
                .post("/api/v1/calls/" + id + "/deactivate")
                .then()
                .statusCode(200);
        Response deactivated = verdicts(BUREAU_CHANGSHOU, id);
        assertEquals("NOT_APPLICABLE", outcome(deactivated, "TANK_WASHING"));
        assertEquals(
                "The call was deactivated.", deactivated.path("verdicts.find { it.kind == 'TANK_WASHING' }.reasoning"));
    }

    @Test
    void zeroDischargeCountsWhatTheCallHandedOver() throws InterruptedException {
        // one person on board: at most 30 days × 0.12 m³ = 3.6 m³ expected, so 5 m³ handed over is always enough
        Instant arrival = daysAgo(450);
        String id = register(
                        OPERATOR_GUOYUAN,
                        call(VESSEL_YU_CONTAINER, BERTH_GY_B01_ID, arrival, arrival.plus(10, ChronoUnit.HOURS), 1))
                .path("id");
        Response before = verdicts(BUREAU_MSA, id);
        assertEquals("FLAGGED", outcome(before, "ZERO_DISCHARGE"));
        assertEquals("0", before.path("verdicts.find { it.kind == 'ZERO_DISCHARGE' }.figures.sewage.handedOver"));

        declareSewage(id);
        Response after = verdictsOnce(
                BUREAU_MSA,
                id,
                r -> !"0".equals(r.path("verdicts.find { it.kind == 'ZERO_DISCHARGE' }.figures.sewage.handedOver")));
        assertEquals("5.000", after.path("verdicts.find { it.kind == 'ZERO_DISCHARGE' }.figures.sewage.handedOver"));
        assertEquals(List.of(), after.path("verdicts.find { it.kind == 'ZERO_DISCHARGE' }.figures.sewage.flags"));
    }

    @Test
    void changedVesselMasterDataJudgesItsRecentCallsAgainButNotOldOnes() throws InterruptedException {
        String mmsi = "4139" + String.format("%05d", (int) (Math.random() * 100_000));
        Map<String, Object> vessel = new HashMap<>();
        vessel.put("name", "Master data " + mmsi);
        vessel.put("mmsi", mmsi);
        vessel.put("type", "CONTAINER");
        vessel.put("grossTonnage", 1200);
        vessel.put("crewCapacity", 8);
        vessel.put("shorePower", Map.of("available", false));
        Response created = as(ADMIN)
                .body(vessel)
                .post("/api/v1/vessels")
                .then()
                .statusCode(201)
                .extract()
                .response();
        String vesselId = created.path("id");
        Instant recent = daysAgo(13);
        Instant old = daysAgo(480);
        String recentCall = register(
                        OPERATOR_GUOYUAN, call(vesselId, BERTH_GY_B01_ID, recent, recent.plus(3, ChronoUnit.HOURS), 8))
                .path("id");
        String oldCall = register(
                        OPERATOR_GUOYUAN, call(vesselId, BERTH_GY_B01_ID, old, old.plus(3, ChronoUnit.HOURS), 8))
                .path("id");
        assertEquals("NOT_APPLICABLE", outcome(verdicts(BUREAU_MSA, recentCall), "SHORE_POWER"));
        assertEquals("NOT_APPLICABLE", outcome(verdicts(BUREAU_MSA, oldCall), "SHORE_POWER"));

        // the ship turns out to have a shore-power receiving installation that fits berth B01
        vessel.put(
                "shorePower",
                Map.of(
                        "available",
                        true,
                        "voltageV",
                        400,
                        "frequencyHz",
                        50,
                        "capacityKva",
                        200,
                        "socket",
                        "IEC 60309 LV 350A"));
        as(ADMIN)
                .header("If-Match", created.header("ETag"))
                .body(vessel)
                .put("/api/v1/vessels/" + vesselId)
                .then()
                .statusCode(200);

        Response again = verdictsOnce(BUREAU_MSA, recentCall, r -> !"NOT_APPLICABLE".equals(outcome(r, "SHORE_POWER")));
        assertEquals(
                "VIOLATION",
                outcome(again, "SHORE_POWER"),
                () -> "the recent call is judged with the new data: " + again.asString());
        // once neither call is marked any more, a mark on the old call would have been recomputed
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (marked(recentCall, oldCall) > 0 && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertEquals(0, marked(recentCall, oldCall), "the recomputation queue drained");
        assertEquals(
                "NOT_APPLICABLE",
                outcome(verdicts(BUREAU_MSA, oldCall), "SHORE_POWER"),
                "a call departed before the master-data window stands as judged");
    }

    @Test
    void theWorkerJudgesMarkedCallsTogetherButNotOneWhoseMarkAStepInFlightHolds() throws Exception {
        List<String> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Instant arrival = daysAgo(520 + 3 * i);
            calls.add(register(
                            OPERATOR_GUOYUAN,
                            call(VESSEL_YU_CONTAINER, BERTH_GY_B01_ID, arrival, arrival.plus(10, ChronoUnit.HOURS), 1))
                    .path("id"));
        }
        String held = calls.get(2);
        // the three marks are not due yet; the manifest steps below find them marked and keep that due time
        try (var c = db.getConnection();
                var ps = c.prepareStatement("insert into compliance_pending (call_id, not_before, shore_power) select"
                        + " unnest(?), now() + interval '1 hour', false")) {
            ps.setArray(1, c.createArrayOf("uuid", calls.toArray()));
            ps.executeUpdate();
        }
        calls.forEach(ComplianceResourceTest::declareSewage);
        java.util.function.Predicate<Response> judged =
                r -> "5.000".equals(r.path("verdicts.find { it.kind == 'ZERO_DISCHARGE' }.figures.sewage.handedOver"));
        try (var step = db.getConnection()) {
            // a step on the third call that has not committed yet holds its mark (a key-share lock: the worker's
            // "for update skip locked" passes it by as it passes a step's, while the statement below may still move the
            // mark's due time)
            step.setAutoCommit(false);
            try (var ps = step.prepareStatement("select 1 from compliance_pending where call_id = ? for key share")) {
                ps.setObject(1, UUID.fromString(held));
                ps.executeQuery().close();
            }
            // then all three come due at the same moment, so the worker takes them in one round
            try (var c = db.getConnection();
                    var ps = c.prepareStatement(
                            "update compliance_pending set not_before = now() where call_id = any(?)")) {
                ps.setArray(1, c.createArrayOf("uuid", calls.toArray()));
                assertEquals(3, ps.executeUpdate());
            }
            for (String call : calls.subList(0, 2)) {
                Response v = verdictsOnce(BUREAU_MSA, call, judged);
                assertTrue(judged.test(v), () -> "judged with its manifest: " + v.asString());
            }
            assertEquals(0, marked(calls.get(0), calls.get(1)));
            assertEquals(1, marked(held), "the held mark is left for a later round");
            assertEquals(
                    "0",
                    verdicts(BUREAU_MSA, held)
                            .path("verdicts.find { it.kind == 'ZERO_DISCHARGE' }.figures.sewage.handedOver"));
            step.commit();
        }
        Response v = verdictsOnce(BUREAU_MSA, held, judged);
        assertTrue(judged.test(v), () -> "judged once the step committed: " + v.asString());
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (marked(held) > 0 && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertEquals(0, marked(held));
    }

    /** The container ship's crew declares 5 m³ of sewage from the call to the Guoyuan reception facility. */
    private static void declareSewage(String callId) {
        String manifest = as(CREW_YU_CONTAINER)
                .body(Map.of("callId", callId, "stream", "SEWAGE", "quantity", 5))
                .post("/api/v1/manifests")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        as(CREW_YU_CONTAINER)
                .body(Map.of("receiverId", FACILITY_GUOYUAN))
                .post("/api/v1/manifests/" + manifest + "/declare")
                .then()
                .statusCode(200);
    }

    @jakarta.inject.Inject
    @io.quarkus.agroal.DataSource("owner")
    io.agroal.api.AgroalDataSource db;

    /** Calls of these still marked for recomputation. */
    private long marked(String... calls) {
        try (var c = db.getConnection();
                var ps = c.prepareStatement("select count(*) from compliance_pending where call_id = any(?)")) {
            ps.setArray(1, c.createArrayOf("uuid", calls));
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theChangshouBureauNeverSeesGuoyuanCalls() {
        Instant arrival = daysAgo(460);
        String guoyuan = register(
                        OPERATOR_GUOYUAN,
                        call(VESSEL_YU_CONTAINER, BERTH_GY_B01_ID, arrival, arrival.plus(3, ChronoUnit.HOURS), 12))
                .path("id");
        as(BUREAU_CHANGSHOU).get("/api/v1/compliance/calls/" + guoyuan).then().statusCode(404);
        as(BUREAU_CHANGSHOU)
                .get("/api/v1/compliance/calls?size=500")
                .then()
                .statusCode(200)
                .body("items.portId", everyItem(equalTo(PORT_CHANGSHOU)))
                .body("items.callId", not(hasItem(guoyuan)))
                .body("items.callId", hasItem(CALL_CHANGHUA));
        as(BUREAU_CHANGSHOU)
                .get("/api/v1/compliance/calls?portId=" + PORT_GUOYUAN)
                .then()
                .statusCode(200)
                .body("total", equalTo(0));
        as(BUREAU_MSA)
                .get("/api/v1/compliance/calls?vesselId=" + VESSEL_YU_CONTAINER
                        + "&kind=SHORE_POWER&outcome=VIOLATION&size=500")
                .then()
                .statusCode(200)
                .body("items.callId", hasItem(guoyuan))
                .body("items.kind", everyItem(equalTo("SHORE_POWER")));
        // a crew sees its own vessel's verdicts only
        as(CREW_CHANGHUA)
                .get("/api/v1/compliance/calls?size=500")
                .then()
                .statusCode(200)
                .body("items.vesselId", everyItem(equalTo(VESSEL_CHANGHUA)));
        as(CREW_CHANGHUA).get("/api/v1/compliance/calls/" + guoyuan).then().statusCode(404);
    }

    @Test
    void aBureauCoveringThePortOverturnsAVerdictWithAReasonAndTheHistoryIsKept() {
        Instant arrival = daysAgo(470);
        Response created = register(
                OPERATOR_GUOYUAN,
                call(VESSEL_YU_CONTAINER, BERTH_GY_B01_ID, arrival, arrival.plus(4, ChronoUnit.HOURS), 12));
        String id = created.path("id");
        String reviews = "/api/v1/compliance/calls/" + id + "/reviews";
        Map<String, Object> overturn = new HashMap<>();
        overturn.put("kind", "SHORE_POWER");
        overturn.put("decision", "OVERTURN");
        overturn.put("outcome", "EXEMPT");

        as(BUREAU_MSA).body(overturn).post(reviews).then().statusCode(400);
        overturn.put("reason", "现场核查：岸电箱检修 inspection found the berth box under maintenance");
        as(BUREAU_CHANGSHOU).body(overturn).post(reviews).then().statusCode(404);
        as(OPERATOR_GUOYUAN).body(overturn).post(reviews).then().statusCode(403);
        as(CREW_YU_CONTAINER).body(overturn).post(reviews).then().statusCode(403);

        String first = as(BUREAU_MSA)
                .header("Idempotency-Key", "review-" + id)
                .body(overturn)
                .post(reviews)
                .then()
                .statusCode(200)
                .body("verdicts.find { it.kind == 'SHORE_POWER' }.outcome", equalTo("VIOLATION"))
                .body("verdicts.find { it.kind == 'SHORE_POWER' }.effectiveOutcome", equalTo("EXEMPT"))
                .body("verdicts.find { it.kind == 'SHORE_POWER' }.reviews", hasSize(1))
                .extract()
                .asString();
        // retried with its key: the first answer, one review (a 500 when the method declared its entity's type)
        String replayed = as(BUREAU_MSA)
                .header("Idempotency-Key", "review-" + id)
                .body(overturn)
                .post(reviews)
                .then()
                .statusCode(200)
                .header("Idempotent-Replayed", "true")
                .extract()
                .asString();
        assertEquals(first, replayed);
        as(BUREAU_MSA)
                .get("/api/v1/compliance/calls/" + id)
                .then()
                .body("verdicts.find { it.kind == 'SHORE_POWER' }.reviews", hasSize(1));
        as(BUREAU_MSA)
                .get("/api/v1/compliance/calls?vesselId=" + VESSEL_YU_CONTAINER
                        + "&kind=SHORE_POWER&outcome=EXEMPT&size=500")
                .then()
                .body("items.callId", hasItem(id));

        // the inputs change (a later departure): the review no longer applies, but stays in the history
        String etag = as(OPERATOR_GUOYUAN)
                .header("If-Match", created.header("ETag"))
                .body(call(VESSEL_YU_CONTAINER, BERTH_GY_B01_ID, arrival, arrival.plus(5, ChronoUnit.HOURS), 12))
                .put("/api/v1/calls/" + id)
                .then()
                .statusCode(200)
                .extract()
                .header("ETag");
        as(BUREAU_MSA)
                .get("/api/v1/compliance/calls/" + id)
                .then()
                .statusCode(200)
                .body("verdicts.find { it.kind == 'SHORE_POWER' }.effectiveOutcome", equalTo("VIOLATION"))
                .body("verdicts.find { it.kind == 'SHORE_POWER' }.reviews[0].decision", equalTo("OVERTURN"))
                .body("verdicts.find { it.kind == 'SHORE_POWER' }.reviews[0].current", equalTo(false));

        // back to the reviewed inputs: the verdict, stored again, finds its review and the review decides again
        etag = as(OPERATOR_GUOYUAN)
                .header("If-Match", etag)
                .body(call(VESSEL_YU_CONTAINER, BERTH_GY_B01_ID, arrival, arrival.plus(4, ChronoUnit.HOURS), 12))
                .put("/api/v1/calls/" + id)
                .then()
                .statusCode(200)
                .extract()
                .header("ETag");
        as(BUREAU_MSA)
                .get("/api/v1/compliance/calls/" + id)
                .then()
                .statusCode(200)
                .body("verdicts.find { it.kind == 'SHORE_POWER' }.outcome", equalTo("VIOLATION"))
                .body("verdicts.find { it.kind == 'SHORE_POWER' }.effectiveOutcome", equalTo("EXEMPT"))
                .body("verdicts.find { it.kind == 'SHORE_POWER' }.reviews[0].current", equalTo(true));
        as(OPERATOR_GUOYUAN)
                .header("If-Match", etag)
                .body(call(VESSEL_YU_CONTAINER, BERTH_GY_B01_ID, arrival, arrival.plus(5, ChronoUnit.HOURS), 12))
                .put("/api/v1/calls/" + id)
                .then()
                .statusCode(200);

        Map<String, Object> confirm = Map.of("kind", "SHORE_POWER", "decision", "CONFIRM");
        as(BUREAU_MSA)
                .body(confirm)
                .post(reviews)
                .then()
                .statusCode(200)
                .body("verdicts.find { it.kind == 'SHORE_POWER' }.effectiveOutcome", equalTo("VIOLATION"))
                .body("verdicts.find { it.kind == 'SHORE_POWER' }.reviews", hasSize(2))
                .body("verdicts.find { it.kind == 'SHORE_POWER' }.reviews[1].current", equalTo(true));
    }
}
