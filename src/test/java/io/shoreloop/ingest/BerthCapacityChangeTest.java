package io.shoreloop.ingest;

import static io.shoreloop.ingest.MqttTestSupport.aMeterAt;
import static io.shoreloop.ingest.MqttTestSupport.await;
import static io.shoreloop.ingest.MqttTestSupport.publish;
import static io.shoreloop.ingest.MqttTestSupport.readingsOfLatest;
import static io.shoreloop.ingest.MqttTestSupport.sessionsOf;
import static io.shoreloop.testing.DemoUsers.ADMIN;
import static io.shoreloop.testing.DemoUsers.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.shoreloop.ingest.MqttTestSupport.TestMeter;
import io.shoreloop.shorepower.MeterDirectory;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A berth's shore-power capacity bounds what its meters' readings may plausibly show. Changed after they read, it
 * judged their old readings anew whenever a late reading re-derived a session (energy counted that was rejected
 * before, on which a verdict may have been decided). The change now takes effect after every reading stored and after
 * every instance has heard of it, and each reading is judged with the capacity of its time.
 *
 * <p>The meter reports every 15 s, 3 kWh a step (720 kW): above 500 kVA × 125 % (625 kW), below 1,000 kVA's.
 */
@QuarkusTest
class BerthCapacityChangeTest extends WithPublisher {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    AgroalDataSource db;

    @Inject
    MeterDirectory directory;

    @Test
    void readingsAreJudgedWithTheCapacityOfTheirTimeHoweverLateTheyAreDerived() throws SQLException {
        String code = "C" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        String berthId = MqttTestSupport.aBerthAtGuoyuan(code, "Capacity test berth");
        TestMeter meter = aMeterAt(berthId, code, 15);
        Instant t0 = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        publish(mqtt, meter.readingTopic(), meter.reading(0, t0, "1.000", false, null));
        publish(mqtt, meter.readingTopic(), meter.reading(1, t0.plusSeconds(15), "4.000", true, null));
        publish(mqtt, meter.readingTopic(), meter.reading(2, t0.plusSeconds(30), "7.000", true, null));
        publish(mqtt, meter.readingTopic(), meter.reading(3, t0.plusSeconds(45), "10.000", true, null));
        await("a session of three readings", WAIT, () -> readingsOfLatest(meter) == 3);
        assertEquals(0.000f, sessionsOf(meter).getFloat("items[0].energyKwh"), "720 kW at a 500 kVA berth");
        assertEquals(9.000f, sessionsOf(meter).getFloat("items[0].rejectedKwh"));

        // the berth's supply upgraded to 1,000 kVA
        Instant changed = Instant.now();
        upgrade(berthId, 1000);
        directory.forget();
        // a late reading between the second and the third: the session is derived again, with the old capacity
        publish(mqtt, meter.readingTopic(), meter.reading(9, t0.plusSeconds(40), "9.000", true, null));
        await("the late reading in the session", WAIT, () -> readingsOfLatest(meter) == 4);
        JsonPath late = sessionsOf(meter);
        assertEquals(0.000f, late.getFloat("items[0].energyKwh"), "readings before the change judged as before it");
        assertEquals(9.000f, late.getFloat("items[0].rejectedKwh"));

        // the change takes effect after the future tolerance (5 min) and the directories' minute
        Instant effective = effectiveFrom(berthId);
        assertTrue(
                !effective.isBefore(changed.plus(Duration.ofMinutes(7)).minusSeconds(1)),
                "in effect from " + effective + ", changed at " + changed);

        // as if that time had come: the readings after it count at 1,000 kVA (the first step straddles it: 5 s at
        // 500 kVA and 10 s at 1,000, 4.34 kWh at most), and those before it stay judged at 500
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "update berth_capacity_change set effective_from = ?" + " where berth_id = ?::uuid")) {
            ps.setObject(1, java.time.OffsetDateTime.ofInstant(t0.plusSeconds(50), java.time.ZoneOffset.UTC));
            ps.setString(2, berthId);
            assertEquals(1, ps.executeUpdate());
        }
        directory.forget();
        publish(mqtt, meter.readingTopic(), meter.reading(10, t0.plusSeconds(60), "13.000", true, null));
        publish(mqtt, meter.readingTopic(), meter.reading(11, t0.plusSeconds(75), "16.000", true, null));
        await("two readings after the change", WAIT, () -> readingsOfLatest(meter) == 6);
        JsonPath after = sessionsOf(meter);
        assertEquals(6.000f, after.getFloat("items[0].energyKwh"));
        assertEquals(9.000f, after.getFloat("items[0].rejectedKwh"));
    }

    private static void upgrade(String berthId, int capacityKva) {
        Response berth = as(ADMIN)
                .get("/api/v1/berths/" + berthId)
                .then()
                .statusCode(200)
                .extract()
                .response();
        as(ADMIN)
                .header("If-Match", berth.header("ETag"))
                .body(Map.of(
                        "portId",
                        berth.jsonPath().getString("portId"),
                        "code",
                        berth.jsonPath().getString("code"),
                        "name",
                        berth.jsonPath().getString("name"),
                        "terminalKind",
                        berth.jsonPath().getString("terminalKind"),
                        "shorePower",
                        Map.of("available", true, "voltageV", 400, "frequencyHz", 50, "capacityKva", capacityKva)))
                .put("/api/v1/berths/" + berthId)
                .then()
                .statusCode(200);
    }

    private Instant effectiveFrom(String berthId) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "select effective_from from berth_capacity_change where berth_id = ?::uuid")) {
            ps.setString(1, berthId);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "the change is kept");
                return rs.getObject(1, java.time.OffsetDateTime.class).toInstant();
            }
        }
    }
}
