import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * PostgreSQL's CPU for one manifest step's statements, on one connection, read from /proc for the backend
 * ({@code pg_backend_pid()}): the step's row lock and load, then its four writes (manifest row, step row, ledger
 * append, stored idempotent answer) and the commit, in three shapes, alternated round by round in the same run:
 * <ul>
 *   <li>{@code joined}: the four writes as four joined statements in one round trip (what Shoreloop sends);
 *   <li>{@code fused}: the same writes as one statement of CTEs;
 *   <li>{@code joined, no flush}: as {@code joined} with {@code synchronous_commit} off for the session, so the
 *       difference to {@code joined} is what the WAL flush of a commit costs the committing backend.
 * </ul>
 * Beside the backend's CPU it prints the CPU of PostgreSQL's processes that work for all connections (WAL writer,
 * checkpointer, autovacuum, ...) in the same stretch, and the WAL written, per step.
 * Writes copies of a demo manifest into the throw-away database of bench/step-sql/run.sh. The statements are copies of
 * Shoreloop's (this file runs with only the JDBC driver on its class path): {@code Manifest.COLUMNS},
 * {@code ManifestStore.UPDATE} / {@code INSERT_STEP}, {@code Ledger.APPEND} and the idempotency interceptor's insert;
 * change them here when those change.
 *
 * <p>Usage: java -cp postgresql.jar StepSql.java JDBC_URL STEPS [--json]
 */
public class StepSql {
    static final String COLS = "id, number, call_id, vessel_id, port_id, stream, unit, state, receiver_id,"
            + " next_party_id, declared_qty, declared_method, current_qty, cargo_name, nls_category, garbage_category,"
            + " parent_id, note, cancel_reason, overdue, overdue_since, overdue_deadline, discrepant, created_by,"
            + " created_at, declared_at, received_at, closed_at, revision, updated_at, version";
    static final String STEP_COLS = "seq, action, user_id, party_id, role, at, quantity, method, vehicle,"
            + " treatment, next_party_id, reason, refused_qty, corrects_seq, evidence, content_hash";
    static final int COPIES = 3000;
    static final int ROUNDS = 3;

    public static void main(String[] args) throws Exception {
        String url = args[0];
        int steps = Integer.parseInt(args[1]);
        boolean json = args.length > 2 && args[2].equals("--json");
        String[] cols = COLS.split(",\\s*");
        StringBuilder set = new StringBuilder();
        for (int i = 1; i < cols.length; i++) {
            set.append(i > 1 ? ", " : "").append(cols[i]).append(cols[i].equals("version") ? " = version + 1" : " = ?");
        }
        String update = "update manifest set " + set + " where id = ? and version = ?";
        String step = "insert into manifest_step (manifest_id, " + STEP_COLS + ") values ("
                + "?, ".repeat(16) + "?)";
        String ledgerCtes = "prev as (select length, head from ledger_chain where manifest_id = ? for update),"
                + " pos as (select coalesce((select length from prev), 0) + 1 as seq,"
                + "   coalesce((select head from prev), cast(? as text)) as prev_hash, cast(? as text) as payload),"
                + " ins as (insert into ledger_entry (manifest_id, seq, event_type, payload, prev_hash, hash,"
                + "   recorded_at) select ?, pos.seq, ?, pos.payload, pos.prev_hash,"
                + "     encode(sha256(convert_to(pos.prev_hash || chr(10) || pos.payload, 'UTF8')), 'hex'), ?"
                + "   from pos returning seq, prev_hash, hash),"
                + " head as (insert into ledger_chain (manifest_id, length, head) select ?, seq, hash from ins"
                + "   on conflict (manifest_id) do update set length = excluded.length, head = excluded.head)";
        String answer = "insert into idempotency_key (principal, idem_key, request_hash, method, path, status,"
                + " headers, body) values (?, ?, ?, ?, ?, ?, cast(? as jsonb), ?)";
        String joined = update + ";" + step + ";with " + ledgerCtes + " select count(*) from ins;" + answer;
        String fused = "with u as (" + update + "), s as (" + step + "), " + ledgerCtes + ", a as (" + answer
                + ") select count(*) from ins";
        String load = "select " + COLS + " from manifest where id = ? for update";

        try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
                Statement st = c.createStatement()) {
            int pid;
            try (ResultSet rs = st.executeQuery("select pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            st.execute("insert into manifest (" + COLS + ") select gen_random_uuid(), number || '-bench-' || g, "
                    + COLS.substring(COLS.indexOf("call_id")) + " from (select * from manifest where state ="
                    + " 'RECEIVED' limit 1) m, generate_series(1, " + COPIES + ") g");
            st.execute("analyze manifest");
            List<UUID> ids = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("select id from manifest where number like '%-bench-%' order by id")) {
                while (rs.next()) {
                    ids.add((UUID) rs.getObject(1));
                }
            }
            if (ids.isEmpty()) {
                throw new IllegalStateException("the demo data has no received manifest to copy");
            }
            st.execute("set plan_cache_mode = force_generic_plan");
            c.setAutoCommit(false);
            String[] shapes = {"joined", "fused", "joined, no flush"};
            Map<String, long[]> totals = new LinkedHashMap<>(); // cpu ms, wall ns, steps
            for (String shape : shapes) {
                totals.put(shape, new long[5]);
            }
            String payload = "{\"type\":\"STEP_RECEIVE\",\"quantity\":\"1.5\",\"method\":\"METERED\",\"note\":\""
                    + "y".repeat(400) + "\"}";
            int k = 0;
            for (int round = 0; round < ROUNDS; round++) {
                for (String shape : shapes) {
                    try (Statement s = c.createStatement()) {
                        s.execute("set synchronous_commit = " + (shape.endsWith("no flush") ? "off" : "on"));
                    }
                    c.commit();
                    // the two queries first, so that the backend's CPU counted is the steps' only
                    long background0 = backgroundCpuMillis(st, pid);
                    long wal0 = walBytes(st);
                    long cpu0 = cpuMillis(pid);
                    long t0 = System.nanoTime();
                    for (int i = 0; i < steps; i++, k++) {
                        UUID id = ids.get((int) Math.floorMod(k * 7919L, (long) ids.size()));
                        Object[] row = new Object[cols.length];
                        try (PreparedStatement ps = c.prepareStatement(load)) {
                            ps.setObject(1, id);
                            try (ResultSet rs = ps.executeQuery()) {
                                rs.next();
                                for (int j = 0; j < cols.length; j++) {
                                    row[j] = rs.getObject(j + 1);
                                }
                            }
                        }
                        List<Object> p = new ArrayList<>(Arrays.asList(row).subList(1, cols.length - 1));
                        p.add(id);
                        p.add(row[cols.length - 1]);
                        Timestamp now = new Timestamp(System.currentTimeMillis());
                        p.addAll(Arrays.asList(id, 1_000 + k, "RECEIVE", UUID.randomUUID(), null, "FACILITY", now,
                                new BigDecimal("1.500"), "METERED", null, null, null, null, null, null, null,
                                "0123456789abcdef".repeat(4)));
                        p.addAll(Arrays.asList(id, "0".repeat(64), payload, id, "STEP_RECEIVE", now, id));
                        p.addAll(Arrays.asList("bench-" + (k % 50), UUID.randomUUID().toString(), "hash", "POST",
                                "/api/v1/manifests/" + id + "/receive", 200, "{}", answer(id, k)));
                        try (PreparedStatement ps = c.prepareStatement(shape.equals("fused") ? fused : joined)) {
                            for (int j = 0; j < p.size(); j++) {
                                if (p.get(j) == null) {
                                    ps.setNull(j + 1, Types.OTHER);
                                } else {
                                    ps.setObject(j + 1, p.get(j));
                                }
                            }
                            ps.execute();
                        }
                        c.commit();
                    }
                    long[] t = totals.get(shape);
                    t[0] += cpuMillis(pid) - cpu0;
                    t[1] += System.nanoTime() - t0;
                    t[2] += steps;
                    t[3] += backgroundCpuMillis(st, pid) - background0;
                    t[4] += walBytes(st) - wal0;
                }
            }
            double joinedCpu = perStepMicros(totals.get("joined")[0] * 1_000_000L, totals.get("joined")[2]);
            double fusedCpu = perStepMicros(totals.get("fused")[0] * 1_000_000L, totals.get("fused")[2]);
            double noFlushCpu =
                    perStepMicros(totals.get("joined, no flush")[0] * 1_000_000L, totals.get("joined, no flush")[2]);
            if (json) {
                StringBuilder out = new StringBuilder("{");
                totals.forEach((shape, t) -> out.append(String.format(
                        "\"%s\":{\"steps\":%d,\"postgresCpuMicrosPerStep\":%.1f,\"wallMicrosPerStep\":%.1f,"
                                + "\"backgroundCpuMicrosPerStep\":%.1f,\"walBytesPerStep\":%d},",
                        shape, t[2], perStepMicros(t[0] * 1_000_000L, t[2]), perStepMicros(t[1], t[2]),
                        perStepMicros(t[3] * 1_000_000L, t[2]), t[4] / t[2])));
                out.append(String.format(
                        "\"fusedOverJoined\":%.3f,\"flushCpuMicros\":%.1f}", fusedCpu / joinedCpu, joinedCpu - noFlushCpu));
                System.out.println(out);
                return;
            }
            System.out.printf("%-20s %8s %26s %18s %26s %14s%n", "shape", "steps", "PostgreSQL CPU µs per step",
                    "wall µs per step", "+ background CPU µs per step", "WAL B per step");
            totals.forEach((shape, t) -> System.out.printf("%-20s %8d %26.1f %18.1f %26.1f %14d%n",
                    shape, t[2], perStepMicros(t[0] * 1_000_000L, t[2]), perStepMicros(t[1], t[2]),
                    perStepMicros(t[3] * 1_000_000L, t[2]), t[4] / t[2]));
            System.out.printf("%nfused ÷ joined (PostgreSQL CPU) = %.3f%n", fusedCpu / joinedCpu);
            System.out.printf("a commit's WAL flush costs the backend %.1f µs of CPU (joined − joined, no flush)%n",
                    joinedCpu - noFlushCpu);
        }
    }

    static double perStepMicros(long nanos, long steps) {
        return nanos / 1_000.0 / steps;
    }

    /**
     * An answer as Shoreloop stores it with an idempotency key: the manifest as a receipt leaves it, with its steps
     * (1.9-2.5 kB of JSON, with three to five steps; ids, times and hashes differ from answer to answer, so it
     * compresses as the real ones do).
     */
    static String answer(UUID id, int k) {
        StringBuilder b = new StringBuilder("{\"id\":\"").append(id).append("\",\"number\":\"SL-2026-")
                .append(100_000 + k).append("\",\"callId\":\"").append(UUID.randomUUID())
                .append("\",\"vesselId\":\"").append(UUID.randomUUID()).append("\",\"portId\":\"")
                .append(UUID.randomUUID()).append("\",\"receiverId\":\"").append(UUID.randomUUID())
                .append("\",\"nextPartyId\":\"").append(UUID.randomUUID()).append("\",\"createdAt\":\"2026-12-05T08:")
                .append(10 + k % 50).append(":01.123456Z\",\"declaredAt\":\"2026-12-05T08:").append(10 + k % 50)
                .append(":02.654321Z\",\"overdue\":false,\"revision\":1,")
                .append("\"stream\":\"SEWAGE\",\"unit\":\"M3\",\"state\":\"RECEIVED\",")
                .append("\"declaredQuantity\":10.0,\"currentQuantity\":8.8,\"discrepant\":true,\"version\":3,")
                .append("\"steps\":[");
        String[][] steps = {
            {"DRAFT", "CREW"}, {"DECLARE", "CREW"}, {"RECEIVE", "RECEIVER"}, {"PICKUP", "TRANSPORTER"},
            {"DISPOSE", "DISPOSER"}
        };
        for (int i = 0; i < 3 + k % 3; i++) {
            b.append(i == 0 ? "" : ",").append("{\"seq\":").append(i + 1).append(",\"action\":\"")
                    .append(steps[i][0]).append("\",\"userId\":\"").append(UUID.randomUUID())
                    .append("\",\"partyId\":\"").append(UUID.randomUUID()).append("\",\"role\":\"")
                    .append(steps[i][1]).append("\",\"at\":\"2026-12-05T09:1").append(i).append(":")
                    .append(10 + k % 50).append(".").append(100_000 + k % 900_000).append("Z\",\"quantity\":")
                    .append(i == 2 ? "8.8" : "10.0").append(",\"method\":\"").append(i == 2 ? "METERED" : "DECLARED")
                    .append("\",\"nextPartyId\":\"").append(UUID.randomUUID()).append("\",\"contentHash\":\"")
                    .append(UUID.randomUUID().toString().replace("-", ""))
                    .append(UUID.randomUUID().toString().replace("-", "")).append("\",\"evidence\":[]}");
        }
        return b.append("],\"discrepancies\":[{\"stage\":\"RECEIVE\",\"previousQuantity\":10.0,")
                .append("\"quantity\":8.8,\"deviationPercent\":12.0,\"state\":\"OPEN\"}]}").toString();
    }

    /** The backend's user + system CPU time in milliseconds (/proc/PID/stat, in clock ticks of 10 ms). */
    static long cpuMillis(int pid) throws Exception {
        return stat(pid, false) * 1000 / Long.getLong("clk.tck", 100);
    }

    /**
     * The CPU time in milliseconds of PostgreSQL's other processes, those that work for every connection (WAL writer,
     * checkpointer, background writer, autovacuum, and the postmaster with the children it has reaped), not of the
     * backend measured nor of other connections' backends (Shoreloop's, beside it).
     */
    static long backgroundCpuMillis(Statement st, int backend) throws Exception {
        java.util.Set<Integer> clients = new java.util.HashSet<>();
        try (ResultSet rs = st.executeQuery("select pid from pg_stat_activity where backend_type = 'client backend'")) {
            while (rs.next()) {
                clients.add(rs.getInt(1));
            }
        }
        String own = Files.readString(Path.of("/proc/" + backend + "/stat"));
        int postmaster = Integer.parseInt(own.substring(own.lastIndexOf(')') + 2).split(" ")[1]);
        long ticks = stat(postmaster, true);
        try (java.util.stream.Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit) || clients.contains(Integer.parseInt(name))) {
                    continue;
                }
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    if (Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]) == postmaster) {
                        ticks += stat(Integer.parseInt(name), false);
                    }
                } catch (java.io.IOException | RuntimeException gone) {
                    // the process ended meanwhile: its time is the postmaster's reaped children's now
                }
            }
        }
        return ticks * 1000 / Long.getLong("clk.tck", 100);
    }

    /** User + system clock ticks of the process, and of its reaped children when {@code children}. */
    static long stat(int pid, boolean children) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12])
                + (children ? Long.parseLong(f[13]) + Long.parseLong(f[14]) : 0);
    }

    /** Bytes of WAL inserted so far. */
    static long walBytes(Statement st) throws Exception {
        try (ResultSet rs = st.executeQuery("select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
