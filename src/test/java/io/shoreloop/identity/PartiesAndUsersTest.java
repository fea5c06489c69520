package io.shoreloop.identity;

import static io.restassured.RestAssured.given;
import static io.shoreloop.testing.DemoUsers.*;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Administrators onboard parties (port operators, bureaus with their jurisdictions) and users over the API, and what
 * they change applies to the affected users' next request: over the real database, with tokens minted for the new
 * users as the identity provider would issue them.
 */
@QuarkusTest
class PartiesAndUsersTest {

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static RequestSpecification withToken(String token) {
        return given().header("Authorization", "Bearer " + token).contentType("application/json");
    }

    /** The token the identity provider would issue to this user now (demo mode stands in for it). */
    private static String tokenOf(String subject) {
        return given().get("/api/v1/demo/tokens?subject=" + subject)
                .then()
                .statusCode(200)
                .extract()
                .path("[0].token");
    }

    private static Response createUser(String subject, String role, Object partyId) {
        Map<String, Object> body = new HashMap<>();
        body.put("subject", subject);
        body.put("displayName", "Test user " + subject);
        body.put("role", role);
        body.put("partyId", partyId);
        return as(ADMIN).body(body).post("/api/v1/users");
    }

    private static String etag(Response r) {
        return r.getHeader("ETag");
    }

    @Test
    void anAdministratorOnboardsAPortOperatorItsPortAndItsUser() {
        String code = unique("OP");
        Response created = as(ADMIN)
                .body(Map.of("code", code, "name", "Test terminal operator"))
                .post("/api/v1/port-operators");
        created.then()
                .statusCode(201)
                .header("Location", startsWith("http"))
                .body("code", equalTo(code))
                .body("active", equalTo(true));
        String operator = created.path("id");
        String port = as(ADMIN)
                .body(Map.of(
                        "code",
                        unique("P"),
                        "name",
                        "Test port",
                        "regionKind",
                        "INLAND",
                        "timeZone",
                        "Asia/Shanghai",
                        "operatorId",
                        operator))
                .post("/api/v1/ports")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        as(CREW_YU_CONTAINER)
                .get("/api/v1/port-operators/" + operator)
                .then()
                .statusCode(200)
                .body("portIds", equalTo(List.of(port)));

        String subject = unique("op-user");
        createUser(subject, "BERTH_OPERATOR", operator)
                .then()
                .statusCode(201)
                .body("partyName", equalTo("Test terminal operator"))
                .body("demo", equalTo(false));
        String token = tokenOf(subject);
        withToken(token)
                .get("/api/v1/users/me")
                .then()
                .statusCode(200)
                .body("subject", equalTo(subject))
                .body("role", equalTo("BERTH_OPERATOR"))
                .body("partyId", equalTo(operator));
        // the new operator runs its port: it may rename it, as the demo operators do theirs
        Response portNow = withToken(token).get("/api/v1/ports/" + port);
        Map<String, Object> rename = new HashMap<>(Map.of(
                "code", portNow.path("code"),
                "name", "Renamed by its operator",
                "regionKind", "INLAND",
                "timeZone", "Asia/Shanghai",
                "operatorId", operator));
        withToken(token)
                .header("If-Match", etag(portNow))
                .body(rename)
                .put("/api/v1/ports/" + port)
                .then()
                .statusCode(200)
                .body("name", equalTo("Renamed by its operator"));

        // deactivating the party signs its users out at their next request; activating it lets them back in
        Response op = as(ADMIN).get("/api/v1/port-operators/" + operator);
        Response off =
                as(ADMIN).header("If-Match", etag(op)).post("/api/v1/port-operators/" + operator + "/deactivate");
        off.then().statusCode(200).body("active", equalTo(false));
        withToken(token).get("/api/v1/users/me").then().statusCode(401);
        as(ADMIN).get("/api/v1/port-operators?code=" + code).then().body("total", equalTo(0));
        // no user can be created for a deactivated party
        createUser(unique("x"), "BERTH_OPERATOR", operator)
                .then()
                .statusCode(400)
                .body("type", equalTo("urn:shoreloop:problem:unknown-reference"))
                .body("field", equalTo("partyId"));
        as(ADMIN)
                .header("If-Match", etag(off))
                .post("/api/v1/port-operators/" + operator + "/activate")
                .then()
                .statusCode(200)
                .body("active", equalTo(true));
        withToken(token).get("/api/v1/users/me").then().statusCode(200);
        // nor for a party of another kind than its role acts for
        createUser(unique("x"), "BERTH_OPERATOR", FACILITY_GUOYUAN)
                .then()
                .statusCode(400)
                .body("type", equalTo("urn:shoreloop:problem:unknown-reference"))
                .body("field", equalTo("partyId"));

        // every change is in the party's history, with who made it and the party before and after
        as(ADMIN)
                .get("/api/v1/port-operators/" + operator + "/history")
                .then()
                .statusCode(200)
                .body("change", equalTo(List.of("CREATED", "DEACTIVATED", "ACTIVATED")))
                .body("actorSubject", equalTo(List.of(ADMIN, ADMIN, ADMIN)))
                .body("[0].before", equalTo(null))
                .body("[0].after.code", equalTo(code))
                .body("[1].before.active", equalTo(true))
                .body("[1].after.active", equalTo(false));
        // for those who may change it: the operator's own user sees the party, not its history
        withToken(token)
                .get("/api/v1/port-operators/" + operator + "/history")
                .then()
                .statusCode(403);
    }

    @Test
    void aBureauReadsInsideTheJurisdictionTheAdministratorGivesIt() {
        String code = unique("BUR");
        Response created = as(ADMIN)
                .body(Map.of("code", code, "name", "Test bureau", "kind", "MARITIME", "portIds", List.of(PORT_GUOYUAN)))
                .post("/api/v1/bureaus");
        created.then().statusCode(201).body("portIds", equalTo(List.of(PORT_GUOYUAN)));
        String bureau = created.path("id");
        String subject = unique("bureau-user");
        createUser(subject, "BUREAU", bureau).then().statusCode(201);
        String token = tokenOf(subject);
        withToken(token).get("/api/v1/meters/" + METER_GY_B01).then().statusCode(200);
        withToken(token).get("/api/v1/meters/" + METER_CTM_B03).then().statusCode(404);

        // a new jurisdiction applies to the next request, with the same token
        as(ADMIN)
                .header("If-Match", etag(created))
                .body(Map.of(
                        "code", code, "name", "Test bureau", "kind", "MARITIME", "portIds", List.of(PORT_CHAOTIANMEN)))
                .put("/api/v1/bureaus/" + bureau)
                .then()
                .statusCode(200)
                .body("portIds", equalTo(List.of(PORT_CHAOTIANMEN)));
        withToken(token).get("/api/v1/meters/" + METER_GY_B01).then().statusCode(404);
        withToken(token).get("/api/v1/meters/" + METER_CTM_B03).then().statusCode(200);
        as(ADMIN)
                .get("/api/v1/bureaus/" + bureau + "/history")
                .then()
                .body("change", equalTo(List.of("CREATED", "UPDATED")))
                .body("[1].before.portIds", equalTo(List.of(PORT_GUOYUAN)))
                .body("[1].after.portIds", equalTo(List.of(PORT_CHAOTIANMEN)));
        // a deactivated bureau's users are signed out until it is activated again
        Response now = as(ADMIN).get("/api/v1/bureaus/" + bureau);
        Response off = as(ADMIN).header("If-Match", etag(now)).post("/api/v1/bureaus/" + bureau + "/deactivate");
        off.then().statusCode(200).body("active", equalTo(false));
        withToken(token).get("/api/v1/meters/" + METER_CTM_B03).then().statusCode(401);
        as(ADMIN)
                .get("/api/v1/users?subject=" + subject)
                .then()
                .body("items[0].active", equalTo(true))
                .body("items[0].partyActive", equalTo(false));
        Response on = as(ADMIN).header("If-Match", etag(off)).post("/api/v1/bureaus/" + bureau + "/activate");
        on.then().statusCode(200).body("active", equalTo(true));
        withToken(token).get("/api/v1/meters/" + METER_CTM_B03).then().statusCode(200);
        as(CREW_YU_CONTAINER)
                .get("/api/v1/bureaus?portId=" + PORT_CHAOTIANMEN + "&kind=MARITIME")
                .then()
                .statusCode(200)
                .body("items.code", hasItem(code));
        as(CREW_YU_CONTAINER)
                .get("/api/v1/bureaus?portId=" + PORT_GUOYUAN)
                .then()
                .body("items.code", not(hasItem(code)));

        // a stale version is refused; unknown and repeated ports name the element
        as(ADMIN)
                .header("If-Match", etag(created))
                .body(Map.of("code", code, "name", "x", "kind", "MARITIME", "portIds", List.of()))
                .put("/api/v1/bureaus/" + bureau)
                .then()
                .statusCode(412);
        as(ADMIN)
                .body(Map.of(
                        "code",
                        unique("BUR"),
                        "name",
                        "x",
                        "kind",
                        "TRANSPORT",
                        "portIds",
                        List.of(PORT_GUOYUAN, UUID.randomUUID().toString())))
                .post("/api/v1/bureaus")
                .then()
                .statusCode(400)
                .body("type", equalTo("urn:shoreloop:problem:unknown-reference"))
                .body("field", equalTo("portIds[1]"));
        as(ADMIN)
                .body(Map.of(
                        "code",
                        unique("BUR"),
                        "name",
                        "x",
                        "kind",
                        "TRANSPORT",
                        "portIds",
                        List.of(PORT_GUOYUAN, PORT_GUOYUAN)))
                .post("/api/v1/bureaus")
                .then()
                .statusCode(400)
                .body("field", equalTo("portIds[1]"));
        as(ADMIN)
                .body(Map.of("code", code, "name", "x", "kind", "TRANSPORT", "portIds", List.of()))
                .post("/api/v1/bureaus")
                .then()
                .statusCode(409)
                .body("field", equalTo("code"));
    }

    @Test
    void concurrentRegistrationsOfOneCodeGiveOnePartyAndConflictsNeverAnInternalError() throws Exception {
        String code = unique("RACE");
        int racers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> answers = new ArrayList<>();
        String token = token(ADMIN);
        for (int i = 0; i < racers; i++) {
            answers.add(pool.submit(() -> {
                start.await();
                return withToken(token)
                        .body(Map.of("code", code, "name", "Racing operator"))
                        .post("/api/v1/port-operators")
                        .statusCode();
            }));
        }
        start.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> answer : answers) {
            statuses.add(answer.get());
        }
        pool.shutdown();
        assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
        assertEquals(racers - 1, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        as(ADMIN).get("/api/v1/port-operators?code=" + code).then().body("total", equalTo(1));
    }

    @Test
    void userAccountsAreValidated() {
        createUser(unique("adm"), "ADMIN", FACILITY_GUOYUAN)
                .then()
                .statusCode(400)
                .body("type", equalTo("urn:shoreloop:problem:party-not-allowed"))
                .body("field", equalTo("partyId"));
        createUser(unique("crew"), "CREW", null)
                .then()
                .statusCode(400)
                .body("type", equalTo("urn:shoreloop:problem:party-required"))
                .body("field", equalTo("partyId"));
        createUser(unique("crew"), "CREW", FACILITY_GUOYUAN)
                .then()
                .statusCode(400)
                .body("type", equalTo("urn:shoreloop:problem:unknown-reference"))
                .body("field", equalTo("partyId"));
        createUser(ADMIN, "ADMIN", null).then().statusCode(409).body("field", equalTo("subject"));
        createUser("two words", "ADMIN", null).then().statusCode(400).body("field", equalTo("subject"));
        as(ADMIN)
                .body(Map.of("subject", unique("x"), "displayName", "x", "role", "CAPTAIN"))
                .post("/api/v1/users")
                .then()
                .statusCode(400);
        // what the server keeps cannot be set (quality.md S3): refused by name, nothing created
        for (String field : List.of("id", "active", "demo", "version", "partyActive")) {
            String subject = unique("s3");
            Map<String, Object> body = new HashMap<>(Map.of("subject", subject, "displayName", "x", "role", "ADMIN"));
            body.put(field, field.equals("id") ? UUID.randomUUID().toString() : field.equals("version") ? 7 : true);
            as(ADMIN)
                    .body(body)
                    .post("/api/v1/users")
                    .then()
                    .statusCode(400)
                    .body("type", equalTo("urn:shoreloop:problem:malformed-body"))
                    .body("field", equalTo(field));
            as(ADMIN)
                    .get("/api/v1/users?subject=" + subject + "&includeInactive=true")
                    .then()
                    .body("total", equalTo(0));
        }
    }

    @Test
    void onlyAdministratorsSeeAndKeepUsers() {
        String adminId = as(ADMIN)
                .get("/api/v1/users/me")
                .then()
                .statusCode(200)
                .extract()
                .path("id");
        as(ADMIN).get("/api/v1/users?role=ADMIN").then().statusCode(200).body("items.subject", hasItem(ADMIN));
        as(ADMIN)
                .get("/api/v1/users?partyId=" + VESSEL_YU_CONTAINER)
                .then()
                .body("items.subject", equalTo(List.of(CREW_YU_CONTAINER)));
        for (String user : List.of(CREW_YU_CONTAINER, RECEIVER_GUOYUAN, OPERATOR_GUOYUAN, BUREAU_MSA)) {
            as(user).get("/api/v1/users").then().statusCode(200).body("total", equalTo(0));
            as(user).get("/api/v1/users/" + adminId).then().statusCode(404);
            as(user).header("If-Match", "\"0\"")
                    .post("/api/v1/users/" + adminId + "/deactivate")
                    .then()
                    .statusCode(404);
            as(user).body(Map.of("subject", unique("u"), "displayName", "x", "role", "ADMIN"))
                    .post("/api/v1/users")
                    .then()
                    .statusCode(403);
            as(user).body(Map.of("code", unique("OP"), "name", "x"))
                    .post("/api/v1/port-operators")
                    .then()
                    .statusCode(403);
            as(user).get("/api/v1/bureaus").then().statusCode(200).body("items.code", hasItem("CQ-MSA"));
            as(user).get("/api/v1/users/me").then().statusCode(200).body("subject", equalTo(user));
        }
        given().get("/api/v1/users/me").then().statusCode(401);
    }

    @Test
    void aDeactivatedUserIsRefusedAtOnceAndAMovedUserMustSignInAgain() {
        String subject = unique("crew");
        Response created = createUser(subject, "CREW", VESSEL_YU_CARGO);
        created.then().statusCode(201);
        String id = created.path("id");
        String token = tokenOf(subject);
        withToken(token).get("/api/v1/vessels/" + VESSEL_YU_CARGO).then().statusCode(200);

        Response off = as(ADMIN).header("If-Match", etag(created)).post("/api/v1/users/" + id + "/deactivate");
        off.then().statusCode(200).body("active", equalTo(false));
        withToken(token).get("/api/v1/vessels/" + VESSEL_YU_CARGO).then().statusCode(401);
        given().get("/api/v1/demo/tokens?subject=" + subject).then().statusCode(404);
        Response on = as(ADMIN).header("If-Match", etag(off)).post("/api/v1/users/" + id + "/activate");
        on.then().statusCode(200).body("active", equalTo(true));
        withToken(token).get("/api/v1/vessels/" + VESSEL_YU_CARGO).then().statusCode(200);

        // moved to another vessel: the old token (naming the old party) is refused, a new one sees the new vessel
        Map<String, Object> move =
                Map.of("subject", subject, "displayName", "Moved crew", "role", "CREW", "partyId", VESSEL_CHANGHUA);
        as(ADMIN)
                .header("If-Match", etag(created))
                .body(move)
                .put("/api/v1/users/" + id)
                .then()
                .statusCode(412);
        as(ADMIN)
                .header("If-Match", etag(on))
                .body(move)
                .put("/api/v1/users/" + id)
                .then()
                .statusCode(200)
                .body("partyId", equalTo(VESSEL_CHANGHUA));
        withToken(token).get("/api/v1/vessels/" + VESSEL_CHANGHUA).then().statusCode(401);
        String moved = tokenOf(subject);
        withToken(moved).get("/api/v1/vessels/" + VESSEL_CHANGHUA).then().statusCode(200);
        withToken(moved).get("/api/v1/vessels/" + VESSEL_YU_CARGO).then().statusCode(404);

        as(ADMIN)
                .get("/api/v1/users/" + id + "/history")
                .then()
                .statusCode(200)
                .body("change", equalTo(List.of("CREATED", "DEACTIVATED", "ACTIVATED", "UPDATED")))
                .body("[3].before.partyId", equalTo(VESSEL_YU_CARGO))
                .body("[3].after.partyId", equalTo(VESSEL_CHANGHUA))
                .body("[3].after.displayName", equalTo("Moved crew"));
        withToken(moved).get("/api/v1/users/" + id + "/history").then().statusCode(404);
    }

    /**
     * A manifest's step looks its signer up in the same round trip as the manifest and the licences it needs: the
     * signer's facility and licences come from the user's row, and a deactivated or moved user is refused (401) before
     * anything is signed, as on every other request.
     */
    @Test
    void aStepLooksItsSignerUpWithTheManifestAndRefusesADeactivatedOrMovedUser() {
        String subject = unique("receiver");
        Response created = createUser(subject, "RECEIVER", FACILITY_GUOYUAN);
        created.then().statusCode(201);
        String userId = created.path("id");
        String token = tokenOf(subject);
        String manifest = io.shoreloop.manifest.ManifestFlowTest.draftSewage("6");
        io.shoreloop.manifest.ManifestFlowTest.declare(manifest);
        Map<String, Object> receipt = io.shoreloop.manifest.ManifestFlowTest.handover("6", FACILITY_TRANSPORTER);

        Response off = as(ADMIN).header("If-Match", etag(created)).post("/api/v1/users/" + userId + "/deactivate");
        off.then().statusCode(200);
        withToken(token)
                .body(receipt)
                .post("/api/v1/manifests/" + manifest + "/receive")
                .then()
                .statusCode(401);
        Response on = as(ADMIN).header("If-Match", etag(off)).post("/api/v1/users/" + userId + "/activate");
        on.then().statusCode(200);

        // moved to another reception facility: the old token is refused, the new one does not see the batch
        Response moved = as(ADMIN)
                .header("If-Match", etag(on))
                .body(Map.of(
                        "subject", subject, "displayName", "Moved", "role", "RECEIVER", "partyId", FACILITY_CHUANWEI))
                .put("/api/v1/users/" + userId);
        moved.then().statusCode(200);
        withToken(token)
                .body(receipt)
                .post("/api/v1/manifests/" + manifest + "/receive")
                .then()
                .statusCode(401);
        withToken(tokenOf(subject))
                .body(receipt)
                .post("/api/v1/manifests/" + manifest + "/receive")
                .then()
                .statusCode(404);
        as(CREW_YU_CONTAINER)
                .get("/api/v1/manifests/" + manifest)
                .then()
                .body("state", equalTo("DECLARED"))
                .body("steps.action", equalTo(List.of("DRAFT", "DECLARE")));

        // back at the facility named: the step is signed by this user for that facility, licensed through its row
        as(ADMIN)
                .header("If-Match", etag(moved))
                .body(Map.of(
                        "subject", subject, "displayName", "Back", "role", "RECEIVER", "partyId", FACILITY_GUOYUAN))
                .put("/api/v1/users/" + userId)
                .then()
                .statusCode(200);
        withToken(tokenOf(subject))
                .body(receipt)
                .post("/api/v1/manifests/" + manifest + "/receive")
                .then()
                .statusCode(200)
                .body("state", equalTo("RECEIVED"))
                .body("steps[2].userId", equalTo(userId))
                .body("steps[2].partyId", equalTo(FACILITY_GUOYUAN));
    }

    @Test
    void theLastActiveAdministratorStays() {
        String second = unique("admin");
        Response created = createUser(second, "ADMIN", null);
        created.then().statusCode(201);
        String secondToken = tokenOf(second);
        withToken(secondToken).get("/api/v1/users?role=ADMIN").then().body("items.subject", hasItem(second));

        // every other active administrator steps down, so that demo-admin is the last one
        List<Map<String, Object>> admins = as(ADMIN)
                .get("/api/v1/users?role=ADMIN&size=200")
                .then()
                .extract()
                .jsonPath()
                .getList("items");
        for (Map<String, Object> admin : admins) {
            if (!ADMIN.equals(admin.get("subject"))) {
                as(ADMIN)
                        .header("If-Match", "\"" + admin.get("version") + "\"")
                        .post("/api/v1/users/" + admin.get("id") + "/deactivate")
                        .then()
                        .statusCode(200);
            }
        }
        withToken(secondToken).get("/api/v1/users/me").then().statusCode(401);

        Response me = as(ADMIN).get("/api/v1/users/me");
        String id = me.path("id");
        as(ADMIN)
                .header("If-Match", etag(me))
                .post("/api/v1/users/" + id + "/deactivate")
                .then()
                .statusCode(409)
                .body("type", equalTo("urn:shoreloop:problem:last-admin"));
        as(ADMIN)
                .header("If-Match", etag(me))
                .body(Map.of("subject", ADMIN, "displayName", "x", "role", "CREW", "partyId", VESSEL_YU_CARGO))
                .put("/api/v1/users/" + id)
                .then()
                .statusCode(409)
                .body("type", equalTo("urn:shoreloop:problem:last-admin"));
        as(ADMIN).get("/api/v1/users/me").then().statusCode(200).body("role", equalTo("ADMIN"));
    }
}
