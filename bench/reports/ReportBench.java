import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * P3 benchmark, closure part (../../../shared/docs/quality.md): bulk-loads N generated manifests with their signed
 * steps into Shoreloop's PostgreSQL with COPY, rebuilds the closure read model, times the one-year x all-ports closure
 * report over HTTP, and cross-checks its figures against a plain SQL recount of the manifest tables in the same run.
 *
 * <p>The generator is reproducible: the same seed gives the same rows. Shape: 200 ports with one berth and three
 * reception facilities each, 50 transport companies, 50 disposal plants, 20,000 vessels, 200,000 calls in 2025; each
 * manifest belongs to a random call, declared at a uniform moment of 2025 (China Standard Time) with a stream drawn
 * 40 % sewage, 25 % oily water, 5 % tank washing, 30 % garbage. Lifecycles: 2 % draft, 1 % cancelled, 1 % refused at
 * receipt, 2 % declared, 1 % received, 1 % in transfer (all open ones overdue: 2025 is past every deadline), 12 %
 * disposed by the receiver itself, 80 % received, picked up and disposed. Quantities shrink by up to 10 % at receipt
 * and 2 % at each later handover; a receipt more than 5 % below the declaration is discrepant; 1 % of closed
 * manifests were overdue on the way.
 *
 * <p>Usage: java -cp postgresql.jar ReportBench.java BASE_URL JDBC_URL MANIFESTS SEED RUNS [--json]
 */
public class ReportBench {

    static final ZoneId CST = ZoneId.of("Asia/Shanghai");
    static final int PORTS = 200, RECEIVERS_PER_PORT = 3, TRANSPORTERS = 50, PLANTS = 50, VESSELS = 20_000,
            CALLS = 200_000, BATCH = 100_000;
    static final String[] STREAMS = {"SEWAGE", "OILY_WATER", "TANK_WASHING", "GARBAGE"};

    public static void main(String[] args) throws Exception {
        String base = args[0], jdbc = args[1];
        long manifests = Long.parseLong(args[2]);
        long seed = Long.parseLong(args[3]);
        int runs = Integer.parseInt(args[4]);
        boolean json = args.length > 5 && args[5].equals("--json");
        HttpClient http = HttpClient.newHttpClient();
        String token = adminToken(http, base);
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("manifests", manifests);
        out.put("seed", seed);
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres")) {
            long t0 = System.nanoTime();
            long steps = load(c, manifests, seed, json);
            double loadS = (System.nanoTime() - t0) / 1e9;
            out.put("stepRows", steps);
            out.put("loadSeconds", round(loadS));
            out.put("loadManifestsPerSecond", Math.round(manifests / loadS));
            t0 = System.nanoTime();
            long covered;
            try (Statement s = c.createStatement()) {
                s.execute("analyze");
                try (ResultSet rs = s.executeQuery("select report_rebuild()")) {
                    rs.next();
                    covered = rs.getLong(1);
                }
                s.execute("analyze report_closure; analyze report_closure_vessel");
            }
            out.put("rebuildSeconds", round((System.nanoTime() - t0) / 1e9));
            out.put("readModelManifests", covered);
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select (select count(*) from report_closure),"
                            + " (select count(*) from report_closure where month between '2025-01-01' and '2025-12-01')")) {
                rs.next();
                out.put("aggregateRows", rs.getLong(1));
                out.put("aggregateRowsInYear", rs.getLong(2));
            }

            String url = base + "/api/v1/reports/closure?from=2025-01&to=2025-12&groupBy=port";
            for (int i = 0; i < 5; i++) {
                get(http, url, token, "application/json");
            }
            List<Double> ms = new ArrayList<>();
            int bytes = 0;
            for (int i = 0; i < runs; i++) {
                long s0 = System.nanoTime();
                bytes = get(http, url, token, "application/json").length();
                ms.add((System.nanoTime() - s0) / 1e6);
            }
            Collections.sort(ms);
            out.put("reportRuns", runs);
            out.put("reportBytes", bytes);
            out.put("reportP50Ms", round(pct(ms, 0.50)));
            out.put("reportP95Ms", round(pct(ms, 0.95)));
            out.put("reportMaxMs", round(ms.get(ms.size() - 1)));

            // cross-check: the same report as CSV against a plain SQL recount over the manifest tables
            Map<String, long[]> reported = parseCsv(get(http, url, token, "text/csv"));
            t0 = System.nanoTime();
            Map<String, long[]> recount = recount(c);
            double recountMs = (System.nanoTime() - t0) / 1e6;
            out.put("recountMs", round(recountMs));
            out.put("recountOverReportP95", round(recountMs / pct(ms, 0.95)));
            int mismatches = 0;
            for (String k : recount.keySet()) {
                if (!java.util.Arrays.equals(recount.get(k), reported.get(k))) {
                    mismatches++;
                    if (mismatches <= 3 && !json) {
                        System.out.println("MISMATCH " + k + " recount " + java.util.Arrays.toString(recount.get(k))
                                + " report " + java.util.Arrays.toString(reported.get(k)));
                    }
                }
            }
            mismatches += (int) reported.keySet().stream().filter(k -> !recount.containsKey(k)).count();
            long declared = recount.values().stream().mapToLong(v -> v[0]).sum();
            long disposed = recount.values().stream().mapToLong(v -> v[3]).sum();
            out.put("groups", recount.size());
            out.put("declaredInYear", declared);
            out.put("disposedInYear", disposed);
            out.put("crossCheck", mismatches == 0 ? "MATCH" : mismatches + " groups differ");
        }
        if (json) {
            StringBuilder sb = new StringBuilder("{");
            out.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "")
                    .append('"').append(k).append("\":")
                    .append(v instanceof String ? "\"" + v + "\"" : v));
            System.out.println(sb.append('}'));
        } else {
            System.out.printf("%-28s %s%n", "figure", "value");
            out.forEach((k, v) -> System.out.printf("%-28s %s%n", k, v));
            System.out.printf("goal: report p95 < 300 ms (quality.md P3); measured p95 %s ms; recount/report ratio %s%n",
                    out.get("reportP95Ms"), out.get("recountOverReportP95"));
        }
    }

    // ------------------------------------------------------------------------------------------------ generator

    static long load(Connection c, long manifests, long seed, boolean quiet) throws Exception {
        Random r = new Random(seed);
        c.setAutoCommit(true);
        CopyRows ref = new CopyRows(c);
        UUID[] ports = new UUID[PORTS], berths = new UUID[PORTS];
        UUID[][] receivers = new UUID[PORTS][RECEIVERS_PER_PORT];
        UUID[] transporters = new UUID[TRANSPORTERS], plants = new UUID[PLANTS], vessels = new UUID[VESSELS];
        for (int p = 0; p < PORTS; p++) {
            ports[p] = uuid(r);
            ref.row(ports[p], "BENCH-P%03d".formatted(p), "Bench port %03d".formatted(p), "INLAND", "Asia/Shanghai");
        }
        ref.copy("port (id, code, name, region_kind, time_zone)");
        for (int p = 0; p < PORTS; p++) {
            berths[p] = uuid(r);
            ref.row(berths[p], ports[p], "B01", "Berth 1", "GENERAL_CARGO");
        }
        ref.copy("berth (id, port_id, code, name, terminal_kind)");
        for (int p = 0; p < PORTS; p++) {
            for (int i = 0; i < RECEIVERS_PER_PORT; i++) {
                receivers[p][i] = uuid(r);
                ref.row(receivers[p][i], "BENCH-R%03d-%d".formatted(p, i), "Reception %03d-%d".formatted(p, i),
                        "RECEPTION", ports[p]);
            }
        }
        for (int i = 0; i < TRANSPORTERS; i++) {
            transporters[i] = uuid(r);
            ref.row(transporters[i], "BENCH-T%02d".formatted(i), "Transport %02d".formatted(i), "TRANSPORT", null);
        }
        for (int i = 0; i < PLANTS; i++) {
            plants[i] = uuid(r);
            ref.row(plants[i], "BENCH-D%02d".formatted(i), "Plant %02d".formatted(i), "DISPOSAL", null);
        }
        ref.copy("facility (id, code, name, kind, port_id)");
        for (int v = 0; v < VESSELS; v++) {
            vessels[v] = uuid(r);
            ref.row(vessels[v], "Bench vessel %05d".formatted(v), String.valueOf(800_000_000 + v), "CARGO");
        }
        ref.copy("vessel (id, name, mmsi, vessel_type)");
        long yearStart = LocalDate.of(2025, 1, 1).atStartOfDay(CST).toEpochSecond();
        long yearEnd = LocalDate.of(2026, 1, 1).atStartOfDay(CST).toEpochSecond();
        UUID[] calls = new UUID[CALLS];
        int[] callPort = new int[CALLS], callVessel = new int[CALLS];
        for (int i = 0; i < CALLS; i++) {
            calls[i] = uuid(r);
            callPort[i] = r.nextInt(PORTS);
            callVessel[i] = r.nextInt(VESSELS);
            long arrival = yearStart + (long) (r.nextDouble() * (yearEnd - yearStart));
            ref.row(calls[i], vessels[callVessel[i]], berths[callPort[i]], ports[callPort[i]], ts(arrival));
        }
        ref.copy("vessel_call (id, vessel_id, berth_id, port_id, arrival)");

        UUID user = new UUID(0, 42);
        CopyRows m = new CopyRows(c), s = new CopyRows(c);
        long stepRows = 0;
        for (long n = 0; n < manifests; n++) {
            int call = r.nextInt(CALLS), p = callPort[call];
            double ps = r.nextDouble();
            String stream = ps < 0.40 ? STREAMS[0] : ps < 0.65 ? STREAMS[1] : ps < 0.70 ? STREAMS[2] : STREAMS[3];
            boolean kg = stream.equals("GARBAGE");
            UUID id = uuid(r), vessel = vessels[callVessel[call]], receiver = receivers[p][r.nextInt(RECEIVERS_PER_PORT)];
            UUID transporter = transporters[r.nextInt(TRANSPORTERS)], plant = plants[r.nextInt(PLANTS)];
            BigDecimal declared = qty(kg ? 10 + r.nextDouble() * 1990 : 0.5 + r.nextDouble() * 49.5);
            long declaredAt = yearStart + (long) (r.nextDouble() * (yearEnd - yearStart - 86400 * 8));
            double life = r.nextDouble();
            String state;
            Long receivedAt = null, closedAt = null;
            boolean overdue = false, discrepant = false;
            String overdueDeadline = null;
            BigDecimal current = declared;
            List<Object[]> st = new ArrayList<>();
            st.add(new Object[] {"DRAFT", vessel, "CREW", declaredAt - 600, declared, null, null, null});
            if (life < 0.02) {
                state = "DRAFT";
            } else {
                st.add(new Object[] {"DECLARE", vessel, "CREW", declaredAt, declared, null, null, receiver});
                long receive = declaredAt + 1800 + (long) (r.nextDouble() * 6 * 3600);
                BigDecimal received = qty(declared.doubleValue() * (0.90 + r.nextDouble() * 0.10));
                if (life < 0.03) {
                    state = "CANCELLED";
                    closedAt = declaredAt + 900;
                    st.add(new Object[] {"CANCEL", vessel, "CREW", closedAt, null, null, null, null});
                } else if (life < 0.04) {
                    state = "REFUSED";
                    closedAt = receive;
                    current = BigDecimal.ZERO.setScale(3);
                    st.add(new Object[] {"REFUSE", receiver, "RECEIVER", receive, current, null, null, null});
                } else if (life < 0.06) {
                    state = "DECLARED";
                    overdue = true;
                    overdueDeadline = "RECEIPT";
                } else {
                    receivedAt = receive;
                    current = received;
                    discrepant = received.compareTo(declared.multiply(new BigDecimal("0.95"))) < 0;
                    boolean direct = life >= 0.08 && life < 0.20;
                    st.add(new Object[] {"RECEIVE", receiver, "RECEIVER", receive, received, null, null,
                        direct ? receiver : transporter});
                    long pickup = receive + 3600 + (long) (r.nextDouble() * 24 * 3600);
                    BigDecimal picked = qty(received.doubleValue() * (0.98 + r.nextDouble() * 0.02));
                    long dispose = pickup + 3600 + (long) (Math.pow(r.nextDouble(), 3) * 7 * 86400);
                    BigDecimal disposed = qty(picked.doubleValue() * (0.98 + r.nextDouble() * 0.02));
                    if (life < 0.07) {
                        state = "RECEIVED";
                        overdue = true;
                        overdueDeadline = "PICKUP";
                    } else if (life < 0.08) {
                        state = "IN_TRANSFER";
                        overdue = true;
                        overdueDeadline = "DISPOSAL";
                        current = picked;
                        st.add(new Object[] {"PICKUP", transporter, "TRANSPORTER", pickup, picked, "渝A·B0001", null, plant});
                    } else if (direct) {
                        state = "DISPOSED";
                        closedAt = pickup;
                        current = picked;
                        st.add(new Object[] {"DISPOSE", receiver, "RECEIVER", pickup, picked, null, "incineration", null});
                    } else {
                        state = "DISPOSED";
                        closedAt = dispose;
                        current = disposed;
                        st.add(new Object[] {"PICKUP", transporter, "TRANSPORTER", pickup, picked, "渝A·B0001", null, plant});
                        st.add(new Object[] {"DISPOSE", plant, "DISPOSER", dispose, disposed, null, "incineration", null});
                    }
                    if (state.equals("DISPOSED") && r.nextDouble() < 0.01) {
                        overdue = true;
                        overdueDeadline = "DISPOSAL";
                    }
                }
            }
            long last = (long) st.get(st.size() - 1)[3];
            m.row(id, "BENCH-" + n, calls[call], vessel, ports[p], stream, kg ? "KG" : "M3", state,
                    state.equals("DRAFT") ? null : receiver, null, declared, "DECLARED", current,
                    overdue, overdue ? ts(declaredAt + 7200) : null, overdueDeadline, discrepant, user,
                    ts(declaredAt - 600), state.equals("DRAFT") ? null : ts(declaredAt),
                    receivedAt == null ? null : ts(receivedAt), closedAt == null ? null : ts(closedAt), ts(last));
            for (int i = 0; i < st.size(); i++) {
                Object[] x = st.get(i);
                s.row(id, i, x[0], user, x[1], x[2], ts((long) x[3]), x[4], x[4] == null ? null : "METERED", x[5],
                        x[6], x[7], "bench");
                stepRows++;
            }
            if ((n + 1) % BATCH == 0 || n + 1 == manifests) {
                m.copy("manifest (id, number, call_id, vessel_id, port_id, stream, unit, state, receiver_id,"
                        + " next_party_id, declared_qty, declared_method, current_qty, overdue, overdue_since,"
                        + " overdue_deadline, discrepant, created_by, created_at, declared_at, received_at, closed_at,"
                        + " updated_at)");
                s.copy("manifest_step (manifest_id, seq, action, user_id, party_id, role, at, quantity, method,"
                        + " vehicle, treatment, next_party_id, content_hash)");
                if (!quiet && (n + 1) % (BATCH * 10) == 0) {
                    System.out.printf("loaded %,d manifests%n", n + 1);
                }
            }
        }
        return stepRows;
    }

    static UUID uuid(Random r) {
        return new UUID((r.nextLong() & ~0xF000L) | 0x4000L, (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L);
    }

    static BigDecimal qty(double v) {
        return BigDecimal.valueOf(Math.max(0.001, v)).setScale(3, java.math.RoundingMode.HALF_UP);
    }

    static String ts(long epochSecond) {
        return Instant.ofEpochSecond(epochSecond).toString();
    }

    /** Rows in COPY text format, sent when {@link #copy} is called. */
    static final class CopyRows {
        final Connection c;
        final ByteArrayOutputStream buf = new ByteArrayOutputStream(1 << 20);

        CopyRows(Connection c) {
            this.c = c;
        }

        void row(Object... values) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    sb.append('\t');
                }
                Object v = values[i];
                sb.append(v == null ? "\\N" : v instanceof BigDecimal d ? d.toPlainString() : v.toString());
            }
            sb.append('\n');
            byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
            buf.write(b, 0, b.length);
        }

        void copy(String target) throws Exception {
            CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + target + " FROM STDIN");
            byte[] b = buf.toByteArray();
            in.writeToCopy(b, 0, b.length);
            in.endCopy();
            buf.reset();
        }
    }

    // ------------------------------------------------------------------------------------------------ cross-check

    /** Per port and unit: declared, received, transferred, disposed (counts), then quantities in thousandths. */
    static Map<String, long[]> recount(Connection c) throws Exception {
        String sql = """
                with corr as (
                    select distinct on (manifest_id, corrects_seq) manifest_id, corrects_seq, quantity
                    from manifest_step where action = 'CORRECT' order by manifest_id, corrects_seq, seq desc),
                handover as (
                    select s.manifest_id, coalesce(k.quantity, s.quantity) as qty,
                           row_number() over (partition by s.manifest_id order by s.seq) as n
                    from manifest_step s
                    left join corr k on k.manifest_id = s.manifest_id and k.corrects_seq = s.seq
                    where s.action in ('RECEIVE', 'PICKUP', 'DISPOSE', 'REFUSE')),
                first_two as (select * from handover where n <= 2)
                select m.port_id::text, m.unit, count(*),
                       count(*) filter (where m.received_at is not null),
                       count(*) filter (where h2.qty > 0),
                       count(*) filter (where m.state = 'DISPOSED'),
                       sum(m.declared_qty),
                       coalesce(sum(h1.qty) filter (where m.received_at is not null), 0),
                       coalesce(sum(h2.qty) filter (where h2.qty > 0), 0),
                       coalesce(sum(m.current_qty) filter (where m.state = 'DISPOSED'), 0)
                from manifest m
                left join first_two h1 on h1.manifest_id = m.id and h1.n = 1
                left join first_two h2 on h2.manifest_id = m.id and h2.n = 2
                where m.declared_at >= timestamptz '2025-01-01 00:00:00+08'
                  and m.declared_at < timestamptz '2026-01-01 00:00:00+08'
                  and m.state <> 'CANCELLED'
                group by 1, 2""";
        Map<String, long[]> out = new TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                long[] v = new long[8];
                for (int i = 0; i < 4; i++) {
                    v[i] = rs.getLong(3 + i);
                }
                for (int i = 0; i < 4; i++) {
                    v[4 + i] = rs.getBigDecimal(7 + i).movePointRight(3).longValueExact();
                }
                out.put(rs.getString(1) + "/" + rs.getString(2), v);
            }
        }
        return out;
    }

    /** The report's CSV rows (key, label, unit, declared, received, transferred, disposed, ..., quantities). */
    static Map<String, long[]> parseCsv(String csv) {
        Map<String, long[]> out = new TreeMap<>();
        boolean header = true;
        for (String line : csv.replace("\uFEFF", "").split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            if (header) {
                header = false;
                continue;
            }
            String[] f = line.split(",", -1);
            if (f[0].equals("total")) {
                continue;
            }
            long[] v = new long[8];
            for (int i = 0; i < 4; i++) {
                v[i] = Long.parseLong(f[3 + i]);
            }
            for (int i = 0; i < 4; i++) {
                v[4 + i] = new BigDecimal(f[11 + i]).movePointRight(3).longValueExact();
            }
            out.put(f[0] + "/" + f[2], v);
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ HTTP

    static String adminToken(HttpClient http, String base) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/demo/tokens")).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher m = Pattern.compile("\"subject\":\"demo-admin\"[^}]*?\"token\":\"([^\"]+)\"").matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("no demo-admin token");
        }
        return m.group(1);
    }

    static String get(HttpClient http, String url, String token, String accept) throws IOException, InterruptedException {
        HttpResponse<String> res = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + token)
                        .header("Accept", accept)
                        .timeout(java.time.Duration.ofMinutes(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + res.statusCode() + ": " + res.body());
        }
        return res.body();
    }

    static double pct(List<Double> sorted, double p) {
        int i = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
