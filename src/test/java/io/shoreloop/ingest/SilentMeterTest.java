package io.shoreloop.ingest;

import static io.shoreloop.ingest.MqttTestSupport.aMeterAt;
import static io.shoreloop.ingest.MqttTestSupport.await;
import static io.shoreloop.ingest.MqttTestSupport.publish;
import static io.shoreloop.ingest.MqttTestSupport.readingsOfLatest;
import static io.shoreloop.ingest.MqttTestSupport.sessionsOf;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.shoreloop.ingest.MqttTestSupport.TestMeter;
import io.shoreloop.shorepower.Listening;
import io.shoreloop.shorepower.MeterLiveness;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A session whose meter stops reporting ends {@code INTERRUPTED} once Shoreloop has received nothing from the meter
 * for longer than the silence timeout (30 min), without waiting for a reading that may never come; the readings that
 * come later re-derive it as they would have. Time passing is played by moving the meter's last receipt back in the
 * database (the owner's connection); everything else is real MQTT messages to the test broker.
 */
@QuarkusTest
class SilentMeterTest extends WithPublisher {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    AgroalDataSource db;

    @Inject
    MeterLiveness liveness;

    @Inject
    Listening listening;

    @Test
    void aSessionWhoseMeterFellSilentIsInterruptedAndTheReadingsThatComeLaterReDeriveIt() throws SQLException {
        String code = "S" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        TestMeter meter = aMeterAt(MqttTestSupport.aBerthAtGuoyuan(code, "Silence test berth"), code, 15);
        Instant t0 = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        publish(mqtt, meter.readingTopic(), meter.reading(0, t0, "1.000", false, null));
        publish(mqtt, meter.readingTopic(), meter.reading(1, t0.plusSeconds(15), "2.000", true, null));
        publish(mqtt, meter.readingTopic(), meter.reading(2, t0.plusSeconds(30), "3.000", true, null));
        publish(mqtt, meter.readingTopic(), meter.reading(3, t0.plusSeconds(45), "4.000", true, null));
        await("an open session of three readings", WAIT, () -> readingsOfLatest(meter) == 3);
        JsonPath open = sessionsOf(meter);
        assertEquals("OPEN", open.getString("items[0].status"));
        assertEquals(3.000f, open.getFloat("items[0].energyKwh"));

        // a meter heard of just now: its session stays open
        liveness.interruptSilentSessions();
        assertEquals("OPEN", sessionsOf(meter).getString("items[0].status"));

        // nothing received from the meter for 31 minutes: the session ends at its last reading, interrupted
        lastReceivedMinutesAgo(meter, 31);
        await("the session interrupted", WAIT, () -> "INTERRUPTED".equals(status(meter)));
        JsonPath interrupted = sessionsOf(meter);
        assertEquals(1, interrupted.getList("items").size());
        assertEquals(t0.plusSeconds(15).toString(), interrupted.getString("items[0].start"));
        assertEquals(t0.plusSeconds(45).toString(), interrupted.getString("items[0].end"));
        assertEquals(List.of("INTERRUPTED"), interrupted.getList("items[0].flags"));
        assertEquals(3.000f, interrupted.getFloat("items[0].energyKwh"), "no energy created or lost");

        // the meter sends a reading it kept while unreachable, 15 s after the last: the session goes on
        publish(mqtt, meter.readingTopic(), meter.reading(4, t0.plusSeconds(60), "5.000", true, null));
        await("the session open again", WAIT, () -> "OPEN".equals(status(meter)));
        JsonPath resumed = sessionsOf(meter);
        assertEquals(1, resumed.getList("items").size());
        assertEquals(t0.plusSeconds(60).toString(), resumed.getString("items[0].end"));
        assertEquals(List.of(), resumed.getList("items[0].flags"));
        assertEquals(4.000f, resumed.getFloat("items[0].energyKwh"));

        // silent again; then a reading 40 minutes after its last one: the silence ended the session, as decided
        lastReceivedMinutesAgo(meter, 45);
        await("the session interrupted again", WAIT, () -> "INTERRUPTED".equals(status(meter)));
        publish(
                mqtt,
                meter.readingTopic(),
                meter.reading(5, t0.plusSeconds(60).plus(40, ChronoUnit.MINUTES), "9.000", true, null));
        await(
                "a new session after the silence",
                WAIT,
                () -> sessionsOf(meter).getList("items").size() == 2);
        JsonPath after = sessionsOf(meter);
        assertEquals("OPEN", after.getString("items[0].status"));
        assertEquals(t0.plusSeconds(60).plus(40, ChronoUnit.MINUTES).toString(), after.getString("items[0].start"));
        assertEquals("INTERRUPTED", after.getString("items[1].status"));
        assertEquals(t0.plusSeconds(60).toString(), after.getString("items[1].end"));
        assertEquals(List.of("INTERRUPTED"), after.getList("items[1].flags"));
        assertEquals(4.000f, after.getFloat("items[1].energyKwh"), "the silence's 4 kWh are unallocated");
    }

    /**
     * Silence counts only while Shoreloop listens: while its connection is lost nothing is judged, and once it is back
     * a meter is judged only after Shoreloop has listened for as long as the meter's silence takes (here 3 × 15 s),
     * the broker first delivering what it kept. Until 2026-12-07 (eighth session) every meter that had not reported
     * during an outage of Shoreloop's was marked offline at the first check after it, and the sessions' wait for
     * silence ran from the instance's start, a lost connection not counted.
     */
    @Test
    void silenceCountsOnlyWhileShoreloopListens() throws Exception {
        TestMeter meter = aMeterWithAnOpenSession("Listening test berth", 15, 1);
        assertEquals(Boolean.TRUE, online(meter));
        java.util.Optional<Instant> wasListening = listening.since();
        try {
            // the connection lost; nothing received from the meter for 31 minutes (Shoreloop's outage, not the meter's)
            listening.stopped();
            lastReceivedMinutesAgo(meter, 31);
            single(
                    "with m as (update shore_meter_state set online_since = last_received_at - interval '1 minute'"
                            + " where meter_id = ?::uuid returning 1) select count(*) from m",
                    meter.id());
            assertEquals(0, liveness.checkSilence());
            assertEquals(0, liveness.interruptSilentSessions());
            Thread.sleep(2500); // the scheduled checks run every second in the tests
            assertEquals(Boolean.TRUE, online(meter), "not judged while Shoreloop does not listen");
            assertEquals("OPEN", status(meter));

            // listening again since just now: the meter's silence takes 45 s of listening
            listening.started(Instant.now());
            Thread.sleep(2500);
            assertEquals(Boolean.TRUE, online(meter), "not judged before Shoreloop listened for 3 intervals");

            // listening for a minute: offline, dated 3 intervals after its last message
            listening.started(Instant.now().minusSeconds(60));
            await("offline once Shoreloop listened long enough", WAIT, () -> Boolean.FALSE.equals(online(meter)));
            assertEquals(
                    1L,
                    single(
                            "select count(*) from shore_meter_state where meter_id = ?::uuid"
                                    + " and online_since = last_received_at + interval '45 seconds'",
                            meter.id()));
            // interrupt-after-start is 0 in the tests: listening at all is enough for the session
            await("the session interrupted", WAIT, () -> "INTERRUPTED".equals(status(meter)));
        } finally {
            // as the ingestion set it (unless it subscribed again meanwhile)
            wasListening.ifPresentOrElse(listening::started, listening::stopped);
        }
    }

    /**
     * A meter registered to report hourly: its session is interrupted after 3 of its intervals of silence, not after
     * the 30 minute timeout (until 2026-12-08 it was, at every step; and, as the readings came an hour apart, each
     * session ended at its first reading with no energy).
     */
    @Test
    void anHourlyMetersSessionWaitsForThreeOfItsIntervals() throws Exception {
        TestMeter meter = aMeterWithAnOpenSession("Hourly meter berth", 3600, 10);
        JsonPath open = sessionsOf(meter);
        assertEquals("OPEN", open.getString("items[0].status"));
        assertEquals(30.000f, open.getFloat("items[0].energyKwh"), "the hourly steps are no silence");
        java.util.Optional<Instant> wasListening = listening.since();
        try {
            listening.started(Instant.now().minus(4, ChronoUnit.HOURS)); // long enough to judge an hourly meter
            lastReceivedMinutesAgo(meter, 31);
            liveness.interruptSilentSessions();
            Thread.sleep(2500); // the scheduled checks run every second in the tests
            assertEquals("OPEN", status(meter), "31 minutes is no silence for an hourly meter");

            lastReceivedMinutesAgo(meter, 181);
            await("interrupted after 3 hours", WAIT, () -> "INTERRUPTED".equals(status(meter)));
            assertEquals(30.000f, sessionsOf(meter).getFloat("items[0].energyKwh"), "no energy created or lost");
        } finally {
            wasListening.ifPresentOrElse(listening::started, listening::stopped);
        }
    }

    /**
     * A new meter reporting every {@code intervalS} seconds that sent four readings, one interval apart and five hours
     * ago at most, the first with the breaker open and each {@code kwhPerStep} more: an open session of three readings.
     */
    private TestMeter aMeterWithAnOpenSession(String berthName, int intervalS, int kwhPerStep) {
        String code = "S" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        TestMeter meter = aMeterAt(MqttTestSupport.aBerthAtGuoyuan(code, berthName), code, intervalS);
        Instant t0 = Instant.now().minus(5, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        for (int i = 0; i < 4; i++) {
            publish(
                    mqtt,
                    meter.readingTopic(),
                    meter.reading(i, t0.plusSeconds((long) intervalS * i), (kwhPerStep * i + 1) + ".000", i > 0, null));
        }
        await("an open session of three readings", WAIT, () -> readingsOfLatest(meter) == 3);
        return meter;
    }

    private Boolean online(TestMeter meter) {
        try (Connection c = db.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("select online from shore_meter_state where meter_id = ?::uuid")) {
            ps.setString(1, meter.id());
            try (var rs = ps.executeQuery()) {
                return rs.next() ? (Boolean) rs.getObject(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long single(String sql, String id) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void lastReceivedMinutesAgo(TestMeter meter, int minutes) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("update shore_meter_state"
                        + " set last_received_at = now() - make_interval(mins => ?) where meter_id = ?::uuid")) {
            ps.setInt(1, minutes);
            ps.setString(2, meter.id());
            assertEquals(1, ps.executeUpdate());
        }
    }

    private static String status(TestMeter meter) {
        return sessionsOf(meter).getString("items[0].status");
    }
}
