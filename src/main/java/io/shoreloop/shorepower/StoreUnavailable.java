package io.shoreloop.shorepower;

import io.shoreloop.platform.DomainException;
import io.shoreloop.platform.ProblemKind;
import java.sql.SQLException;

/** The database refused or could not be reached; the work may be retried. */
public final class StoreUnavailable extends DomainException {

    private final transient SQLException sqlException;

    public StoreUnavailable(SQLException e) {
        super(
                ProblemKind.UNAVAILABLE,
                "store-unavailable",
                "The database is unavailable (SQLState " + e.getSQLState() + "): " + e.getMessage());
        this.sqlException = e;
    }

    /** The SQLState, for telling a transient failure (class 08, 40, 53, 57) from a refused row. */
    public String sqlState() {
        return sqlException.getSQLState();
    }

    /** {@code true} when retrying the same work later may succeed. */
    public boolean isTransient() {
        String state = sqlState();
        return state == null
                || state.startsWith("08")
                || state.startsWith("40")
                || state.startsWith("53")
                || state.startsWith("57")
                || state.startsWith("58");
    }
}
