package io.shoreloop.registry;

import static io.restassured.RestAssured.given;
import static io.shoreloop.testing.DemoUsers.*;
import static org.hamcrest.Matchers.*;

import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class VesselResourceTest {

    @Test
    void unauthenticatedIs401() {
        given().get("/api/v1/vessels").then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void crewSeesOnlyItsOwnVessel() {
        as(CREW_YU_CONTAINER)
                .get("/api/v1/vessels")
                .then()
                .statusCode(200)
                .body("total", equalTo(1))
                .body("items[0].id", equalTo(VESSEL_YU_CONTAINER));
    }

    @Test
    void anEmptyTextFilterIsNoFilter() {
        // not a filter for the empty text (no vessel has an empty MMSI or name: the crew would see none)
        for (String query : new String[] {"?mmsi=", "?name=", "?mmsi=&name="}) {
            as(CREW_YU_CONTAINER)
                    .get("/api/v1/vessels" + query)
                    .then()
                    .statusCode(200)
                    .body("total", equalTo(1))
                    .body("items[0].id", equalTo(VESSEL_YU_CONTAINER));
        }
    }

    @Test
    void adminSeesAllVessels() {
        as(ADMIN).get("/api/v1/vessels?size=500").then().statusCode(200).body("total", greaterThanOrEqualTo(5));
    }

    @Test
    void districtBureauSeesOnlyVesselsOfItsJurisdiction() {
        as(BUREAU_CHANGSHOU)
                .get("/api/v1/vessels?size=500")
                .then()
                .statusCode(200)
                .body("items.id", hasItem(VESSEL_CHANGHUA))
                .body("items.id", not(hasItem(VESSEL_CHANGJIANG)));
    }

    @Test
    void anotherCrewsVesselIsAbsentNotForbidden() {
        as(CREW_YU_CONTAINER)
                .get("/api/v1/vessels/" + VESSEL_CHANGJIANG)
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:shoreloop:problem:not-found"));
    }

    @Test
    void unknownVesselIsProblem404() {
        as(ADMIN)
                .get("/api/v1/vessels/6f1c0a5e-0000-4000-8000-000000000000")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404));
    }

    @Test
    void registerUpdateWithEtagAndDeactivate() {
        var created = as(ADMIN)
                .body(vessel("413900111", "9074729"))
                .post("/api/v1/vessels")
                .then()
                .statusCode(201)
                .header("Location", containsString("/api/v1/vessels/"))
                .header("ETag", equalTo("\"0\""))
                .extract();
        String id = created.path("id");

        var body = vessel("413900111", "9074729");
        body.put("name", "Renamed");
        as(ADMIN).body(body).put("/api/v1/vessels/" + id).then().statusCode(428);
        as(ADMIN)
                .header("If-Match", "\"7\"")
                .body(body)
                .put("/api/v1/vessels/" + id)
                .then()
                .statusCode(412)
                .body("type", equalTo("urn:shoreloop:problem:stale-version"));
        as(ADMIN)
                .header("If-Match", "\"0\"")
                .body(body)
                .put("/api/v1/vessels/" + id)
                .then()
                .statusCode(200)
                .header("ETag", equalTo("\"1\""))
                .body("name", equalTo("Renamed"));
        // a crew of the vessel, signed in until the vessel is deactivated
        String crew = "crew-of-" + id;
        as(ADMIN)
                .body(Map.of("subject", crew, "displayName", "Test crew", "role", "CREW", "partyId", id))
                .post("/api/v1/users")
                .then()
                .statusCode(201);
        String token = given().get("/api/v1/demo/tokens?subject=" + crew)
                .then()
                .statusCode(200)
                .extract()
                .path("[0].token");
        given().header("Authorization", "Bearer " + token)
                .get("/api/v1/vessels/" + id)
                .then()
                .statusCode(200);
        as(ADMIN)
                .header("If-Match", "\"1\"")
                .post("/api/v1/vessels/" + id + "/deactivate")
                .then()
                .statusCode(200)
                .body("active", equalTo(false));
        given().header("Authorization", "Bearer " + token)
                .get("/api/v1/vessels/" + id)
                .then()
                .statusCode(401);
        as(ADMIN).get("/api/v1/vessels?mmsi=413900111").then().body("total", equalTo(0));
        as(ADMIN)
                .get("/api/v1/vessels?mmsi=413900111&includeInactive=true")
                .then()
                .body("total", equalTo(1));
    }

    @Test
    void invalidMmsiNamesTheField() {
        as(ADMIN)
                .body(vessel("12345", null))
                .post("/api/v1/vessels")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("mmsi"));
    }

    @Test
    void imoWithWrongCheckDigitIsRejected() {
        as(ADMIN)
                .body(vessel("413900222", "9074728"))
                .post("/api/v1/vessels")
                .then()
                .statusCode(400)
                .body("type", equalTo("urn:shoreloop:problem:invalid-imo"))
                .body("field", equalTo("imo"));
    }

    @Test
    void duplicateMmsiIsConflict() {
        as(ADMIN)
                .body(vessel("413800001", null))
                .post("/api/v1/vessels")
                .then()
                .statusCode(409)
                .body("type", equalTo("urn:shoreloop:problem:duplicate"))
                .body("field", equalTo("mmsi"));
    }

    @Test
    void crewCannotRegisterVessels() {
        as(CREW_YU_CONTAINER)
                .body(vessel("413900333", null))
                .post("/api/v1/vessels")
                .then()
                .statusCode(403);
    }

    static Map<String, Object> vessel(String mmsi, String imo) {
        var m = new java.util.HashMap<String, Object>();
        m.put("name", "Test vessel " + mmsi);
        m.put("mmsi", mmsi);
        m.put("imo", imo);
        m.put("type", "CONTAINER");
        m.put("grossTonnage", 1200);
        m.put("crewCapacity", 8);
        m.put(
                "shorePower",
                Map.of("available", true, "voltageV", 400, "frequencyHz", 50, "capacityKva", 200, "socket", "IEC"));
        m.put(
                "tanks",
                java.util.List.of(
                        Map.of("stream", "SEWAGE", "capacity", 10), Map.of("stream", "GARBAGE", "capacity", 300)));
        return m;
    }
}
