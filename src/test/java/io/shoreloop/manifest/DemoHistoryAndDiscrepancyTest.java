package io.shoreloop.manifest;

import static io.shoreloop.testing.DemoUsers.*;
import static org.hamcrest.Matchers.*;

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
        as(RECEIVER_GUOYUAN)
                .body(Map.of("explanation", "flowmeter reading; the ship's estimate included ballast"))
                .post(path + "/explain")
                .then()
                .statusCode(200)
                .body("discrepancies[0].resolvedAt", nullValue());
        as(RECEIVER_GUOYUAN)
                .body(Map.of("explanation", "again"))
                .post(path + "/explain")
                .then()
                .statusCode(409)
                .body("type", equalTo("urn:shoreloop:problem:already-done"));
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
}
