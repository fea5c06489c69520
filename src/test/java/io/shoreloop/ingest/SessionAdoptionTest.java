package io.shoreloop.ingest;

import static io.shoreloop.ingest.MqttTestSupport.aMeterAt;
import static io.shoreloop.ingest.MqttTestSupport.await;
import static io.shoreloop.ingest.MqttTestSupport.publish;
import static io.shoreloop.testing.DemoUsers.ADMIN;
import static io.shoreloop.testing.DemoUsers.BERTH_GY_B01;
import static io.shoreloop.testing.DemoUsers.OPERATOR_GUOYUAN;
import static io.shoreloop.testing.DemoUsers.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.shoreloop.ingest.MqttTestSupport.TestMeter;
import io.shoreloop.platform.ShoreloopConfig;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The session of an instance gone silent is adopted by a live one: what it holds is stored (once: what was stored
 * before counts as duplicates), it is ended on the broker, its row marked retired; live instances and one another
 * adopter holds are left alone. The instances are rows in {@code ingest_instance} and sessions on the test broker.
 */
@QuarkusTest
class SessionAdoptionTest {

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    AgroalDataSource db;

    @Inject
    MeterRegistry metrics;

    @Inject
    MqttIngest ingest;

    @Inject
    IngestInstances instances;

    @Inject
    io.shoreloop.platform.ShoreloopConfig config;

    /**
     * With {@code adopt-sessions=auto} the broker is asked whether it is Mosquitto (its retained {@code
     * $SYS/broker/version}): the embedded HiveMQ CE is not, so sessions there are not adopted (HiveMQ CE queues nothing
     * for absent shared members, and removing a member's session while a message is in flight to it stalls the group,
     * measured); {@code never} and {@code always} decide without asking.
     */
    @Test
    void onHiveMqAutoLeavesGoneInstancesSessionsToExpire() throws Exception {
        await("the ingest connected", Duration.ofSeconds(30), () -> ingest.ingesting() && ingest.subscribed());
        for (var mode : io.shoreloop.platform.ShoreloopConfig.AdoptSessions.values()) {
            ShoreloopConfig.Mqtt mqtt = (ShoreloopConfig.Mqtt) java.lang.reflect.Proxy.newProxyInstance(
                    getClass().getClassLoader(),
                    new Class<?>[] {ShoreloopConfig.Mqtt.class},
                    (proxy, method, args) ->
                            method.getName().equals("adoptSessions") ? mode : method.invoke(config.mqtt(), args));
            SessionAdoption adoption = new SessionAdoption(mqtt, new BrokerClients(mqtt), ingest);
            assertEquals(
                    mode == io.shoreloop.platform.ShoreloopConfig.AdoptSessions.ALWAYS,
                    adoption.needed(ingest.protocol()),
                    mode.toString());
        }
    }

    @Test
    void aGoneInstancesSessionIsEmptiedAndEndedAndTheOthersAreLeftAlone() throws Exception {
        await("the ingest connected", Duration.ofSeconds(30), () -> ingest.ingesting() && ingest.subscribed());
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String gone = "test-gone-" + suffix;
        String live = "test-live-" + suffix;
        String leased = "test-leased-" + suffix;
        TestMeter meter = aMeterAt(BERTH_GY_B01, "B01", 15);

        // the gone instance's session: subscribed to the meter's readings, then away (its session kept)
        Mqtt5BlockingClient old = client(gone);
        old.connectWith().cleanStart(true).sessionExpiryInterval(600).send();
        old.subscribeWith()
                .topicFilter(meter.readingTopic())
                .qos(MqttQos.AT_LEAST_ONCE)
                .send();
        old.disconnect();
        Instant t0 = Instant.now().minusSeconds(600);
        Mqtt5BlockingClient publisher = MqttTestSupport.publisher();
        try {
            for (int i = 0; i < 3; i++) {
                publish(
                        publisher,
                        meter.readingTopic(),
                        meter.reading(i, t0.plusSeconds(15L * i), "1." + i, true, null));
            }
        } finally {
            publisher.disconnect();
        }
        // stored through this instance's own subscription; the broker keeps copies for the gone session
        await("stored", Duration.ofSeconds(30), () -> readings(meter) == 3);

        execute("delete from ingest_instance where client_id like 'test-%'");
        execute("insert into ingest_instance (client_id, last_seen_at) values ('" + gone
                + "', now() - interval '1 hour'), ('" + live + "', now()), ('" + leased
                + "', now() - interval '2 hours')");
        execute("update ingest_instance set claimed_by = 'another', claimed_at = now() where client_id = '" + leased
                + "'");
        double adoptedBefore = counter("shoreloop.ingest.sessions.adopted.messages");
        double duplicatesBefore = counter("shoreloop.ingest.readings.duplicate");

        assertTrue(instances.retireOne(), "a gone instance was adopted");

        assertEquals(3.0, counter("shoreloop.ingest.sessions.adopted.messages") - adoptedBefore, "its 3 messages");
        assertEquals(3.0, counter("shoreloop.ingest.readings.duplicate") - duplicatesBefore, "stored before: once");
        assertEquals(3, readings(meter));
        String me = ConfigProvider.getConfig().getValue("shoreloop.mqtt.client-id", String.class);
        assertEquals(
                List.of("true", me),
                row("select (retired_at is not null)::text, claimed_by from ingest_instance" + " where client_id = '"
                        + gone + "'"));
        assertEquals(
                List.of("false", "null"),
                row("select (retired_at is not null)::text, coalesce(claimed_by,"
                        + " 'null') from ingest_instance where client_id = '" + live + "'"));
        assertEquals(
                List.of("false", "another"),
                row("select (retired_at is not null)::text, claimed_by from" + " ingest_instance where client_id = '"
                        + leased + "'"));
        // ended on the broker: resuming it finds none
        Mqtt5BlockingClient probe = client(gone);
        boolean present = probe.connectWith()
                .cleanStart(false)
                .sessionExpiryInterval(0)
                .send()
                .isSessionPresent();
        probe.disconnect();
        assertFalse(present, "the gone instance's session was ended");
        // nothing else to adopt: the live one is alive, the other is leased
        assertFalse(instances.retireOne());
        // as the administrators see them
        assertEquals("RETIRED", stateOf(gone));
        assertEquals("ALIVE", stateOf(live));
        assertEquals("ADOPTING", stateOf(leased));
        // this instance itself: its heartbeat recorded when its ingest started
        assertEquals("ALIVE", stateOf(me));
        assertEquals(
                true,
                as(ADMIN)
                        .get("/api/v1/shorepower/ingest-instances")
                        .then()
                        .extract()
                        .jsonPath()
                        .getBoolean("find { it.clientId == '" + me + "' }.self"));
        as(OPERATOR_GUOYUAN)
                .get("/api/v1/shorepower/ingest-instances")
                .then()
                .statusCode(403)
                .body("type", org.hamcrest.Matchers.equalTo("urn:shoreloop:problem:forbidden"));
        execute("delete from ingest_instance where client_id like 'test-%'");
    }

    @Test
    void aGoneInstanceWithoutASessionOnTheBrokerIsRetiredToo() throws Exception {
        await("the ingest connected", Duration.ofSeconds(30), () -> ingest.ingesting() && ingest.subscribed());
        String gone = "test-nosession-" + UUID.randomUUID().toString().substring(0, 8);
        execute("delete from ingest_instance where client_id like 'test-%'");
        execute("insert into ingest_instance (client_id, last_seen_at) values ('" + gone
                + "', now() - interval '1 hour')");
        assertEquals("GONE", stateOf(gone));
        assertTrue(instances.retireOne());
        assertEquals(
                List.of("true"),
                row("select (retired_at is not null)::text from ingest_instance" + " where client_id = '" + gone
                        + "'"));
        // and the connect that looked for it left no session behind
        Mqtt5BlockingClient probe = client(gone);
        assertFalse(probe.connectWith()
                .cleanStart(false)
                .sessionExpiryInterval(0)
                .send()
                .isSessionPresent());
        probe.disconnect();
        execute("delete from ingest_instance where client_id like 'test-%'");
    }

    /** The instance's state in the administrators' list. */
    private static String stateOf(String clientId) {
        return as(ADMIN)
                .get("/api/v1/shorepower/ingest-instances")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("find { it.clientId == '" + clientId + "' }.state");
    }

    private static Mqtt5BlockingClient client(String id) {
        var config = ConfigProvider.getConfig();
        return MqttClient.builder()
                .useMqttVersion5()
                .identifier(id)
                .serverHost(config.getValue("shoreloop.mqtt.host", String.class))
                .serverPort(config.getValue("shoreloop.mqtt.port", Integer.class))
                .buildBlocking();
    }

    private double counter(String name) {
        return metrics.counter(name).count();
    }

    private long readings(TestMeter meter) {
        try {
            return Long.parseLong(
                    row("select count(*)::text from meter_reading where meter_id = '" + meter.id() + "'::uuid")
                            .get(0));
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.execute();
        }
    }

    private List<String> row(String sql) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next(), "a row: " + sql);
            List<String> out = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                out.add(rs.getString(i));
            }
            return out;
        }
    }
}
