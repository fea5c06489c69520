package io.shoreloop.manifest;

import static io.shoreloop.testing.DemoUsers.*;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo's manifest history (every state, an overdue one, a discrepancy) and the life of a discrepancy. */
@QuarkusTest
class DemoHistoryAndDiscrepancyTest {

    @Test
    void theDemoHasManifestsInEveryState() {
        for (String state :
                List.of("DRAFT", "DECLARED", "RECEIVED", "IN_TRANSFER", "DISPOSED", "CANCELLED", "REFUSED")) {
            as(ADMIN)
                    .get("/api/v1/manifests?state=" + state)
                    .then()
                    .statusCode(200)
                    .body("total", greaterThanOrEqualTo(1));
        }
    }

    @Test
    void aDeclarationNobodyReceivedWithinTwoHoursIsOverdueAndRecordedInTheLedger() {
        String id = as(BUREAU_MSA)
                .get("/api/v1/manifests?overdue=true&state=DECLARED")
                .then()
                .statusCode(200)
                .body("total", greaterThanOrEqualTo(1))
                .extract()
                .path("items[0].id");
        as(BUREAU_MSA)
                .get("/api/v1/manifests/" + id)
                .then()
                .body("overdueDeadline", equalTo("RECEIPT"))
                .body("overdueSince", notNullValue());
        as(BUREAU_MSA)
                .get("/api/v1/manifests/" + id + "/events")
                .then()
                .body("events.type", hasItem("DEADLINE_MISSED"))
                .body("verified", equalTo(true));
        // the district bureau of Changshou does not see Guoyuan's overdue manifests
        as(BUREAU_CHANGSHOU).get("/api/v1/manifests?overdue=true").then().body("items.id", not(hasItem(id)));
    }

    @Test
    void bothPartiesExplainADiscrepancyAndItIsResolved() {
        List<Map<String, Object>> open = as(BUREAU_MSA)
                .get("/api/v1/manifests/discrepancies?size=500")
                .then()
                .statusCode(200)
                .extract()
                .path("items");
        Map<String, Object> cruise = open.stream()
                .filter(d -> ((Number) d.get("deviationPercent")).doubleValue() == 15.0)
                .findFirst()
                .orElseThrow();
        String manifest = (String) cruise.get("manifestId");
        String discrepancy = (String) cruise.get("discrepancyId");
        String path = "/api/v1/manifests/" + manifest + "/discrepancies/" + discrepancy;
        // a party that is not one of the two may not explain it
        as(TRANSPORTER)
                .body(Map.of("explanation", "not mine"))
                .post(path + "/explain")
                .then()
                .statusCode(403)
                .body("type", equalTo("urn:shoreloop:problem:wrong-party"));
        explainsOnceOnly(RECEIVER_GUOYUAN, path, "flowmeter reading; the ship's estimate included ballast");
        as(CREW_CHANGJIANG)
                .body(Map.of("explanation", "our estimate counted the grey-water tank twice"))
                .post(path + "/explain")
                .then()
                .statusCode(200)
                .body("discrepancies[0].resolvedAt", notNullValue())
                .body("discrepancies[0].resolution", equalTo("Explained by both parties"));
        as(BUREAU_MSA)
                .get("/api/v1/manifests/discrepancies?size=500")
                .then()
                .body("items.discrepancyId", not(hasItem(discrepancy)));
        as(BUREAU_MSA)
                .get("/api/v1/manifests/" + manifest + "/events")
                .then()
                .body("events.type", hasItems("DISCREPANCY_OPENED", "DISCREPANCY_EXPLAINED"))
                .body("verified", equalTo(true));
    }

    @Test
    void aBureauClosesADiscrepancyTheOthersCannot() {
        String id = ManifestFlowTest.draftSewage("10");
        ManifestFlowTest.declare(id);
        String discrepancy = as(RECEIVER_GUOYUAN)
                .body(ManifestFlowTest.handover("5", FACILITY_TRANSPORTER))
                .post("/api/v1/manifests/" + id + "/receive")
                .then()
                .statusCode(200)
                .body("discrepancies[0].deviationPercent", equalTo(50.0f))
                .extract()
                .path("discrepancies[0].id");
        String path = "/api/v1/manifests/" + id + "/discrepancies/" + discrepancy;
        as(RECEIVER_GUOYUAN)
                .body(Map.of("explanation", "closing myself"))
                .post(path + "/close")
                .then()
                .statusCode(403);
        as(BUREAU_CHANGSHOU)
                .body(Map.of("explanation", "not my port"))
                .post(path + "/close")
                .then()
                .statusCode(404);
        as(BUREAU_MSA)
                .body(Map.of("explanation", "inspected on site: half of the tank was rainwater"))
                .post(path + "/close")
                .then()
                .statusCode(200)
                .body("discrepancies[0].resolution", equalTo("inspected on site: half of the tank was rainwater"));
        as(ADMIN).get("/api/v1/ledger/verify").then().body("intact", equalTo(true));
    }

    /** A sewage batch declared 10 m³ and received whole for the transporter; answers its id. */
    private static String receivedWhole() {
        String id = ManifestFlowTest.draftSewage("10");
        ManifestFlowTest.declare(id);
        as(RECEIVER_GUOYUAN)
                .body(ManifestFlowTest.handover("10", FACILITY_TRANSPORTER))
                .post("/api/v1/manifests/" + id + "/receive")
                .then()
                .statusCode(200)
                .body("discrepancies", hasSize(0));
        return id;
    }

    /** A pickup leg by the transporter, naming {@code next}; answers the manifest as JSON. */
    private static io.restassured.path.json.JsonPath leg(String id, String quantity, String next) {
        Map<String, Object> pickup = ManifestFlowTest.handover(quantity, next);
        pickup.put("vehicle", "渝A·D1234");
        return as(TRANSPORTER)
                .body(pickup)
                .post("/api/v1/manifests/" + id + "/pickup")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    /**
     * Legs each within the tolerance of the leg before (here 9 %, 8.8 %) cannot carry a batch away unnoticed: a
     * further leg is also reconciled against the quantity the transfer started from (the receipt, 10), and the drift
     * counts again from a leg where a discrepancy was opened (8.3 → 7.6 is 8.4 %: no second one).
     */
    @Test
    void legsThatEachLoseALittleOpenADiscrepancyOnceTheTransferHasLostTooMuch() {
        String id = receivedWhole();
        assertEquals(
                0, leg(id, "9.1", FACILITY_TRANSPORTER).getList("discrepancies").size());
        io.restassured.path.json.JsonPath second = leg(id, "8.3", FACILITY_TRANSPORTER);
        assertEquals(1, second.getList("discrepancies").size(), second.prettify());
        assertEquals(10.0f, second.getFloat("discrepancies[0].previousQuantity"));
        assertEquals(8.3f, second.getFloat("discrepancies[0].newQuantity"));
        assertEquals(17.0f, second.getFloat("discrepancies[0].deviationPercent"));
        assertEquals(FACILITY_GUOYUAN, second.getString("discrepancies[0].previousParty"));
        assertEquals(FACILITY_TRANSPORTER, second.getString("discrepancies[0].newParty"));
        assertEquals(
                1,
                leg(id, "7.6", FACILITY_SEWAGE_PLANT).getList("discrepancies").size());
    }

    /**
     * A transporter's partial refusal is a leg too (it picks up the part it accepts): refusals that each lose a little
     * (10 → 9.1 + 0.001 refused, → 8.2 + 0.001 refused: 9 % and 9.9 % from the leg before) cannot carry the batch
     * away unnoticed either. Until 2026-12-08 they opened no discrepancy.
     */
    @Test
    void refusalsThatEachLoseALittleOpenADiscrepancyOnceTheTransferHasLostTooMuch() {
        String id = receivedWhole();
        assertEquals(0, refusalLeg(id, "9.1", "0.001").getList("discrepancies").size());
        io.restassured.path.json.JsonPath second = refusalLeg(id, "8.2", "0.001");
        assertEquals(1, second.getList("discrepancies").size(), second.prettify());
        // the transfer started from 10, of which 0.001 was refused on the way: 8.201 found is 18 % short
        assertEquals(9.999f, second.getFloat("discrepancies[0].previousQuantity"));
        assertEquals(8.201f, second.getFloat("discrepancies[0].newQuantity"));
        assertEquals(17.98f, second.getFloat("discrepancies[0].deviationPercent"));
        assertEquals(FACILITY_GUOYUAN, second.getString("discrepancies[0].previousParty"));
    }

    /**
     * A leg after a partial refusal in transfer is reconciled against what the transfer kept: 10 received, 4 of them
     * refused on the way, 6 picked up is no deviation. Until 2026-12-08 the refused 4 counted as lost (40 %).
     */
    @Test
    void aLegAfterAPartialRefusalIsReconciledAgainstWhatWasKept() {
        String id = receivedWhole();
        assertEquals(
                0, leg(id, "10", FACILITY_TRANSPORTER).getList("discrepancies").size());
        assertEquals(0, refusalLeg(id, "6", "4").getList("discrepancies").size());
        io.restassured.path.json.JsonPath after = leg(id, "6", FACILITY_SEWAGE_PLANT);
        assertEquals(0, after.getList("discrepancies").size(), after.prettify());
        assertEquals(false, after.getBoolean("discrepant"));
    }

    /** The transporter refuses part of the batch and picks up the rest, naming itself for the next leg. */
    private static io.restassured.path.json.JsonPath refusalLeg(String id, String accepted, String refused) {
        return as(TRANSPORTER)
                .body(Map.of(
                        "acceptedQuantity",
                        accepted,
                        "refusedQuantity",
                        refused,
                        "method",
                        "METERED",
                        "reason",
                        "part of it is not sewage",
                        "vehicle",
                        "渝A·D1234",
                        "nextPartyId",
                        FACILITY_TRANSPORTER))
                .post("/api/v1/manifests/" + id + "/refuse")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    /**
     * A deviation between two legs of one transporter (it relayed the batch to itself) has one party on both sides:
     * its explanation does not resolve it, a second one is refused, and a bureau closes it.
     */
    @Test
    void aDiscrepancyWithOnePartyOnBothSidesIsClosedByABureau() {
        String id = receivedWhole();
        leg(id, "10", FACILITY_TRANSPORTER);
        io.restassured.path.json.JsonPath second = leg(id, "7", FACILITY_SEWAGE_PLANT);
        String discrepancy = second.getString("discrepancies[0].id");
        assertEquals(FACILITY_TRANSPORTER, second.getString("discrepancies[0].previousParty"));
        assertEquals(FACILITY_TRANSPORTER, second.getString("discrepancies[0].newParty"));
        String path = "/api/v1/manifests/" + id + "/discrepancies/" + discrepancy;
        explainsOnceOnly(TRANSPORTER, path, "spilled at the transfer quay");
        as(BUREAU_MSA)
                .body(Map.of("explanation", "spill reported to the MSA the same day"))
                .post(path + "/close")
                .then()
                .statusCode(200)
                .body("discrepancies[0].resolvedAt", notNullValue());
    }

    /** {@code user}'s party explains the discrepancy (not resolved by that alone), and may not explain it again. */
    private static void explainsOnceOnly(String user, String path, String explanation) {
        as(user).body(Map.of("explanation", explanation))
                .post(path + "/explain")
                .then()
                .statusCode(200)
                .body("discrepancies[0].resolvedAt", nullValue());
        as(user).body(Map.of("explanation", "again"))
                .post(path + "/explain")
                .then()
                .statusCode(409)
                .body("type", equalTo("urn:shoreloop:problem:already-done"));
    }
}
