package io.shoreloop.ingest;

import static io.shoreloop.testing.DemoUsers.ADMIN;
import static io.shoreloop.testing.DemoUsers.as;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.eclipse.microprofile.config.ConfigProvider;

/** A plain MQTT 5 publisher against the test broker, meters registered for one test, and bounded waiting. */
public final class MqttTestSupport {

    private MqttTestSupport() {}

    /** A connected publisher (clean session, QoS 1). */
    public static Mqtt5BlockingClient publisher() {
        var config = ConfigProvider.getConfig();
        Mqtt5BlockingClient client = MqttClient.builder()
                .useMqttVersion5()
                .identifier("test-meter-" + UUID.randomUUID())
                .serverHost(config.getValue("shoreloop.mqtt.host", String.class))
                .serverPort(config.getValue("shoreloop.mqtt.port", Integer.class))
                .buildBlocking();
        client.connect();
        return client;
    }

    public static void publish(Mqtt5BlockingClient client, String topic, String payload) {
        publish(client, topic, payload, false);
    }

    public static void publish(Mqtt5BlockingClient client, String topic, String payload, boolean retain) {
        client.publishWith()
                .topic(topic)
                .qos(MqttQos.AT_LEAST_ONCE)
                .retain(retain)
                .payload(payload.getBytes(StandardCharsets.UTF_8))
                .send();
    }

    /** A meter registered for one test at a berth (of port CQ-GY unless named), with its id and topics. */
    public record TestMeter(String id, String code, String portCode, String berthCode) {
        public String readingTopic() {
            return "shorepower/v1/" + portCode + "/" + berthCode + "/" + code + "/reading";
        }

        String statusTopic() {
            return "shorepower/v1/" + portCode + "/" + berthCode + "/" + code + "/status";
        }

        public String reading(long seq, Instant ts, String kwh, Boolean breaker, String vessel) {
            StringBuilder json = new StringBuilder("{\"meter\":\"")
                    .append(code)
                    .append("\",\"seq\":")
                    .append(seq)
                    .append(",\"ts\":\"")
                    .append(ts)
                    .append("\",\"energyKwh\":")
                    .append(new BigDecimal(kwh).toPlainString());
            if (breaker != null) {
                json.append(",\"breakerClosed\":").append(breaker);
            }
            if (vessel != null) {
                json.append(",\"vessel\":\"").append(vessel).append('"');
            }
            return json.append(",\"voltageV\":400.1,\"frequencyHz\":50.0}").toString();
        }
    }

    /** A berth of its own at Guoyuan (500 kVA of shore power), named {@code name}; answers its id. */
    public static String aBerthAtGuoyuan(String code, String name) {
        return as(ADMIN)
                .body(Map.of(
                        "portId",
                        io.shoreloop.testing.DemoUsers.PORT_GUOYUAN,
                        "code",
                        code,
                        "name",
                        name,
                        "terminalKind",
                        "BULK",
                        "shorePower",
                        Map.of("available", true, "voltageV", 400, "frequencyHz", 50, "capacityKva", 500)))
                .post("/api/v1/berths")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    static TestMeter aMeterAt(String berthId, String berthCode, int reportingIntervalS) {
        return aMeterAt("CQ-GY", berthId, berthCode, reportingIntervalS);
    }

    public static TestMeter aMeterAt(String portCode, String berthId, String berthCode, int reportingIntervalS) {
        String code = "T-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        String id = as(ADMIN)
                .body(Map.of("code", code, "berthId", berthId, "reportingIntervalS", reportingIntervalS))
                .post("/api/v1/meters")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        return new TestMeter(id, code, portCode, berthCode);
    }

    /** The meter's sessions as {@code GET /api/v1/shorepower/sessions?meterId=} lists them (latest first). */
    public static io.restassured.path.json.JsonPath sessionsOf(TestMeter meter) {
        return as(ADMIN)
                .get("/api/v1/shorepower/sessions?meterId=" + meter.id())
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    /** How many readings the meter's latest session holds (0: none yet). */
    public static int readingsOfLatest(TestMeter meter) {
        Integer n = sessionsOf(meter).get("items[0].readingCount");
        return n == null ? 0 : n;
    }

    /** Waits until the condition holds, at most {@code max}; fails the test with {@code what} otherwise. */
    public static void await(String what, Duration max, BooleanSupplier condition) {
        long end = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("Not within " + max + ": " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
