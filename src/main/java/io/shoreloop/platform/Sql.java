package io.shoreloop.platform;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plain JDBC on the connection of the current transaction (the one Hibernate uses too, so both see each other's
 * writes once Hibernate has flushed), for the hot paths where one statement should cost one statement: the signing of
 * manifest steps, the ledger, the idempotency keys and the actor lookup of every request. Parameters may be
 * {@code null}, {@link UUID}, {@link Instant}, enums (written as their name), strings, numbers and booleans.
 * {@link SQLException}s become {@link Failure}s, which keep the SQL state (connection loss, {@code 08…}, is answered
 * 503 by the problem mapper).
 *
 * <p><b>Deferred writes.</b> A write whose answer nobody needs ({@link #defer}) waits in the transaction and goes to
 * PostgreSQL together with the next statement of the transaction, or before it commits, all in one round trip (one
 * prepared multi-statement string: PostgreSQL runs them in order, and the first that fails fails the transaction).
 * Every query and update of this class sends the waiting writes first, so a transaction reads its own writes as if
 * nothing had been deferred. A signed step's writes (manifest row, step, ledger entry, marks, stored answer) so cost one
 * round trip instead of five; on two shared cores, each round trip (a wake-up of the database backend and of the
 * request thread) costs as much as a small statement itself. Hibernate does not see deferred writes until they are
 * sent: code that reads or writes the same rows through Hibernate in the same transaction calls {@link #flush} first.
 */
@ApplicationScoped
public class Sql {

    /** Reads the rows of a result set. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Maps the current row. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Binds the parameters of one statement of a batch. */
    @FunctionalInterface
    public interface Binder<T> {
        void bind(PreparedStatement ps, T item) throws SQLException;
    }

    /** A database error, with its SQL state. */
    public static final class Failure extends RuntimeException {
        public Failure(String sql, SQLException cause) {
            super(cause.getMessage() + " [" + abbreviated(sql) + "]", cause);
        }

        /** The SQL state ({@code 23505} unique violation, {@code 40001} serialization failure, …). */
        public String sqlState() {
            return ((SQLException) getCause()).getSQLState();
        }

        public boolean isUniqueViolation() {
            return "23505".equals(sqlState());
        }

        private static String abbreviated(String sql) {
            return sql.length() > 120 ? sql.substring(0, 120) + "…" : sql;
        }
    }

    /** A statement and its parameters. */
    private record Statement(String sql, Object[] params) {}

    /** The writes deferred in one transaction (a resource of the transaction). */
    private static final class Deferred {
        final List<Statement> statements = new ArrayList<>();
        /** Set once {@link #commitWithDeferred} has ended the transaction in the database. */
        boolean ended;
    }

    /** The key of {@link Deferred} among the transaction's resources. */
    private static final Object DEFERRED = new Object();

    /** The statement that ends a transaction, sent after its deferred writes by {@link #commitWithDeferred}. */
    private static final Statement COMMIT = new Statement("commit", new Object[0]);

    /**
     * The key under which Quarkus keeps the Hibernate session of a transaction (default persistence unit), which {@link
     * #commitWithDeferred} asks whether it holds changes; {@code SqlTest} fails if it ever names nothing.
     */
    static final String HIBERNATE_SESSION = "TransactionScopedSession-<default>";

    private final AgroalDataSource dataSource;
    private final TransactionSynchronizationRegistry transactions;

    public Sql(AgroalDataSource dataSource, TransactionSynchronizationRegistry transactions) {
        this.dataSource = dataSource;
        this.transactions = transactions;
    }

    /**
     * Defers a write to the next statement of the current transaction or to its commit, whichever comes first (see
     * the class comment). Outside a transaction the write runs at once.
     */
    public void defer(String sql, Object... params) {
        if (!inActiveTransaction()) {
            update(sql, params);
            return;
        }
        Deferred deferred = (Deferred) transactions.getResource(DEFERRED);
        if (deferred == null) {
            Deferred created = new Deferred();
            deferred = created;
            transactions.putResource(DEFERRED, deferred);
            transactions.registerInterposedSynchronization(new jakarta.transaction.Synchronization() {
                @Override
                public void beforeCompletion() {
                    if (!created.ended) {
                        flush();
                    }
                }

                @Override
                public void afterCompletion(int status) {}
            });
        }
        requireNotEnded(deferred);
        deferred.statements.add(new Statement(sql, params));
    }

    /**
     * Makes the rest of the current transaction use the generic plan of each prepared statement (deferred: it goes
     * with the transaction's next statement, in its round trip). For transactions whose statements all look rows up by
     * key, with the same plan for every key: PostgreSQL's plan cache otherwise went over to planning such statements
     * anew on most executions once the tables had grown and been analyzed (see the callers). Ends with the
     * transaction; outside one it does nothing.
     */
    public void genericPlans() {
        if (inActiveTransaction()) {
            defer("set local plan_cache_mode = force_generic_plan");
        }
    }

    private boolean inActiveTransaction() {
        return transactions.getTransactionKey() != null
                && transactions.getTransactionStatus() == jakarta.transaction.Status.STATUS_ACTIVE;
    }

    /** Sends the writes deferred in the current transaction now (one round trip), if there are any. */
    public void flush() {
        List<Statement> waiting = takeDeferred();
        if (!waiting.isEmpty()) {
            run(waiting, null, null);
        }
    }

    /**
     * Ends the current transaction in PostgreSQL together with its deferred writes: sends them with {@code COMMIT}
     * after them, in one round trip, and answers {@code true}. The round trip of the commit itself is saved (on two
     * shared cores, a wake-up of the database backend and of the request thread, as much as a small statement costs).
     * The transaction manager's commit that follows finds the connection's transaction ended and sends nothing (the
     * driver sends {@code COMMIT} only while a transaction is open); its synchronizations and observers run as for any
     * commit.
     *
     * <p>Only for the code that began the transaction, as its very last statement before the transaction manager
     * commits it. It answers {@code false} and does nothing, and the caller's commit goes as usual, unless the
     * transaction is active (not marked for rollback), has writes waiting, and Hibernate holds no change: Hibernate
     * writes its changes when the transaction manager commits, which after this {@code COMMIT} would be a transaction
     * of its own. If a write fails, PostgreSQL skips the {@code COMMIT} and the transaction is rolled back as any
     * failed one. Once it has ended the transaction, every statement of this class in it fails ({@link
     * IllegalStateException}) instead of running in a transaction of its own.
     */
    public boolean commitWithDeferred() {
        if (!inActiveTransaction() || hibernateHoldsChanges()) {
            return false;
        }
        List<Statement> statements = takeDeferred();
        if (statements.isEmpty()) {
            return false;
        }
        statements.add(COMMIT);
        run(statements, null, null);
        ((Deferred) transactions.getResource(DEFERRED)).ended = true;
        return true;
    }

    /** Whether Hibernate's session in this transaction, if it has one, holds changes it would write at the commit. */
    private boolean hibernateHoldsChanges() {
        return transactions.getResource(HIBERNATE_SESSION) instanceof org.hibernate.Session session
                && session.isOpen()
                && session.isDirty();
    }

    /**
     * Fails once {@link #commitWithDeferred} has ended the transaction in the database (every statement of this class
     * takes the deferred writes first, so this is checked for each).
     */
    private static void requireNotEnded(Deferred deferred) {
        if (deferred.ended) {
            throw new IllegalStateException(
                    "The transaction was committed with its deferred writes: no statement may follow");
        }
    }

    /** Runs an insert, update or delete; answers the number of rows it changed. */
    public int update(String sql, Object... params) {
        Object[] count = new Object[1];
        run(withDeferred(new Statement(sql, params)), null, count);
        return (Integer) count[0];
    }

    /** The deferred writes of the current transaction, taken out of it, followed by {@code last}. */
    private List<Statement> withDeferred(Statement last) {
        List<Statement> waiting = takeDeferred();
        if (waiting.isEmpty()) {
            return List.of(last);
        }
        List<Statement> all = new ArrayList<>(waiting);
        all.add(last);
        return all;
    }

    private List<Statement> takeDeferred() {
        if (transactions.getTransactionKey() == null) {
            return List.of();
        }
        Deferred deferred = (Deferred) transactions.getResource(DEFERRED);
        if (deferred == null) {
            return List.of();
        }
        requireNotEnded(deferred);
        if (deferred.statements.isEmpty()) {
            return List.of();
        }
        List<Statement> waiting = new ArrayList<>(deferred.statements);
        deferred.statements.clear();
        return waiting;
    }

    /**
     * Sends the statements in one round trip; the last one's rows go to {@code reader} (when given, and the answer is
     * returned), or its row count to {@code count[0]}.
     */
    private <T> T run(List<Statement> statements, Reader<T> reader, Object[] count) {
        return send(statements, statements.size() - 1, (ps, rows) -> {
            if (reader != null) {
                return read(
                        ps, rows, reader, statements.get(statements.size() - 1).sql());
            }
            if (count != null) {
                count[0] = rows ? 0 : ps.getUpdateCount();
            }
            return null;
        });
    }

    /** Reads the answers of a round trip, the statement positioned at the first result wanted. */
    @FunctionalInterface
    private interface Answers<T> {
        T read(PreparedStatement ps, boolean rows) throws SQLException;
    }

    /**
     * Sends the statements in one round trip (one prepared multi-statement string), skips the results of the first
     * {@code first} of them and hands the rest to {@code answers}.
     */
    private <T> T send(List<Statement> statements, int first, Answers<T> answers) {
        String text;
        if (statements.size() == 1) {
            text = statements.get(0).sql();
        } else {
            List<String> parts = new ArrayList<>(statements.size());
            statements.forEach(st -> parts.add(st.sql()));
            text = joined(parts);
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(text)) {
            bind(ps, statements);
            boolean rows = ps.execute();
            for (int i = 0; i < first; i++) {
                rows = ps.getMoreResults();
            }
            return answers.read(ps, rows);
        } catch (SQLException e) {
            throw new Failure(text, e);
        }
    }

    private static final int MAX_JOINED = 512;
    private static final Map<List<String>, String> JOINED = new ConcurrentHashMap<>();

    /**
     * Statements joined into one multi-statement text, the same {@code String} every time for the same statements (up
     * to {@value #MAX_JOINED} combinations; a step sends one of a few dozen). Joining them anew for every round trip
     * copied a few kilobytes, and the driver, which keeps its prepared statements by their text, hashed the new text
     * in full for every lookup (in a profile at full load, hashing strings took 1.6 % of the application's CPU and
     * appending them 0.9 %, much of both this); the parts are constants whose hashes Java keeps, and so is the joined
     * text once made.
     */
    static String joined(List<String> parts) {
        String text = JOINED.get(parts);
        if (text == null) {
            text = String.join(";\n", parts);
            if (JOINED.size() < MAX_JOINED) {
                String earlier = JOINED.putIfAbsent(List.copyOf(parts), text);
                text = earlier != null ? earlier : text;
            }
        }
        return text;
    }

    /** Runs one statement per item as a JDBC batch (one round trip); answers the rows changed in all. */
    public <T> int batch(String sql, Iterable<T> items, Binder<T> binder) {
        flush();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            int n = 0;
            for (T item : items) {
                binder.bind(ps, item);
                ps.addBatch();
                n++;
            }
            if (n == 0) {
                return 0;
            }
            int changed = 0;
            for (int count : ps.executeBatch()) {
                changed += Math.max(count, 0);
            }
            return changed;
        } catch (SQLException e) {
            throw new Failure(sql, e);
        }
    }

    /** Runs a query and hands its result set to {@code reader}. */
    public <T> T query(String sql, Reader<T> reader, Object... params) {
        return run(withDeferred(new Statement(sql, params)), reader, null);
    }

    /** A query to send together with another one ({@link #query(String, Reader, Object[], Also)}). */
    public record Also<T>(String sql, Reader<T> reader, Object... params) {}

    /** The answers of two queries sent in one round trip. */
    public record Both<T, U>(T first, U second) {}

    /**
     * Runs a query and, in the same round trip right after it, {@code also} (with the deferred writes first, as every
     * query): a query whose parameters are known before the first one's answer costs no round trip of its own.
     */
    public <T, U> Both<T, U> query(String sql, Reader<T> reader, Object[] params, Also<U> also) {
        Round round = round();
        Round.Result<T> first = round.add(sql, reader, params);
        Round.Result<U> second = round.add(also.sql(), also.reader(), also.params());
        round.run();
        return new Both<>(first.get(), second.get());
    }

    /** Queries to send together in one round trip ({@link Round}). */
    public Round round() {
        return new Round();
    }

    /**
     * Queries sent together in one round trip, after the transaction's deferred writes (as every query), each with its
     * own reader; PostgreSQL runs them in order, each statement seeing what committed before it began (so a lock taken
     * by one is held for those after it). A transaction that needs several reads whose parameters are all known in
     * advance pays one round trip for them instead of one each.
     */
    public final class Round {

        /** The answer of one query of the round, available once the round has run. */
        public static final class Result<T> {
            private T value;
            private boolean done;

            public T get() {
                if (!done) {
                    throw new IllegalStateException("The round has not run yet");
                }
                return value;
            }
        }

        private final List<Statement> queries = new ArrayList<>();
        private final List<Reader<?>> readers = new ArrayList<>();
        private final List<Result<?>> results = new ArrayList<>();

        private Round() {}

        /** Adds a query; its answer is in the result once {@link #run} has run. */
        public <T> Result<T> add(String sql, Reader<T> reader, Object... params) {
            queries.add(new Statement(sql, params));
            readers.add(reader);
            Result<T> result = new Result<>();
            results.add(result);
            return result;
        }

        /** Sends the deferred writes and the queries in one round trip and reads every answer. */
        @SuppressWarnings("unchecked")
        public void run() {
            List<Statement> statements = new ArrayList<>(takeDeferred());
            int first = statements.size();
            statements.addAll(queries);
            send(statements, first, (ps, rows) -> {
                for (int i = 0; i < queries.size(); i++) {
                    if (i > 0) {
                        rows = ps.getMoreResults();
                    }
                    Result<Object> result = (Result<Object>) results.get(i);
                    result.value = read(
                            ps,
                            rows,
                            (Reader<Object>) readers.get(i),
                            queries.get(i).sql());
                    result.done = true;
                }
                return null;
            });
        }
    }

    private static void bind(PreparedStatement ps, List<Statement> statements) throws SQLException {
        int index = 1;
        for (Statement st : statements) {
            for (Object p : st.params()) {
                set(ps, index++, p);
            }
        }
    }

    /** Reads the current result of {@code ps} (there must be rows: {@code rows}). */
    private static <T> T read(PreparedStatement ps, boolean rows, Reader<T> reader, String sql) throws SQLException {
        if (!rows) {
            throw new SQLException("The statement returned no rows: " + sql);
        }
        try (ResultSet rs = ps.getResultSet()) {
            return reader.read(rs);
        }
    }

    /** The first row of a query, if any. */
    public <T> Optional<T> first(String sql, RowMapper<T> mapper, Object... params) {
        return query(sql, rs -> rs.next() ? Optional.ofNullable(mapper.map(rs)) : Optional.empty(), params);
    }

    /** Every row of a query. */
    public <T> List<T> list(String sql, RowMapper<T> mapper, Object... params) {
        return query(
                sql,
                rs -> {
                    List<T> rows = new ArrayList<>();
                    while (rs.next()) {
                        rows.add(mapper.map(rs));
                    }
                    return rows;
                },
                params);
    }

    /** Binds parameters 1..n. */
    public static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            set(ps, i + 1, params[i]);
        }
    }

    /**
     * Binds one parameter (see the class comment for the types). Every value goes as text of an unspecified type, as
     * a null does, and PostgreSQL takes the type from where the parameter stands (a {@code uuid} column: uuid); only
     * arrays and byte arrays keep their own type. The driver prepares a statement once per connection for the types of
     * its parameters, and a null (unspecified) where the statement was prepared for a value that was typed, or a value
     * typed where it was prepared for a null, makes it prepare the statement again: a manifest's row, with its
     * optional dates, parties and texts null in one step and set in the next, was parsed and planned again in about
     * half of the steps (a step's own row nearly always) instead of once per connection. A parameter whose place gives
     * no type needs a cast in the SQL.
     */
    public static void set(PreparedStatement ps, int index, Object value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.OTHER);
        } else if (value instanceof Instant instant) {
            ps.setObject(index, instant.toString(), Types.OTHER);
        } else if (value instanceof Enum<?> e) {
            ps.setObject(index, e.name(), Types.OTHER);
        } else if (value instanceof BigDecimal d) {
            ps.setObject(index, d.toPlainString(), Types.OTHER);
        } else if (value instanceof String
                || value instanceof UUID
                || value instanceof Number
                || value instanceof Boolean) {
            ps.setObject(index, value.toString(), Types.OTHER);
        } else {
            ps.setObject(index, value);
        }
    }

    /** A {@code timestamptz} column as an instant ({@code null} stays null). */
    public static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    /** A {@code uuid} column. */
    public static UUID uuid(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, UUID.class);
    }

    /** An {@code integer} column that may be null. */
    public static Integer integer(ResultSet rs, int column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    /** A text column holding an enum's name ({@code null} stays null). */
    public static <E extends Enum<E>> E enumOf(ResultSet rs, int column, Class<E> type) throws SQLException {
        String v = rs.getString(column);
        return v == null ? null : Enum.valueOf(type, v);
    }
}
