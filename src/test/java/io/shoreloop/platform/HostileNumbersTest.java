package io.shoreloop.platform;

import static io.shoreloop.testing.DemoUsers.*;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * quality.md S4 for the numbers of request bodies: every numeric field an endpoint accepts, sent as a number that is
 * valid JSON but beyond anything the service holds ({@code 1e999999999}, its negative, {@code 1e-999999999}, a
 * thousand digits), is answered 400 or 422 at once: never a 5xx, never a request that computes with a billion digits
 * (the plain form of {@code 1e999999999}, or scaling it to three decimals, is a billion characters). The MQTT payload's
 * numbers are fuzzed in {@code PayloadParserFuzzTest}.
 */
@QuarkusTest
class HostileNumbersTest {

    private static final List<String> HOSTILE =
            List.of("1e999999999", "-1e999999999", "1e-999999999", "1" + "0".repeat(999), "1888e88888888888");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Requests time out after 20 s: a request still computing by then fails the test. */
    private static final RestAssuredConfig PATIENT_BUT_NOT_FOREVER = RestAssuredConfig.config()
            .httpClient(HttpClientConfig.httpClientConfig()
                    .setParam("http.socket.timeout", 20_000)
                    .setParam("http.connection.timeout", 5_000));

    @Test
    void everyNumericFieldRefusesNumbersBeyondWhatItHolds() throws Exception {
        probe(OPERATOR_GUOYUAN, "/api/v1/meters", n -> meter("registerModulusKwh", n));
        probe(OPERATOR_GUOYUAN, "/api/v1/meters", n -> meter("reportingIntervalS", n));
        probe(
                OPERATOR_GUOYUAN,
                "/api/v1/berths",
                n -> Map.of(
                        "portId",
                        PORT_GUOYUAN,
                        "code",
                        "H" + UUID.randomUUID().toString().substring(0, 6),
                        "name",
                        "Hostile berth",
                        "terminalKind",
                        "BULK",
                        "shorePower",
                        Map.of("available", true, "voltageV", 400, "frequencyHz", 50, "capacityKva", n)));
        probe(ADMIN, "/api/v1/vessels", n -> vessel(n, 10));
        probe(ADMIN, "/api/v1/vessels", n -> vessel(1200, n));
        probe(
                ADMIN,
                "/api/v1/facilities",
                n -> Map.of(
                        "code",
                        "HOSTILE-" + UUID.randomUUID().toString().substring(0, 8),
                        "name",
                        "Hostile plant",
                        "kind",
                        "DISPOSAL",
                        "licences",
                        List.of(Map.of("activity", "DISPOSE", "stream", "GARBAGE", "capacity", n))));
        probe(OPERATOR_GUOYUAN, "/api/v1/calls", n -> {
            Instant arrival = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(3000, ChronoUnit.DAYS);
            Map<String, Object> m = new HashMap<>();
            m.put("vesselId", VESSEL_YU_CARGO);
            m.put("berthId", BERTH_GY_B03);
            m.put("arrival", arrival.toString());
            m.put("departure", arrival.plus(2, ChronoUnit.HOURS).toString());
            m.put("cargo", List.of(Map.of("name", "hostile cargo", "quantityT", n)));
            return m;
        });
        probe(
                CREW_YU_CONTAINER,
                "/api/v1/manifests",
                n -> Map.of("callId", CALL_YU_CONTAINER_OPEN, "stream", "SEWAGE", "quantity", n));
    }

    private static Map<String, Object> meter(String field, Object number) {
        return Map.of(
                "code",
                "HOSTILE-" + UUID.randomUUID().toString().substring(0, 8),
                "berthId",
                BERTH_GY_B01,
                field,
                number);
    }

    private static Map<String, Object> vessel(Object grossTonnage, Object tankCapacity) {
        Map<String, Object> m = new HashMap<>();
        m.put("name", "Hostile vessel");
        m.put("mmsi", "41366" + String.format("%04d", new java.util.Random().nextInt(10_000)));
        m.put("type", "CONTAINER");
        m.put("grossTonnage", grossTonnage);
        m.put("tanks", List.of(Map.of("stream", "SEWAGE", "capacity", tankCapacity)));
        return m;
    }

    /** Sends the body with each hostile number in the field {@code body} puts it in; every answer must be 400 or 422. */
    private static void probe(String subject, String path, Function<Object, Map<String, Object>> body)
            throws Exception {
        for (String number : HOSTILE) {
            String json = JSON.writeValueAsString(body.apply("@@NUMBER@@")).replace("\"@@NUMBER@@\"", number);
            long started = System.nanoTime();
            Response r = as(subject).config(PATIENT_BUT_NOT_FOREVER).body(json).post(path);
            long ms = (System.nanoTime() - started) / 1_000_000;
            String what = "POST " + path + " with " + abbreviated(number) + " -> " + r.statusCode() + " in " + ms
                    + " ms: " + r.asString();
            assertTrue(r.statusCode() == 400 || r.statusCode() == 422, what);
            assertTrue(r.contentType().startsWith("application/problem+json"), what);
        }
    }

    private static String abbreviated(String number) {
        return number.length() > 24 ? number.substring(0, 12) + "…(" + number.length() + " chars)" : number;
    }
}
