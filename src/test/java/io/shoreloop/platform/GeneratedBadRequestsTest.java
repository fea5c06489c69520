package io.shoreloop.platform;

import static io.shoreloop.testing.DemoUsers.*;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * quality.md S4, "generated bad requests against every endpoint": every operation of the OpenAPI document (so an
 * endpoint added later is covered without touching this test) gets requests generated from its own description:
 * hostile path segments, each query parameter with values it cannot take (text with NUL, half a surrogate pair, years
 * ±999999999, numbers beyond an int, unknown enum names, a thousand characters…), hostile headers, and bodies that
 * break the schema one field at a time (wrong JSON type, unknown enum, malformed or empty UUID, times beyond what
 * PostgreSQL holds, text over its maxLength, NUL, a required field missing or null, list elements null) or as a whole
 * (not JSON, another JSON type, nested 5,000 deep, an unknown field, XML). They go as five users of different roles
 * (the first users' requests reach validation, the owners' reach the service), against the demo data and a draft
 * manifest of this test's own.
 *
 * <p>Every answer must be a problem (application/problem+json) and never a 5xx; a body that breaks its schema and a
 * typed query parameter that cannot be read must be refused (4xx; a query parameter with 400 naming it): a 2xx there
 * would mean a value was silently dropped or changed. The first run found a NUL in a name or a filter (500, or a 503
 * blaming the database), years beyond PostgreSQL's timestamps in filters (500), a {@code null} in {@code evidenceIds}
 * (500), an empty string read as "no port" and half a surrogate pair stored as {@code ?} (accepted and silently
 * changed), and unreadable filter values answered 404 "no such resource".
 */
@QuarkusTest
class GeneratedBadRequestsTest {

    /** Writes every non-ASCII character as an escape: half a surrogate pair must reach the server as {@code \ud800}. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII)
            .build();

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final List<String> USERS =
            List.of(ADMIN, OPERATOR_GUOYUAN, CREW_YU_CONTAINER, RECEIVER_GUOYUAN, BUREAU_MSA);

    private static final List<String> HOSTILE_PATH = List.of(
            "not-a-uuid",
            "00000000-0000-0000-0000-000000000000",
            "1-1-1-1-1",
            "%20",
            "%00",
            "%ED%A0%80",
            "..%2F..",
            "-1",
            "a".repeat(3000));

    /** Values no query parameter of a typed kind (UUID, time, enum, integer, boolean) can take. */
    private static final List<String> UNREADABLE = List.of(
            "x",
            "%00",
            "1e999999999",
            "2147483648",
            "-999999999-01-01T00:00:00Z",
            "%2B1000000000-12-31T23:59:59Z",
            "0000-01-01T00:00:00Z",
            "2026-13-45",
            "1-1-1-1-1",
            "'%20OR%201=1--",
            "a".repeat(1000));

    /** Values a text query parameter must survive (refused or read, never a 5xx). */
    private static final List<String> ODD_TEXT =
            List.of("", "%00", "%ED%A0%80", "a%00b", "'%20OR%201=1--", "%25", "+999999999-12", "a".repeat(3000));

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final Map<String, String> tokens = new LinkedHashMap<>();
    private final List<String> findings = new ArrayList<>();
    private final Map<Integer, Integer> statuses = new TreeMap<>();
    private JsonNode schemas;
    private int requests;
    private int transportRetries;

    @Test
    void everyEndpointAnswersGeneratedBadRequestsWithAProblemAndNeverA5xx() throws Exception {
        USERS.forEach(u -> tokens.put(u, token(u)));
        JsonNode openapi = JSON.readTree(
                as(ADMIN).accept("application/json").get("/q/openapi").asString());
        schemas = openapi.path("components").path("schemas");
        Map<String, String> ids = realIds(openapi);
        int operations = 0;
        for (Iterator<Map.Entry<String, JsonNode>> paths = openapi.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (List.of("get", "post", "put", "patch", "delete").contains(op.getKey())) {
                    operations++;
                    probe(op.getKey().toUpperCase(), path.getKey(), op.getValue(), ids);
                }
            }
        }
        System.out.printf(
                "[generated bad requests] %d operations, %d requests, answers by status %s, sent again after a closed"
                        + " connection %d%n",
                operations, requests, statuses, transportRetries);
        assertTrue(operations >= 90, "the OpenAPI document lists " + operations + " operations");
        assertTrue(
                findings.isEmpty(),
                findings.size() + " findings:\n"
                        + String.join("\n", findings.subList(0, Math.min(40, findings.size()))));
    }

    /** An existing object per collection (the demo's, and a draft manifest of this test's own). */
    private Map<String, String> realIds(JsonNode openapi) throws Exception {
        Map<String, String> ids = new LinkedHashMap<>();
        for (Iterator<String> paths = openapi.path("paths").fieldNames(); paths.hasNext(); ) {
            String path = paths.next();
            if (path.startsWith("/api/v1/") && path.endsWith("/{id}")) {
                String collection = path.substring(0, path.length() - "/{id}".length());
                JsonNode items = JSON.readTree(
                                as(ADMIN).get(collection + "?size=1").asString())
                        .path("items");
                if (items.size() > 0) {
                    ids.put(collection, items.get(0).path("id").asText());
                }
            }
        }
        String draft = as(CREW_YU_CONTAINER)
                .body(Map.of("callId", CALL_YU_CONTAINER_OPEN, "stream", "SEWAGE", "quantity", 1))
                .post("/api/v1/manifests")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        ids.put("/api/v1/manifests", draft);
        return ids;
    }

    private void probe(String method, String template, JsonNode op, Map<String, String> ids) throws Exception {
        List<String> pathParams = new ArrayList<>();
        List<JsonNode> queryParams = new ArrayList<>();
        for (JsonNode p : op.path("parameters")) {
            if (p.path("in").asText().equals("path")) {
                pathParams.add(p.path("name").asText());
            } else if (p.path("in").asText().equals("query")) {
                queryParams.add(p);
            }
        }
        String collection = template.contains("/{") ? template.substring(0, template.indexOf("/{")) : template;
        Map<String, String> real = new LinkedHashMap<>();
        if (pathParams.contains("id") && ids.containsKey(collection)) {
            real.put("id", ids.get(collection));
        }
        JsonNode bodySchema =
                op.path("requestBody").path("content").path("application/json").path("schema");
        String validishBody = bodySchema.isMissingNode() ? null : JSON.writeValueAsString(example(bodySchema, 0));
        String anyBody = op.has("requestBody") ? (validishBody != null ? validishBody : "x") : null;

        for (String name : pathParams) {
            for (String value : HOSTILE_PATH) {
                Map<String, String> values = new LinkedHashMap<>(real);
                values.put(name, value);
                for (String user : USERS.subList(0, 2)) {
                    send(
                            method,
                            fill(template, pathParams, values),
                            anyBody,
                            "application/json",
                            user,
                            Map.of(),
                            false,
                            "path " + name + "=" + abbreviated(value));
                }
            }
        }
        if (method.equals("GET") || template.endsWith("/evidence")) {
            String target = fill(template, pathParams, real);
            for (JsonNode p : queryParams) {
                String name = p.path("name").asText();
                JsonNode schema = resolve(p.path("schema"));
                boolean text =
                        schema.path("type").asText().equals("string") && !schema.has("enum") && !schema.has("format");
                for (String value : text ? ODD_TEXT : UNREADABLE) {
                    for (String user : List.of(ADMIN, CREW_YU_CONTAINER)) {
                        send(
                                method,
                                target + "?" + name + "=" + value,
                                anyBody,
                                "application/octet-stream",
                                user,
                                Map.of(),
                                !text && !schema.path("type").asText().equals("number"),
                                "query " + name + "=" + abbreviated(value));
                    }
                }
                if (name.equals("page")) {
                    // a readable page whose offset (page × size) is past an int: it wrapped to a negative one, a 500
                    for (String user : List.of(ADMIN, CREW_YU_CONTAINER)) {
                        send(
                                method,
                                target + "?page=2147483647",
                                anyBody,
                                "application/octet-stream",
                                user,
                                Map.of(),
                                true,
                                "query page=2147483647");
                    }
                }
            }
        }
        boolean conditional = false;
        for (JsonNode p : op.path("parameters")) {
            conditional |= p.path("in").asText().equals("header")
                    && p.path("name").asText().equals("If-Match");
        }
        for (Map<String, String> headers : List.of(
                Map.of("If-Match", "garbage"),
                Map.of("If-Match", "\""),
                Map.of("If-Match", "W/\"-1\""),
                Map.of("Idempotency-Key", "k".repeat(5000)),
                Map.of("Idempotency-Key", " "),
                Map.of("Accept", "application/xml"),
                Map.of("Accept-Language", "xx;q=abc"))) {
            // an If-Match that names no version must stop an update of an existing object; the other headers go to
            // objects that do not exist, so that nothing is changed by a request that is right but for its header
            boolean stale = conditional && headers.containsKey("If-Match");
            String target = fill(template, pathParams, stale ? real : Map.of());
            for (String user : USERS.subList(0, 3)) {
                send(
                        method,
                        target,
                        anyBody,
                        "application/json",
                        user,
                        headers,
                        stale,
                        "header " + headers.keySet().iterator().next());
            }
        }
        if (!bodySchema.isMissingNode()) {
            String target = fill(template, pathParams, real);
            for (Map.Entry<String, String> bad : badBodies(resolve(bodySchema)).entrySet()) {
                String contentType = bad.getKey().equals("XML") ? "application/xml" : "application/json";
                for (String user : USERS) {
                    send(method, target, bad.getValue(), contentType, user, Map.of(), true, "body " + bad.getKey());
                }
            }
        }
    }

    /** Bodies that break the schema: as a whole, and one field at a time on an otherwise filled body. */
    private Map<String, String> badBodies(JsonNode schema) throws Exception {
        Map<String, String> bodies = new LinkedHashMap<>();
        ObjectNode base = (ObjectNode) example(schema, 0);
        bodies.put("not JSON", "{\"a\":");
        bodies.put("an array", "[]");
        bodies.put("a string", "\"x\"");
        bodies.put("a number", "1");
        bodies.put("null", "null");
        bodies.put("blank", " ");
        bodies.put("nested 5,000 deep", "[".repeat(5000) + "]".repeat(5000));
        bodies.put("XML", "<a/>");
        ObjectNode unknown = base.deepCopy();
        unknown.put("zzzUnknown", 1);
        bodies.put("unknown field", JSON.writeValueAsString(unknown));
        for (JsonNode required : schema.path("required")) {
            ObjectNode missing = base.deepCopy();
            missing.remove(required.asText());
            bodies.put("missing " + required.asText(), JSON.writeValueAsString(missing));
            ObjectNode nulled = base.deepCopy();
            nulled.putNull(required.asText());
            bodies.put("null " + required.asText(), JSON.writeValueAsString(nulled));
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields =
                        schema.path("properties").fields();
                fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            for (JsonNode wrong : wrongValues(resolve(field.getValue()))) {
                ObjectNode body = base.deepCopy();
                body.set(field.getKey(), wrong);
                bodies.put(
                        "field " + field.getKey() + "=" + abbreviated(JSON.writeValueAsString(wrong)),
                        JSON.writeValueAsString(body));
            }
        }
        return bodies;
    }

    /** Values of the right field that the schema does not allow (never one it does: each must be refused). */
    private List<JsonNode> wrongValues(JsonNode schema) {
        List<JsonNode> wrong = new ArrayList<>();
        String type = schema.path("type").asText();
        if (schema.has("enum")) {
            wrong.addAll(List.of(
                    NODES.textNode("NO_SUCH_VALUE"), NODES.textNode(""), NODES.objectNode(), NODES.arrayNode()));
        } else if (type.equals("object")) {
            wrong.addAll(List.of(NODES.textNode("x"), NODES.arrayNode(), NODES.numberNode(1)));
        } else if (type.equals("array")) {
            wrong.addAll(List.of(
                    NODES.textNode("x"),
                    NODES.textNode(""),
                    NODES.objectNode(),
                    NODES.arrayNode().addNull()));
            JsonNode items = resolve(schema.path("items"));
            wrong.add(NODES.arrayNode()
                    .add(items.path("type").asText().equals("string") ? NODES.objectNode() : NODES.textNode("x")));
        } else if (type.equals("string")) {
            wrong.addAll(List.of(
                    NODES.objectNode(), NODES.arrayNode(), NODES.textNode("a\u0000b"), NODES.textNode("\ud800")));
            String format = schema.path("format").asText();
            if (format.equals("uuid") || format.equals("date-time")) {
                wrong.addAll(List.of(NODES.textNode("not-a-" + format), NODES.numberNode(12), NODES.textNode("")));
            }
            if (format.equals("uuid")) {
                wrong.add(NODES.textNode("1-1-1-1-1x"));
            }
            if (format.equals("date-time")) {
                wrong.addAll(List.of(
                        NODES.textNode("-999999999-01-01T00:00:00Z"),
                        NODES.textNode("+1000000000-12-31T23:59:59Z"),
                        NODES.textNode("0000-01-01T00:00:00Z"),
                        NODES.textNode("2026-02-30T00:00:00Z")));
            }
            if (schema.has("maxLength")) {
                wrong.add(NODES.textNode("y".repeat(schema.path("maxLength").asInt() + 1)));
            }
            if (schema.has("pattern")) {
                wrong.add(NODES.textNode(" \n"));
            }
        } else if (type.equals("number") || type.equals("integer")) {
            wrong.addAll(List.of(
                    NODES.textNode("abc"),
                    NODES.textNode(""),
                    NODES.objectNode(),
                    NODES.arrayNode(),
                    NODES.booleanNode(true),
                    NODES.textNode("NaN")));
            if (type.equals("integer")) {
                wrong.addAll(
                        List.of(NODES.numberNode(1.5), NODES.numberNode(new java.math.BigInteger("9".repeat(30)))));
            }
        } else if (type.equals("boolean")) {
            wrong.addAll(List.of(NODES.textNode("maybe"), NODES.objectNode(), NODES.numberNode(2)));
        }
        return wrong;
    }

    /** A body filled after the schema (top-level fields all present; values of the right type, not always valid). */
    private JsonNode example(JsonNode schema, int depth) {
        schema = resolve(schema);
        if (schema.has("enum")) {
            return schema.path("enum").get(0);
        }
        switch (schema.path("type").asText()) {
            case "object" -> {
                ObjectNode node = NODES.objectNode();
                List<String> required = new ArrayList<>();
                schema.path("required").forEach(r -> required.add(r.asText()));
                for (Iterator<Map.Entry<String, JsonNode>> f =
                                schema.path("properties").fields();
                        f.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = f.next();
                    if (depth == 0 || required.contains(field.getKey())) {
                        node.set(field.getKey(), example(field.getValue(), depth + 1));
                    }
                }
                return node;
            }
            case "array" -> {
                return depth < 2 ? NODES.arrayNode().add(example(schema.path("items"), depth + 1)) : NODES.arrayNode();
            }
            case "string" -> {
                return switch (schema.path("format").asText()) {
                    case "uuid" -> NODES.textNode(UUID.randomUUID().toString());
                    case "date-time" -> NODES.textNode("2026-11-01T00:00:00Z");
                    default -> NODES.textNode("x");
                };
            }
            case "number", "integer" -> {
                return NODES.numberNode(1);
            }
            case "boolean" -> {
                return NODES.booleanNode(true);
            }
            default -> {
                return NODES.nullNode();
            }
        }
    }

    private JsonNode resolve(JsonNode schema) {
        while (schema.has("$ref")) {
            String ref = schema.path("$ref").asText();
            schema = schemas.path(ref.substring(ref.lastIndexOf('/') + 1));
        }
        return schema;
    }

    private static String fill(String template, List<String> names, Map<String, String> values) {
        String path = template;
        for (String name : names) {
            path = path.replace(
                    "{" + name + "}",
                    values.getOrDefault(name, UUID.randomUUID().toString()));
        }
        return path;
    }

    private void send(
            String method,
            String pathAndQuery,
            String body,
            String contentType,
            String user,
            Map<String, String> headers,
            boolean mustBeRefused,
            String what)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://localhost:" + RestAssured.port + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + tokens.get(user))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            // once in a CI run the client sent a request on a kept-alive connection the server had just closed ("header
            // parser received no bytes", "connection closed locally"): sent again, on a new connection, it must be
            // answered; a server that fails it twice is a finding
            transportRetries++;
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
        requests++;
        int status = response.statusCode();
        statuses.merge(status, 1, Integer::sum);
        String contentTypeAnswered =
                response.headers().firstValue("Content-Type").orElse("");
        String problem = null;
        if (status >= 500) {
            problem = "a " + status;
        } else if (status >= 400 && !contentTypeAnswered.startsWith("application/problem+json")) {
            problem = "a " + status + " that is not a problem (" + contentTypeAnswered + ")";
        } else if (mustBeRefused && status < 400) {
            problem = "accepted (" + status + ")";
        } else if (mustBeRefused && what.startsWith("query") && status != 400 && status != 401 && status != 403) {
            problem = "a " + status + " instead of 400 naming the parameter";
        }
        if (problem != null) {
            findings.add(method + " " + abbreviated(pathAndQuery) + " [" + what + ", as " + user + "]: " + problem
                    + ": " + abbreviated(response.body()));
        }
    }

    private static String abbreviated(String text) {
        String oneLine = text.replace("\n", "\\n").replace("\u0000", "\\0");
        return oneLine.length() > 200 ? oneLine.substring(0, 120) + "…(" + oneLine.length() + " chars)" : oneLine;
    }
}
