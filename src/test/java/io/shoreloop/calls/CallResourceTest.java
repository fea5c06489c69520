package io.shoreloop.calls;

import static io.shoreloop.testing.DemoUsers.*;
import static org.hamcrest.Matchers.*;

import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class CallResourceTest {

    // the general cargo berth B03 at Guoyuan: tests use days far in the past so they never meet the demo calls
    static Map<String, Object> call(String vesselId, String berthId, Instant arrival, Instant departure) {
        Map<String, Object> m = new HashMap<>();
        m.put("vesselId", vesselId);
        m.put("berthId", berthId);
        m.put("arrival", arrival.toString());
        m.put("departure", departure == null ? null : departure.toString());
        m.put("crewOnBoard", 6);
        return m;
    }

    static io.restassured.response.ExtractableResponse<io.restassured.response.Response> registered(
            String user, Map<String, Object> call) {
        return as(user).body(call).post("/api/v1/calls").then().statusCode(201).extract();
    }

    static Instant daysAgo(int days) {
        return Instant.now().truncatedTo(ChronoUnit.HOURS).minus(days, ChronoUnit.DAYS);
    }

    @Test
    void operatorRegistersACallAtItsPortAndItsStayIsComputed() {
        Instant arrival = daysAgo(100);
        as(OPERATOR_GUOYUAN)
                .body(call(VESSEL_YU_CARGO, BERTH_GY_B03, arrival, arrival.plus(150, ChronoUnit.MINUTES)))
                .post("/api/v1/calls")
                .then()
                .statusCode(201)
                .body("portId", equalTo(PORT_GUOYUAN))
                .body("stayMinutes", equalTo(150));
        // the crew of that vessel sees it; another crew does not
        as(CREW_YU_CONTAINER)
                .get("/api/v1/calls?vesselId=" + VESSEL_YU_CARGO)
                .then()
                .statusCode(200)
                .body("total", equalTo(0));
    }

    @Test
    void overlappingCallAtOneBerthIsConflict() {
        Instant arrival = daysAgo(110);
        as(ADMIN)
                .body(call(VESSEL_YU_CARGO, BERTH_GY_B03, arrival, arrival.plus(5, ChronoUnit.HOURS)))
                .post("/api/v1/calls")
                .then()
                .statusCode(201);
        as(ADMIN)
                .body(call(
                        VESSEL_CHANGHUA,
                        BERTH_GY_B03,
                        arrival.plus(2, ChronoUnit.HOURS),
                        arrival.plus(9, ChronoUnit.HOURS)))
                .post("/api/v1/calls")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:shoreloop:problem:overlapping-call"));
        // the same vessel cannot be at another berth meanwhile either
        as(ADMIN)
                .body(call(
                        VESSEL_YU_CARGO,
                        BERTH_CS_C01,
                        arrival.plus(1, ChronoUnit.HOURS),
                        arrival.plus(2, ChronoUnit.HOURS)))
                .post("/api/v1/calls")
                .then()
                .statusCode(409);
        // back to back is fine
        as(ADMIN)
                .body(call(
                        VESSEL_CHANGHUA,
                        BERTH_GY_B03,
                        arrival.plus(5, ChronoUnit.HOURS),
                        arrival.plus(7, ChronoUnit.HOURS)))
                .post("/api/v1/calls")
                .then()
                .statusCode(201);
    }

    @Test
    void departureMustFollowArrival() {
        Instant arrival = daysAgo(120);
        as(ADMIN)
                .body(call(VESSEL_YU_CARGO, BERTH_GY_B03, arrival, arrival.minus(1, ChronoUnit.HOURS)))
                .post("/api/v1/calls")
                .then()
                .statusCode(400)
                .body("field", equalTo("departure"))
                .body("type", equalTo("urn:shoreloop:problem:departure-before-arrival"));
    }

    @Test
    void unknownReferencesNameTheField() {
        Instant arrival = daysAgo(130);
        as(ADMIN)
                .body(call(VESSEL_YU_CARGO, "6f1c0a5e-0000-4000-8000-000000000000", arrival, null))
                .post("/api/v1/calls")
                .then()
                .statusCode(400)
                .body("type", equalTo("urn:shoreloop:problem:unknown-reference"))
                .body("field", equalTo("berthId"));
        as(ADMIN)
                .body(call("6f1c0a5e-0000-4000-8000-000000000000", BERTH_GY_B03, arrival, null))
                .post("/api/v1/calls")
                .then()
                .statusCode(400)
                .body("field", equalTo("vesselId"));
    }

    @Test
    void operatorCannotRegisterCallsAtAnotherOperatorsPort() {
        Instant arrival = daysAgo(140);
        as(OPERATOR_CHAOTIANMEN)
                .body(call(VESSEL_YU_CARGO, BERTH_GY_B03, arrival, null))
                .post("/api/v1/calls")
                .then()
                .statusCode(403);
    }

    @Test
    void crewClaimsAnExemptionForItsOwnCallOnly() {
        String etag = as(CREW_YU_CONTAINER)
                .get("/api/v1/calls/" + CALL_YU_CONTAINER_OPEN)
                .then()
                .statusCode(200)
                .extract()
                .header("ETag");
        as(CREW_YU_CONTAINER)
                .header("If-Match", etag)
                .body(Map.of("reason", "SHIP_FAULT", "note", "Shore-power receptacle damaged", "evidence", "photo-1"))
                .post("/api/v1/calls/" + CALL_YU_CONTAINER_OPEN + "/exemption")
                .then()
                .statusCode(200)
                .body("exemption.reason", equalTo("SHIP_FAULT"));
        as(CREW_CHANGJIANG)
                .header("If-Match", "\"0\"")
                .body(Map.of("reason", "WEATHER", "note", "storm"))
                .post("/api/v1/calls/" + CALL_YU_CONTAINER_OPEN + "/exemption")
                .then()
                .statusCode(404);
        as(BUREAU_MSA)
                .header("If-Match", "\"0\"")
                .body(Map.of("reason", "WEATHER", "note", "storm"))
                .post("/api/v1/calls/" + CALL_YU_CONTAINER_OPEN + "/exemption")
                .then()
                .statusCode(403);
    }

    @Test
    void invalidExemptionReasonListsTheAllowedValues() {
        as(CREW_YU_CONTAINER)
                .header("If-Match", "\"0\"")
                .body(Map.of("reason", "LAZY", "note", "x"))
                .post("/api/v1/calls/" + CALL_YU_CONTAINER_OPEN + "/exemption")
                .then()
                .statusCode(400)
                .body("field", equalTo("reason"))
                .body("detail", containsString("SHIP_FAULT"));
    }

    @Test
    void chemicalTankerCallShowsItsCargo() {
        as(BUREAU_CHANGSHOU)
                .get("/api/v1/calls/" + CALL_CHANGHUA)
                .then()
                .statusCode(200)
                .body("cargo[0].nlsCategory", equalTo("Y"))
                .body("cargo[0].solidifyingOrHighViscosity", equalTo(true));
    }

    @Test
    void listFiltersByTimeWindowAndOpenCalls() {
        as(ADMIN)
                .get("/api/v1/calls?open=true&size=500")
                .then()
                .statusCode(200)
                .body("items.departure", everyItem(nullValue()))
                .body("items.id", hasItem(CALL_YU_CONTAINER_OPEN));
        List<String> old = as(ADMIN)
                .get("/api/v1/calls?to=" + daysAgo(1000))
                .then()
                .statusCode(200)
                .extract()
                .path("items.id");
        org.junit.jupiter.api.Assertions.assertTrue(old.isEmpty());
    }

    @Test
    void aDeactivatedCallNoLongerBringsItsVesselIntoThePortsScope() {
        // Changjiang No.1 has never called at Changshou: the Changshou operator cannot see it
        as(OPERATOR_CHANGSHOU)
                .get("/api/v1/vessels/" + VESSEL_CHANGJIANG)
                .then()
                .statusCode(404);
        Instant arrival = daysAgo(150);
        var created = as(OPERATOR_CHANGSHOU)
                .body(call(VESSEL_CHANGJIANG, BERTH_CS_C01, arrival, arrival.plus(3, ChronoUnit.HOURS)))
                .post("/api/v1/calls")
                .then()
                .statusCode(201)
                .extract();
        as(OPERATOR_CHANGSHOU)
                .get("/api/v1/vessels/" + VESSEL_CHANGJIANG)
                .then()
                .statusCode(200);
        as(OPERATOR_CHANGSHOU)
                .header("If-Match", created.header("ETag"))
                .post("/api/v1/calls/" + created.path("id") + "/deactivate")
                .then()
                .statusCode(200);
        as(OPERATOR_CHANGSHOU)
                .get("/api/v1/vessels/" + VESSEL_CHANGJIANG)
                .then()
                .statusCode(404);
    }

    @Test
    void movingACallToAnotherOperatorsPortIsForbiddenNotHidden() {
        Instant arrival = daysAgo(160);
        var created = registered(
                OPERATOR_GUOYUAN, call(VESSEL_YU_CARGO, BERTH_GY_B03, arrival, arrival.plus(3, ChronoUnit.HOURS)));
        as(OPERATOR_GUOYUAN)
                .header("If-Match", created.header("ETag"))
                .body(call(VESSEL_YU_CARGO, BERTH_CS_C01, arrival, arrival.plus(3, ChronoUnit.HOURS)))
                .put("/api/v1/calls/" + created.path("id"))
                .then()
                .statusCode(403);
    }

    /**
     * A call whose manifests were signed at its port may move to another berth of that port, not to another port:
     * the manifests keep the port they were signed at, which decides who reads them (409 `call-has-manifests`).
     */
    @Test
    void aCallWithManifestsStaysAtItsPort() {
        Instant arrival = daysAgo(173);
        var created =
                registered(ADMIN, call(VESSEL_YU_CONTAINER, BERTH_GY_B03, arrival, arrival.plus(3, ChronoUnit.HOURS)));
        String id = created.path("id");
        as(CREW_YU_CONTAINER)
                .body(Map.of("callId", id, "stream", "SEWAGE", "quantity", "2"))
                .post("/api/v1/manifests")
                .then()
                .statusCode(201);
        as(ADMIN)
                .header("If-Match", created.header("ETag"))
                .body(call(VESSEL_YU_CONTAINER, BERTH_CS_C01, arrival, arrival.plus(3, ChronoUnit.HOURS)))
                .put("/api/v1/calls/" + id)
                .then()
                .statusCode(409)
                .body("type", equalTo("urn:shoreloop:problem:call-has-manifests"))
                .body("field", equalTo("berthId"));
        as(ADMIN)
                .header("If-Match", created.header("ETag"))
                .body(call(VESSEL_YU_CONTAINER, BERTH_GY_B01, arrival, arrival.plus(3, ChronoUnit.HOURS)))
                .put("/api/v1/calls/" + id)
                .then()
                .statusCode(200)
                .body("portId", equalTo(PORT_GUOYUAN))
                .body("berthId", equalTo(BERTH_GY_B01));
    }

    /**
     * A request that breaks a rule of its own is refused for that rule before any overlap is looked at: an operator
     * cannot learn, without registering a call, that a vessel is at another port's berth.
     */
    @Test
    void aRequestsOwnRulesComeBeforeTheOverlaps() {
        Instant arrival = daysAgo(176);
        // at a Changshou berth: deactivated at the end, so that Changshou's lists in other tests never show it
        var elsewhere =
                registered(ADMIN, call(VESSEL_YU_CARGO, BERTH_CS_C01, arrival, arrival.plus(5, ChronoUnit.HOURS)));
        Map<String, Object> probe = call(VESSEL_YU_CARGO, BERTH_GY_B03, arrival, arrival.plus(2, ChronoUnit.HOURS));
        probe.put(
                "cargo",
                List.of(Map.of("name", "x", "nlsCategory", "X", "quantityT", 1, "solidifyingOrHighViscosity", true)));
        as(OPERATOR_GUOYUAN)
                .body(probe)
                .post("/api/v1/calls")
                .then()
                .statusCode(400)
                .body("type", equalTo("urn:shoreloop:problem:invalid-cargo"));
        probe.remove("cargo");
        as(OPERATOR_GUOYUAN)
                .body(probe)
                .post("/api/v1/calls")
                .then()
                .statusCode(409)
                .body("type", equalTo("urn:shoreloop:problem:overlapping-call"));
        as(ADMIN)
                .header("If-Match", elsewhere.header("ETag"))
                .post("/api/v1/calls/" + elsewhere.path("id") + "/deactivate")
                .then()
                .statusCode(200);
    }
}
