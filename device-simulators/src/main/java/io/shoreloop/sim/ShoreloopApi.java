package io.shoreloop.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The few Shoreloop REST calls the simulators need: demo tokens, master data, existing calls, registering calls. */
public final class ShoreloopApi {

    /** An answer: status and body. */
    public record Answer(int status, String body) {}

    private final URI base;
    private final HttpClient http;
    private String token;

    public ShoreloopApi(String baseUrl, String token) {
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.token = token;
    }

    public String token() {
        return token;
    }

    /** Takes the bearer token of a demo user from {@code GET /api/v1/demo/tokens} (demo mode only). */
    public void useDemoToken(String subject) throws IOException, InterruptedException {
        Answer a = send(HttpRequest.newBuilder(base.resolve("api/v1/demo/tokens")).GET(), false);
        if (a.status() != 200) {
            throw new IOException("GET /api/v1/demo/tokens answered " + a.status()
                    + " (is Shoreloop running in demo mode? else give --token)");
        }
        for (JsonNode u : Json.MAPPER.readTree(a.body())) {
            if (subject.equals(u.path("subject").asText())) {
                token = u.path("token").asText();
                return;
            }
        }
        throw new IOException("no demo user '" + subject + "' in /api/v1/demo/tokens");
    }

    /** All items of a paged list. */
    public List<JsonNode> list(String path, Map<String, String> query) throws IOException, InterruptedException {
        List<JsonNode> items = new ArrayList<>();
        for (int page = 0; page < 1000; page++) {
            StringBuilder q = new StringBuilder("?size=500&page=").append(page);
            for (var e : query.entrySet()) {
                q.append('&').append(e.getKey()).append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            }
            Answer a = send(HttpRequest.newBuilder(base.resolve(path + q)).GET(), true);
            if (a.status() != 200) {
                throw new IOException("GET /" + path + " answered " + a.status() + ": " + a.body());
            }
            JsonNode body = Json.MAPPER.readTree(a.body());
            body.path("items").forEach(items::add);
            if (items.size() >= body.path("total").asLong() || body.path("items").isEmpty()) {
                break;
            }
        }
        return items;
    }

    /** Registers a call; the idempotency key makes a re-run with the same seed a no-op on the server. */
    public Answer postCall(String body, String idempotencyKey) throws IOException, InterruptedException {
        return send(
                HttpRequest.newBuilder(base.resolve("api/v1/calls"))
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", idempotencyKey)
                        .POST(HttpRequest.BodyPublishers.ofString(body)),
                true);
    }

    private Answer send(HttpRequest.Builder b, boolean auth) throws IOException, InterruptedException {
        b.timeout(Duration.ofSeconds(30)).header("Accept", "application/json");
        if (auth && token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Answer(r.statusCode(), r.body());
    }

    /**
     * The meters (from their reading topics), berths, vessels and the calls already registered between
     * {@code from} and {@code to}. {@code portCode} null: every port the token may see.
     */
    public Topology topology(String portCode, Instant from, Instant to) throws IOException, InterruptedException {
        Map<String, JsonNode> berths = new HashMap<>();
        for (JsonNode b : list("api/v1/berths", Map.of())) {
            berths.put(b.path("id").asText(), b);
        }
        List<Topology.MeterSpec> meters = new ArrayList<>();
        for (JsonNode m : list("api/v1/meters", Map.of())) {
            String[] t = m.path("readingTopic").asText().split("/");
            if (t.length != 6) {
                continue;
            }
            if (portCode != null && !portCode.equals(t[2])) {
                continue;
            }
            JsonNode berth = berths.get(m.path("berthId").asText());
            JsonNode sp = berth == null ? null : berth.path("shorePower");
            int voltage = sp == null || sp.path("voltageV").isMissingNode() || sp.path("voltageV").isNull()
                    ? 400 : sp.path("voltageV").asInt();
            int kva = sp == null || sp.path("capacityKva").isNull() || sp.path("capacityKva").isMissingNode()
                    ? 630 : sp.path("capacityKva").decimalValue().intValue();
            BigDecimal modulus = m.path("registerModulusKwh").decimalValue();
            meters.add(new Topology.MeterSpec(
                    t[4],
                    t[2],
                    t[3],
                    m.path("berthId").asText(),
                    modulus.signum() > 0 ? modulus.movePointRight(3).longValueExact() : 100_000_000_000L,
                    m.path("reportingIntervalS").asInt(15),
                    berth == null ? "OTHER" : berth.path("terminalKind").asText("OTHER"),
                    voltage,
                    kva));
        }
        List<Topology.VesselSpec> vessels = new ArrayList<>();
        Map<String, String> mmsiById = new HashMap<>();
        for (JsonNode v : list("api/v1/vessels", Map.of())) {
            JsonNode sp = v.path("shorePower");
            mmsiById.put(v.path("id").asText(), v.path("mmsi").asText());
            vessels.add(new Topology.VesselSpec(
                    v.path("id").asText(),
                    v.path("mmsi").asText(),
                    v.path("name").asText(),
                    v.path("type").asText("OTHER"),
                    sp.path("available").asBoolean(false),
                    v.path("crewCapacity").asInt(0)));
        }
        List<Topology.Busy> busy = new ArrayList<>();
        for (JsonNode c : list("api/v1/calls", Map.of("from", from.toString(), "to", to.toString()))) {
            Instant arrival = Instant.parse(c.path("arrival").asText());
            Instant departure = c.path("departure").isNull() || c.path("departure").isMissingNode()
                    ? null
                    : Instant.parse(c.path("departure").asText());
            busy.add(new Topology.Busy(
                    c.path("berthId").asText(), mmsiById.get(c.path("vesselId").asText()), arrival, departure));
        }
        return new Topology(meters, vessels, busy);
    }
}
