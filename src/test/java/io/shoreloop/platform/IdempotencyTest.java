package io.shoreloop.platform;

import static io.shoreloop.testing.DemoUsers.*;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

@QuarkusTest
class IdempotencyTest {

    @jakarta.inject.Inject
    @io.quarkus.agroal.DataSource("owner")
    io.agroal.api.AgroalDataSource db;

    @jakarta.inject.Inject
    io.shoreloop.platform.idempotency.IdempotencyPurge purge;

    static Map<String, Object> vessel(String mmsi) {
        return Map.of("name", "Idempotent " + mmsi, "mmsi", mmsi, "type", "CARGO");
    }

    @Test
    void aRetryWithTheSameKeyReturnsTheFirstAnswerAndHasNoSecondEffect() {
        String key = UUID.randomUUID().toString();
        String first = as(ADMIN)
                .header("Idempotency-Key", key)
                .body(vessel("413970001"))
                .post("/api/v1/vessels")
                .then()
                .statusCode(201)
                .contentType("application/json")
                .header("Location", org.hamcrest.Matchers.notNullValue())
                .header("ETag", org.hamcrest.Matchers.notNullValue())
                .extract()
                .asString();
        String id = io.restassured.path.json.JsonPath.from(first).getString("id");
        String replayed = as(ADMIN)
                .header("Idempotency-Key", key)
                .body(vessel("413970001"))
                .post("/api/v1/vessels")
                .then()
                .statusCode(201)
                .header("Idempotent-Replayed", "true")
                .header("Location", endsWith("/api/v1/vessels/" + id))
                .body("id", equalTo(id))
                .extract()
                .asString();
        assertEquals(first, replayed, "the replay answers the first answer's bytes");
        as(ADMIN).get("/api/v1/vessels?mmsi=413970001").then().body("total", equalTo(1));
    }

    @Test
    void keysAreKeptForTheRetentionAndThenDeletedSoTheKeyIsNewAgain() throws Exception {
        String key = UUID.randomUUID().toString();
        String mmsi = "41361" + String.format("%04d", new java.util.Random().nextInt(10_000));
        as(ADMIN)
                .header("Idempotency-Key", key)
                .body(vessel(mmsi))
                .post("/api/v1/vessels")
                .then()
                .statusCode(201);
        String principal;
        try (java.sql.Connection c = db.getConnection();
                java.sql.PreparedStatement ps =
                        c.prepareStatement("select principal from idempotency_key where idem_key = ?")) {
            ps.setString(1, key);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                principal = rs.getString(1);
            }
        }
        // six days old: kept (the default retention is seven days)
        age(principal, key, "6 days");
        purge.purge();
        as(ADMIN)
                .header("Idempotency-Key", key)
                .body(vessel(mmsi))
                .post("/api/v1/vessels")
                .then()
                .statusCode(201)
                .header("Idempotent-Replayed", "true");
        // eight days old: deleted, and the same key is a new request (a second vessel with this MMSI is refused)
        age(principal, key, "8 days");
        org.junit.jupiter.api.Assertions.assertTrue(purge.purge() >= 1);
        as(ADMIN)
                .header("Idempotency-Key", key)
                .body(vessel(mmsi))
                .post("/api/v1/vessels")
                .then()
                .statusCode(409)
                .header("Idempotent-Replayed", nullValue());
    }

    private void age(String principal, String key, String age) throws java.sql.SQLException {
        try (java.sql.Connection c = db.getConnection();
                java.sql.PreparedStatement ps = c.prepareStatement("update idempotency_key set created_at = now() -"
                        + " cast(? as interval) where principal = ? and idem_key = ?")) {
            ps.setString(1, age);
            ps.setString(2, principal);
            ps.setString(3, key);
            assertEquals(1, ps.executeUpdate());
        }
    }

    /**
     * A user deactivated since the first request is refused on the retry too (401), not answered with the stored
     * answer: the replay comes after the method, and the method refused the caller.
     */
    @Test
    void aDeactivatedUserGetsNoReplay() {
        String subject = "idem-admin-" + UUID.randomUUID().toString().substring(0, 8);
        java.util.Map<String, Object> user = new java.util.HashMap<>();
        user.put("subject", subject);
        user.put("displayName", "Idempotency test admin");
        user.put("role", "ADMIN");
        user.put("partyId", null);
        io.restassured.response.Response created = as(ADMIN).body(user).post("/api/v1/users");
        created.then().statusCode(201);
        String token = io.restassured.RestAssured.given()
                .get("/api/v1/demo/tokens?subject=" + subject)
                .then()
                .statusCode(200)
                .extract()
                .path("[0].token");
        String key = UUID.randomUUID().toString();
        java.util.function.Supplier<io.restassured.response.Response> post = () -> io.restassured.RestAssured.given()
                .header("Authorization", "Bearer " + token)
                .contentType("application/json")
                .header("Idempotency-Key", key)
                .body(vessel("413970009"))
                .post("/api/v1/vessels");
        post.get().then().statusCode(201);
        post.get().then().statusCode(201).header("Idempotent-Replayed", "true");
        as(ADMIN)
                .header("If-Match", created.getHeader("ETag"))
                .post("/api/v1/users/" + created.path("id") + "/deactivate")
                .then()
                .statusCode(200);
        post.get()
                .then()
                .statusCode(401)
                .header("Idempotent-Replayed", nullValue())
                .body(not(containsString("413970009")));
    }

    @Test
    void theSameKeyWithAnotherBodyIs422() {
        String key = UUID.randomUUID().toString();
        as(ADMIN)
                .header("Idempotency-Key", key)
                .body(vessel("413970002"))
                .post("/api/v1/vessels")
                .then()
                .statusCode(201);
        as(ADMIN)
                .header("Idempotency-Key", key)
                .body(vessel("413970003"))
                .post("/api/v1/vessels")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:shoreloop:problem:idempotency-key-reused"));
        as(ADMIN).get("/api/v1/vessels?mmsi=413970003").then().body("total", equalTo(0));
    }

    @Test
    void keysBelongToTheirUser() {
        String key = UUID.randomUUID().toString();
        as(ADMIN)
                .header("Idempotency-Key", key)
                .body(vessel("413970004"))
                .post("/api/v1/vessels")
                .then()
                .statusCode(201);
        // another user's request with the same key is not answered with the admin's stored response
        as(CREW_YU_CONTAINER)
                .header("Idempotency-Key", key)
                .body(vessel("413970004"))
                .post("/api/v1/vessels")
                .then()
                .statusCode(403);
    }

    @Test
    void aFailedRequestDoesNotConsumeItsKey() {
        String key = UUID.randomUUID().toString();
        as(ADMIN)
                .header("Idempotency-Key", key)
                .body(Map.of("name", "x", "mmsi", "413970005", "type", "CARGO", "imo", "1234568"))
                .post("/api/v1/vessels")
                .then()
                .statusCode(400);
        as(ADMIN)
                .header("Idempotency-Key", key)
                .body(Map.of("name", "x", "mmsi", "413970005", "type", "CARGO", "imo", "1234568"))
                .post("/api/v1/vessels")
                .then()
                .statusCode(400);
    }

    @Test
    void concurrentDuplicatesHaveOneEffect() throws Exception {
        String key = UUID.randomUUID().toString();
        String token = token(ADMIN);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Callable<String> post = () -> io.restassured.RestAssured.given()
                        .header("Authorization", "Bearer " + token)
                        .header("Idempotency-Key", key)
                        .contentType("application/json")
                        .body(vessel("413970006"))
                        .post("/api/v1/vessels")
                        .then()
                        .statusCode(201)
                        .extract()
                        .path("id");
                answers.add(pool.submit(post));
            }
            Set<String> ids = new HashSet<>();
            for (Future<String> answer : answers) {
                ids.add(answer.get());
            }
            assertEquals(1, ids.size(), "every duplicate got the first answer");
        } finally {
            pool.shutdownNow();
        }
        as(ADMIN).get("/api/v1/vessels?mmsi=413970006").then().body("total", equalTo(1));
    }

    @Test
    void anOverlongKeyIsRejected() {
        as(ADMIN)
                .header("Idempotency-Key", "k".repeat(201))
                .body(vessel("413970007"))
                .post("/api/v1/vessels")
                .then()
                .statusCode(400)
                .body("type", equalTo("urn:shoreloop:problem:idempotency-key-invalid"));
    }
}
