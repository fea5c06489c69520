package io.shoreloop.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The plain JDBC helper over the real database: parameter types, nulls, and statements prepared once. */
@QuarkusTest
class SqlTest {

    enum Colour {
        RED
    }

    @Inject
    Sql sql;

    private static final String INSERT =
            "insert into sql_probe (id, party, at, qty, seq, flag, note, colour) values (?, ?, ?, ?, ?, ?, ?, ?)";

    /** One row as written: every column set, or only the id. */
    private record Row(
            UUID id, UUID party, Instant at, BigDecimal qty, Integer seq, Boolean flag, String note, String colour) {}

    @Test
    void valuesAndNullsOfEveryTypeRoundTrip() {
        UUID full = UUID.randomUUID();
        UUID empty = UUID.randomUUID();
        UUID party = UUID.randomUUID();
        Instant at = Instant.parse("2026-12-02T16:28:00Z"); // a whole minute: some ISO renderings drop its seconds
        List<Row> rows = QuarkusTransaction.requiringNew().call(() -> {
            createProbe();
            sql.update(INSERT, full, party, at, new BigDecimal("12.345"), 7, true, "it's \"quoted\"", Colour.RED);
            sql.update(INSERT, empty, null, null, null, null, null, null, null);
            return sql.list(
                    "select id, party, at, qty, seq, flag, note, colour from sql_probe where id = any(?) order by seq"
                            + " nulls last",
                    rs -> new Row(
                            Sql.uuid(rs, 1),
                            Sql.uuid(rs, 2),
                            Sql.instant(rs, 3),
                            rs.getBigDecimal(4),
                            Sql.integer(rs, 5),
                            (Boolean) rs.getObject(6),
                            rs.getString(7),
                            rs.getString(8)),
                    (Object) new UUID[] {full, empty});
        });
        assertEquals(
                List.of(
                        new Row(full, party, at, new BigDecimal("12.345"), 7, true, "it's \"quoted\"", "RED"),
                        new Row(empty, null, null, null, null, null, null, null)),
                rows);
    }

    /**
     * A statement whose optional values are null in one execution and set in the next (a manifest's dates, parties and
     * texts from one step to the next) is prepared once on its connection and its plan reused, not parsed and planned
     * again whenever the nulls move.
     */
    @Test
    void aStatementIsPreparedOnceWhateverIsNull() {
        long[] plans = QuarkusTransaction.requiringNew().call(() -> {
            createProbe();
            for (int i = 0; i < 30; i++) {
                boolean even = i % 2 == 0;
                sql.update(
                        INSERT,
                        UUID.randomUUID(),
                        even ? UUID.randomUUID() : null,
                        even ? null : Instant.now(),
                        even ? new BigDecimal("1.5") : null,
                        even ? null : i,
                        even ? null : Boolean.FALSE,
                        even ? "note" : null,
                        even ? null : Colour.RED);
            }
            return sql.first(
                            "select count(*), coalesce(sum(generic_plans), 0), coalesce(sum(custom_plans), 0)"
                                    + " from pg_prepared_statements where statement like 'insert into sql_probe%'",
                            rs -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)})
                    .orElseThrow();
        });
        // the driver runs the first executions unprepared, then prepares the statement for good
        assertEquals(1, plans[0], "prepared statements");
        assertTrue(plans[1] >= 15, "executions of the reused generic plan: " + plans[1]);
        assertTrue(plans[2] <= 5, "custom plans before PostgreSQL settles on the generic one: " + plans[2]);
    }

    @Test
    void twoQueriesInOneRoundTripBothSeeTheDeferredWrites() {
        Sql.Both<Long, List<String>> both = QuarkusTransaction.requiringNew().call(() -> {
            createProbe();
            sql.defer(INSERT, UUID.randomUUID(), null, null, null, 1, null, "a", null);
            sql.defer(INSERT, UUID.randomUUID(), null, null, null, 2, null, "b", null);
            return sql.query(
                    "select count(*) from sql_probe",
                    rs -> rs.next() ? rs.getLong(1) : -1L,
                    new Object[0],
                    new Sql.Also<>(
                            "select note from sql_probe where note = any(?) order by seq",
                            rs -> {
                                List<String> notes = new java.util.ArrayList<>();
                                while (rs.next()) {
                                    notes.add(rs.getString(1));
                                }
                                return notes;
                            },
                            (Object) new String[] {"b", "a"}));
        });
        assertEquals(2L, both.first());
        assertEquals(List.of("a", "b"), both.second());
    }

    @Test
    void aRoundAnswersEachOfItsQueriesInOrderAfterTheDeferredWrites() {
        List<Object> answers = QuarkusTransaction.requiringNew().call(() -> {
            createProbe();
            sql.defer(INSERT, UUID.randomUUID(), null, null, null, 1, null, "a", null);
            sql.defer(INSERT, UUID.randomUUID(), null, null, null, 2, null, "b", null);
            Sql.Round round = sql.round();
            Sql.Round.Result<Long> count =
                    round.add("select count(*) from sql_probe", rs -> rs.next() ? rs.getLong(1) : -1L);
            Sql.Round.Result<String> none =
                    round.add("select note from sql_probe where seq = ?", rs -> rs.next() ? rs.getString(1) : null, 3);
            Sql.Round.Result<String> second =
                    round.add("select note from sql_probe where seq = ?", rs -> rs.next() ? rs.getString(1) : null, 2);
            assertThrows(IllegalStateException.class, count::get, "not sent yet");
            round.run();
            return java.util.Arrays.asList(count.get(), none.get(), second.get());
        });
        assertEquals(java.util.Arrays.asList(2L, null, "b"), answers);
    }

    private static final String COMMIT_PROBE = "sql_commit_probe";

    /** A row of the commit probe, read in a transaction of its own. */
    private String committedNote(UUID id) {
        return QuarkusTransaction.requiringNew()
                .call(() -> sql.first("select note from " + COMMIT_PROBE + " where id = ?", rs -> rs.getString(1), id))
                .orElse(null);
    }

    @jakarta.inject.Inject
    @io.quarkus.agroal.DataSource("owner")
    io.agroal.api.AgroalDataSource owner;

    private void createCommitProbe() {
        // a table of its own: a temporary one would go with the first transaction that ends; created by the owner
        // (the application's role creates no tables), which lets the application's role write it
        try (java.sql.Connection c = owner.getConnection();
                java.sql.Statement st = c.createStatement()) {
            st.execute("create table if not exists " + COMMIT_PROBE + " (id uuid primary key, note text)");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The deferred writes and {@code COMMIT} go in one round trip: another transaction sees the writes before the
     * transaction manager has committed, whose commit then succeeds with nothing left to send; a statement after it
     * fails instead of running in a transaction of its own.
     */
    @Test
    void commitWithDeferredEndsTheTransactionWithItsWrites() {
        createCommitProbe();
        UUID id = UUID.randomUUID();
        String[] seenBeforeTheManagerCommitted = new String[1];
        QuarkusTransaction.requiringNew().run(() -> {
            sql.defer("insert into " + COMMIT_PROBE + " (id, note) values (?, ?)", id, "with the commit");
            assertNull(committedNote(id), "not committed before");
            assertTrue(sql.commitWithDeferred());
            seenBeforeTheManagerCommitted[0] = committedNote(id);
            assertThrows(
                    IllegalStateException.class,
                    () -> sql.update("insert into " + COMMIT_PROBE + " (id) values (?)", UUID.randomUUID()));
            assertThrows(
                    IllegalStateException.class,
                    () -> sql.defer("insert into " + COMMIT_PROBE + " (id) values (?)", UUID.randomUUID()));
        });
        assertEquals("with the commit", seenBeforeTheManagerCommitted[0]);
        assertEquals("with the commit", committedNote(id));
        // the connection went back to the pool in order: the next transactions on it work as usual
        for (int i = 0; i < 3; i++) {
            UUID next = UUID.randomUUID();
            QuarkusTransaction.requiringNew()
                    .run(() -> sql.update("insert into " + COMMIT_PROBE + " (id, note) values (?, 'next')", next));
            assertEquals("next", committedNote(next));
        }
    }

    /** A write that fails takes the COMMIT after it down with it: nothing of the transaction stays. */
    @Test
    void aFailedWriteWithTheCommitLeavesNothing() {
        createCommitProbe();
        UUID id = UUID.randomUUID();
        UUID taken = UUID.randomUUID();
        QuarkusTransaction.requiringNew()
                .run(() -> sql.update("insert into " + COMMIT_PROBE + " (id) values (?)", taken));
        assertThrows(
                Sql.Failure.class,
                () -> QuarkusTransaction.requiringNew().run(() -> {
                    sql.defer("insert into " + COMMIT_PROBE + " (id, note) values (?, 'first')", id);
                    sql.defer("insert into " + COMMIT_PROBE + " (id) values (?)", taken);
                    sql.commitWithDeferred();
                }));
        assertNull(committedNote(id));
    }

    /**
     * Not with the commit, and committed or rolled back by the transaction manager as usual: a transaction marked for
     * rollback, one with nothing deferred, and one where Hibernate holds a change it writes at the commit (which would
     * otherwise come after the COMMIT, in a transaction of its own). A Hibernate session without changes does not stop
     * it; together, the two cases show that the session is found where Quarkus keeps it.
     */
    @Test
    void commitWithDeferredStandsAsideWhenItCannotEndTheTransaction() {
        createCommitProbe();
        UUID rolledBack = UUID.randomUUID();
        assertThrows(
                io.quarkus.narayana.jta.QuarkusTransactionException.class,
                () -> QuarkusTransaction.requiringNew().run(() -> {
                    sql.defer("insert into " + COMMIT_PROBE + " (id) values (?)", rolledBack);
                    QuarkusTransaction.setRollbackOnly();
                    assertFalse(sql.commitWithDeferred());
                }),
                "rolled back, as marked");
        assertNull(committedNote(rolledBack));

        QuarkusTransaction.requiringNew().run(() -> assertFalse(sql.commitWithDeferred()));

        UUID withHibernate = UUID.randomUUID();
        io.shoreloop.registry.Bureau bureau = new io.shoreloop.registry.Bureau();
        bureau.id = UUID.randomUUID();
        bureau.code = "SQL-" + bureau.id.toString().substring(0, 8);
        bureau.name = "Commit probe bureau";
        bureau.kind = io.shoreloop.registry.Bureau.Kind.MARITIME;
        bureau.createdAt = Instant.now();
        QuarkusTransaction.requiringNew().run(() -> {
            sql.defer("insert into " + COMMIT_PROBE + " (id, note) values (?, 'beside hibernate')", withHibernate);
            bureau.persist();
            assertFalse(sql.commitWithDeferred(), "Hibernate holds the new bureau");
        });
        assertEquals("beside hibernate", committedNote(withHibernate));
        assertEquals(1L, io.shoreloop.registry.Bureau.count("id", bureau.id));

        UUID cleanSession = UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            assertEquals(
                    bureau.code, io.shoreloop.registry.Bureau.<io.shoreloop.registry.Bureau>findById(bureau.id).code);
            sql.defer("insert into " + COMMIT_PROBE + " (id, note) values (?, 'clean session')", cleanSession);
            assertTrue(sql.commitWithDeferred(), "the session has nothing to write");
        });
        assertEquals("clean session", committedNote(cleanSession));
        sql.update("delete from bureau where id = ?", bureau.id); // no other test meets the probe bureau
    }

    private void createProbe() {
        sql.update("create temp table sql_probe (id uuid primary key, party uuid, at timestamptz, qty numeric(14, 3),"
                + " seq integer, flag boolean, note text, colour text) on commit drop");
    }
}
