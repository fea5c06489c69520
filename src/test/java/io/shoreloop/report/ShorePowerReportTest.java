package io.shoreloop.report;

import static io.shoreloop.ingest.MqttTestSupport.aMeterAt;
import static io.shoreloop.ingest.MqttTestSupport.await;
import static io.shoreloop.ingest.MqttTestSupport.publish;
import static io.shoreloop.testing.DemoUsers.*;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.*;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.shoreloop.ingest.MqttTestSupport;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shore-power KPI report and the Art. 18 record over a port built for this test through the real paths: a port
 * in province {@code testland} (its own factors in the test profile), two berths, a meter publishing over MQTT, five
 * calls registered over the API, an exemption claim and a fault; sessions are built and matched by the ingest, and
 * the verdicts computed by the compliance triggers. Everything lies in one month about 700 days back ({@link #M}), which
 * no other test uses; the port has an operator of its own, so the demo operators' scope does not change.
 *
 * <p>The calls: C1 Yu Container 1 at B1 for 6 h with a 4 h session of 40 kWh (COMPLIANT); C2 Yu Roro 8 at B1 for 3 h,
 * no session, a WEATHER claim (EXEMPT); C3 Changjiang No.1 at B1 (high-voltage ship at a low-voltage berth:
 * NOT_APPLICABLE, incompatible); C4 Yu Container 1 at B1 for 5 h without a connection (VIOLATION) with a berth fault
 * in it; C5 Yu Cargo 168 (no facility) at B2, which has no supply (NOT_APPLICABLE). Plus one 5 kWh session at B1
 * matched to no call.
 */
@QuarkusTest
class ShorePowerReportTest {

    /**
     * The month of the test's calls: about 700 days back, clear of the windows other tests use (100–160 and 400–470
     * days back) and of calls older than 1000 days (which CallResourceTest expects to be none).
     */
    static final YearMonth M = YearMonth.from(LocalDate.now(ZoneOffset.UTC).minusDays(700));

    static final String MONTH = "from=" + M + "&to=" + M;
    static final String MSA_PARTY = "00000000-0000-0000-0002-000000000001";
    static final String VESSEL_YU_RORO = "00000000-0000-0000-0005-000000000002";
    static final Duration WAIT = Duration.ofSeconds(60);

    /** The fixture, built once for the class. */
    record Fixture(
            String portId, String operatorId, String b1, String b2, String meterCode, Map<String, String> calls) {}

    static Fixture fixture;

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    AgroalDataSource db;

    @BeforeEach
    void buildOnce() throws Exception {
        if (fixture == null) {
            fixture = build();
        }
    }

    /** A time in the test's month, {@code "10T00:40"} UTC. */
    static Instant at(String utc) {
        return Instant.parse(M + "-" + utc + ":00Z");
    }

    private Fixture build() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        String portCode = "KPI-" + suffix;
        // set up in SQL (the test predates the administrators' API for operators and jurisdictions, README "Users and
        // parties"; what it tests is the report): the test's port gets an operator of its own, and the maritime bureau
        // covers it
        String operatorId = UUID.randomUUID().toString();
        sql(
                "insert into port_operator (id, code, name) values (?::uuid, ?, ?)",
                operatorId,
                portCode,
                "KPI 岸电公司 " + suffix);
        Map<String, Object> port = new HashMap<>();
        port.put("code", portCode);
        port.put("name", "KPI test port " + suffix);
        port.put("regionKind", "INLAND");
        port.put("timeZone", "Asia/Shanghai");
        port.put("operatorId", operatorId);
        port.put("province", "testland");
        String portId = as(ADMIN)
                .body(port)
                .post("/api/v1/ports")
                .then()
                .statusCode(201)
                .body("province", equalTo("testland"))
                .extract()
                .path("id");
        // the maritime bureau covers the new port (in SQL, as above)
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "insert into bureau_jurisdiction (bureau_id, port_id) values (?::uuid, ?::uuid)")) {
            s.setString(1, MSA_PARTY);
            s.setString(2, portId);
            s.executeUpdate();
        }
        String b1 = berth(
                portId,
                "B1",
                "KPI 1号泊位",
                "CONTAINER",
                Map.of(
                        "available",
                        true,
                        "voltageV",
                        400,
                        "frequencyHz",
                        50,
                        "capacityKva",
                        630,
                        "highVoltage",
                        false,
                        "socket",
                        "IEC 60309 LV 350A"));
        String b2 = berth(portId, "B2", "KPI 2号泊位", "GENERAL_CARGO", Map.of("available", false));
        MqttTestSupport.TestMeter meter = aMeterAt(portCode, b1, "B1", 600);

        Map<String, String> calls = new LinkedHashMap<>();
        calls.put("C1", call(VESSEL_YU_CONTAINER, b1, at("10T00:00"), at("10T06:00")));
        calls.put("C2", call(VESSEL_YU_RORO, b1, at("10T10:00"), at("10T13:00")));
        calls.put("C3", call(VESSEL_CHANGJIANG, b1, at("10T14:00"), at("10T20:00")));
        calls.put("C4", call(VESSEL_YU_CONTAINER, b1, at("11T00:00"), at("11T05:00")));
        calls.put("C5", call(VESSEL_YU_CARGO, b2, at("10T02:00"), at("10T06:00")));

        String etag = as(ADMIN)
                .get("/api/v1/calls/" + calls.get("C2"))
                .then()
                .extract()
                .header("ETag");
        as(ADMIN)
                .header("If-Match", etag)
                .body(Map.of("reason", "WEATHER", "note", "大风 gale", "evidence", "气象预警 No. 7"))
                .post("/api/v1/calls/" + calls.get("C2") + "/exemption")
                .then()
                .statusCode(200);
        as(ADMIN)
                .body(Map.of(
                        "meterId",
                        meter.id(),
                        "start",
                        at("11T01:00").toString(),
                        "end",
                        at("11T02:00").toString(),
                        "repairedAt",
                        at("11T02:30").toString(),
                        "description",
                        "测试故障 breaker trip"))
                .post("/api/v1/berths/" + b1 + "/faults")
                .then()
                .statusCode(201);

        // one backfill array: C1's session (00:30 open, 00:40..04:30 closed, 04:40 open; 25 steps of 1.6 kWh), then
        // after a quiet spell the unmatched session (08:00 open, 08:10..08:40 closed, 08:50 open; 5 steps of 1 kWh)
        List<String> readings = new ArrayList<>();
        long seq = 0;
        for (int k = 0; k <= 25; k++) {
            Instant ts = at("10T00:30").plusSeconds(600L * k);
            readings.add(meter.reading(
                    seq++,
                    ts,
                    new BigDecimal("100.000")
                            .add(new BigDecimal("1.6").multiply(BigDecimal.valueOf(k)))
                            .toPlainString(),
                    k > 0 && k < 25,
                    null));
        }
        for (int k = 0; k <= 5; k++) {
            Instant ts = at("10T08:00").plusSeconds(600L * k);
            readings.add(meter.reading(seq++, ts, String.valueOf(140 + k) + ".000", k > 0 && k < 5, null));
        }
        Mqtt5BlockingClient mqtt = MqttTestSupport.publisher();
        try {
            publish(mqtt, meter.readingTopic(), "[" + String.join(",", readings) + "]");
        } finally {
            mqtt.disconnect();
        }
        await("C1 compliant with its 4 h session", WAIT, () -> "COMPLIANT".equals(shorePowerOutcome(calls.get("C1"))));
        await(
                "the unmatched session",
                WAIT,
                () -> count(
                                "select count(*) from shore_session where meter_id = ?::uuid and call_id is null and status = 'CLOSED'",
                                meter.id())
                        == 1);
        return new Fixture(portId, operatorId, b1, b2, meter.code(), calls);
    }

    private static String berth(String portId, String code, String name, String kind, Map<String, Object> shorePower) {
        return as(ADMIN)
                .body(Map.of(
                        "portId", portId, "code", code, "name", name, "terminalKind", kind, "shorePower", shorePower))
                .post("/api/v1/berths")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    private static String call(String vessel, String berth, Instant arrival, Instant departure) {
        return as(ADMIN)
                .body(Map.of(
                        "vesselId",
                        vessel,
                        "berthId",
                        berth,
                        "arrival",
                        arrival.toString(),
                        "departure",
                        departure.toString(),
                        "crewOnBoard",
                        10))
                .post("/api/v1/calls")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    private static String shorePowerOutcome(String callId) {
        return as(ADMIN)
                .get("/api/v1/compliance/calls/" + callId)
                .then()
                .statusCode(200)
                .extract()
                .path("verdicts.find { it.kind == 'SHORE_POWER' }.effectiveOutcome");
    }

    private void sql(String sql, String... args) throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setString(i + 1, args[i]);
            }
            s.executeUpdate();
        }
    }

    private long count(String sql, String... args) {
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setString(i + 1, args[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonPath report(String user, String query) {
        return as(user).get("/api/v1/reports/shore-power?" + query)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .using(ReportTest.BIG);
    }

    static void assertFigure(String expected, Object actual, String what) {
        if (expected == null) {
            assertNull(actual, what);
        } else {
            assertNotNull(actual, what);
            assertEquals(
                    0, new BigDecimal(expected).compareTo(new BigDecimal(actual.toString())), what + ": " + actual);
        }
    }

    /** Checks the named figures of one row, {@code name=value} pairs ({@code name=} for absent). */
    static void assertRow(Map<String, Object> row, String... figures) {
        for (String f : figures) {
            String[] kv = f.split("=", 2);
            assertFigure(kv[1].isEmpty() ? null : kv[1], row.get(kv[0]), row.get("label") + " " + kv[0]);
        }
    }

    static final String[] PORT_FIGURES = {
        "calls=5",
        "eligibleCalls=3",
        "connectedCalls=1",
        "usageRate=0.3333",
        "berthedHours=14",
        "connectedHours=4",
        "timeCoverage=0.2857",
        "shipFacilityCalls=4",
        "compatibleCalls=3",
        "compatibilityRate=0.75",
        "violations=1",
        "exemptions=1",
        "pending=0",
        "sessions=2",
        "matchedSessions=1",
        "sessionMatchRate=0.5",
        "kwh=45.000",
        "matchedKwh=40.000",
        "callsWithSessions=1",
        "kwhPerConnectedCall=40.000",
        // testland: grid 0.3 kg CO2/kWh, sulphur 0.1 %, energy price 0.5 CNY/kWh; 45 kWh → 9.675 kg of fuel
        "avoidedCo2Kg=17.518", // 9.675 × 3.206 − 45 × 0.3
        "avoidedSo2Kg=0.019", // 9.675 × 0.1 % × 2 = 0.01935
        "avoidedNoxKg=0.368", // 45 × 8.184 g (Tier II at 1500 rpm)
        "avoidedCostCny=41.40" // 9.675 × 8.0 − 45 × (0.5 + 0.30)
    };

    @Test
    void theKpisOfThePortAreExact() {
        JsonPath r = report(BUREAU_MSA, MONTH + "&portId=" + fixture.portId());
        assertEquals(M.toString(), r.getString("filters.from"));
        assertEquals("port", r.getString("filters.groupBy"));
        List<Map<String, Object>> rows = r.getList("rows");
        assertEquals(1, rows.size());
        assertEquals(fixture.portId(), rows.get(0).get("key"));
        assertTrue(rows.get(0).get("label").toString().startsWith("KPI test port"));
        assertRow(rows.get(0), PORT_FIGURES);
        assertRow(r.getMap("total"), PORT_FIGURES);
        Map<String, Object> reasons = r.getMap("rows[0].exemptionsByReason");
        assertFigure("1", reasons.get("WEATHER"), "WEATHER");
        assertFigure("0", reasons.get("SHORE_FAULT"), "SHORE_FAULT");
        assertFigure("0", reasons.get("BUREAU_REVIEW"), "BUREAU_REVIEW");
        // the factors used are echoed
        List<Map<String, Object>> factors = r.getList("factors");
        assertEquals(1, factors.size());
        assertEquals("testland", factors.get(0).get("province"));
        assertFigure("0.3", factors.get(0).get("gridCo2KgPerKwh"), "grid factor");
        assertFigure("0.215", factors.get(0).get("auxSfocKgPerKwh"), "sfoc");
        assertFigure("8.184", factors.get(0).get("auxNoxGPerKwh"), "NOx limit");

        // the same month over all the bureau's ports: the test port's row is the same
        Map<String, Object> mine = report(BUREAU_MSA, MONTH).<Map<String, Object>>getList("rows").stream()
                .filter(x -> x.get("key").equals(fixture.portId()))
                .findFirst()
                .orElseThrow();
        assertRow(mine, PORT_FIGURES);
    }

    @Test
    void groupingsSplitTheSameFigures() {
        JsonPath byBerth = report(ADMIN, MONTH + "&portId=" + fixture.portId() + "&groupBy=berth");
        Map<String, Map<String, Object>> rows = new HashMap<>();
        byBerth.<Map<String, Object>>getList("rows").forEach(x -> rows.put((String) x.get("key"), x));
        assertEquals(2, rows.size());
        assertRow(
                rows.get(fixture.b1()),
                "calls=4",
                "eligibleCalls=3",
                "shipFacilityCalls=4",
                "compatibleCalls=3",
                "sessions=2",
                "kwh=45.000");
        assertRow(
                rows.get(fixture.b2()),
                "calls=1",
                "eligibleCalls=0",
                "usageRate=",
                "timeCoverage=",
                "shipFacilityCalls=0",
                "compatibilityRate=",
                "sessions=0",
                "kwh=0.000",
                "kwhPerConnectedCall=",
                "avoidedCo2Kg=0.000");
        assertTrue(rows.get(fixture.b1()).get("label").toString().contains("B1"));
        assertRow(byBerth.getMap("total"), PORT_FIGURES);

        // by vessel: the unmatched session has no vessel and gets a row of its own
        JsonPath byVessel = report(ADMIN, MONTH + "&portId=" + fixture.portId() + "&groupBy=vessel");
        Map<String, Map<String, Object>> vessels = new HashMap<>();
        byVessel.<Map<String, Object>>getList("rows").forEach(x -> vessels.put((String) x.get("key"), x));
        assertEquals(5, vessels.size());
        assertRow(
                vessels.get(VESSEL_YU_CONTAINER),
                "calls=2",
                "eligibleCalls=2",
                "connectedCalls=1",
                "usageRate=0.5",
                "berthedHours=11",
                "connectedHours=4",
                "violations=1",
                "sessions=1",
                "kwh=40.000");
        assertRow(vessels.get(""), "calls=0", "sessions=1", "matchedSessions=0", "kwh=5.000", "avoidedCo2Kg=1.946");
        assertRow(byVessel.getMap("total"), PORT_FIGURES);

        JsonPath byMonth = report(ADMIN, MONTH + "&portId=" + fixture.portId() + "&groupBy=month");
        assertEquals(M.toString(), byMonth.getString("rows[0].key"));
        assertRow(byMonth.getMap("rows[0]"), PORT_FIGURES);
        JsonPath byCompany = report(ADMIN, MONTH + "&portId=" + fixture.portId() + "&groupBy=company");
        assertEquals(fixture.operatorId(), byCompany.getString("rows[0].key"));
        assertRow(byCompany.getMap("rows[0]"), PORT_FIGURES);

        // another month has none of it
        JsonPath april =
                report(ADMIN, "from=" + M.plusMonths(1) + "&to=" + M.plusMonths(1) + "&portId=" + fixture.portId());
        assertEquals(0, april.getList("rows").size());
        assertRow(april.getMap("total"), "calls=0", "sessions=0", "kwh=0.000", "usageRate=");
    }

    @Test
    void anotherJurisdictionSeesNoneOfTheRowsOrTotals() {
        for (String user : List.of(BUREAU_CHANGSHOU, OPERATOR_CHAOTIANMEN)) {
            for (String q : List.of(MONTH, MONTH + "&portId=" + fixture.portId(), MONTH + "&groupBy=vessel")) {
                JsonPath r = report(user, q);
                assertTrue(
                        r.<Map<String, Object>>getList("rows").stream()
                                .noneMatch(x -> fixture.portId().equals(x.get("key"))
                                        || VESSEL_YU_CONTAINER.equals(x.get("key"))),
                        user + " " + q);
                if (!q.contains("groupBy")) {
                    assertRow(r.getMap("total"), "calls=0", "sessions=0", "kwh=0.000", "violations=0");
                }
            }
            JsonPath art18 = as(user).get("/api/v1/reports/shore-power/art18?" + MONTH + "&portId=" + fixture.portId())
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            assertEquals(0, art18.getInt("total"), user);
        }
        // a crew sees its own vessel's calls and their sessions only, never an unmatched session
        JsonPath crew = report(CREW_YU_CONTAINER, MONTH + "&portId=" + fixture.portId());
        assertRow(
                crew.getMap("total"),
                "calls=2",
                "eligibleCalls=2",
                "connectedCalls=1",
                "violations=1",
                "sessions=1",
                "matchedSessions=1",
                "kwh=40.000");
        // facility users have no shore-power figures; a bad grouping or range is a problem document
        as(RECEIVER_GUOYUAN)
                .get("/api/v1/reports/shore-power?" + MONTH)
                .then()
                .statusCode(403)
                .contentType(containsString("application/problem+json"));
        as(BUREAU_MSA)
                .get("/api/v1/reports/shore-power?groupBy=stream")
                .then()
                .statusCode(400)
                .contentType(containsString("application/problem+json"))
                .body("errors[0].field", equalTo("groupBy"));
        as(BUREAU_MSA)
                .get("/api/v1/reports/shore-power?from=" + M.plusMonths(1) + "&to=" + M)
                .then()
                .statusCode(400)
                .contentType(containsString("application/problem+json"));
    }

    @Test
    void aBureauReviewAndADeactivationReachTheReport() {
        String c4 = fixture.calls().get("C4");
        as(BUREAU_MSA)
                .body(Map.of(
                        "kind", "SHORE_POWER", "decision", "OVERTURN", "outcome", "EXEMPT", "reason", "现场核实 checked"))
                .post("/api/v1/compliance/calls/" + c4 + "/reviews")
                .then()
                .statusCode(200);
        JsonPath reviewed = report(BUREAU_MSA, MONTH + "&portId=" + fixture.portId());
        assertRow(reviewed.getMap("total"), "eligibleCalls=3", "violations=0", "exemptions=2");
        assertFigure("1", reviewed.getMap("total.exemptionsByReason").get("BUREAU_REVIEW"), "by review");
        assertFigure("1", reviewed.getMap("total.exemptionsByReason").get("WEATHER"), "weather");
        as(BUREAU_MSA)
                .body(Map.of("kind", "SHORE_POWER", "decision", "CONFIRM"))
                .post("/api/v1/compliance/calls/" + c4 + "/reviews")
                .then()
                .statusCode(200);
        assertRow(report(BUREAU_MSA, MONTH + "&portId=" + fixture.portId()).getMap("total"), PORT_FIGURES);

        // a call two months later counts until it is deactivated
        YearMonth later = M.plusMonths(2);
        String may = "from=" + later + "&to=" + later + "&portId=" + fixture.portId();
        String id = call(
                VESSEL_YU_RORO,
                fixture.b1(),
                Instant.parse(later + "-05T00:00:00Z"),
                Instant.parse(later + "-05T04:00:00Z"));
        assertRow(report(BUREAU_MSA, may).getMap("total"), "calls=1", "eligibleCalls=1", "violations=1");
        String etag = as(ADMIN).get("/api/v1/calls/" + id).then().extract().header("ETag");
        as(ADMIN)
                .header("If-Match", etag)
                .post("/api/v1/calls/" + id + "/deactivate")
                .then()
                .statusCode(200);
        assertRow(report(BUREAU_MSA, may).getMap("total"), "calls=0", "eligibleCalls=0", "violations=0");
    }

    /**
     * An unmatched session shows the registry's name, IMO and ship id of the ship its readings name only to those who
     * may read that vessel: the bureau covering the port sees Yu Container 1 (it called there) by name, and for
     * Changhua 9 (never at the port) only the MMSI the readings carried; an administrator sees both.
     */
    @Test
    void anUnmatchedSessionNamesOnlyAVesselTheReaderMaySee() {
        YearMonth earlier = M.minusMonths(2);
        String portCode = as(ADMIN).get("/api/v1/ports/" + fixture.portId()).path("code");
        MqttTestSupport.TestMeter meter = aMeterAt(portCode, fixture.b1(), "B1", 600);
        List<String> readings = new ArrayList<>();
        long seq = 0;
        for (String vessel : List.of("413800001", "413800005")) {
            Instant start = Instant.parse(earlier + (vessel.endsWith("1") ? "-03" : "-04") + "T08:00:00Z");
            for (int k = 0; k <= 5; k++) {
                readings.add(meter.reading(
                        seq++, start.plusSeconds(600L * k), (200 + seq) + ".000", k > 0 && k < 5, vessel));
            }
        }
        Mqtt5BlockingClient mqtt = MqttTestSupport.publisher();
        try {
            publish(mqtt, meter.readingTopic(), "[" + String.join(",", readings) + "]");
        } finally {
            mqtt.disconnect();
        }
        await(
                "the two unmatched sessions",
                WAIT,
                () -> count(
                                "select count(*) from shore_session where meter_id = ?::uuid and call_id is null"
                                        + " and status = 'CLOSED'",
                                meter.id())
                        == 2);
        String url =
                "/api/v1/reports/shore-power/art18?from=" + earlier + "&to=" + earlier + "&portId=" + fixture.portId();
        List<Map<String, Object>> bureau = as(BUREAU_MSA)
                .get(url)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items");
        assertEquals(2, bureau.size(), bureau.toString());
        assertEquals("413800001", bureau.get(0).get("mmsi"));
        assertEquals("CN20190000101", bureau.get(0).get("cnShipId"));
        assertNotNull(bureau.get(0).get("vessel"));
        assertEquals("413800005", bureau.get(1).get("mmsi"), "the MMSI the readings carried");
        assertNull(bureau.get(1).get("vessel"), bureau.toString());
        assertNull(bureau.get(1).get("imo"));
        assertNull(bureau.get(1).get("cnShipId"));
        List<Map<String, Object>> admin =
                as(ADMIN).get(url).then().statusCode(200).extract().jsonPath().getList("items");
        assertTrue(String.valueOf(admin.get(1).get("vessel")).contains("Changhua 9"), admin.toString());
    }

    @Test
    void theArt18RecordHasOneLinePerRelevantCallAndSession() {
        JsonPath r = as(BUREAU_MSA)
                .get("/api/v1/reports/shore-power/art18?" + MONTH + "&portId=" + fixture.portId())
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .using(ReportTest.BIG);
        assertEquals(4, r.getInt("total"));
        List<Map<String, Object>> items = r.getList("items");
        assertEquals(4, items.size());
        Map<String, Object> c1 = items.get(0);
        assertEquals(fixture.calls().get("C1"), c1.get("callId"));
        assertEquals("B1", c1.get("berthCode"));
        assertEquals("413800001", c1.get("mmsi"));
        assertEquals("CN20190000101", c1.get("cnShipId"));
        assertEquals(at("10T00:00").toString(), c1.get("berthedAt"));
        assertEquals(at("10T06:00").toString(), c1.get("unberthedAt"));
        assertEquals(fixture.meterCode(), c1.get("meter"));
        assertEquals(at("10T00:40").toString(), c1.get("shorePowerStart"));
        assertEquals(at("10T04:40").toString(), c1.get("shorePowerStop"));
        assertFigure("40.000", c1.get("kwh"), "C1 kWh");
        assertEquals("COMPLIANT", c1.get("verdict"));
        assertNull(c1.get("faults"));

        Map<String, Object> unmatched = items.get(1);
        assertNull(unmatched.get("callId"));
        assertNull(unmatched.get("verdict"));
        assertEquals(at("10T08:10").toString(), unmatched.get("shorePowerStart"));
        assertFigure("5.000", unmatched.get("kwh"), "unmatched kWh");

        Map<String, Object> c2 = items.get(2);
        assertEquals(fixture.calls().get("C2"), c2.get("callId"));
        assertEquals("EXEMPT", c2.get("verdict"));
        assertEquals("WEATHER", c2.get("exemptionReason"));
        assertNull(c2.get("shorePowerStart"));

        Map<String, Object> c4 = items.get(3);
        assertEquals(fixture.calls().get("C4"), c4.get("callId"));
        assertEquals("VIOLATION", c4.get("verdict"));
        assertEquals(
                M + "-11T01:00:00Z/" + M + "-11T02:00:00Z repaired " + M + "-11T02:30:00Z 测试故障 breaker trip",
                c4.get("faults"));

        // paging
        JsonPath second = as(BUREAU_MSA)
                .get("/api/v1/reports/shore-power/art18?" + MONTH + "&portId=" + fixture.portId() + "&page=1&size=3")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(4, second.getInt("total"));
        assertEquals(List.of(fixture.calls().get("C4")), second.getList("items.callId"));
    }

    static final List<String> KPI_KEYS = List.of(
            "key",
            "label",
            "calls",
            "eligibleCalls",
            "connectedCalls",
            "usageRate",
            "berthedHours",
            "connectedHours",
            "timeCoverage",
            "shipFacilityCalls",
            "compatibleCalls",
            "compatibilityRate",
            "violations",
            "exemptions",
            "exemptSHIP_FAULT",
            "exemptSHORE_FAULT",
            "exemptWEATHER",
            "exemptACCIDENT",
            "exemptEMERGENCY",
            "exemptALTERNATIVE_MEASURE",
            "exemptBUREAU_REVIEW",
            "pending",
            "sessions",
            "matchedSessions",
            "sessionMatchRate",
            "kwh",
            "matchedKwh",
            "callsWithSessions",
            "kwhPerConnectedCall",
            "avoidedCo2Kg",
            "avoidedSo2Kg",
            "avoidedNoxKg",
            "avoidedCostCny");

    static final List<String> ART18_KEYS = List.of(
            "callId",
            "port",
            "berthCode",
            "berth",
            "vessel",
            "mmsi",
            "imo",
            "cnShipId",
            "berthedAt",
            "unberthedAt",
            "meter",
            "shorePowerStart",
            "shorePowerStop",
            "kwh",
            "sessionStatus",
            "faults",
            "verdict",
            "exemptionReason");

    @Test
    void csvAndXlsxCarryTheSameRowsAsTheJsonWithTheFiltersAndFactorsEchoed() throws Exception {
        String q = MONTH + "&portId=" + fixture.portId() + "&groupBy=berth";
        JsonPath json = report(BUREAU_MSA, q);
        List<Map<String, Object>> expected = new ArrayList<>();
        for (Map<String, Object> row : json.<Map<String, Object>>getList("rows")) {
            expected.add(flat(row));
        }
        expected.add(flat(json.getMap("total")));

        Response csv = as(BUREAU_MSA).header("Accept", "text/csv").get("/api/v1/reports/shore-power?" + q + "&lang=zh");
        csv.then().statusCode(200).contentType(containsString("text/csv"));
        String text = new String(csv.asByteArray(), StandardCharsets.UTF_8);
        assertTrue(text.contains("# 岸电使用情况统计"), text);
        assertTrue(text.contains("# from=" + M + "\n"), text);
        assertTrue(text.contains("# portId=" + fixture.portId() + "\n"), text);
        assertTrue(text.contains("# factors.testland.gridCo2KgPerKwh=0.3\n"), text);
        List<List<String>> parsed = ReportTest.parseCsv(text);
        assertEquals("岸电使用率", parsed.get(0).get(KPI_KEYS.indexOf("usageRate")));
        assertEquals("匹配率", parsed.get(0).get(KPI_KEYS.indexOf("compatibilityRate")));
        ReportTest.compare(KPI_KEYS, expected, parsed.subList(1, parsed.size()));

        byte[] xlsx = as(BUREAU_MSA)
                .header("Accept", ReportTest.XLSX)
                .get("/api/v1/reports/shore-power?" + q)
                .then()
                .statusCode(200)
                .extract()
                .asByteArray();
        List<List<String>> sheet = ReportTest.readSheet(xlsx);
        assertEquals("Shore-power KPIs", sheet.get(0).get(0));
        assertEquals(List.of("groupBy", "berth"), sheet.get(4));
        int header = ReportTest.indexOfRowStarting(sheet, "Group");
        assertEquals("Usage rate", sheet.get(header).get(KPI_KEYS.indexOf("usageRate")));
        ReportTest.compare(KPI_KEYS, expected, sheet.subList(header + 1, sheet.size()));
    }

    @Test
    void theArt18ExportsCarryTheSameLinesAsTheJson() throws Exception {
        String url = "/api/v1/reports/shore-power/art18?" + MONTH + "&portId=" + fixture.portId();
        List<Map<String, Object>> expected = as(BUREAU_MSA)
                .get(url)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .using(ReportTest.BIG)
                .getList("items");
        String text = new String(
                as(BUREAU_MSA)
                        .header("Accept", "text/csv")
                        .get(url)
                        .then()
                        .statusCode(200)
                        .extract()
                        .asByteArray(),
                StandardCharsets.UTF_8);
        assertTrue(text.contains("# Shore-power records (Art. 18)"), text);
        List<List<String>> parsed = ReportTest.parseCsv(text);
        assertEquals("Berthed", parsed.get(0).get(ART18_KEYS.indexOf("berthedAt")));
        ReportTest.compare(ART18_KEYS, expected, parsed.subList(1, parsed.size()));

        byte[] xlsx = as(BUREAU_MSA)
                .header("Accept", ReportTest.XLSX)
                .get(url + "&lang=zh")
                .then()
                .statusCode(200)
                .extract()
                .asByteArray();
        List<List<String>> sheet = ReportTest.readSheet(xlsx);
        int header = ReportTest.indexOfRowStarting(sheet, "靠港编号");
        assertEquals("靠泊时间", sheet.get(header).get(ART18_KEYS.indexOf("berthedAt")));
        ReportTest.compare(ART18_KEYS, expected, sheet.subList(header + 1, sheet.size()));
    }

    /** A JSON row as the exports flatten it: one column per exemption reason. */
    private static Map<String, Object> flat(Map<String, Object> row) {
        Map<String, Object> out = new HashMap<>(row);
        @SuppressWarnings("unchecked")
        Map<String, Object> reasons = (Map<String, Object>) row.get("exemptionsByReason");
        reasons.forEach((k, v) -> out.put("exempt" + k, v));
        return out;
    }
}
