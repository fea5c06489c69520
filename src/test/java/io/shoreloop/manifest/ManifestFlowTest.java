package io.shoreloop.manifest;

import static io.shoreloop.testing.DemoUsers.*;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The closed loop over the real API and database: every step signed by the party that takes the batch over. */
@QuarkusTest
public class ManifestFlowTest {

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    AgroalDataSource db;

    public static String draftSewage(String quantity) {
        return as(CREW_YU_CONTAINER)
                .body(Map.of("callId", CALL_YU_CONTAINER_OPEN, "stream", "SEWAGE", "quantity", quantity))
                .post("/api/v1/manifests")
                .then()
                .statusCode(201)
                .body("state", equalTo("DRAFT"))
                .body("unit", equalTo("M3"))
                .extract()
                .path("id");
    }

    public static void declare(String id) {
        as(CREW_YU_CONTAINER)
                .body(Map.of("receiverId", FACILITY_GUOYUAN))
                .post("/api/v1/manifests/" + id + "/declare")
                .then()
                .statusCode(200)
                .body("state", equalTo("DECLARED"));
    }

    public static Map<String, Object> handover(String quantity, String next) {
        Map<String, Object> m = new HashMap<>();
        m.put("quantity", quantity);
        m.put("method", "METERED");
        m.put("nextPartyId", next);
        return m;
    }

    /** The designated receiver receives {@code quantity}, naming {@code next}. */
    public static void receive(String id, String quantity, String next) {
        as(RECEIVER_GUOYUAN)
                .body(handover(quantity, next))
                .post("/api/v1/manifests/" + id + "/receive")
                .then()
                .statusCode(200);
    }

    /** The transporter picks {@code quantity} up with {@code vehicle}, naming {@code next}. */
    static void pickUp(String id, String quantity, String next, String vehicle) {
        Map<String, Object> pickup = handover(quantity, next);
        pickup.put("vehicle", vehicle);
        as(TRANSPORTER)
                .body(pickup)
                .post("/api/v1/manifests/" + id + "/pickup")
                .then()
                .statusCode(200);
    }

    @Test
    void aSewageBatchGoesFromShipToPlantAndTheLoopCloses() {
        String id = draftSewage("10");
        declare(id);
        as(RECEIVER_GUOYUAN)
                .body(handover("8.8", FACILITY_TRANSPORTER))
                .post("/api/v1/manifests/" + id + "/receive")
                .then()
                .statusCode(200)
                .body("state", equalTo("RECEIVED"))
                .body("currentQuantity", equalTo(8.8f))
                .body("discrepant", equalTo(true))
                .body("discrepancies[0].deviationPercent", equalTo(12.0f))
                .body("discrepancies[0].previousQuantity", equalTo(10.0f));
        Map<String, Object> pickup = handover("8.8", FACILITY_SEWAGE_PLANT);
        pickup.put("vehicle", "渝A·D1234");
        as(TRANSPORTER)
                .body(pickup)
                .post("/api/v1/manifests/" + id + "/pickup")
                .then()
                .statusCode(200)
                .body("state", equalTo("IN_TRANSFER"));
        Map<String, Object> dispose = handover("8.75", null);
        dispose.put("treatment", "activated sludge");
        as(DISPOSER_SEWAGE_PLANT)
                .body(dispose)
                .post("/api/v1/manifests/" + id + "/dispose")
                .then()
                .statusCode(200)
                .body("state", equalTo("DISPOSED"))
                .body("closedAt", notNullValue())
                .body("steps.action", equalTo(List.of("DRAFT", "DECLARE", "RECEIVE", "PICKUP", "DISPOSE")))
                .body("steps.role", equalTo(List.of("CREW", "CREW", "RECEIVER", "TRANSPORTER", "DISPOSER")));

        as(CREW_YU_CONTAINER)
                .get("/api/v1/manifests/" + id + "/events")
                .then()
                .statusCode(200)
                .body("verified", equalTo(true))
                .body("events.seq", equalTo(List.of(1, 2, 3, 4, 5, 6)))
                .body(
                        "events.type",
                        equalTo(List.of(
                                "STEP_DRAFT",
                                "STEP_DECLARE",
                                "STEP_RECEIVE",
                                "DISCREPANCY_OPENED",
                                "STEP_PICKUP",
                                "STEP_DISPOSE")))
                .body("events[0].prevHash", equalTo("0".repeat(64)));
        as(BUREAU_MSA).get("/api/v1/ledger/verify").then().statusCode(200).body("intact", equalTo(true));
        // each party finds it in its own list
        as(DISPOSER_SEWAGE_PLANT).get("/api/v1/manifests?state=DISPOSED").then().body("items.id", hasItem(id));
        as(TRANSPORTER).get("/api/v1/manifests").then().body("items.id", hasItem(id));
        as(CREW_CHANGJIANG).get("/api/v1/manifests").then().body("items.id", not(hasItem(id)));
        as(BUREAU_CHANGSHOU).get("/api/v1/manifests").then().body("items.id", not(hasItem(id)));
    }

    @Test
    void wrongPartiesWrongOrderAndMissingLicencesAreRefusedWithTheirProblemType() {
        String id = draftSewage("5");
        // declaring to a facility not licensed to receive sewage
        as(CREW_YU_CONTAINER)
                .body(Map.of("receiverId", FACILITY_HAZWASTE))
                .post("/api/v1/manifests/" + id + "/declare")
                .then()
                .statusCode(422)
                .body("type", equalTo("urn:shoreloop:problem:licence-missing"));
        declare(id);
        // the crew of another vessel does not even see it
        as(CREW_CHANGJIANG)
                .body(handover("5", FACILITY_TRANSPORTER))
                .post("/api/v1/manifests/" + id + "/receive")
                .then()
                .statusCode(404);
        // a bureau sees it but may not sign for the receiver
        as(BUREAU_MSA)
                .body(handover("5", FACILITY_TRANSPORTER))
                .post("/api/v1/manifests/" + id + "/receive")
                .then()
                .statusCode(403)
                .body("type", equalTo("urn:shoreloop:problem:wrong-party"));
        // the crew may not sign the receipt of its own batch
        as(CREW_YU_CONTAINER)
                .body(handover("5", FACILITY_TRANSPORTER))
                .post("/api/v1/manifests/" + id + "/receive")
                .then()
                .statusCode(403)
                .body("type", equalTo("urn:shoreloop:problem:wrong-party"));
        // out of order: the receiver cannot dispose of a declared batch
        as(RECEIVER_GUOYUAN)
                .body(Map.of("quantity", "5", "treatment", "x"))
                .post("/api/v1/manifests/" + id + "/dispose")
                .then()
                .statusCode(409)
                .body("type", equalTo("urn:shoreloop:problem:illegal-transition"));
        // the receiver may not hand over to a plant directly (it holds no disposal licence) …
        as(RECEIVER_GUOYUAN)
                .body(handover("5", FACILITY_GUOYUAN))
                .post("/api/v1/manifests/" + id + "/receive")
                .then()
                .statusCode(422)
                .body("type", equalTo("urn:shoreloop:problem:licence-missing"))
                .body("field", equalTo("nextPartyId"));
        // … and a zero quantity is not a receipt
        as(RECEIVER_GUOYUAN)
                .body(handover("0", FACILITY_TRANSPORTER))
                .post("/api/v1/manifests/" + id + "/receive")
                .then()
                .statusCode(400)
                .body("type", equalTo("urn:shoreloop:problem:quantity-invalid"));
        // … nor a quantity that does not say how it was found (domain.md: a unit and a method, always)
        Map<String, Object> withoutMethod = handover("5", FACILITY_TRANSPORTER);
        withoutMethod.remove("method");
        as(RECEIVER_GUOYUAN)
                .body(withoutMethod)
                .post("/api/v1/manifests/" + id + "/receive")
                .then()
                .statusCode(400)
                .body("type", equalTo("urn:shoreloop:problem:quantity-invalid"))
                .body("field", equalTo("method"));
        as(RECEIVER_GUOYUAN)
                .body(handover("5", FACILITY_TRANSPORTER))
                .post("/api/v1/manifests/" + id + "/receive")
                .then()
                .statusCode(200)
                .body("discrepant", equalTo(false));
        // a disposal plant that was not designated does not see it
        as(DISPOSER_HAZWASTE)
                .body(Map.of("quantity", "5", "treatment", "x"))
                .post("/api/v1/manifests/" + id + "/dispose")
                .then()
                .statusCode(404);
        // cancelling is no longer possible once received
        as(CREW_YU_CONTAINER)
                .body(Map.of("reason", "mistake"))
                .post("/api/v1/manifests/" + id + "/cancel")
                .then()
                .statusCode(409);
    }

    @Test
    void aPartialRefusalMovesTheAcceptedPartOnAndLinksANewManifestForTheRest() {
        String id = draftSewage("6");
        declare(id);
        Map<String, Object> refuse = new HashMap<>();
        refuse.put("acceptedQuantity", "4");
        refuse.put("refusedQuantity", "2");
        refuse.put("method", "GAUGED");
        refuse.put("reason", "tank B contaminated with oil");
        refuse.put("nextPartyId", FACILITY_TRANSPORTER);
        as(RECEIVER_GUOYUAN)
                .body(refuse)
                .post("/api/v1/manifests/" + id + "/refuse")
                .then()
                .statusCode(200)
                .body("state", equalTo("RECEIVED"))
                .body("currentQuantity", equalTo(4.0f))
                .body("discrepant", equalTo(false));
        as(CREW_YU_CONTAINER)
                .get("/api/v1/manifests?callId=" + CALL_YU_CONTAINER_OPEN + "&state=DRAFT&size=500")
                .then()
                .statusCode(200)
                .body("items.declaredQuantity", hasItem(2.0f));
    }

    @Test
    void aFullRefusalEndsTheManifest() {
        String id = draftSewage("3");
        declare(id);
        as(RECEIVER_GUOYUAN)
                .body(Map.of("acceptedQuantity", "0", "refusedQuantity", "3", "reason", "not sewage"))
                .post("/api/v1/manifests/" + id + "/refuse")
                .then()
                .statusCode(200)
                .body("state", equalTo("REFUSED"));
    }

    /**
     * domain.md: the refused quantity goes onto a new linked manifest "back to the ship, or to another facility". The
     * Chuanwei base takes 10 of 18 m³ of a tank-washing batch and sends the other 8 on to the Zesheng base: the
     * linked manifest is declared to Zesheng by Chuanwei, Zesheng receives it, and the refused manifest lists it. A
     * facility not licensed for the stream, or the refusing facility itself, is refused, and nothing changes.
     */
    @Test
    void aRefusedPartCanBeSentOnToAnotherFacility() {
        String zesheng = "00000000-0000-0000-0006-000000000003";
        String id = as(CREW_CHANGHUA)
                .body(Map.of(
                        "callId", CALL_CHANGHUA,
                        "stream", "TANK_WASHING",
                        "quantity", "18",
                        "cargoName", "棕榈油 Palm oil",
                        "nlsCategory", "Y"))
                .post("/api/v1/manifests")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        as(CREW_CHANGHUA)
                .body(Map.of("receiverId", FACILITY_CHUANWEI))
                .post("/api/v1/manifests/" + id + "/declare")
                .then()
                .statusCode(200);
        Map<String, Object> refusal = new HashMap<>();
        refusal.put("acceptedQuantity", "10");
        refusal.put("refusedQuantity", "8");
        refusal.put("method", "GAUGED");
        refusal.put("reason", "our tank holds only 10 m³ of NLS Y washings today");
        refusal.put("nextPartyId", FACILITY_TRANSPORTER);
        for (var wrong : List.of(
                List.of(FACILITY_GUOYUAN, 422, "licence-missing"),
                List.of(FACILITY_CHUANWEI, 400, "invalid-refused-to"))) {
            refusal.put("refusedToId", wrong.get(0));
            as(RECEIVER_CHUANWEI)
                    .body(refusal)
                    .post("/api/v1/manifests/" + id + "/refuse")
                    .then()
                    .statusCode((Integer) wrong.get(1))
                    .body("type", equalTo("urn:shoreloop:problem:" + wrong.get(2)))
                    .body("field", equalTo("refusedToId"));
        }
        as(CREW_CHANGHUA)
                .get("/api/v1/manifests/" + id)
                .then()
                .body("state", equalTo("DECLARED"))
                .body("linkedManifestIds", hasSize(0));

        refusal.put("refusedToId", zesheng);
        List<String> linked = as(RECEIVER_CHUANWEI)
                .body(refusal)
                .post("/api/v1/manifests/" + id + "/refuse")
                .then()
                .statusCode(200)
                .body("state", equalTo("RECEIVED"))
                .body("currentQuantity", equalTo(10.0f))
                .extract()
                .path("linkedManifestIds");
        assertEquals(1, linked.size());
        as("demo-receiver-zesheng")
                .get("/api/v1/manifests/" + linked.get(0))
                .then()
                .statusCode(200)
                .body("state", equalTo("DECLARED"))
                .body("parentId", equalTo(id))
                .body("receiverId", equalTo(zesheng))
                .body("declaredQuantity", equalTo(8.0f))
                .body("declaredMethod", equalTo("GAUGED"))
                .body("steps.action", equalTo(List.of("DRAFT", "DECLARE")))
                .body("steps.partyId", equalTo(List.of(FACILITY_CHUANWEI, FACILITY_CHUANWEI)));
        // the ship no longer holds the refused part: its crew cannot cancel it
        as(CREW_CHANGHUA)
                .body(Map.of("reason", "not ours any more"))
                .post("/api/v1/manifests/" + linked.get(0) + "/cancel")
                .then()
                .statusCode(403)
                .body("type", equalTo("urn:shoreloop:problem:wrong-party"));
        as("demo-receiver-zesheng")
                .body(handover("8", FACILITY_TRANSPORTER))
                .post("/api/v1/manifests/" + linked.get(0) + "/receive")
                .then()
                .statusCode(200)
                .body("state", equalTo("RECEIVED"));
        as(CREW_CHANGHUA).get("/api/v1/manifests/" + id).then().body("linkedManifestIds", equalTo(linked));

        // each copy of record names the other by number and id
        String number = as(CREW_CHANGHUA).get("/api/v1/manifests/" + id).path("number");
        String linkedNumber = as("demo-receiver-zesheng")
                .get("/api/v1/manifests/" + linked.get(0))
                .path("number");
        String refused = copyOfRecordText(RECEIVER_CHUANWEI, id);
        assertTrue(
                refused.contains("Refused part to") && refused.contains(linkedNumber),
                "the refused manifest names its linked one: " + refused);
        assertTrue(refused.contains(linked.get(0)), refused);
        String carried = copyOfRecordText("demo-receiver-zesheng", linked.get(0));
        assertTrue(
                carried.contains("Refused part of") && carried.contains(number) && carried.contains(id),
                "the linked manifest names the refused one: " + carried);
    }

    private static String copyOfRecordText(String user, String id) {
        byte[] pdf = as(user).accept("application/pdf")
                .get("/api/v1/manifests/" + id + "/copy-of-record")
                .then()
                .statusCode(200)
                .extract()
                .asByteArray();
        try (org.apache.pdfbox.pdmodel.PDDocument doc = org.apache.pdfbox.Loader.loadPDF(pdf)) {
            return new org.apache.pdfbox.text.PDFTextStripper().getText(doc);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void twoRacingReceiptsHaveOneWinner() throws Exception {
        String id = draftSewage("7");
        declare(id);
        String token = token(RECEIVER_GUOYUAN);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                answers.add(pool.submit(() -> io.restassured.RestAssured.given()
                        .header("Authorization", "Bearer " + token)
                        .contentType("application/json")
                        .body(handover("7", FACILITY_TRANSPORTER))
                        .post("/api/v1/manifests/" + id + "/receive")
                        .statusCode()));
            }
            List<Integer> codes = new java.util.ArrayList<>();
            for (var a : answers) {
                codes.add(a.get());
            }
            assertEquals(1, codes.stream().filter(c -> c == 200).count(), "one receipt wins: " + codes);
            assertTrue(
                    codes.stream().allMatch(c -> c == 200 || c == 409 || c == 412), "the other is refused: " + codes);
        } finally {
            pool.shutdownNow();
        }
        as(RECEIVER_GUOYUAN).get("/api/v1/manifests/" + id).then().body("steps.action", hasSize(3));
    }

    @Test
    void aRetriedStepWithItsIdempotencyKeyHasOneEffect() {
        String id = draftSewage("2");
        String key = UUID.randomUUID().toString();
        for (int i = 0; i < 2; i++) {
            as(CREW_YU_CONTAINER)
                    .header("Idempotency-Key", key)
                    .body(Map.of("receiverId", FACILITY_GUOYUAN))
                    .post("/api/v1/manifests/" + id + "/declare")
                    .then()
                    .statusCode(200)
                    .body("state", equalTo("DECLARED"));
        }
        as(CREW_YU_CONTAINER).get("/api/v1/manifests/" + id).then().body("steps", hasSize(2));
        // a pickup run again would be the wrong party's (the plant is next): its retry is answered, not refused
        receive(id, "2", FACILITY_TRANSPORTER);
        Map<String, Object> pickup = handover("2", FACILITY_SEWAGE_PLANT);
        pickup.put("vehicle", "渝A·D1234");
        String pickupKey = UUID.randomUUID().toString();
        for (int i = 0; i < 2; i++) {
            as(TRANSPORTER)
                    .header("Idempotency-Key", pickupKey)
                    .body(pickup)
                    .post("/api/v1/manifests/" + id + "/pickup")
                    .then()
                    .statusCode(200)
                    .body("state", equalTo("IN_TRANSFER"));
        }
        as(CREW_YU_CONTAINER).get("/api/v1/manifests/" + id).then().body("steps", hasSize(4));
    }

    @Test
    void concurrentDuplicatesOfADraftAndOfAStepHaveOneEffectAndOneAnswer() throws Exception {
        String draftKey = UUID.randomUUID().toString();
        Map<String, Object> draft = Map.of("callId", CALL_YU_CONTAINER_OPEN, "stream", "SEWAGE", "quantity", "4.217");
        List<String> drafted = concurrently(5, CREW_YU_CONTAINER, draftKey, draft, "/api/v1/manifests", 201);
        assertEquals(1, new java.util.HashSet<>(drafted).size(), "every duplicate answers the first draft: " + drafted);
        String id = io.restassured.path.json.JsonPath.from(drafted.get(0)).getString("id");
        try (Connection c = db.getConnection();
                Statement st = c.createStatement();
                var rs = st.executeQuery("select count(*) from manifest where declared_qty = 4.217")) {
            rs.next();
            assertEquals(1, rs.getInt(1), "one manifest drafted");
        }
        declare(id);
        String receiptKey = UUID.randomUUID().toString();
        List<String> received = concurrently(
                5,
                RECEIVER_GUOYUAN,
                receiptKey,
                handover("4.217", FACILITY_TRANSPORTER),
                "/api/v1/manifests/" + id + "/receive",
                200);
        assertEquals(1, new java.util.HashSet<>(received).size(), "every duplicate answers the first receipt");
        as(RECEIVER_GUOYUAN)
                .get("/api/v1/manifests/" + id)
                .then()
                .body("state", equalTo("RECEIVED"))
                .body("steps.action", equalTo(List.of("DRAFT", "DECLARE", "RECEIVE")));
        // the ledger holds each step once
        as(RECEIVER_GUOYUAN)
                .get("/api/v1/manifests/" + id + "/events")
                .then()
                .body("events.type", equalTo(List.of("STEP_DRAFT", "STEP_DECLARE", "STEP_RECEIVE")));
    }

    /** {@code n} identical POSTs with one Idempotency-Key at once; answers their bodies (each must have the status). */
    private static List<String> concurrently(
            int n, String user, String key, Map<String, Object> body, String path, int status) throws Exception {
        String token = token(user);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            var start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<String>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return io.restassured.RestAssured.given()
                            .header("Authorization", "Bearer " + token)
                            .header("Idempotency-Key", key)
                            .contentType("application/json")
                            .body(body)
                            .post(path)
                            .then()
                            .statusCode(status)
                            .extract()
                            .asString();
                }));
            }
            start.countDown();
            List<String> bodies = new java.util.ArrayList<>();
            for (var a : answers) {
                bodies.add(a.get());
            }
            return bodies;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void tankWashingNeedsItsCargoAndAGarbageManifestIsInKilograms() {
        as(CREW_YU_CONTAINER)
                .body(Map.of("callId", CALL_YU_CONTAINER_OPEN, "stream", "TANK_WASHING", "quantity", "3"))
                .post("/api/v1/manifests")
                .then()
                .statusCode(400)
                .body("type", equalTo("urn:shoreloop:problem:detail-missing"))
                .body("field", equalTo("cargoName"));
        as(CREW_YU_CONTAINER)
                .body(Map.of(
                        "callId",
                        CALL_YU_CONTAINER_OPEN,
                        "stream",
                        "GARBAGE",
                        "quantity",
                        "120.5",
                        "garbageCategory",
                        "C"))
                .post("/api/v1/manifests")
                .then()
                .statusCode(201)
                .body("unit", equalTo("KG"));
        // a crew cannot draft for another vessel's call
        as(CREW_YU_CONTAINER)
                .body(Map.of("callId", CALL_CHANGHUA, "stream", "SEWAGE", "quantity", "1"))
                .post("/api/v1/manifests")
                .then()
                .statusCode(400)
                .body("type", equalTo("urn:shoreloop:problem:unknown-reference"));
    }

    /** The application's own datasource: its role, not the owner's ({@link #db}). */
    @Inject
    AgroalDataSource app;

    /**
     * The application's role cannot change the ledger, nor take its protection away: it owns no table, so it can
     * neither switch the append-only triggers off nor drop them, it has no right to update, delete or truncate the
     * entries or the checkpoints, and it cannot set the replication role under which triggers do not fire. Before
     * V28 it connected as the owner (a superuser on the embedded server), which could do all of these.
     */
    @Test
    void theApplicationsRoleCannotChangeTheLedgerNorSwitchItsProtectionOff() throws SQLException {
        String id = draftSewage("3");
        for (String attempt : List.of(
                "alter table ledger_entry disable trigger ledger_entry_append_only",
                "drop trigger ledger_entry_append_only on ledger_entry",
                "create or replace function ledger_entry_is_append_only() returns trigger language plpgsql as"
                        + " $$ begin return new; end $$",
                "set session_replication_role = replica",
                "update ledger_entry set payload = payload where manifest_id = '" + id + "'",
                "delete from ledger_entry where manifest_id = '" + id + "'",
                "truncate ledger_entry",
                "update ledger_checkpoint set signature = null",
                "delete from ledger_checkpoint",
                "truncate admin_audit")) {
            try (Connection c = app.getConnection();
                    Statement st = c.createStatement()) {
                SQLException refused = assertThrows(SQLException.class, () -> st.execute(attempt), attempt);
                assertTrue(
                        refused.getSQLState().equals("42501")
                                || refused.getSQLState().equals("42710")
                                || refused.getMessage().contains("must be owner"),
                        attempt + ": " + refused.getSQLState() + " " + refused.getMessage());
            }
        }
        try (Connection c = app.getConnection();
                Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery(
                        "select current_user, (select rolsuper from pg_roles" + " where rolname = current_user)")) {
            rs.next();
            assertEquals(false, rs.getBoolean(2), "the application's role " + rs.getString(1) + " is no superuser");
        }
        as(ADMIN).get("/api/v1/ledger/verify").then().body("intact", equalTo(true));
    }

    /**
     * A verification while steps are signed raises no false alarm. It read every chain's length first and each chain's
     * entries and steps later, each in a statement of its own: a step committed in between (its entry, step row and
     * chain head in one commit) was reported as a broken chain.
     */
    @Test
    void theLedgerVerifiesIntactWhileStepsAreSigned() throws Exception {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 25; i++) {
            ids.add(draftSewage("5"));
        }
        var signing = java.util.concurrent.CompletableFuture.runAsync(() -> {
            ids.forEach(ManifestFlowTest::declare);
            ids.forEach(id -> receive(id, "5", FACILITY_TRANSPORTER));
            ids.forEach(id -> pickUp(id, "5", FACILITY_SEWAGE_PLANT, "渝A·V0001"));
        });
        List<String> alarms = new java.util.ArrayList<>();
        int verifications = 0;
        while (!signing.isDone() || verifications < 3) {
            io.restassured.response.Response answer = as(ADMIN)
                    .get("/api/v1/ledger/verify")
                    .then()
                    .statusCode(200)
                    .extract()
                    .response();
            verifications++;
            if (!answer.<Boolean>path("intact")) {
                alarms.add(answer.asString());
            }
        }
        signing.get();
        assertEquals(List.of(), alarms, verifications + " verifications while 75 steps were signed");
    }

    @Test
    void tamperingWithTheDatabaseIsDetectedAndLedgerRowsCannotBeChangedByTheApplication() throws SQLException {
        String id = draftSewage("4");
        declare(id);
        as(ADMIN).get("/api/v1/ledger/verify").then().body("intact", equalTo(true));

        try (Connection c = db.getConnection();
                Statement st = c.createStatement()) {
            // the database refuses changes to ledger entries
            SQLException refused = assertThrows(
                    SQLException.class,
                    () -> st.executeUpdate(
                            "update ledger_entry set payload = payload where manifest_id = '" + id + "'"));
            assertTrue(refused.getMessage().contains("append-only"), refused.getMessage());
            assertThrows(
                    SQLException.class,
                    () -> st.executeUpdate("delete from ledger_entry where manifest_id = '" + id + "'"));

            // a signed quantity changed behind Shoreloop's back
            st.executeUpdate("update manifest_step set quantity = 40 where manifest_id = '" + id + "' and seq = 1");
            try {
                as(ADMIN)
                        .get("/api/v1/ledger/verify")
                        .then()
                        .body("intact", equalTo(false))
                        .body("firstBrokenLink.manifestId", equalTo(id));
                // a bureau verifies the chains of its own jurisdiction: Changshou's district office does not see a
                // Guoyuan manifest, broken or not, nor counts beyond its port
                int all =
                        as(ADMIN).get("/api/v1/ledger/verify").then().extract().path("chains");
                as(BUREAU_CHANGSHOU)
                        .get("/api/v1/ledger/verify")
                        .then()
                        .statusCode(200)
                        .body("intact", equalTo(true))
                        .body("firstBrokenLink", nullValue())
                        .body("chains", allOf(greaterThan(0), lessThan(all)));
                as(BUREAU_MSA)
                        .get("/api/v1/ledger/verify")
                        .then()
                        .body("intact", equalTo(false))
                        .body("firstBrokenLink.manifestId", equalTo(id));
                as(CREW_YU_CONTAINER)
                        .get("/api/v1/manifests/" + id + "/events")
                        .then()
                        .body("verified", equalTo(false));
            } finally {
                st.executeUpdate("update manifest_step set quantity = 4 where manifest_id = '" + id + "' and seq = 1");
            }

            // the declaration time kept beside the steps (deadlines and reports read it) moved back a day
            st.executeUpdate(
                    "update manifest set declared_at = declared_at - interval '1 day' where id = '" + id + "'");
            try {
                as(ADMIN)
                        .get("/api/v1/ledger/verify")
                        .then()
                        .body("intact", equalTo(false))
                        .body("firstBrokenLink.manifestId", equalTo(id))
                        .body("firstBrokenLink.problem", containsString("declaration time"));
            } finally {
                st.executeUpdate(
                        "update manifest set declared_at = declared_at + interval '1 day' where id = '" + id + "'");
            }
            as(ADMIN).get("/api/v1/ledger/verify").then().body("intact", equalTo(true));
            // a receipt time removed (the manifest would never be overdue for its pickup or disposal)
            String received = aDisposedSewageManifest();
            st.executeUpdate("update manifest set received_at = null where id = '" + received + "'");
            try {
                as(ADMIN)
                        .get("/api/v1/ledger/verify")
                        .then()
                        .body("intact", equalTo(false))
                        .body("firstBrokenLink.manifestId", equalTo(received))
                        .body("firstBrokenLink.problem", containsString("receipt time"));
            } finally {
                st.executeUpdate("update manifest set received_at = (select at from manifest_step where manifest_id = '"
                        + received + "' and action = 'RECEIVE') where id = '" + received + "'");
            }
            as(ADMIN).get("/api/v1/ledger/verify").then().body("intact", equalTo(true));
            // a batch refused whole at receipt was never received: a receipt time set to its refusal (the closure
            // reports would count it received) verified, as it equalled a step that may set one
            String refusedWhole = draftSewage("3");
            declare(refusedWhole);
            as(RECEIVER_GUOYUAN)
                    .body(Map.of("acceptedQuantity", "0", "refusedQuantity", "3", "reason", "not sewage"))
                    .post("/api/v1/manifests/" + refusedWhole + "/refuse")
                    .then()
                    .statusCode(200);
            st.executeUpdate("update manifest set received_at = closed_at where id = '" + refusedWhole + "'");
            try {
                as(ADMIN)
                        .get("/api/v1/ledger/verify")
                        .then()
                        .body("intact", equalTo(false))
                        .body("firstBrokenLink.manifestId", equalTo(refusedWhole))
                        .body("firstBrokenLink.problem", containsString("receipt time"));
            } finally {
                st.executeUpdate("update manifest set received_at = null where id = '" + refusedWhole + "'");
            }
            as(ADMIN).get("/api/v1/ledger/verify").then().body("intact", equalTo(true));

            // a manifest row written beside Shoreloop, with no step and no ledger entry (it verified: nothing to
            // compare)
            String draft = draftSewage("1");
            String forged = java.util.UUID.randomUUID().toString();
            st.executeUpdate("create temp table forged as select * from manifest where id = '" + draft + "'");
            st.executeUpdate("update forged set id = '" + forged + "', number = number || 'F'");
            st.executeUpdate("insert into manifest select * from forged");
            try {
                as(ADMIN)
                        .get("/api/v1/ledger/verify")
                        .then()
                        .body("intact", equalTo(false))
                        .body("firstBrokenLink.manifestId", equalTo(forged))
                        .body("firstBrokenLink.problem", containsString("no ledger entries"));
            } finally {
                st.executeUpdate("delete from manifest where id = '" + forged + "'");
                // the closure reports forget it too
                st.executeUpdate("insert into report_pending (manifest_id) values ('" + forged + "')");
            }
            as(ADMIN).get("/api/v1/ledger/verify").then().body("intact", equalTo(true));

            // an attacker with superuser rights disables the trigger and rewrites an entry: still detected
            st.execute("set session_replication_role = replica");
            try {
                st.executeUpdate("update ledger_entry set payload = replace(payload, '\"4.000\"', '\"3.000\"')"
                        + " where manifest_id = '" + id + "' and seq = 2");
                as(ADMIN)
                        .get("/api/v1/ledger/verify")
                        .then()
                        .body("intact", equalTo(false))
                        .body("firstBrokenLink.seq", equalTo(2));
                st.executeUpdate("update ledger_entry set payload = replace(payload, '\"3.000\"', '\"4.000\"')"
                        + " where manifest_id = '" + id + "' and seq = 2");
                // a deleted entry in the middle of a chain
                st.executeUpdate("create temp table saved as select * from ledger_entry where manifest_id = '" + id
                        + "' and seq = 1");
                st.executeUpdate("delete from ledger_entry where manifest_id = '" + id + "' and seq = 1");
                as(ADMIN).get("/api/v1/ledger/verify").then().body("intact", equalTo(false));
                st.executeUpdate("insert into ledger_entry select * from saved");
            } finally {
                st.execute("set session_replication_role = origin");
            }
        }
        as(ADMIN).get("/api/v1/ledger/verify").then().body("intact", equalTo(true));
        as(CREW_YU_CONTAINER).get("/api/v1/ledger/verify").then().statusCode(403);
    }

    /** Runs the closed loop of {@link #aSewageBatchGoesFromShipToPlantAndTheLoopCloses} and answers the id. */
    static String aDisposedSewageManifest() {
        return aDisposedSewageManifest("9.8", "9.75");
    }

    /** Declared 10 m³, received and picked up {@code received}, disposed of {@code disposed}; answers the id. */
    public static String aDisposedSewageManifest(String received, String disposed) {
        String id = draftSewage("10");
        declare(id);
        as(RECEIVER_GUOYUAN)
                .body(handover(received, FACILITY_TRANSPORTER))
                .post("/api/v1/manifests/" + id + "/receive")
                .then()
                .statusCode(200);
        Map<String, Object> pickup = handover(received, FACILITY_SEWAGE_PLANT);
        pickup.put("vehicle", "渝A·D1234");
        as(TRANSPORTER)
                .body(pickup)
                .post("/api/v1/manifests/" + id + "/pickup")
                .then()
                .statusCode(200);
        Map<String, Object> dispose = handover(disposed, null);
        dispose.put("treatment", "activated sludge");
        as(DISPOSER_SEWAGE_PLANT)
                .body(dispose)
                .post("/api/v1/manifests/" + id + "/dispose")
                .then()
                .statusCode(200)
                .body("state", equalTo("DISPOSED"));
        return id;
    }

    @Test
    void aCorrectionAfterClosureIsAppliedAsANewRevisionOnceEveryAffectedPartyApproved() {
        String id = aDisposedSewageManifest();
        Map<String, Object> proposal =
                Map.of("stepSeq", 4, "quantity", "9.70", "method", "WEIGHED", "reason", "weighbridge re-check");
        // a proposal made on a stale copy is 412 like any step (If-Match was ignored on corrections)
        as(DISPOSER_SEWAGE_PLANT)
                .header("If-Match", "\"1\"")
                .body(proposal)
                .post("/api/v1/manifests/" + id + "/correct")
                .then()
                .statusCode(412)
                .body("type", equalTo("urn:shoreloop:problem:stale-version"));
        // the plant re-weighed: it proposes, which counts as its own approval; the transporter must approve too
        String correction = as(DISPOSER_SEWAGE_PLANT)
                .body(Map.of("stepSeq", 4, "quantity", "9.70", "method", "WEIGHED", "reason", "weighbridge re-check"))
                .post("/api/v1/manifests/" + id + "/correct")
                .then()
                .statusCode(200)
                .body("revision", equalTo(1))
                .body("corrections[0].state", equalTo("PENDING"))
                .body("corrections[0].requiredParties", hasItems(FACILITY_TRANSPORTER, FACILITY_SEWAGE_PLANT))
                .extract()
                .path("corrections[0].id");
        // a party it does not affect cannot approve
        as(RECEIVER_GUOYUAN)
                .post("/api/v1/manifests/" + id + "/corrections/" + correction + "/approve")
                .then()
                .statusCode(403);
        as(TRANSPORTER)
                .header("If-Match", "\"1\"")
                .post("/api/v1/manifests/" + id + "/corrections/" + correction + "/approve")
                .then()
                .statusCode(412);
        as(TRANSPORTER)
                .post("/api/v1/manifests/" + id + "/corrections/" + correction + "/approve")
                .then()
                .statusCode(200)
                .body("revision", equalTo(2))
                .body("currentQuantity", equalTo(9.7f))
                .body("corrections[0].state", equalTo("APPLIED"))
                .body("steps[4].quantity", equalTo(9.75f))
                .body("steps[5].action", equalTo("CORRECT"))
                .body("steps[5].correctsSeq", equalTo(4))
                .body("steps[5].quantity", equalTo(9.7f));
        as(CREW_YU_CONTAINER)
                .get("/api/v1/manifests/" + id + "/events")
                .then()
                .body("verified", equalTo(true))
                .body("events.type", hasItems("CORRECTION_PROPOSED", "CORRECTION_APPROVED", "STEP_CORRECT"));
    }

    /**
     * A proposed quantity is checked when proposed (it was stored rounded to three decimals, or waited for an approval
     * that could not apply it and blocked every later proposal), and two proposals at once leave one waiting.
     */
    @Test
    void aCorrectionsQuantityIsCheckedWhenProposedAndOneWaitsAtATime() throws Exception {
        String id = aDisposedSewageManifest();
        for (String wrong : List.of("8.8005", "500000000", "0")) {
            as(BUREAU_MSA)
                    .body(Map.of("stepSeq", 2, "quantity", wrong, "reason", "x"))
                    .post("/api/v1/manifests/" + id + "/correct")
                    .then()
                    .statusCode(400)
                    .body("type", equalTo("urn:shoreloop:problem:quantity-invalid"))
                    .body("field", equalTo("quantity"));
        }
        as(BUREAU_MSA).get("/api/v1/manifests/" + id).then().body("corrections", hasSize(0));
        String token = token(BUREAU_MSA);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (String quantity : List.of("9.1", "9.2")) {
                answers.add(pool.submit(() -> io.restassured.RestAssured.given()
                        .header("Authorization", "Bearer " + token)
                        .contentType("application/json")
                        .body(Map.of("stepSeq", 2, "quantity", quantity, "reason", "re-check"))
                        .post("/api/v1/manifests/" + id + "/correct")
                        .statusCode()));
            }
            List<Integer> codes = new java.util.ArrayList<>();
            for (var a : answers) {
                codes.add(a.get());
            }
            assertTrue(
                    codes.contains(200) && codes.contains(409), "one proposal waits, the other is refused: " + codes);
        } finally {
            pool.shutdownNow();
        }
        as(BUREAU_MSA)
                .get("/api/v1/manifests/" + id)
                .then()
                .body("corrections", hasSize(1))
                .body("corrections[0].state", equalTo("PENDING"));
    }

    @Test
    void anAffectedPartyRejectsACorrectionAndTheManifestStaysAsSigned() {
        String id = aDisposedSewageManifest();
        String correction = as(CREW_YU_CONTAINER)
                .body(Map.of("stepSeq", 2, "quantity", "10", "reason", "the receipt was under-measured"))
                .post("/api/v1/manifests/" + id + "/correct")
                .then()
                .statusCode(200)
                .extract()
                .path("corrections[0].id");
        as(RECEIVER_GUOYUAN)
                .body(Map.of("explanation", "our flowmeter is calibrated"))
                .post("/api/v1/manifests/" + id + "/corrections/" + correction + "/reject")
                .then()
                .statusCode(200)
                .body("corrections[0].state", equalTo("REJECTED"))
                .body("revision", equalTo(1))
                .body("steps[2].quantity", equalTo(9.8f));
        // corrections exist only for closed manifests
        String open = draftSewage("1");
        as(CREW_YU_CONTAINER)
                .body(Map.of("stepSeq", 0, "quantity", "2", "reason", "x"))
                .post("/api/v1/manifests/" + open + "/correct")
                .then()
                .statusCode(409)
                .body("type", equalTo("urn:shoreloop:problem:illegal-transition"));
    }

    @Test
    void evidenceKeepsEveryByteWhetherItsBodyIsReadAheadOrStreamed() {
        String id = draftSewage("4");
        declare(id);
        java.util.Random random = new java.util.Random(42);
        // read ahead on the I/O thread (a length of at most 64 KiB), streamed (larger), and sent chunked (no length)
        for (int size : new int[] {1, 65_536, 65_537, 300_000, -20_000}) {
            byte[] file = new byte[Math.abs(size)];
            random.nextBytes(file);
            var request = as(RECEIVER_GUOYUAN).contentType("application/pdf");
            request = size < 0 ? request.body(new java.io.ByteArrayInputStream(file)) : request.body(file);
            String evidence = request.post("/api/v1/manifests/" + id + "/evidence")
                    .then()
                    .statusCode(201)
                    .body("sha256", equalTo(io.shoreloop.platform.CanonicalJson.sha256Hex(file)))
                    .body("sizeBytes", equalTo(file.length))
                    .extract()
                    .path("id");
            byte[] back = as(RECEIVER_GUOYUAN)
                    .get("/api/v1/manifests/" + id + "/evidence/" + evidence + "/content")
                    .then()
                    .statusCode(200)
                    .extract()
                    .asByteArray();
            assertTrue(java.util.Arrays.equals(file, back), "evidence of " + size + " bytes comes back unchanged");
        }
    }

    @Test
    void evidenceIsStoredByItsHashAndCitedBySteps() {
        String id = draftSewage("4");
        declare(id);
        byte[] photo =
                "pretend this is a JPEG of the flowmeter display".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String sha = io.shoreloop.platform.CanonicalJson.sha256Hex(photo);
        String evidence = as(RECEIVER_GUOYUAN)
                .contentType("image/jpeg")
                .body(photo)
                .post("/api/v1/manifests/" + id + "/evidence?filename=meter.jpg&lat=29.62&lon=106.65")
                .then()
                .statusCode(201)
                .body("sha256", equalTo(sha))
                .body("latitude", equalTo(29.62f))
                .extract()
                .path("id");
        // another party cannot cite the receiver's evidence
        Map<String, Object> pickupLike = handover("4", FACILITY_TRANSPORTER);
        pickupLike.put("evidenceIds", List.of(UUID.randomUUID().toString()));
        as(RECEIVER_GUOYUAN)
                .body(pickupLike)
                .post("/api/v1/manifests/" + id + "/receive")
                .then()
                .statusCode(400)
                .body("type", equalTo("urn:shoreloop:problem:unknown-reference"));
        Map<String, Object> receipt = handover("4", FACILITY_TRANSPORTER);
        receipt.put("evidenceIds", List.of(evidence));
        receipt.put("evidence", "flowmeter FM-2");
        as(RECEIVER_GUOYUAN)
                .body(receipt)
                .post("/api/v1/manifests/" + id + "/receive")
                .then()
                .statusCode(200)
                .body("steps[2].evidence", containsString("sha256:" + sha))
                .body("steps[2].evidence", containsString("flowmeter FM-2"));
        byte[] back = as(CREW_YU_CONTAINER)
                .get("/api/v1/manifests/" + id + "/evidence/" + evidence + "/content")
                .then()
                .statusCode(200)
                .header("X-Content-SHA256", sha)
                .extract()
                .asByteArray();
        org.junit.jupiter.api.Assertions.assertArrayEquals(photo, back);
        as(CREW_CHANGJIANG).get("/api/v1/manifests/" + id + "/evidence").then().statusCode(404);
        as(RECEIVER_GUOYUAN)
                .contentType("application/x-msdownload")
                .body(new byte[] {1, 2, 3})
                .post("/api/v1/manifests/" + id + "/evidence")
                .then()
                .statusCode(400)
                .body("type", equalTo("urn:shoreloop:problem:evidence-type"));
    }

    @Test
    void aPartyNamedToTakeTheBatchNextFindsItInItsListBeforeItSigns() {
        String id = draftSewage("6");
        declare(id);
        as(RECEIVER_GUOYUAN).get("/api/v1/manifests?size=500").then().body("items.id", hasItem(id));
        as(TRANSPORTER).get("/api/v1/manifests?size=500").then().body("items.id", not(hasItem(id)));
        receive(id, "6", FACILITY_TRANSPORTER);
        // named, not yet signed: the transporter sees it, the plant nobody named yet does not
        as(TRANSPORTER).get("/api/v1/manifests?size=500").then().body("items.id", hasItem(id));
        as(TRANSPORTER).get("/api/v1/manifests/" + id).then().statusCode(200);
        as(DISPOSER_SEWAGE_PLANT).get("/api/v1/manifests?size=500").then().body("items.id", not(hasItem(id)));
        as(BUREAU_MSA)
                .get("/api/v1/manifests?size=500&facilityId=" + FACILITY_TRANSPORTER)
                .then()
                .body("items.id", hasItem(id));
        as(BUREAU_MSA)
                .get("/api/v1/manifests?size=500&facilityId=" + FACILITY_SEWAGE_PLANT)
                .then()
                .body("items.id", not(hasItem(id)));
        pickUp(id, "6", FACILITY_SEWAGE_PLANT, "渝A·D5678");
        as(DISPOSER_SEWAGE_PLANT)
                .get("/api/v1/manifests?size=500&state=IN_TRANSFER")
                .then()
                .body("items.id", hasItem(id));
        as(DISPOSER_HAZWASTE).get("/api/v1/manifests?size=500").then().body("items.id", not(hasItem(id)));
        as(BUREAU_MSA)
                .get("/api/v1/manifests?size=500&facilityId=" + FACILITY_SEWAGE_PLANT)
                .then()
                .body("items.id", hasItem(id));
    }

    /**
     * Receipt and pickup rewrite the manifest's row in place (a HOT update, V18): PostgreSQL can do that only when
     * no index of the table covers a column the update changes, in its key or its condition. The columns that a
     * receipt and a pickup change, read from the row before and after, must be in none of the indexes' definitions.
     */
    @Test
    void receiptAndPickupChangeNoColumnAnIndexOfTheManifestCovers() throws SQLException {
        String id = draftSewage("7");
        declare(id);
        Map<String, String> declared = row(id);
        receive(id, "6", FACILITY_TRANSPORTER);
        Map<String, String> received = row(id);
        pickUp(id, "6", FACILITY_SEWAGE_PLANT, "渝A·D9012");
        Map<String, String> pickedUp = row(id);
        java.util.Set<String> changed = new java.util.TreeSet<>();
        for (String column : declared.keySet()) {
            if (!java.util.Objects.equals(declared.get(column), received.get(column))
                    || !java.util.Objects.equals(received.get(column), pickedUp.get(column))) {
                changed.add(column);
            }
        }
        assertTrue(changed.containsAll(List.of("state", "next_party_id", "current_qty", "received_at")), "" + changed);
        List<String> indexes = new java.util.ArrayList<>();
        try (Connection c = db.getConnection();
                Statement st = c.createStatement();
                var rs = st.executeQuery("select pg_get_indexdef(indexrelid) from pg_index"
                        + " where indrelid = 'manifest'::regclass")) {
            while (rs.next()) {
                indexes.add(rs.getString(1));
            }
        }
        assertTrue(indexes.size() >= 5, "" + indexes);
        for (String index : indexes) {
            // what follows "USING btree": the key columns and the condition, not the index's or the table's name
            String covered = index.substring(index.indexOf(" USING "));
            for (String column : changed) {
                assertTrue(
                        !java.util.regex.Pattern.compile("\\b" + column + "\\b")
                                .matcher(covered)
                                .find(),
                        "a receipt or a pickup changes " + column + ", which " + index + " covers");
            }
        }
    }

    /** The manifest's row as text per column. */
    private Map<String, String> row(String id) throws SQLException {
        Map<String, String> row = new HashMap<>();
        try (Connection c = db.getConnection();
                var ps = c.prepareStatement("select * from manifest where id = ?::uuid")) {
            ps.setString(1, id);
            try (var rs = ps.executeQuery()) {
                assertTrue(rs.next());
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnName(i), rs.getString(i));
                }
            }
        }
        return row;
    }
}
