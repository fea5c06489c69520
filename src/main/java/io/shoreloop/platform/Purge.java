package io.shoreloop.platform;

import io.quarkus.narayana.jta.QuarkusTransaction;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Deletes rows past their retention, in batches, each in its own short transaction (a backlog never holds locks for
 * long). A subclass names its table and retention and runs {@link #scheduled} on its schedule.
 */
public abstract class Purge {

    private static final Logger LOG = Logger.getLogger(Purge.class);

    /** Rows deleted per transaction. */
    public static final int BATCH = 5_000;

    private final Sql sql;
    private final String table;
    private final String keyColumn;
    private final String timeColumn;

    /** Table and column names come from the code, never from a request. */
    protected Purge(Sql sql, String table, String keyColumn, String timeColumn) {
        this.sql = sql;
        this.table = table;
        this.keyColumn = keyColumn;
        this.timeColumn = timeColumn;
    }

    /** How long a row is kept after its {@code timeColumn}. */
    protected abstract Duration retention();

    /** Runs {@link #purge}; a failure is logged and the next run tries again. */
    protected void scheduled() {
        try {
            int deleted = purge();
            if (deleted > 0) {
                LOG.infof("Deleted %d row(s) of %s older than %s", deleted, table, retention());
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "Purge of %s failed; it runs again at the next interval", table);
        }
    }

    /**
     * Deletes every row whose {@code timeColumn} is older than the retention by the database's clock (which stamped
     * them), {@link #BATCH} at a time; answers how many.
     */
    public int purge() {
        String statement = "delete from " + table + " where " + keyColumn + " = any (array(select " + keyColumn
                + " from " + table + " where " + timeColumn + " < now() - cast(? as interval) limit " + BATCH + "))";
        String interval = retention().toString(); // ISO 8601, which PostgreSQL reads
        int total = 0;
        int deleted;
        do {
            deleted = QuarkusTransaction.requiringNew().call(() -> sql.update(statement, interval));
            total += deleted;
        } while (deleted == BATCH);
        return total;
    }
}
