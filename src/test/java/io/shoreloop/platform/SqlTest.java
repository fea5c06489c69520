package io.shoreloop.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    private void createProbe() {
        sql.update("create temp table sql_probe (id uuid primary key, party uuid, at timestamptz, qty numeric(14, 3),"
                + " seq integer, flag boolean, note text, colour text) on commit drop");
    }
}
