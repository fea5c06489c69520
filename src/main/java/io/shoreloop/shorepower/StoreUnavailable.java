package io.shoreloop.shorepower;

import io.shoreloop.platform.DomainException;
import io.shoreloop.platform.ProblemKind;
import java.sql.SQLException;

/** The database refused or could not be reached; the work may be retried. */
public final class StoreUnavailable extends DomainException {

    private final transient SQLException sqlException;

    public StoreUnavailable(SQLException e) {
        // the message is the problem's detail when this reaches a client (a rematch after a call's update): the
        // database's own words stay in the logs and dead letters (reason())
        super(
                ProblemKind.UNAVAILABLE,
                "store-unavailable",
                "The database is unavailable (SQLState " + e.getSQLState() + "); retry later");
        this.sqlException = e;
    }

    /** The SQL state and the database's message, for logs and dead letters (never a client's answer). */
    public String reason() {
        return "SQLState " + sqlException.getSQLState() + ": " + sqlException.getMessage();
    }

    /** The SQLState, for telling a transient failure ({@link #isTransient()}) from a refused row. */
    public String sqlState() {
        return sqlException.getSQLState();
    }

    /**
     * {@code true} when the batch held a reading stored meanwhile (by an earlier delivery the cached timelines did not
     * know: after a restart, or by another instance): the readings' {@code COPY} refused it as a whole, and the same
     * batch stored again at once goes through the staging table, which absorbs the duplicates.
     */
    public boolean isStoredMeanwhile() {
        return "23505".equals(sqlState());
    }

    /**
     * {@code true} when retrying the same work later may succeed: the database cannot be reached or refuses any work
     * now, whatever the rows. Besides the lost connections (08), conflicts (40), exhausted resources (53), shutdowns
     * (57) and system errors (58), that is a database that became read-only (25, as a former primary back as a
     * standby, or a full disk's managed database), refused logins (28: a rotated password), a missing database (3D),
     * a lock not available (55) and a revoked privilege (42501). Until these were counted, such a database turned
     * every message into a dead letter it refused too, and the message was acknowledged and kept only in the log.
     */
    public boolean isTransient() {
        String state = sqlState();
        return state == null
                || state.startsWith("08")
                || state.startsWith("25")
                || state.startsWith("28")
                || state.startsWith("3D")
                || state.startsWith("40")
                || state.startsWith("53")
                || state.startsWith("55")
                || state.startsWith("57")
                || state.startsWith("58")
                || state.equals("42501");
    }
}
