package io.shoreloop.registry;

import static io.shoreloop.testing.DemoUsers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Role × party matrix over the real API: for each demo user and each kind of master-data object (two parties of
 * each kind), the answer to reading and to updating it, and that every list returns only rows the user may read.
 */
@QuarkusTest
class AccessMatrixTest {

    static final List<String> USERS = List.of(
            ADMIN,
            CREW_YU_CONTAINER,
            CREW_CHANGJIANG,
            RECEIVER_GUOYUAN,
            TRANSPORTER,
            DISPOSER_HAZWASTE,
            OPERATOR_GUOYUAN,
            OPERATOR_CHAOTIANMEN,
            BUREAU_MSA,
            BUREAU_CHANGSHOU);

    /** An object, the fields of its representation that the update body takes, and who may read / update it. */
    record Target(String path, Set<String> inputFields, Set<String> readers, Set<String> updaters) {}

    static final Set<String> ALL = Set.copyOf(USERS);

    static final Set<String> PORT_FIELDS = Set.of("code", "name", "regionKind", "timeZone", "operatorId", "province");
    static final Set<String> BERTH_FIELDS = Set.of("portId", "code", "name", "terminalKind", "shorePower");
    static final Set<String> VESSEL_FIELDS = Set.of(
            "name",
            "mmsi",
            "imo",
            "cnShipId",
            "type",
            "grossTonnage",
            "crewCapacity",
            "homePortId",
            "shorePower",
            "tanks");
    static final Set<String> FACILITY_FIELDS =
            Set.of("code", "name", "kind", "portId", "address", "licences", "vehicles");
    static final Set<String> METER_FIELDS = Set.of("code", "berthId", "registerModulusKwh", "reportingIntervalS");
    static final Set<String> OPERATOR_FIELDS = Set.of("code", "name");
    static final Set<String> BUREAU_FIELDS = Set.of("code", "name", "kind", "portIds");
    static final Set<String> USER_FIELDS = Set.of("subject", "displayName", "role", "partyId");
    static final String OPERATOR_OF_GUOYUAN = "00000000-0000-0000-0001-000000000001";
    static final String CHANGSHOU_MARITIME_OFFICE = "00000000-0000-0000-0002-000000000004";
    static final String USER_CREW_YU_RORO = "00000000-0000-0000-0009-000000000003";
    static final Set<String> CALL_FIELDS =
            Set.of("vesselId", "berthId", "arrival", "departure", "crewOnBoard", "cargo");

    static List<Target> targets() {
        return List.of(
                new Target("/api/v1/ports/" + PORT_GUOYUAN, PORT_FIELDS, ALL, Set.of(ADMIN, OPERATOR_GUOYUAN)),
                new Target("/api/v1/berths/" + BERTH_GY_B01, BERTH_FIELDS, ALL, Set.of(ADMIN, OPERATOR_GUOYUAN)),
                new Target(
                        "/api/v1/vessels/" + VESSEL_YU_CONTAINER,
                        VESSEL_FIELDS,
                        Set.of(ADMIN, CREW_YU_CONTAINER, OPERATOR_GUOYUAN, BUREAU_MSA),
                        Set.of(ADMIN)),
                new Target(
                        "/api/v1/vessels/" + VESSEL_CHANGJIANG,
                        VESSEL_FIELDS,
                        Set.of(ADMIN, CREW_CHANGJIANG, OPERATOR_CHAOTIANMEN, BUREAU_MSA),
                        Set.of(ADMIN)),
                new Target("/api/v1/facilities/" + FACILITY_GUOYUAN, FACILITY_FIELDS, ALL, Set.of(ADMIN)),
                new Target(
                        "/api/v1/meters/" + METER_GY_B01,
                        METER_FIELDS,
                        Set.of(ADMIN, OPERATOR_GUOYUAN, BUREAU_MSA),
                        Set.of(ADMIN, OPERATOR_GUOYUAN)),
                new Target(
                        "/api/v1/meters/" + METER_CTM_B03,
                        METER_FIELDS,
                        Set.of(ADMIN, OPERATOR_CHAOTIANMEN, BUREAU_MSA),
                        Set.of(ADMIN, OPERATOR_CHAOTIANMEN)),
                new Target(
                        "/api/v1/calls/" + CALL_CHANGHUA,
                        CALL_FIELDS,
                        Set.of(ADMIN, BUREAU_MSA, BUREAU_CHANGSHOU),
                        Set.of(ADMIN)),
                new Target(
                        "/api/v1/calls/" + CALL_YU_CONTAINER_OPEN,
                        CALL_FIELDS,
                        Set.of(ADMIN, CREW_YU_CONTAINER, OPERATOR_GUOYUAN, BUREAU_MSA),
                        Set.of(ADMIN, OPERATOR_GUOYUAN)),
                new Target("/api/v1/port-operators/" + OPERATOR_OF_GUOYUAN, OPERATOR_FIELDS, ALL, Set.of(ADMIN)),
                new Target("/api/v1/bureaus/" + CHANGSHOU_MARITIME_OFFICE, BUREAU_FIELDS, ALL, Set.of(ADMIN)),
                new Target("/api/v1/users/" + USER_CREW_YU_RORO, USER_FIELDS, Set.of(ADMIN), Set.of(ADMIN)));
    }

    @Test
    void everyRoleAndPartyGetsTheExpectedAnswerForReadAndUpdate() {
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (Target target : targets()) {
            for (String user : USERS) {
                int expectedRead = target.readers().contains(user) ? 200 : 404;
                int read = as(user).get(target.path()).statusCode();
                checked++;
                if (read != expectedRead) {
                    mismatches.add("GET " + target.path() + " as " + user + ": " + read + ", expected " + expectedRead);
                }
                int expectedUpdate = target.updaters().contains(user)
                        ? 200
                        : target.readers().contains(user) ? 403 : 404;
                Response current = as(ADMIN).get(target.path());
                Map<String, Object> body = input(current.jsonPath().getMap("$"), target.inputFields());
                int update = as(user).header("If-Match", current.header("ETag"))
                        .body(body)
                        .put(target.path())
                        .statusCode();
                checked++;
                if (update != expectedUpdate) {
                    mismatches.add(
                            "PUT " + target.path() + " as " + user + ": " + update + ", expected " + expectedUpdate);
                }
            }
        }
        assertEquals(targets().size() * USERS.size() * 2, checked);
        assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));
    }

    @Test
    void listsNeverContainRowsTheUserMayNotRead() {
        List<String> leaks = new ArrayList<>();
        int rows = 0;
        for (String user : USERS) {
            for (String list : List.of("/api/v1/vessels", "/api/v1/calls", "/api/v1/meters", "/api/v1/users")) {
                List<String> ids = as(user).get(list + "?size=500")
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("items.id");
                for (String id : ids) {
                    rows++;
                    int status = as(user).get(list + "/" + id).statusCode();
                    if (status != 200) {
                        leaks.add(user + " lists " + list + "/" + id + " but may not read it (" + status + ")");
                    }
                }
            }
        }
        assertTrue(rows > 0, "the lists returned nothing at all");
        assertTrue(leaks.isEmpty(), String.join("\n", leaks));
    }

    @Test
    void listsShowEachPartyItsOwnRows() {
        Map<String, List<String>> calls = new LinkedHashMap<>();
        for (String user : List.of(CREW_YU_CONTAINER, OPERATOR_GUOYUAN, BUREAU_CHANGSHOU, RECEIVER_GUOYUAN)) {
            calls.put(
                    user,
                    as(user).get("/api/v1/calls?size=500").then().extract().path("items.id"));
        }
        assertTrue(calls.get(CREW_YU_CONTAINER).contains(CALL_YU_CONTAINER_OPEN));
        assertTrue(!calls.get(CREW_YU_CONTAINER).contains(CALL_CHANGHUA));
        assertTrue(calls.get(OPERATOR_GUOYUAN).contains(CALL_YU_CONTAINER_OPEN));
        assertTrue(!calls.get(OPERATOR_GUOYUAN).contains(CALL_CHANGHUA));
        assertEquals(List.of(CALL_CHANGHUA), calls.get(BUREAU_CHANGSHOU));
        assertTrue(calls.get(RECEIVER_GUOYUAN).isEmpty());
    }

    private static Map<String, Object> input(Map<String, Object> view, Set<String> fields) {
        Map<String, Object> body = new HashMap<>();
        view.forEach((k, v) -> {
            if (fields.contains(k)) {
                body.put(k, v);
            }
        });
        return body;
    }
}
