package io.shoreloop.ingest;

import static io.shoreloop.ingest.MqttTestSupport.aMeterAt;
import static io.shoreloop.ingest.MqttTestSupport.await;
import static io.shoreloop.ingest.MqttTestSupport.publish;
import static io.shoreloop.testing.DemoUsers.BERTH_GY_B01;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.shoreloop.ingest.MqttTestSupport.TestMeter;
import io.shoreloop.platform.ShoreloopConfig;
import io.shoreloop.shorepower.MeterDirectory;
import io.shoreloop.shorepower.ShorePowerIngest;
import jakarta.inject.Inject;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * MQTT 3.1.1 fallback: in front of the test broker sits a front that speaks only 3.1.1 (it refuses an MQTT 5 CONNECT
 * the way a 3.1.1 broker must). Shoreloop finds out which version a broker speaks, keeps 5 where it is spoken, and
 * ingests over a persistent 3.1.1 session where it is not: readings stored, acknowledged after commit, and queued by
 * the broker while the subscriber is away.
 */
@QuarkusTest
class MqttProtocolFallbackTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    ShoreloopConfig config;

    @Inject
    ShorePowerIngest store;

    @Inject
    MeterDirectory directory;

    @Inject
    MeterRegistry metrics;

    @Inject
    Clock clock;

    @Inject
    MqttIngest ingest;

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    AgroalDataSource db;

    @Test
    void theVersionIsNegotiatedFiveFirstAndThreeOneOneWhereFiveIsRefused() throws Exception {
        ShoreloopConfig.Mqtt real = config.mqtt();
        try (Mqtt311OnlyBroker front = new Mqtt311OnlyBroker(real.host(), real.port())) {
            assertEquals(BrokerClients.Protocol.MQTT_5, new BrokerClients(real).negotiate(WAIT));

            BrokerClients fronted = new BrokerClients(mqtt(real, front.port(), "auto", "unused", "unused"));
            assertEquals(BrokerClients.Protocol.MQTT_3_1_1, fronted.negotiate(WAIT));
            assertTrue(front.refusedVersion5.get() >= 1, "MQTT 5 was tried first");

            BrokerClients onlyFive = new BrokerClients(mqtt(real, front.port(), "5", "unused", "unused"));
            assertEquals(BrokerClients.Answer.VERSION_REFUSED, onlyFive.probe(BrokerClients.Protocol.MQTT_5, WAIT));
            assertEquals(BrokerClients.Protocol.MQTT_5, onlyFive.negotiate(WAIT), "a configured version is kept");
        }
        BrokerClients nobody = new BrokerClients(mqtt(real, unusedPort(), "auto", "unused", "unused"));
        assertNull(nobody.negotiate(Duration.ofSeconds(3)), "nothing listens: the version is not decided yet");
        assertThrows(IllegalArgumentException.class, () -> BrokerClients.protocol("4"));
    }

    @Test
    void readingsAreIngestedOverAPersistentThreeOneOneSession() throws Exception {
        ShoreloopConfig.Mqtt real = config.mqtt();
        TestMeter meter = aMeterAt(BERTH_GY_B01, "B01", 15);
        String clientId = "shoreloop-fallback-" + UUID.randomUUID();
        int n = 120;
        Instant t0 = Instant.now().minus(15L * n + 60, ChronoUnit.SECONDS).truncatedTo(ChronoUnit.SECONDS);
        Mqtt5BlockingClient publisher = MqttTestSupport.publisher();
        ingest.stop(); // the fallback instance is the only writer while it runs
        try (Mqtt311OnlyBroker front = new Mqtt311OnlyBroker(real.host(), real.port())) {
            ShoreloopConfig fronted = config(mqtt(real, front.port(), "auto", clientId, "fallback-" + clientId));
            MqttIngest fallback =
                    new MqttIngest(fronted, store, directory, metrics, clock, new io.shoreloop.shorepower.Listening());
            fallback.start();
            try {
                await("connected over 3.1.1", WAIT, () -> fallback.protocol() == BrokerClients.Protocol.MQTT_3_1_1);
                await("subscribed", WAIT, fallback::subscribed);
                for (int i = 0; i < n; i++) {
                    if (i == 80) {
                        fallback.stop(); // the broker keeps the 3.1.1 session and queues what arrives meanwhile
                    }
                    if (i == 100) {
                        fallback.start();
                    }
                    String kwh =
                            java.math.BigDecimal.valueOf(10_000 + 250L * i, 3).toPlainString();
                    publish(
                            publisher,
                            meter.readingTopic(),
                            meter.reading(i, t0.plusSeconds(15L * i), kwh, i > 0 && i < n - 1, null));
                }
                await("every reading stored by the 3.1.1 subscriber", WAIT, () -> readings(meter) == n);
                await("every message acknowledged", WAIT, () -> fallback.acknowledged() >= n);
                assertEquals(BrokerClients.Protocol.MQTT_3_1_1, fallback.protocol());
                assertTrue(front.refusedVersion5.get() >= 2, "each start tried MQTT 5 first");
            } finally {
                fallback.stop();
            }
        } finally {
            publisher.disconnect();
            ingest.start();
            forget(real, clientId);
        }
        assertEquals(n, readings(meter));
    }

    /** Drops the test subscriber's session, so that the broker stops queueing for it. */
    private static void forget(ShoreloopConfig.Mqtt real, String clientId) {
        Mqtt3BlockingClient client = MqttClient.builder()
                .useMqttVersion3()
                .identifier(clientId)
                .serverHost(real.host())
                .serverPort(real.port())
                .buildBlocking();
        client.connectWith().cleanSession(true).send();
        client.disconnect();
    }

    private long readings(TestMeter meter) {
        try (Connection c = db.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("select count(*) from meter_reading where meter_id = ?::uuid")) {
            ps.setString(1, meter.id());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int unusedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The real broker settings with another port, protocol, client id and shared group. */
    private static ShoreloopConfig.Mqtt mqtt(
            ShoreloopConfig.Mqtt real, int port, String protocol, String clientId, String group) {
        Map<String, Object> overrides = Map.of(
                "host", "127.0.0.1", "port", port, "protocol", protocol, "clientId", clientId, "sharedGroup", group);
        return override(ShoreloopConfig.Mqtt.class, real, overrides);
    }

    private ShoreloopConfig config(ShoreloopConfig.Mqtt mqtt) {
        return override(ShoreloopConfig.class, config, Map.of("mqtt", mqtt));
    }

    private static <T> T override(Class<T> type, T real, Map<String, Object> overrides) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (overrides.containsKey(method.getName()) && method.getParameterCount() == 0) {
                return overrides.get(method.getName());
            }
            try {
                return method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }
}
