package io.shoreloop.manifest;

import io.shoreloop.identity.Role;
import io.shoreloop.platform.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Loads and stores the manifest aggregate for the signing paths in plain SQL: one statement loads a manifest with
 * its steps (for a step: with the manifest's row locked until the transaction ends, so that two parties signing at
 * once sign one after the other, the second on what the first signed), one inserts or updates its row and one inserts
 * each step signed since; the writes are deferred ({@link Sql#defer}) and reach the database with the transaction's
 * other writes in one round trip. The version goes up by one with every write, as {@code @Version} does for Hibernate,
 * which maps the same tables for reading views and lists.
 */
@ApplicationScoped
class ManifestStore {

    private static final String STEP_COLUMNS = "seq, action, user_id, party_id, role, at, quantity, method, vehicle,"
            + " treatment, next_party_id, reason, refused_qty, corrects_seq, evidence, content_hash, party_name,"
            + " user_name, next_party_name";

    private static final String LOAD = "select " + prefixed("m.", Manifest.COLUMNS) + ", "
            + prefixed("s.", STEP_COLUMNS) + " from manifest m left join manifest_step s on s.manifest_id = m.id"
            + " where m.id = ? order by s.seq";

    private static final String LOAD_FOR_UPDATE = LOAD + " for update of m";

    private static final String OF_CALLS = "select " + prefixed("m.", Manifest.COLUMNS) + ", "
            + prefixed("s.", STEP_COLUMNS) + " from manifest m left join manifest_step s on s.manifest_id = m.id"
            + " where m.call_id = any(?) order by m.call_id, m.created_at, m.id, s.seq";

    private static final String INSERT =
            "insert into manifest (" + Manifest.COLUMNS + ") values (" + "?, ".repeat(Manifest.COLUMN_COUNT - 1) + "?)";

    /** Every column but the id, then the id and the version loaded. */
    private static final String UPDATE = "update manifest set "
            + String.join(
                    ", ",
                    java.util.Arrays.stream(Manifest.COLUMNS.split(",\\s*"))
                            .skip(1)
                            .map(c -> c.equals("version") ? "version = version + 1" : c + " = ?")
                            .toList())
            + " where id = ? and version = ?";

    private static final String INSERT_STEP = "insert into manifest_step (manifest_id, " + STEP_COLUMNS
            + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final Sql sql;

    ManifestStore(Sql sql) {
        this.sql = sql;
    }

    /** The manifest with its steps, if it exists (to read). */
    Optional<Manifest> find(UUID id) {
        return sql.query(LOAD, reader(false), id);
    }

    /**
     * The manifest with its steps, if it exists, with its row locked until the transaction ends (for a step, before
     * {@link #update}), as a query of {@code round}.
     *
     * <p>A step's transaction uses generic plans ({@link Sql#genericPlans}): PostgreSQL planned the load anew for nearly
     * every step once the tables had grown and been analyzed in a bench run (pg_stat_statements with track_planning:
     * 87,734 plans in 133,215 loads, a few tenths of a millisecond each; 644 in 220,757 with this), although its plan is
     * the same for every manifest. The statements of a step all look up rows by key.
     */
    Sql.Round.Result<Optional<Manifest>> findForUpdate(Sql.Round round, UUID id) {
        sql.genericPlans();
        return round.add(LOAD_FOR_UPDATE, reader(true), id);
    }

    /** Queries to send together in one round trip. */
    Sql.Round round() {
        return sql.round();
    }

    private static Sql.Reader<Optional<Manifest>> reader(boolean forUpdate) {
        return rs -> {
            if (!rs.next()) {
                return Optional.empty();
            }
            List<Step> steps = new ArrayList<>();
            Manifest m = Manifest.restore(rs, steps);
            do {
                if (rs.getObject(Manifest.COLUMN_COUNT + 1) != null) {
                    steps.add(step(rs, Manifest.COLUMN_COUNT + 1));
                }
            } while (rs.next());
            m.stored(m.version());
            m.lockedForUpdate(forUpdate);
            return Optional.of(m);
        };
    }

    /**
     * The manifests of these vessel calls with their steps, by call, each call's oldest first (for rules that judge
     * calls), as one query of {@code round}; a call without manifests is absent.
     */
    Sql.Round.Result<Map<UUID, List<Manifest>>> ofCalls(Sql.Round round, Collection<UUID> callIds) {
        return round.add(
                OF_CALLS,
                rs -> {
                    Map<UUID, List<Manifest>> byCall = new HashMap<>();
                    Manifest m = null;
                    List<Step> steps = null;
                    while (rs.next()) {
                        UUID id = Sql.uuid(rs, 1);
                        if (m == null || !m.id().equals(id)) {
                            steps = new ArrayList<>();
                            m = Manifest.restore(rs, steps);
                            byCall.computeIfAbsent(m.callId(), c -> new ArrayList<>())
                                    .add(m);
                        }
                        if (rs.getObject(Manifest.COLUMN_COUNT + 1) != null) {
                            steps.add(step(rs, Manifest.COLUMN_COUNT + 1));
                        }
                    }
                    byCall.values().forEach(ms -> ms.forEach(x -> x.stored(x.version())));
                    return byCall;
                },
                (Object) callIds.toArray(UUID[]::new));
    }

    /** Inserts a new manifest and the steps it has so far (deferred). */
    void insert(Manifest m) {
        sql.defer(INSERT, m.values());
        insertSteps(m, 0);
        m.stored(m.version());
        // inserted in this transaction: nobody else sees the row before it commits
        m.lockedForUpdate(true);
    }

    /**
     * Writes back a manifest loaded {@code forUpdate} in this transaction (deferred): its row, with the version up by
     * one, and the steps signed since it was loaded. Nobody can have changed the row meanwhile (it is locked).
     */
    void update(Manifest m) {
        if (!m.lockedForUpdate()) {
            throw new IllegalStateException("Manifest " + m.id() + " was not loaded for update");
        }
        int firstNewStep = m.storedSteps();
        Object[] all = m.values();
        Object[] params = new Object[all.length];
        // the columns after the id, without the version (incremented in SQL), then the id and the loaded version
        System.arraycopy(all, 1, params, 0, all.length - 2);
        params[all.length - 2] = m.id();
        params[all.length - 1] = m.version();
        sql.defer(UPDATE, params);
        insertSteps(m, firstNewStep);
        m.stored(m.version() + 1);
    }

    private void insertSteps(Manifest m, int from) {
        List<Step> steps = m.steps();
        for (int seq = from; seq < steps.size(); seq++) {
            sql.defer(INSERT_STEP, stepValues(m.id(), seq, steps.get(seq)));
        }
    }

    private static Object[] stepValues(UUID manifestId, int seq, Step s) {
        return new Object[] {
            manifestId,
            seq,
            s.action,
            s.userId,
            s.partyId,
            s.role,
            s.at,
            s.quantity,
            s.method,
            s.vehicle,
            s.treatment,
            s.nextPartyId,
            s.reason,
            s.refusedQty,
            s.correctsSeq,
            s.evidence,
            s.contentHash,
            s.partyName,
            s.userName,
            s.nextPartyName
        };
    }

    private static Step step(ResultSet rs, int c) throws SQLException {
        Step s = new Step();
        s.action = Sql.enumOf(rs, c + 1, ManifestAction.class);
        s.userId = Sql.uuid(rs, c + 2);
        s.partyId = Sql.uuid(rs, c + 3);
        s.role = Sql.enumOf(rs, c + 4, Role.class);
        s.at = Sql.instant(rs, c + 5);
        s.quantity = rs.getBigDecimal(c + 6);
        s.method = Sql.enumOf(rs, c + 7, QuantityMethod.class);
        s.vehicle = rs.getString(c + 8);
        s.treatment = rs.getString(c + 9);
        s.nextPartyId = Sql.uuid(rs, c + 10);
        s.reason = rs.getString(c + 11);
        s.refusedQty = rs.getBigDecimal(c + 12);
        s.correctsSeq = Sql.integer(rs, c + 13);
        s.evidence = rs.getString(c + 14);
        s.contentHash = rs.getString(c + 15);
        s.partyName = rs.getString(c + 16);
        s.userName = rs.getString(c + 17);
        s.nextPartyName = rs.getString(c + 18);
        return s;
    }

    /** Sends the writes deferred so far (before Hibernate reads or writes the same tables in this transaction). */
    void flush() {
        sql.flush();
    }

    /** The manifest number's next value ({@code SL-yyyy-nnnnnnn}). */
    long nextNumber() {
        Sql.Round round = round();
        Sql.Round.Result<Long> next = nextNumber(round);
        round.run();
        return next.get();
    }

    /** {@link #nextNumber()} as a query of {@code round}. */
    Sql.Round.Result<Long> nextNumber(Sql.Round round) {
        return round.add("select nextval('manifest_number_seq')", rs -> {
            rs.next();
            return rs.getLong(1);
        });
    }

    private static String prefixed(String prefix, String columns) {
        return String.join(
                ", ",
                java.util.Arrays.stream(columns.split(",\\s*"))
                        .map(c -> prefix + c)
                        .toList());
    }
}
