package io.shoreloop.demo;

import static io.shoreloop.testing.DemoUsers.ADMIN;
import static io.shoreloop.testing.DemoUsers.BUREAU_MSA;
import static io.shoreloop.testing.DemoUsers.METER_GY_B01;
import static io.shoreloop.testing.DemoUsers.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.shoreloop.calls.VesselCall;
import io.shoreloop.shorepower.MeterDirectory;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The demo's meter readings (domain.md: "meter readings with one reset, so that every page and report has something
 * true to show from the first minute"), as the test profile's demo loaded them at start: the container ship's session
 * carries exactly the energy the generator drew across the meter's reboot and is matched to its call, which is
 * compliant; the ro-ro ship's short call has readings and no session.
 */
@QuarkusTest
class DemoReadingsTest {

    private static final String METER_GY_B02 = "00000000-0000-0000-0007-000000000002";

    @Inject
    MeterDirectory meters;

    @Test
    void theContainerShipsCallHasOneSessionWithTheMetersResetAndTheEnergyItDrew() throws InterruptedException {
        VesselCall call = QuarkusTransaction.requiringNew()
                .call(() -> VesselCall.<VesselCall>findById(DemoHistory.CALL_YU_CONTAINER_1));
        DemoReadings.Generated truth = DemoReadings.containerCall(
                meters.resolve(List.of(DemoReadings.METER_CONTAINER)).get(DemoReadings.METER_CONTAINER), call);
        Response sessions = as(ADMIN)
                .get("/api/v1/shorepower/sessions?meterId=" + METER_GY_B01 + "&to="
                        + call.departure.plus(Duration.ofHours(1)))
                .then()
                .statusCode(200)
                .body("total", equalTo(1))
                .body("items[0].callId", equalTo(DemoHistory.CALL_YU_CONTAINER_1.toString()))
                .body("items[0].matchOutcome", equalTo("MATCHED"))
                .body("items[0].status", equalTo("CLOSED"))
                .body("items[0].flags", hasItem("RESET"))
                .extract()
                .response();
        BigDecimal energy = new BigDecimal(sessions.path("items[0].energyKwh").toString());
        assertEquals(BigDecimal.valueOf(truth.drawnWh(), 3), energy.setScale(3), "the energy drawn, to the Wh");
        assertTrue(truth.drawnWh() > 700_000 && truth.drawnWh() < 1_200_000, "about 7 h at 110-170 kW: " + energy);
        assertEquals(call.arrival.plus(Duration.ofMinutes(25)), Instant.parse(sessions.path("items[0].start")));

        // the call's shore-power duty: connected, so compliant (judged by the worker shortly after the start)
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String outcome;
        do {
            outcome = as(BUREAU_MSA)
                    .get("/api/v1/compliance/calls/" + DemoHistory.CALL_YU_CONTAINER_1)
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("verdicts.find { it.kind == 'SHORE_POWER' }.outcome");
            if (!"COMPLIANT".equals(outcome)) {
                Thread.sleep(100);
            }
        } while (!"COMPLIANT".equals(outcome) && System.nanoTime() < end);
        assertEquals("COMPLIANT", outcome);
    }

    @Test
    void theRoroShipsShortCallHasReadingsAndNoSession() {
        as(ADMIN)
                .get("/api/v1/shorepower/meters/" + METER_GY_B02 + "/status")
                .then()
                .statusCode(200)
                .body("history.source", hasItem("STATUS_TOPIC"));
        as(ADMIN)
                .get("/api/v1/shorepower/sessions?meterId=" + METER_GY_B02)
                .then()
                .statusCode(200)
                .body("total", equalTo(0));
    }
}
