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
    void oversizedBodyIs413() {
        String big = "{\"name\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        as(ADMIN).body(big).post("/api/v1/vessels").then().statusCode(413);
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
                                "/api/v1/calls/{id}/exemption"));
    }

    @Test
    void healthAndMetricsAreServed() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200).body("checks.name", hasItems("MQTT broker"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("http_server"));
    }
}
