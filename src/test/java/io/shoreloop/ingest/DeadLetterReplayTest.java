package io.shoreloop.ingest;

import static io.shoreloop.ingest.MqttTestSupport.await;
import static io.shoreloop.ingest.MqttTestSupport.publish;
import static io.shoreloop.testing.DemoUsers.ADMIN;
import static io.shoreloop.testing.DemoUsers.BERTH_GY_B01;
import static io.shoreloop.testing.DemoUsers.BUREAU_MSA;
import static io.shoreloop.testing.DemoUsers.CALL_YU_CONTAINER_OPEN;
import static io.shoreloop.testing.DemoUsers.OPERATOR_CHAOTIANMEN;
import static io.shoreloop.testing.DemoUsers.OPERATOR_GUOYUAN;
import static io.shoreloop.testing.DemoUsers.as;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Dead letters replayed over the API: a meter that published before it was registered gets its readings once the
 * port's operator replays them (a session with the exact energy, matched to the call at the berth); a message rejected
 * again stays a dead letter and stores nothing; a letter is replayed once; only the port's berth operators and
 * administrators replay.
 */
@QuarkusTest
class DeadLetterReplayTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    AgroalDataSource db;

    @Inject
    MqttIngest ingest;

    Mqtt5BlockingClient mqtt;

    @BeforeEach
    void connect() {
        mqtt = MqttTestSupport.publisher();
        await("subscribed", WAIT, ingest::subscribed);
    }

    @AfterEach
    void disconnect() {
        mqtt.disconnect();
    }

    @Test
    void readingsOfAMeterRegisteredLateAreStoredOnceItsDeadLettersAreReplayed() throws SQLException {
        String code = "T-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        String topic = "shorepower/v1/CQ-GY/B01/" + code + "/reading";
        Instant t0 = Instant.now().minus(20, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        String[] kwh = {"10.000", "10.250", "10.500"};
        for (int i = 0; i < kwh.length; i++) {
            publish(mqtt, topic, reading(code, i, t0.plusSeconds(15L * i), kwh[i]));
        }
        publish(mqtt, topic, "{not json");
        await(
                "four dead letters",
                WAIT,
                () -> count("select count(*) from dead_letter where meter_code = ?", code) == 4);

        // still unregistered: every message is rejected again, nothing stored, nothing marked (the malformed one too:
        // a message of an unregistered meter is refused for that before its payload is read)
        as(OPERATOR_GUOYUAN)
                .post("/api/v1/shorepower/dead-letters/replay?meterCode=" + code)
                .then()
                .statusCode(200)
                .body("replayed", equalTo(0))
                .body("stillRejected", hasSize(4))
                .body(
                        "stillRejected.reasons.flatten().collect { it.substring(0, it.indexOf(':')) }.sort()",
                        contains(
                                "unregistered-meter",
                                "unregistered-meter",
                                "unregistered-meter",
                                "unregistered-meter"));

        String meterId = as(ADMIN)
                .body(Map.of("code", code, "berthId", BERTH_GY_B01, "reportingIntervalS", 15))
                .post("/api/v1/meters")
                .then()
                .statusCode(201)
                .extract()
                .path("id");

        // a bureau sees them and may not replay; another port's operator neither sees nor replays them
        as(BUREAU_MSA)
                .get("/api/v1/shorepower/dead-letters?meterCode=" + code)
                .then()
                .body("total", equalTo(4));
        as(BUREAU_MSA)
                .post("/api/v1/shorepower/dead-letters/replay?meterCode=" + code)
                .then()
                .statusCode(403);
        long first = firstLetter(code);
        as(BUREAU_MSA)
                .post("/api/v1/shorepower/dead-letters/" + first + "/replay")
                .then()
                .statusCode(403);
        as(OPERATOR_CHAOTIANMEN)
                .post("/api/v1/shorepower/dead-letters/" + first + "/replay")
                .then()
                .statusCode(404);
        as(OPERATOR_CHAOTIANMEN)
                .post("/api/v1/shorepower/dead-letters/replay?meterCode=" + code)
                .then()
                .statusCode(200)
                .body("replayed", equalTo(0));
        assertEquals(0, count("select count(*) from meter_reading where meter_id = ?::uuid", meterId));

        // one by hand, then the rest
        String replayed = as(OPERATOR_GUOYUAN)
                .header("Idempotency-Key", "replay-" + first)
                .post("/api/v1/shorepower/dead-letters/" + first + "/replay")
                .then()
                .statusCode(200)
                .body("replayedAt", notNullValue())
                .body("replayOutcome", equalTo("stored 1, duplicates 0"))
                .extract()
                .asString();
        // the same request sent again after its stored answer was lost (a crash between the replay's commit and the
        // answer's): the letter as that replay left it, not 409 (the same holds for the request sent twice at once)
        count(
                "with gone as (delete from idempotency_key where idem_key = ? returning 1) select count(*) from gone",
                "replay-" + first);
        assertEquals(
                replayed,
                as(OPERATOR_GUOYUAN)
                        .header("Idempotency-Key", "replay-" + first)
                        .post("/api/v1/shorepower/dead-letters/" + first + "/replay")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString());
        // another key, or another user with that key: replayed already
        as(OPERATOR_GUOYUAN)
                .header("Idempotency-Key", "replay-again-" + first)
                .post("/api/v1/shorepower/dead-letters/" + first + "/replay")
                .then()
                .statusCode(409);
        as(ADMIN)
                .header("Idempotency-Key", "replay-" + first)
                .post("/api/v1/shorepower/dead-letters/" + first + "/replay")
                .then()
                .statusCode(409);
        assertEquals(1, count("select count(*) from meter_reading where meter_id = ?::uuid", meterId));
        as(OPERATOR_GUOYUAN)
                .post("/api/v1/shorepower/dead-letters/" + first + "/replay")
                .then()
                .statusCode(409)
                .body("type", org.hamcrest.Matchers.endsWith("dead-letter-already-replayed"));
        String rest = as(OPERATOR_GUOYUAN)
                .header("Idempotency-Key", "replay-rest-" + code)
                .post("/api/v1/shorepower/dead-letters/replay?meterCode=" + code)
                .then()
                .statusCode(200)
                .body("replayed", equalTo(2))
                .body("readingsStored", equalTo(2))
                .body("duplicates", equalTo(0))
                .body("stillRejected", hasSize(1))
                .body("stillRejected[0].reasons", contains(startsWith("invalid-json")))
                .body("more", equalTo(false))
                .body("lastId", notNullValue())
                .extract()
                .asString();
        assertEquals(3, count("select count(*) from meter_reading where meter_id = ?::uuid", meterId));
        // the same request sent again after its stored answer was lost: what that request replayed, not "0 replayed"
        // (until 2026-12-07, eighth session, it reported only what was left to replay)
        count(
                "with gone as (delete from idempotency_key where idem_key = ? returning 1) select count(*) from gone",
                "replay-rest-" + code);
        assertEquals(
                rest,
                as(OPERATOR_GUOYUAN)
                        .header("Idempotency-Key", "replay-rest-" + code)
                        .post("/api/v1/shorepower/dead-letters/replay?meterCode=" + code)
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString());
        // without the key, or with another: nothing left to replay but the one rejected again
        as(OPERATOR_GUOYUAN)
                .post("/api/v1/shorepower/dead-letters/replay?meterCode=" + code)
                .then()
                .statusCode(200)
                .body("replayed", equalTo(0))
                .body("stillRejected", hasSize(1));
        assertEquals(3, count("select count(*) from meter_reading where meter_id = ?::uuid", meterId));
        as(ADMIN)
                .get("/api/v1/shorepower/sessions?meterId=" + meterId)
                .then()
                .body("total", equalTo(1))
                .body("items[0].energyKwh", equalTo(0.500f))
                .body("items[0].callId", equalTo(CALL_YU_CONTAINER_OPEN));

        // what is left: the message rejected again, unreplayed; single replay answers why
        as(OPERATOR_GUOYUAN)
                .get("/api/v1/shorepower/dead-letters?meterCode=" + code + "&replayed=false")
                .then()
                .body("total", equalTo(1))
                .body("items[0].reason", startsWith("unregistered-meter"))
                .body("items[0].replayedAt", equalTo(null))
                .body("items[0].replayOutcome", startsWith("rejected again at "))
                .body("items[0].replayOutcome", org.hamcrest.Matchers.containsString(": invalid-json: "));
        long left = as(ADMIN)
                .get("/api/v1/shorepower/dead-letters?meterCode=" + code + "&replayed=false")
                .then()
                .extract()
                .jsonPath()
                .getLong("items[0].id");
        as(OPERATOR_GUOYUAN)
                .post("/api/v1/shorepower/dead-letters/" + left + "/replay")
                .then()
                .statusCode(422)
                .body("type", org.hamcrest.Matchers.endsWith("dead-letter-still-rejected"));
        as(OPERATOR_GUOYUAN)
                .get("/api/v1/shorepower/dead-letters?meterCode=" + code + "&replayed=true")
                .then()
                .body("total", equalTo(3))
                .body("items.replayOutcome", everyItem(equalTo("stored 1, duplicates 0")));

        // the same readings published again now are duplicates; a replay changes nothing twice
        as(OPERATOR_GUOYUAN)
                .post("/api/v1/shorepower/dead-letters/replay?meterCode=" + code)
                .then()
                .body("replayed", equalTo(0));
        assertEquals(3, count("select count(*) from meter_reading where meter_id = ?::uuid", meterId));
    }

    /**
     * A bulk replay takes 500 letters at a time, oldest first: letters rejected again stay unreplayed, and the answer's
     * {@code lastId} goes on past them ({@code after}).
     */
    @Test
    void aBulkReplayPagesOnPastLettersRejectedAgain() throws SQLException {
        String code = "T-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        try (Connection c = db.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("insert into dead_letter (topic, port_id, meter_code, payload,"
                                + " reason, received_at) select 'shorepower/v1/CQ-GY/B01/' || ?::text || '/reading', ?::uuid, ?,"
                                + " '{not json', 'unregistered-meter: test', now() - interval '1 hour' from generate_series(1,"
                                + " 501)")) {
            ps.setString(1, code);
            ps.setString(2, io.shoreloop.testing.DemoUsers.PORT_GUOYUAN);
            ps.setString(3, code);
            ps.executeUpdate();
        }
        var first = as(OPERATOR_GUOYUAN)
                .post("/api/v1/shorepower/dead-letters/replay?meterCode=" + code)
                .then()
                .statusCode(200)
                .body("replayed", equalTo(0))
                .body("stillRejected", hasSize(500))
                .body("more", equalTo(true))
                .extract()
                .jsonPath();
        long lastId = first.getLong("lastId");
        long rest = as(OPERATOR_GUOYUAN)
                .post("/api/v1/shorepower/dead-letters/replay?meterCode=" + code + "&after=" + lastId)
                .then()
                .statusCode(200)
                .body("stillRejected", hasSize(1))
                .body("more", equalTo(false))
                .extract()
                .jsonPath()
                .getLong("stillRejected[0].id");
        assertEquals(count("select max(id) from dead_letter where meter_code = ?", code), rest, "the 501st, newest");
        assertEquals(
                501,
                count(
                        "select count(*) from dead_letter where meter_code = ? and replayed_at is null"
                                + " and replay_outcome like 'rejected again at %'",
                        code));
    }

    /**
     * Replaying old dead letters of a meter that reports now leaves its liveness alone. A replayed reading set the
     * meter's last message back to the letter's day (the next check found it silent and marked it offline), and a
     * replayed last will turned it offline.
     */
    @Test
    void replayingOldLettersOfAMeterThatReportsLeavesItsLivenessAlone() throws SQLException {
        MqttTestSupport.TestMeter meter = MqttTestSupport.aMeterAt(BERTH_GY_B01, "B01", 15);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        publish(mqtt, meter.readingTopic(), meter.reading(1, now, "20.000", false, null));
        await(
                "online from its reading",
                WAIT,
                () -> count(
                                "select count(*) from shore_meter_state where meter_id = ?::uuid and online"
                                        + " and reading_count = 1",
                                meter.id())
                        == 1);
        String before = liveness(meter.id());
        List<Long> letters = new java.util.ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("insert into dead_letter (topic, port_id, meter_code, payload,"
                                + " reason, received_at) values (?, ?::uuid, ?, ?, 'unregistered-meter: test',"
                                + " now() - interval '2 days') returning id")) {
            for (String[] letter : new String[][] {
                {meter.readingTopic(), meter.reading(0, now.minus(2, ChronoUnit.DAYS), "10.000", false, null)},
                {meter.statusTopic(), "{\"online\":false}"}
            }) {
                ps.setString(1, letter[0]);
                ps.setString(2, io.shoreloop.testing.DemoUsers.PORT_GUOYUAN);
                ps.setString(3, meter.code());
                ps.setString(4, letter[1]);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    letters.add(rs.getLong(1));
                }
            }
        }
        for (long id : letters) {
            as(ADMIN)
                    .post("/api/v1/shorepower/dead-letters/" + id + "/replay")
                    .then()
                    .statusCode(200);
        }
        assertEquals(
                2,
                count("select reading_count from shore_meter_state where meter_id = ?::uuid", meter.id()),
                "the old reading stored");
        assertEquals(
                1,
                count("select count(*) from shore_meter_state where meter_id = ?::uuid and online", meter.id()),
                "still online");
        assertEquals(before, liveness(meter.id()), "its last message and its status history as they were");
    }

    /** The meter's last message received and its status history. */
    private String liveness(String meterId) {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("select st.last_received_at::text || ' / ' || (select"
                        + " string_agg(source || ' ' || online || ' ' || at, ', ' order by at) from meter_status"
                        + " where meter_id = st.meter_id) from shore_meter_state st where st.meter_id = ?::uuid")) {
            ps.setString(1, meterId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Inject
    DeadLetterPurge purge;

    /** Dead letters received longer ago than the retention (90 days) are deleted; younger ones stay. */
    @Test
    void deadLettersOlderThanTheRetentionArePurged() throws SQLException {
        String code = "T-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("insert into dead_letter (topic, meter_code, payload, reason,"
                        + " received_at) values ('t', ?, 'p', 'invalid-json: test', now() - cast(? as interval))")) {
            for (String age : List.of("91 days", "89 days", "1 minute")) {
                ps.setString(1, code);
                ps.setString(2, age);
                ps.executeUpdate();
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(purge.purge() >= 1);
        assertEquals(2, count("select count(*) from dead_letter where meter_code = ?", code));
        assertEquals(
                0,
                count(
                        "select count(*) from dead_letter where meter_code = ? and received_at < now() - interval '90"
                                + " days'",
                        code));
    }

    private static String reading(String code, int seq, Instant ts, String kwh) {
        return "{\"meter\":\"" + code + "\",\"seq\":" + seq + ",\"ts\":\"" + ts + "\",\"energyKwh\":" + kwh
                + ",\"breakerClosed\":true,\"voltageV\":400.1,\"frequencyHz\":50.0}";
    }

    private long firstLetter(String code) throws SQLException {
        return count(
                "select min(id) from dead_letter where meter_code = ? and reason like 'unregistered-meter%'", code);
    }

    private long count(String sql, String param) {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
