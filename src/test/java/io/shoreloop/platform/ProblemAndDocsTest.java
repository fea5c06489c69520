package io.shoreloop.platform;

import static io.restassured.RestAssured.given;
import static io.shoreloop.testing.DemoUsers.*;
import static org.hamcrest.Matchers.*;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ProblemAndDocsTest {

    @Test
    void malformedJsonIsAProblem() {
        as(ADMIN)
                .body("{\"name\": ")
                .post("/api/v1/vessels")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:shoreloop:problem:malformed-body"))
                .body("detail", not(containsString("Exception")))
                .body("detail", not(containsString("com.fasterxml")));
    }

    @Test
    void bytesThatAreNoTextAreAMalformedBody() {
        // 00 00 00 7b makes Jackson read UTF-32; the next four bytes are beyond U+10FFFF, the last three a truncated
        // character (RequestBodyFuzzTest found a 500 here)
        for (byte[] body : new byte[][] {{0, 0, 0, '{', 0x7b, 0x21, 0x72, 0x65}, {0, 0, 0, '{', 0x21, 0x72, 0x65}}) {
            as(ADMIN)
                    .contentType("application/json")
                    .body(body)
                    .post("/api/v1/ports")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("type", equalTo("urn:shoreloop:problem:malformed-body"));
        }
    }

    @Test
    void aFieldNobodyMaySetIsRefusedByName() {
        as(ADMIN)
                .body("{\"name\":\"x\",\"mmsi\":\"413960001\",\"type\":\"CARGO\",\"active\":false,\"version\":9}")
                .post("/api/v1/vessels")
                .then()
                .log()
                .ifValidationFails()
                .statusCode(400)
                .body("field", anyOf(equalTo("active"), equalTo("version")));
    }

    @Test
    void missingRequiredFieldsAreListed() {
        as(ADMIN)
                .body("{}")
                .post("/api/v1/ports")
                .then()
                .statusCode(400)
                .body("type", equalTo("urn:shoreloop:problem:validation"))
                .body("errors.field", hasItems("code", "name", "regionKind", "timeZone"));
    }

    @Test
    void oversizedBodyIs413() throws Exception {
        // 12 MiB (above the 11 MiB limit); with Expect: 100-continue the server answers before the body is sent
        byte[] big = new byte[12 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) 'x');
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .build()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                        "http://localhost:" + io.restassured.RestAssured.port + "/api/v1/vessels"))
                                .expectContinue(true)
                                .header("Authorization", "Bearer " + token(ADMIN))
                                .header("Content-Type", "application/json")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(big))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        org.junit.jupiter.api.Assertions.assertEquals(413, response.statusCode());
    }

    @Test
    void unknownPathIsAProblem404() {
        as(ADMIN).get("/api/v1/no-such-thing").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void aTamperedTokenIs401() {
        String token = token(ADMIN);
        String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
        given().header("Authorization", "Bearer " + tampered)
                .get("/api/v1/vessels")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
    }

    @Test
    void openApiDocumentsEveryResource() {
        given().accept("application/json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .body(
                        "paths.keySet()",
                        hasItems(
                                "/api/v1/ports",
                                "/api/v1/berths",
                                "/api/v1/vessels",
                                "/api/v1/facilities",
                                "/api/v1/meters",
                                "/api/v1/calls",
                                "/api/v1/calls/{id}/exemption",
                                "/api/v1/port-operators",
                                "/api/v1/bureaus",
                                "/api/v1/users",
                                "/api/v1/users/me",
                                "/api/v1/users/{id}/deactivate"));
    }

    @Test
    void healthAndMetricsAreServed() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200).body("checks.name", hasItems("MQTT broker"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("http_server"));
    }
}
