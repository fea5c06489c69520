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
 * reception facilities each, 50 transport companies, 50 disposal plants, 20,000 vessels, 200,000 calls (or
 * {@code --calls}) in 2025 with stays of 0.5 to 30.5 h; each
 * manifest belongs to a random call, declared at a uniform moment of 2025 (China Standard Time) with a stream drawn
 * 40 % sewage, 25 % oily water, 5 % tank washing, 30 % garbage. Lifecycles: 2 % draft, 1 % cancelled, 1 % refused at
 * receipt, 2 % declared, 1 % received, 1 % in transfer (all open ones overdue: 2025 is past every deadline), 12 %
 * disposed by the receiver itself, 80 % received, picked up and disposed. Quantities shrink by up to 10 % at receipt
 * and 2 % at each later handover; a receipt more than 5 % below the declaration is discrepant; 1 % of closed
 * manifests were overdue on the way.
 *
 * <p>Then the shore-power part (see {@link #shorePower}): a shore-power verdict per call and sessions, the one-month x
 * all-ports shore-power KPI report timed the same way and cross-checked against a plain SQL recount.
 *
 * <p>Usage: java -cp postgresql.jar ReportBench.java BASE_URL JDBC_URL MANIFESTS SEED RUNS [--json] [--calls N]
 */
public class ReportBench {

    static final ZoneId CST = ZoneId.of("Asia/Shanghai");
    static final int PORTS = 200, RECEIVERS_PER_PORT = 3, TRANSPORTERS = 50, PLANTS = 50, VESSELS = 20_000,
            BATCH = 100_000;

    /** Calls in the generated year (200,000 by default; {@code --calls}). */
    static int CALLS = 200_000;
    static long READINGS = 100_000_000L;
    /** Per meter: its generated sessions as {start ms, end ms, Wh}, for the readings generator. */
    static final Map<UUID, List<long[]>> SESSIONS_BY_METER = new java.util.HashMap<>();

    /** The generated calls, kept for the shore-power part. */
    static UUID[] callIds, vesselIds, portIds, berthIds;
    static int[] callPortOf, callVesselOf;
    static long[] arrivals, departures;
    static final String[] STREAMS = {"SEWAGE", "OILY_WATER", "TANK_WASHING", "GARBAGE"};

    public static void main(String[] args) throws Exception {
        String base = args[0], jdbc = args[1];
        long manifests = Long.parseLong(args[2]);
        long seed = Long.parseLong(args[3]);
        int runs = Integer.parseInt(args[4]);
        boolean json = false;
        for (int i = 5; i < args.length; i++) {
            if (args[i].equals("--json")) {
                json = true;
            } else if (args[i].equals("--calls")) {
                CALLS = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--readings")) {
                READINGS = Long.parseLong(args[++i]);
            }
        }
        HttpClient http = HttpClient.newHttpClient();
        String token = adminToken(http, base);
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("manifests", manifests);
        out.put("seed", seed);
        out.put("calls", CALLS);
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
            out.put("reportRuns", runs);
            double p95 = time(http, url, token, runs, out, "report");

            // cross-check: the same report as CSV against a plain SQL recount over the manifest tables
            Map<String, long[]> reported = parseCsv(get(http, url, token, "text/csv"));
            t0 = System.nanoTime();
            Map<String, long[]> recount = recount(c);
            double recountMs = (System.nanoTime() - t0) / 1e6;
            out.put("recountMs", round(recountMs));
            out.put("recountOverReportP95", round(recountMs / p95));
            int mismatches = mismatches(recount, reported, json);
            long declared = recount.values().stream().mapToLong(v -> v[0]).sum();
            long disposed = recount.values().stream().mapToLong(v -> v[3]).sum();
            out.put("groups", recount.size());
            out.put("declaredInYear", declared);
            out.put("disposedInYear", disposed);
            out.put("crossCheck", mismatches == 0 ? "MATCH" : mismatches + " groups differ");

            shorePower(c, http, base, token, seed, runs, out, json);
            if (READINGS > 0) {
                // the closure report once more, now that the database also holds the year's readings
                time(http, url, token, runs, out, "reportWithReadings");
            }
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
            if (out.containsKey("reportWithReadingsP95Ms")) {
                System.out.printf("closure report again with %s readings loaded: p95 %s ms%n", out.get("readingRows"),
                        out.get("reportWithReadingsP95Ms"));
            }
            System.out.printf("goal: shore-power KPI report (one month) p95 < 300 ms; measured p95 %s ms;"
                            + " recount/report ratio %s; cross-check %s%n",
                    out.get("spReportP95Ms"), out.get("spRecountOverReportP95"), out.get("spCrossCheck"));
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
        arrivals = new long[CALLS];
        departures = new long[CALLS];
        // stays come from their own generator, so that the manifests stay those of the same seed without them
        Random stays = new Random(seed * 31 + 7);
        for (int i = 0; i < CALLS; i++) {
            calls[i] = uuid(r);
            callPort[i] = r.nextInt(PORTS);
            callVessel[i] = r.nextInt(VESSELS);
            long arrival = yearStart + (long) (r.nextDouble() * (yearEnd - yearStart));
            arrivals[i] = arrival;
            double u = stays.nextDouble();
            departures[i] = arrival + 1800 + (long) (u * u * 30 * 3600);
            ref.row(calls[i], vessels[callVessel[i]], berths[callPort[i]], ports[callPort[i]], ts(arrival),
                    ts(departures[i]));
        }
        ref.copy("vessel_call (id, vessel_id, berth_id, port_id, arrival, departure)");
        callIds = calls;
        vesselIds = vessels;
        portIds = ports;
        berthIds = berths;
        callPortOf = callPort;
        callVesselOf = callVessel;

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

    // ------------------------------------------------------------------------------------------------ shore power

    static final String[] REASONS = {"SHIP_FAULT", "SHORE_FAULT", "WEATHER", "ACCIDENT", "EMERGENCY", "ALTERNATIVE_MEASURE"};

    /** The month the shore-power KPI report is timed for (China Standard Time). */
    static final String SP_MONTH = "2025-06";

    /**
     * Shore-power part: generates a shore-power verdict for every call and sessions (one meter per berth), bulk-loads
     * them with COPY, times the one-month x all-ports KPI report and cross-checks it against a plain SQL recount.
     *
     * <p>Shape: 60 % of the vessels have a receiving facility, one in seven of those does not fit the berths
     * (incompatible); stays are 0.5 to 30.5 h (quadratic: most are short). A ship with a compatible facility staying
     * more than 2 h is eligible; 70 % of the eligible calls connect (one session from 0–60 min after arrival for
     * 50–95 % of the stay, 50–500 kW), 30 % of the rest claim one of the six exemption reasons, the others are
     * violations. 10 % of the non-eligible calls of ships with a facility connect anyway; one session in twenty is
     * matched to no call. The verdicts are what the rules would store (outcome, figures); they are generated, not
     * computed, as the manifests are, and loaded in the order of arrival (in production a verdict becomes final when
     * the ship leaves, so the read model's rows arrive roughly in time order).
     */
    static void shorePower(Connection c, HttpClient http, String base, String token, long seed, int runs,
            Map<String, Object> out, boolean json) throws Exception {
        Random r = new Random(seed * 131 + 3);
        long t0 = System.nanoTime();
        CopyRows meters = new CopyRows(c), verdicts = new CopyRows(c), sessions = new CopyRows(c);
        UUID[] meterIds = new UUID[PORTS];
        for (int p = 0; p < PORTS; p++) {
            meterIds[p] = uuid(r);
            meters.row(meterIds[p], "BENCH-M%03d".formatted(p), berthIds[p]);
        }
        meters.copy("meter (id, code, berth_id)");
        java.util.Set<String> keys = new java.util.HashSet<>();
        long sessionRows = 0;
        String now = Instant.now().toString();
        // verdicts and sessions are written in the order of arrival, as in production (a verdict is final at departure,
        // a session is stored as it happens), not in the random order the calls were generated in
        Integer[] order = new Integer[CALLS];
        for (int i = 0; i < CALLS; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparingLong(i -> arrivals[i]));
        for (int n = 0; n < CALLS; n++) {
            int i = order[n];
            int p = callPortOf[i], v = callVesselOf[i];
            boolean facility = v % 10 < 6, compatible = facility && v % 7 != 0;
            long stayS = departures[i] - arrivals[i];
            StringBuilder f = new StringBuilder("{\"region\":\"INLAND\",\"thresholdHours\":\"2.000\",\"shipHasFacility\":")
                    .append(facility).append(",\"berthSupplies\":true,\"compatible\":")
                    .append(facility ? String.valueOf(compatible) : "null");
            String outcome;
            String reason = null;
            long connectedS = 0, wh = 0;
            boolean eligible = compatible && stayS > 7200;
            boolean connects = compatible && (eligible ? r.nextDouble() < 0.7 : r.nextDouble() < 0.1);
            long start = 0;
            if (connects) {
                start = arrivals[i] * 1000 + (long) (r.nextDouble() * Math.min(3600, stayS / 4) * 1000);
                connectedS = (long) (stayS * (0.5 + r.nextDouble() * 0.45));
                wh = (long) (connectedS / 3600.0 * (50 + r.nextDouble() * 450) * 1000);
            }
            if (!facility || !compatible) {
                outcome = "NOT_APPLICABLE";
            } else {
                f.append(",\"stayHours\":\"").append(hours(stayS)).append("\",\"connectedHours\":\"")
                        .append(hours(connectedS)).append("\",\"energyKwh\":\"")
                        .append(BigDecimal.valueOf(wh, 3).toPlainString()).append("\",\"sessions\":")
                        .append(connects ? 1 : 0);
                if (!eligible) {
                    outcome = "NOT_APPLICABLE";
                } else if (connects) {
                    outcome = "COMPLIANT";
                } else if (r.nextDouble() < 0.3) {
                    outcome = "EXEMPT";
                    reason = REASONS[r.nextInt(REASONS.length)];
                    f.append(",\"claimReason\":\"").append(reason).append('"');
                } else {
                    outcome = "VIOLATION";
                }
            }
            f.append('}');
            verdicts.row(uuid(r), callIds[i], "SHORE_POWER", outcome, outcome, "bench", f, "bench", vesselIds[v],
                    portIds[p], berthIds[p], ts(arrivals[i]), ts(departures[i]), now);
            if (connects) {
                sessionRows += session(sessions, keys, meterIds[p], berthIds[p], portIds[p], callIds[i], start,
                        connectedS, wh);
            }
            if (r.nextDouble() < 0.05 * 0.6 * 0.7) {
                int q = r.nextInt(PORTS);
                long at = (arrivals[i] + (long) (r.nextDouble() * 86400)) * 1000;
                sessionRows += session(sessions, keys, meterIds[q], berthIds[q], portIds[q], null, at,
                        600 + r.nextInt(4 * 3600), (long) (r.nextDouble() * 200_000));
            }
            if ((n + 1) % BATCH == 0 || n + 1 == CALLS) {
                verdicts.copy("call_verdict (id, call_id, kind, outcome, effective_outcome, reasoning, figures,"
                        + " inputs_hash, vessel_id, port_id, berth_id, arrival, departure, computed_at)");
                sessions.copy("shore_session (meter_id, start_ts, end_ts, metered_from, status, energy_wh,"
                        + " rejected_wh, reading_count, berth_id, port_id, call_id, match_outcome)");
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("analyze call_verdict; analyze shore_session; analyze vessel_call");
        }
        out.put("spLoadSeconds", round((System.nanoTime() - t0) / 1e9));
        if (READINGS > 0) {
            t0 = System.nanoTime();
            long rows = readings(c, meterIds, READINGS, json);
            double seconds = (System.nanoTime() - t0) / 1e9;
            out.put("readingRows", rows);
            out.put("readingLoadSeconds", round(seconds));
            out.put("readingRowsPerSecond", Math.round(rows / seconds));
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select pg_size_pretty(pg_database_size(current_database()))")) {
                rs.next();
                out.put("databaseSize", rs.getString(1).replace(" ", ""));
            }
        }
        out.put("spVerdicts", CALLS);
        out.put("spSessions", sessionRows);

        String url = base + "/api/v1/reports/shore-power?from=" + SP_MONTH + "&to=" + SP_MONTH + "&groupBy=port";
        double p95 = time(http, url, token, runs, out, "spReport");

        Map<String, long[]> reported = parseShorePowerCsv(get(http, url, token, "text/csv"));
        t0 = System.nanoTime();
        Map<String, long[]> recount = recountShorePower(c);
        double recountMs = (System.nanoTime() - t0) / 1e6;
        out.put("spRecountMs", round(recountMs));
        out.put("spRecountOverReportP95", round(recountMs / p95));
        int mismatches = mismatches(recount, reported, json);
        java.util.Set<String> all = new java.util.TreeSet<>(recount.keySet());
        all.addAll(reported.keySet());
        out.put("spCallsInMonth", recount.values().stream().mapToLong(x -> x[0]).sum());
        out.put("spSessionsInMonth", recount.values().stream().mapToLong(x -> x[5]).sum());
        out.put("spCrossCheck", mismatches == 0 ? "MATCH (" + all.size() + " ports)" : mismatches + " ports differ");
    }

    /**
     * Meter readings for the year: every meter reports at one fixed interval all year round (meters report whether a
     * ship is connected or not), {@code total} readings in all, loaded with COPY meter by meter into monthly
     * partitions made beforehand (as {@code shorepower_ensure_partition} does in production). The register rises
     * during the meter's generated sessions by their energy spread evenly over them (power and breaker follow), and
     * stays flat between them. The reports do not read readings; they are the bulk the database holds at national
     * scale, not a cross-checked input.
     */
    static long readings(Connection c, UUID[] meterIds, long total, boolean quiet) throws Exception {
        long yearStart = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();
        long yearEnd = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
        try (Statement s = c.createStatement()) {
            for (int m = 1; m <= 12; m++) {
                s.execute("select shorepower_ensure_partition(date '2025-%02d-01')".formatted(m));
            }
        }
        long perMeter = total / meterIds.length;
        long intervalMs = (yearEnd - yearStart) / perMeter;
        long rows = 0;
        CopyRows copy = new CopyRows(c);
        for (UUID meter : meterIds) {
            List<long[]> sessions = new ArrayList<>(SESSIONS_BY_METER.getOrDefault(meter, List.of()));
            sessions.sort(java.util.Comparator.comparingLong(x -> x[0]));
            double register = 1_000_000; // Wh at the start of the year
            int next = 0;
            List<long[]> active = new ArrayList<>();
            for (long k = 0; k < perMeter; k++) {
                long t = yearStart + k * intervalMs;
                while (next < sessions.size() && sessions.get(next)[0] <= t) {
                    active.add(sessions.get(next++));
                }
                active.removeIf(x -> x[1] <= t - intervalMs);
                double wPerMs = 0;
                for (long[] x : active) {
                    long overlap = Math.min(t, x[1]) - Math.max(t - intervalMs, x[0]);
                    if (overlap > 0) {
                        register += (double) x[2] * overlap / (x[1] - x[0]);
                        wPerMs += (double) x[2] / (x[1] - x[0]);
                    }
                }
                boolean on = wPerMs > 0;
                String ts = Instant.ofEpochMilli(t).toString();
                copy.row(meter, ts, k, (long) register, on ? Math.round(wPerMs * 3_600_000.0) / 1000.0 : 0.0,
                        on ? 400.0 : 0.0, on ? 250.0 : 0.0, 50.0, on, null, ts);
                rows++;
                if (rows % 200_000 == 0) {
                    copy.copy("meter_reading (meter_id, ts, seq, register_wh, power_kw, voltage_v, current_a,"
                            + " frequency_hz, breaker_closed, vessel_mmsi, received_at)");
                }
                if (!quiet && rows % 10_000_000 == 0) {
                    System.out.printf("loaded %,d readings%n", rows);
                }
            }
        }
        copy.copy("meter_reading (meter_id, ts, seq, register_wh, power_kw, voltage_v, current_a, frequency_hz,"
                + " breaker_closed, vessel_mmsi, received_at)");
        try (Statement s = c.createStatement()) {
            s.execute("analyze meter_reading");
        }
        return rows;
    }

    /** One session row (a millisecond later when the meter already has one starting then); answers 1. */
    static int session(CopyRows rows, java.util.Set<String> keys, UUID meter, UUID berth, UUID port, UUID call,
            long startMs, long seconds, long wh) {
        while (!keys.add(meter + "@" + startMs)) {
            startMs++;
        }
        SESSIONS_BY_METER.computeIfAbsent(meter, k -> new ArrayList<>())
                .add(new long[] {startMs, startMs + seconds * 1000, wh});
        String start = Instant.ofEpochMilli(startMs).toString();
        rows.row(meter, start, Instant.ofEpochMilli(startMs + seconds * 1000).toString(), start, "CLOSED", wh, 0,
                (int) (seconds / 15), berth, port, call, call == null ? "UNMATCHED" : "MATCHED");
        return 1;
    }

    static String hours(long seconds) {
        return BigDecimal.valueOf(seconds).divide(BigDecimal.valueOf(3600), 3, java.math.RoundingMode.HALF_EVEN)
                .toPlainString();
    }

    /**
     * Per port, from the verdict and session tables alone (not the report's read model, nor the verdicts' connection
     * figures): calls arriving in the month, eligible (COMPLIANT, EXEMPT, VIOLATION), eligible with a matched session,
     * violations, exemptions; sessions that started in the month, those matched to a call, Wh.
     */
    static Map<String, long[]> recountShorePower(Connection c) throws Exception {
        String from = "timestamptz '" + SP_MONTH + "-01 00:00:00+08'";
        String to = "(timestamptz '" + SP_MONTH + "-01 00:00:00+08' + interval '1 month')";
        String sql = "with calls as (select v.* from call_verdict v where v.kind = 'SHORE_POWER' and v.arrival >= "
                + from + " and v.arrival < " + to + "),"
                + " sess as (select s.port_id, s.call_id, s.energy_wh from shore_session s where s.start_ts >= " + from
                + " and s.start_ts < " + to + "),"
                + " a as (select port_id, count(*) n, count(*) filter (where effective_outcome in ('COMPLIANT', 'EXEMPT',"
                + " 'VIOLATION')) e, count(*) filter (where effective_outcome in ('COMPLIANT', 'EXEMPT', 'VIOLATION') and"
                + " exists (select 1 from shore_session s where s.call_id = calls.call_id)) cn,"
                + " count(*) filter (where effective_outcome = 'VIOLATION') vi,"
                + " count(*) filter (where effective_outcome = 'EXEMPT') ex from calls group by 1),"
                + " b as (select port_id, count(*) s, count(call_id) m, sum(energy_wh) wh from sess group by 1)"
                + " select coalesce(a.port_id, b.port_id)::text, a.n, a.e, a.cn, a.vi, a.ex, b.s, b.m, b.wh"
                + " from a full join b on b.port_id = a.port_id";
        Map<String, long[]> out = new TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                long[] v = new long[8];
                for (int i = 0; i < 8; i++) {
                    v[i] = rs.getLong(2 + i);
                }
                out.put(rs.getString(1), v);
            }
        }
        return out;
    }

    /** The KPI report's CSV rows by port: the same eight figures as the recount (kWh back to Wh). */
    static Map<String, long[]> parseShorePowerCsv(String csv) {
        Map<String, long[]> out = new TreeMap<>();
        List<String> header = null;
        for (String line : csv.replace("\uFEFF", "").split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (header == null) {
                header = List.of(f);
                continue;
            }
            if (f[0].equals("total")) {
                continue;
            }
            String[] cols = {"Calls", "Eligible calls", "Connected eligible calls", "Violations", "Exemptions",
                "Sessions", "Sessions matched to a call"};
            long[] v = new long[8];
            for (int i = 0; i < cols.length; i++) {
                v[i] = Long.parseLong(f[header.indexOf(cols[i])]);
            }
            v[7] = new BigDecimal(f[header.indexOf("kWh")]).movePointRight(3).longValueExact();
            out.put(f[0], v);
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ cross-check

    /** Groups whose figures differ between the recount and the report, or that only one of them has. */
    static int mismatches(Map<String, long[]> recount, Map<String, long[]> reported, boolean quiet) {
        java.util.Set<String> all = new java.util.TreeSet<>(recount.keySet());
        all.addAll(reported.keySet());
        int mismatches = 0;
        for (String k : all) {
            if (!java.util.Arrays.equals(recount.get(k), reported.get(k))) {
                mismatches++;
                if (mismatches <= 3 && !quiet) {
                    System.out.println("MISMATCH " + k + " recount " + java.util.Arrays.toString(recount.get(k))
                            + " report " + java.util.Arrays.toString(reported.get(k)));
                }
            }
        }
        return mismatches;
    }

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

    /** Times R calls of the JSON report after 5 warm-ups; puts {prefix}Bytes, P50Ms, P95Ms, MaxMs; answers p95. */
    static double time(HttpClient http, String url, String token, int runs, Map<String, Object> out, String prefix)
            throws Exception {
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
        out.put(prefix + "Bytes", bytes);
        out.put(prefix + "P50Ms", round(pct(ms, 0.50)));
        out.put(prefix + "P95Ms", round(pct(ms, 0.95)));
        out.put(prefix + "MaxMs", round(ms.get(ms.size() - 1)));
        return pct(ms, 0.95);
    }

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
