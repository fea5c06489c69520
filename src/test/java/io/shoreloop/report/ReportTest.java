package io.shoreloop.report;

import static io.shoreloop.testing.DemoUsers.*;
import static org.hamcrest.Matchers.*;
import static org.junit.jupiter.api.Assertions.*;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import io.shoreloop.manifest.ManifestFlowTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;

/**
 * Bureau reports over the demo history: the closure read model against a plain SQL recount of the manifest tables,
 * jurisdiction scoping, the CSV and XLSX exports read back against the JSON, and the incremental read model against
 * a rebuild after new steps.
 */
@QuarkusTest
class ReportTest {

    static final String ALL_TIME = "from=2000-01&to=2099-12";
    static final String XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    static final String[] COUNTS = {
        "declared", "received", "transferred", "disposed", "open", "refused", "overdue", "discrepant"
    };
    static final String[] QUANTITIES = {"declaredQty", "receivedQty", "transferredQty", "disposedQty"};

    /**
     * The plain recount per port and unit, written independently of the read model's view: stages straight from the
     * manifest row, the transfer as "at least two handovers accepted a quantity", quantities with the latest
     * correction of their step.
     */
    static final String RECOUNT = """
            with handover as (
                select s.manifest_id, s.seq,
                       coalesce((select c.quantity from manifest_step c where c.manifest_id = s.manifest_id
                                 and c.action = 'CORRECT' and c.corrects_seq = s.seq order by c.seq desc limit 1),
                                s.quantity) as qty,
                       row_number() over (partition by s.manifest_id order by s.seq) as n
                from manifest_step s where s.action in ('RECEIVE', 'PICKUP', 'DISPOSE', 'REFUSE'))
            select m.port_id::text as key, m.unit,
                   count(*) as declared,
                   count(*) filter (where m.received_at is not null) as received,
                   count(*) filter (where (select count(*) from handover h where h.manifest_id = m.id
                                           and h.qty > 0) >= 2) as transferred,
                   count(*) filter (where m.state = 'DISPOSED') as disposed,
                   count(*) filter (where m.state in ('DECLARED', 'RECEIVED', 'IN_TRANSFER')) as open,
                   count(*) filter (where m.state = 'REFUSED') as refused,
                   count(*) filter (where m.overdue) as overdue,
                   count(*) filter (where m.discrepant) as discrepant,
                   sum(m.declared_qty) as "declaredQty",
                   coalesce(sum((select h.qty from handover h where h.manifest_id = m.id and h.n = 1))
                            filter (where m.received_at is not null), 0) as "receivedQty",
                   coalesce(sum((select h.qty from handover h where h.manifest_id = m.id and h.n = 2 and h.qty > 0)),
                            0) as "transferredQty",
                   coalesce(sum(m.current_qty) filter (where m.state = 'DISPOSED'), 0) as "disposedQty"
            from manifest m
            where m.declared_at is not null and m.state <> 'CANCELLED' %s
            group by 1, 2 order by 1, 2
            """;

    /** Numbers as BigDecimal, so that rates and quantities compare exactly. */
    static final JsonPathConfig BIG = new JsonPathConfig(JsonPathConfig.NumberReturnType.BIG_DECIMAL);

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    AgroalDataSource db;

    @Test
    void closureRatesEqualAPlainSqlRecountOfTheManifestTables() throws Exception {
        JsonPath report = as(ADMIN)
                .get("/api/v1/reports/closure?groupBy=port&" + ALL_TIME)
                .then()
                .statusCode(200)
                .body("filters.groupBy", equalTo("port"))
                .body("filters.from", equalTo("2000-01"))
                .extract()
                .jsonPath()
                .using(BIG);
        List<Map<String, Object>> recount = rows(RECOUNT.formatted(""));
        List<Map<String, Object>> rows = report.getList("rows");
        assertFalse(recount.isEmpty());
        assertEquals(recount.size(), rows.size(), "one row per port and unit");
        for (int i = 0; i < rows.size(); i++) {
            assertSameFigures(recount.get(i), rows.get(i));
        }
        // the demo has something in every stage, so the rates are real ratios
        Map<String, Object> guoyuan = rows.stream()
                .filter(r -> r.get("key").equals(PORT_GUOYUAN) && r.get("unit").equals("M3"))
                .findFirst()
                .orElseThrow();
        assertNotEquals(PORT_GUOYUAN, guoyuan.get("label"), "ports are labelled with their names");
        long declared = ((Number) guoyuan.get("declared")).longValue();
        long received = ((Number) guoyuan.get("received")).longValue();
        assertEquals(
                BigDecimal.valueOf(received).divide(BigDecimal.valueOf(declared), 4, java.math.RoundingMode.HALF_UP),
                new BigDecimal(guoyuan.get("receivedRate").toString()).setScale(4));
        // totals per unit are the sums of the rows
        for (Map<String, Object> total : report.<Map<String, Object>>getList("totals")) {
            long sum = rows.stream()
                    .filter(r -> r.get("unit").equals(total.get("unit")))
                    .mapToLong(r -> ((Number) r.get("declared")).longValue())
                    .sum();
            assertEquals(sum, ((Number) total.get("declared")).longValue());
        }
    }

    @Test
    void timeToClosePercentilesComeFromTheBucketsOfTheClosedManifests() throws Exception {
        List<Map<String, Object>> rows = as(ADMIN)
                .get("/api/v1/reports/closure?groupBy=stream&" + ALL_TIME)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .using(BIG)
                .getList("rows");
        List<Map<String, Object>> buckets = rows("""
                select m.stream as key, width_bucket(extract(epoch from m.closed_at - m.declared_at) / 3600.0,
                       array[1, 2, 4, 8, 12, 24, 48, 72, 120, 168, 336, 720]::numeric[]) as b, count(*) as n
                from manifest m where m.state = 'DISPOSED' group by 1, 2""");
        boolean someClosed = false;
        for (Map<String, Object> row : rows) {
            long[] h = new long[13];
            buckets.stream()
                    .filter(b -> b.get("key").equals(row.get("key")))
                    .forEach(b -> h[((Number) b.get("b")).intValue()] += ((Number) b.get("n")).longValue());
            BigDecimal p50 = ReportViews.percentile(h, 0.5);
            BigDecimal p90 = ReportViews.percentile(h, 0.9);
            assertEquals(p50, decimal(row.get("ttcP50Hours")), "p50 of " + row.get("key"));
            assertEquals(p90, decimal(row.get("ttcP90Hours")), "p90 of " + row.get("key"));
            someClosed |= p50 != null;
        }
        assertTrue(someClosed, "the demo closes some manifests");
    }

    @Test
    void theEstimateLiesInsideTheBucketOfTheExactPercentile() {
        long[] h = new long[13];
        h[3] = 10; // 4..8 h
        h[5] = 10; // 12..24 h
        assertEquals(new BigDecimal("8.0"), ReportViews.percentile(h, 0.5));
        assertEquals(new BigDecimal("21.6"), ReportViews.percentile(h, 0.9));
        h[12] = 100;
        assertEquals(new BigDecimal("720.0"), ReportViews.percentile(h, 0.9));
        assertNull(ReportViews.percentile(new long[13], 0.5));
    }

    @Test
    void aDistrictBureauSeesOnlyItsJurisdictionRowsAndTotals() throws Exception {
        JsonPath report = as(BUREAU_CHANGSHOU)
                .get("/api/v1/reports/closure?groupBy=port&" + ALL_TIME)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .using(BIG);
        List<Map<String, Object>> rows = report.getList("rows");
        assertFalse(rows.isEmpty(), "the demo has manifests at Changshou");
        rows.forEach(r -> assertEquals(PORT_CHANGSHOU, r.get("key")));
        List<Map<String, Object>> recount = rows(RECOUNT.formatted("and m.port_id = '" + PORT_CHANGSHOU + "'"));
        for (int i = 0; i < recount.size(); i++) {
            assertSameFigures(
                    recount.get(i), report.getList("totals", Map.class).get(i));
        }
        // grouped by vessel or facility, it still sees Changshou's manifests only
        long viaVessels = as(BUREAU_CHANGSHOU)
                .get("/api/v1/reports/closure?groupBy=vessel&" + ALL_TIME)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .using(BIG)
                .getList("rows.declared", BigDecimal.class)
                .stream()
                .mapToLong(BigDecimal::longValue)
                .sum();
        assertEquals(
                recount.stream()
                        .mapToLong(r -> ((Number) r.get("declared")).longValue())
                        .sum(),
                viaVessels);
        // another port, asked for explicitly, is simply empty
        as(BUREAU_CHANGSHOU)
                .get("/api/v1/reports/closure?portId=" + PORT_GUOYUAN + "&" + ALL_TIME)
                .then()
                .statusCode(200)
                .body("rows", empty())
                .body("totals", empty());
        as(BUREAU_CHANGSHOU)
                .get("/api/v1/reports/overdue?includeClosed=true&" + ALL_TIME)
                .then()
                .statusCode(200)
                .body("items.portId", everyItem(equalTo(PORT_CHANGSHOU)));
        as(BUREAU_CHANGSHOU)
                .get("/api/v1/reports/ageing")
                .then()
                .statusCode(200)
                .body("rows.portId", everyItem(equalTo(PORT_CHANGSHOU)));
        // the maritime bureau covers all three ports and sees Guoyuan's overdue manifest
        as(BUREAU_MSA)
                .get("/api/v1/reports/overdue?" + ALL_TIME)
                .then()
                .statusCode(200)
                .body("total", greaterThanOrEqualTo(1))
                .body("items[0].href", startsWith("/api/v1/manifests/"));
    }

    @Test
    void crewsSeeTheirOwnVesselAndTransportersAreRefused() {
        as(CREW_YU_CONTAINER)
                .get("/api/v1/reports/closure?groupBy=vessel&" + ALL_TIME)
                .then()
                .statusCode(200)
                .body("rows.key", everyItem(equalTo(VESSEL_YU_CONTAINER)));
        as(CREW_YU_CONTAINER)
                .get("/api/v1/reports/closure?groupBy=facility")
                .then()
                .statusCode(400);
        as(RECEIVER_GUOYUAN)
                .get("/api/v1/reports/closure?groupBy=facility&" + ALL_TIME)
                .then()
                .statusCode(200)
                .body("rows.key", everyItem(equalTo(FACILITY_GUOYUAN)));
        as(TRANSPORTER).get("/api/v1/reports/closure").then().statusCode(403);
        as(DISPOSER_HAZWASTE).get("/api/v1/reports/overdue").then().statusCode(403);
        as(ADMIN).get("/api/v1/reports/closure?groupBy=fleet").then().statusCode(400);
        as(ADMIN).get("/api/v1/reports/closure?from=2026-13").then().statusCode(400);
        as(BUREAU_MSA).post("/api/v1/reports/rebuild").then().statusCode(403);
    }

    @Test
    void csvAndXlsxCarryTheSameRowsAsTheJsonWithTheFiltersEchoed() throws Exception {
        String query = "/api/v1/reports/closure?groupBy=port&" + ALL_TIME;
        JsonPath json = as(BUREAU_MSA)
                .get(query)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .using(BIG);
        List<Map<String, Object>> expected = new ArrayList<>(json.getList("rows"));
        expected.addAll(json.getList("totals"));
        List<String> keys = ReportResource.closureTable(Map.of(), List.of()).columns().stream()
                .map(ReportTable.Column::key)
                .toList();

        byte[] csv = as(BUREAU_MSA)
                .accept("text/csv")
                .get(query)
                .then()
                .statusCode(200)
                .contentType(startsWith("text/csv"))
                .extract()
                .asByteArray();
        List<List<String>> lines = parseCsv(new String(csv, StandardCharsets.UTF_8));
        String text = new String(csv, StandardCharsets.UTF_8);
        assertTrue(text.contains("# from=2000-01\n") && text.contains("# groupBy=port\n"), text);
        assertEquals("Declared", lines.get(0).get(3));
        compare(keys, expected, lines.subList(1, lines.size()));

        String zh = as(BUREAU_MSA)
                .accept("text/csv")
                .get(query + "&lang=zh")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertTrue(zh.contains("申报数") && zh.contains("联单闭环率"), zh);

        byte[] xlsx = as(BUREAU_MSA)
                .accept(XLSX)
                .get(query + "&lang=zh")
                .then()
                .statusCode(200)
                .contentType(startsWith(XLSX))
                .extract()
                .asByteArray();
        List<List<String>> sheet = readSheet(xlsx);
        assertEquals("联单闭环率", sheet.get(0).get(0));
        assertTrue(sheet.stream()
                .anyMatch(r -> r.size() > 1 && r.get(0).equals("to") && r.get(1).equals("2099-12")));
        int header = indexOfRowStarting(sheet, "分组");
        assertEquals("申报数", sheet.get(header).get(3));
        compare(keys, expected, sheet.subList(header + 1, sheet.size()));
    }

    @Test
    void listExportsCarryTheSameManifestsAsTheJson() throws Exception {
        String query = "/api/v1/reports/overdue?includeClosed=true&size=500&" + ALL_TIME;
        List<Map<String, Object>> expected = as(ADMIN)
                .get(query)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .using(BIG)
                .getList("items");
        assertFalse(expected.isEmpty());
        List<List<String>> csv = parseCsv(
                as(ADMIN).accept("text/csv").get(query).then().extract().asString());
        assertEquals(expected.size(), csv.size() - 1);
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).get("id"), csv.get(i + 1).get(0));
            assertEquals(expected.get(i).get("href"), csv.get(i + 1).get(2));
        }
        List<List<String>> sheet = readSheet(as(ADMIN)
                .accept(XLSX)
                .get(query)
                .then()
                .statusCode(200)
                .extract()
                .asByteArray());
        int header = indexOfRowStarting(sheet, "Manifest id");
        assertEquals(expected.size(), sheet.size() - header - 1);
        assertEquals(expected.get(0).get("number"), sheet.get(header + 1).get(1));
        as(ADMIN)
                .accept("text/csv")
                .get("/api/v1/reports/ageing")
                .then()
                .statusCode(200)
                .body(containsString("Over 30 days"));
        as(ADMIN)
                .get("/api/v1/reports/discrepant?" + ALL_TIME)
                .then()
                .statusCode(200)
                .body("total", greaterThanOrEqualTo(1));
    }

    @Test
    void theReadModelStaysEqualToARebuildAfterNewSteps() throws Exception {
        String id = ManifestFlowTest.draftSewage("10");
        ManifestFlowTest.declare(id);
        assertEquals(rebuilt(), aggregates(), "after a declaration");
        as(RECEIVER_GUOYUAN)
                .body(ManifestFlowTest.handover("9.5", FACILITY_TRANSPORTER))
                .post("/api/v1/manifests/" + id + "/receive")
                .then()
                .statusCode(200);
        Map<String, Object> pickup = ManifestFlowTest.handover("9.5", FACILITY_SEWAGE_PLANT);
        pickup.put("vehicle", "渝A·R0001");
        as(TRANSPORTER)
                .body(pickup)
                .post("/api/v1/manifests/" + id + "/pickup")
                .then()
                .statusCode(200);
        Map<String, Object> dispose = ManifestFlowTest.handover("9.4", null);
        dispose.put("treatment", "activated sludge");
        as(DISPOSER_SEWAGE_PLANT)
                .body(dispose)
                .post("/api/v1/manifests/" + id + "/dispose")
                .then()
                .statusCode(200);
        String cancelled = ManifestFlowTest.draftSewage("3");
        ManifestFlowTest.declare(cancelled);
        as(CREW_YU_CONTAINER)
                .body(Map.of("reason", "declared twice"))
                .post("/api/v1/manifests/" + cancelled + "/cancel")
                .then()
                .statusCode(200);
        // exact at once, whether or not the deltas of these steps were folded into the aggregates yet
        List<Map<String, Object>> reported = as(ADMIN)
                .get("/api/v1/reports/closure?groupBy=port&" + ALL_TIME)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .using(BIG)
                .getList("rows");
        List<Map<String, Object>> recount = rows(RECOUNT.formatted(""));
        assertEquals(recount.size(), reported.size());
        for (int i = 0; i < recount.size(); i++) {
            assertSameFigures(recount.get(i), reported.get(i));
        }
        Map<String, String> incremental = aggregates();
        assertEquals(rebuilt(), incremental, "after receipt, pickup, disposal and a cancellation");
        assertEquals(
                "1",
                rows("select count(*) as n from report_manifest_fact where manifest_id = '" + id + "'")
                        .get(0)
                        .get("n")
                        .toString());
        assertTrue(rows("select 1 as n from report_manifest_fact where manifest_id = '" + cancelled + "'")
                .isEmpty());
        // and the admin's rebuild changes nothing
        String key = "rebuild-" + java.util.UUID.randomUUID();
        String first = as(ADMIN)
                .header("Idempotency-Key", key)
                .post("/api/v1/reports/rebuild")
                .then()
                .statusCode(200)
                .body("manifests", greaterThan(0))
                .extract()
                .asString();
        assertEquals(incremental, aggregates());
        // retried with its key: the first answer, not a second rebuild
        String retried = as(ADMIN)
                .header("Idempotency-Key", key)
                .post("/api/v1/reports/rebuild")
                .then()
                .statusCode(200)
                .header("Idempotent-Replayed", "true")
                .extract()
                .asString();
        assertEquals(first, retried);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** The aggregates once the manifests changed so far are caught up with and the pending deltas folded in. */
    private Map<String, String> aggregates() throws Exception {
        rows("select report_catch_up() as caught_up");
        rows("select report_compact() as folded");
        assertEquals(
                "0",
                rows("select (select count(*) from report_closure_delta) + (select count(*) from"
                                + " report_closure_vessel_delta) as n")
                        .get(0)
                        .get("n")
                        .toString());
        return snapshot("select * from report_closure", "select * from report_closure_vessel");
    }

    /** What a rebuild would produce, computed beside the read model without touching it. */
    private Map<String, String> rebuilt() throws Exception {
        String measures = "sum(declared_n) as declared_n, sum(received_n) as received_n,"
                + " sum(transferred_n) as transferred_n, sum(disposed_n) as disposed_n, sum(open_n) as open_n,"
                + " sum(refused_n) as refused_n, sum(overdue_n) as overdue_n, sum(discrepant_n) as discrepant_n,"
                + " sum(declared_qty) as declared_qty, sum(received_qty) as received_qty,"
                + " sum(transferred_qty) as transferred_qty, sum(disposed_qty) as disposed_qty";
        StringBuilder h = new StringBuilder();
        for (int i = 0; i < 13; i++) {
            h.append(", count(*) filter (where ttc_bucket = ").append(i).append(") as h%02d".formatted(i));
        }
        return snapshot(
                "select port_id, receiver_id, stream, unit, month, " + measures + h
                        + " from report_manifest_fact_v group by 1, 2, 3, 4, 5",
                "select vessel_id, port_id, stream, unit, month, " + measures + h
                        + " from report_manifest_fact_v group by 1, 2, 3, 4, 5");
    }

    private Map<String, String> snapshot(String closure, String vessel) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (Map<String, Object> r : rows(closure)) {
            out.put(
                    "c|" + r.get("port_id") + "|" + r.get("receiver_id") + "|" + r.get("stream") + "|" + r.get("month"),
                    r.toString());
        }
        for (Map<String, Object> r : rows(vessel)) {
            out.put(
                    "v|" + r.get("vessel_id") + "|" + r.get("port_id") + "|" + r.get("stream") + "|" + r.get("month"),
                    r.toString());
        }
        return out;
    }

    private List<Map<String, Object>> rows(String sql) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new TreeMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    if (v instanceof BigDecimal d) {
                        v = d.stripTrailingZeros().toPlainString();
                    } else if (v instanceof Number n) {
                        v = n.longValue();
                    } else if (v != null) {
                        v = v.toString();
                    }
                    row.put(md.getColumnLabel(i), v);
                }
                out.add(row);
            }
        }
        return out;
    }

    private static void assertSameFigures(Map<String, Object> recount, Map<?, ?> row) {
        String what = recount.get("key") + "/" + recount.get("unit");
        for (String c : COUNTS) {
            assertEquals(((Number) recount.get(c)).longValue(), ((Number) row.get(c)).longValue(), c + " of " + what);
        }
        for (String q : QUANTITIES) {
            assertEquals(0, decimal(recount.get(q)).compareTo(decimal(row.get(q))), q + " of " + what);
        }
    }

    private static BigDecimal decimal(Object o) {
        return o == null ? null : new BigDecimal(o.toString());
    }

    /** Compares exported rows with the JSON rows, column by column (numbers by value, absent as empty). */
    static void compare(List<String> keys, List<Map<String, Object>> expected, List<List<String>> actual) {
        assertEquals(expected.size(), actual.size(), "rows");
        for (int i = 0; i < expected.size(); i++) {
            for (int k = 0; k < keys.size(); k++) {
                Object want = expected.get(i).get(keys.get(k));
                String got = k < actual.get(i).size() ? actual.get(i).get(k) : "";
                if (want == null) {
                    assertEquals("", got, keys.get(k) + " of row " + i);
                } else if (want instanceof Number) {
                    assertEquals(
                            0,
                            new BigDecimal(want.toString()).compareTo(new BigDecimal(got)),
                            keys.get(k) + " of row " + i + ": " + want + " vs " + got);
                } else {
                    assertEquals(want.toString(), got, keys.get(k) + " of row " + i);
                }
            }
        }
    }

    /** A small RFC 4180 reader: skips the byte-order mark and the {@code #} lines that echo the filters. */
    static List<List<String>> parseCsv(String text) {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<List<String>> out = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean lineStart = true;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (lineStart && !quoted && ch == '#') {
                i = text.indexOf('\n', i);
                if (i < 0) {
                    break;
                }
                continue;
            }
            lineStart = false;
            if (quoted) {
                if (ch == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (ch == '\n') {
                row.add(cell.toString());
                cell.setLength(0);
                out.add(row);
                row = new ArrayList<>();
                lineStart = true;
            } else {
                cell.append(ch);
            }
        }
        return out;
    }

    static List<List<String>> readSheet(byte[] xlsx) throws Exception {
        List<List<String>> out = new ArrayList<>();
        DataFormatter text = new DataFormatter();
        try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(xlsx))) {
            Sheet sheet = wb.getSheetAt(0);
            for (int r = 0; r <= sheet.getLastRowNum(); r++) {
                Row row = sheet.getRow(r);
                List<String> cells = new ArrayList<>();
                if (row != null) {
                    for (int c = 0; c < row.getLastCellNum(); c++) {
                        Cell cell = row.getCell(c);
                        if (cell == null) {
                            cells.add("");
                        } else if (cell.getCellType() == CellType.NUMERIC) {
                            cells.add(BigDecimal.valueOf(cell.getNumericCellValue())
                                    .toPlainString());
                        } else {
                            cells.add(text.formatCellValue(cell));
                        }
                    }
                }
                out.add(cells);
            }
        }
        return out;
    }

    static int indexOfRowStarting(List<List<String>> sheet, String first) {
        for (int i = 0; i < sheet.size(); i++) {
            if (!sheet.get(i).isEmpty() && sheet.get(i).get(0).equals(first)) {
                return i;
            }
        }
        throw new AssertionError("no row starting with " + first);
    }
}
