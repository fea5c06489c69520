package io.shoreloop.registry;

import static io.shoreloop.testing.DemoUsers.*;
import static org.hamcrest.Matchers.*;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Create, list with filters, validate and deactivate ports, berths, facilities and meters. */
@QuarkusTest
class RegistryResourceTest {

    static Map<String, Object> port(String code) {
        return Map.of("code", code, "name", "Port " + code, "regionKind", "COASTAL", "timeZone", "Asia/Shanghai");
    }

    @Test
    void portsAreCreatedListedByKindAndDeactivated() {
        String id = as(ADMIN)
                .body(port("TEST-P1"))
                .post("/api/v1/ports")
                .then()
                .statusCode(201)
                .body("regionKind", equalTo("COASTAL"))
                .extract()
                .path("id");
        as(CREW_YU_CONTAINER)
                .get("/api/v1/ports?regionKind=COASTAL")
                .then()
                .statusCode(200)
                .body("items.code", hasItem("TEST-P1"))
                .body("items.regionKind", everyItem(equalTo("COASTAL")));
        as(ADMIN)
                .body(port("TEST-P1"))
                .post("/api/v1/ports")
                .then()
                .statusCode(409)
                .body("field", equalTo("code"));
        as(ADMIN)
                .body(Map.of("code", "BAD CODE", "name", "x", "regionKind", "INLAND", "timeZone", "Asia/Shanghai"))
                .post("/api/v1/ports")
                .then()
                .statusCode(400)
                .body("field", equalTo("code"));
        as(ADMIN)
                .body(Map.of("code", "TEST-P2", "name", "x", "regionKind", "INLAND", "timeZone", "Mars/Olympus"))
                .post("/api/v1/ports")
                .then()
                .statusCode(400)
                .body("field", equalTo("timeZone"));
        as(OPERATOR_GUOYUAN).body(port("TEST-P3")).post("/api/v1/ports").then().statusCode(403);
        as(ADMIN)
                .header("If-Match", "\"0\"")
                .post("/api/v1/ports/" + id + "/deactivate")
                .then()
                .statusCode(200)
                .body("active", equalTo(false));
        as(ADMIN).get("/api/v1/ports?code=TEST-P1").then().body("total", equalTo(0));
    }

    @Test
    void operatorRegistersBerthsAndMetersAtItsPortOnly() {
        Map<String, Object> berth = Map.of(
                "portId",
                PORT_GUOYUAN,
                "code",
                "B77",
                "name",
                "Test berth",
                "terminalKind",
                "BULK",
                "shorePower",
                Map.of("available", true, "voltageV", 400, "frequencyHz", 50, "capacityKva", 500));
        String berthId = as(OPERATOR_GUOYUAN)
                .body(berth)
                .post("/api/v1/berths")
                .then()
                .statusCode(201)
                .body("shorePower.capacityKva", equalTo(500))
                .extract()
                .path("id");
        as(OPERATOR_GUOYUAN).body(berth).post("/api/v1/berths").then().statusCode(409);
        as(OPERATOR_CHAOTIANMEN).body(berth).post("/api/v1/berths").then().statusCode(403);
        as(ADMIN)
                .get("/api/v1/berths?portId=" + PORT_GUOYUAN + "&shorePower=true")
                .then()
                .body("items.code", hasItems("B01", "B02", "B77"))
                .body("items.code", not(hasItem("B03")));

        Map<String, Object> meter = Map.of("code", "CQ-GY-B77-M1", "berthId", berthId, "reportingIntervalS", 30);
        as(OPERATOR_GUOYUAN)
                .body(meter)
                .post("/api/v1/meters")
                .then()
                .statusCode(201)
                .body("readingTopic", equalTo("shorepower/v1/CQ-GY/B77/CQ-GY-B77-M1/reading"))
                .body("registerModulusKwh", equalTo(100000000))
                .body("reportingIntervalS", equalTo(30));
        as(OPERATOR_GUOYUAN).body(meter).post("/api/v1/meters").then().statusCode(409);
        as(OPERATOR_CHAOTIANMEN)
                .body(Map.of("code", "X-M2", "berthId", berthId))
                .post("/api/v1/meters")
                .then()
                .statusCode(403);
        as(OPERATOR_GUOYUAN)
                .body(Map.of("code", "X-M3", "berthId", "6f1c0a5e-0000-4000-8000-000000000000"))
                .post("/api/v1/meters")
                .then()
                .statusCode(400)
                .body("type", equalTo("urn:shoreloop:problem:unknown-reference"))
                .body("field", equalTo("berthId"));
    }

    @Test
    void shorePowerWithoutItsRatingIsRefusedByField() {
        as(ADMIN)
                .body(Map.of(
                        "portId",
                        PORT_GUOYUAN,
                        "code",
                        "B78",
                        "name",
                        "x",
                        "terminalKind",
                        "BULK",
                        "shorePower",
                        Map.of("available", true, "voltageV", 400, "frequencyHz", 50)))
                .post("/api/v1/berths")
                .then()
                .statusCode(400)
                .body("field", equalTo("shorePower.capacityKva"));
    }

    @Test
    void facilitiesCarryLicencesAndAreFilteredByThem() {
        Map<String, Object> facility = Map.of(
                "code",
                "TEST-PLANT",
                "name",
                "Test plant",
                "kind",
                "DISPOSAL",
                "licences",
                List.of(Map.of("activity", "DISPOSE", "stream", "GARBAGE")));
        as(ADMIN).body(facility).post("/api/v1/facilities").then().statusCode(201);
        as(RECEIVER_GUOYUAN).body(facility).post("/api/v1/facilities").then().statusCode(403);
        as(CREW_YU_CONTAINER)
                .get("/api/v1/facilities?activity=DISPOSE&stream=TANK_WASHING")
                .then()
                .statusCode(200)
                .body("items.code", equalTo(List.of("CQ-HAZWASTE")));
        as(CREW_YU_CONTAINER)
                .get("/api/v1/facilities?activity=DISPOSE&stream=GARBAGE")
                .then()
                .body("items.code", hasItem("TEST-PLANT"));
        as(ADMIN)
                .body(Map.of(
                        "code",
                        "TEST-DUP",
                        "name",
                        "x",
                        "kind",
                        "RECEPTION",
                        "licences",
                        List.of(
                                Map.of("activity", "RECEIVE", "stream", "SEWAGE"),
                                Map.of("activity", "RECEIVE", "stream", "SEWAGE"))))
                .post("/api/v1/facilities")
                .then()
                .statusCode(400)
                .body("field", equalTo("licences[1]"));
    }

    @Test
    void vesselTankUnitsFollowTheStream() {
        as(ADMIN)
                .body(Map.of(
                        "name",
                        "Tanks",
                        "mmsi",
                        "413950001",
                        "type",
                        "CARGO",
                        "tanks",
                        List.of(Map.of("stream", "GARBAGE", "capacity", 5, "unit", "M3"))))
                .post("/api/v1/vessels")
                .then()
                .statusCode(400)
                .body("field", equalTo("tanks[0].unit"));
    }
}
