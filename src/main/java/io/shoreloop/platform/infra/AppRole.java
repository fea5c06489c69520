package io.shoreloop.platform.infra;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The database role Shoreloop's application connects as, apart from the role that owns the tables and runs the
 * migrations. The owner (a superuser on the servers Shoreloop starts itself) could switch off the triggers that keep
 * the ledger append-only, or drop them; the application's role owns nothing, is no superuser, and may not update,
 * delete or truncate the ledger's rows, its checkpoints, the evidence or the administrators' audit (granted and
 * revoked by the migration {@code V28}, which names it through the Flyway placeholder {@code app_role}).
 */
final class AppRole {

    /** The application's role on the servers Shoreloop starts itself (embedded, Testcontainers). */
    static final String NAME = "shoreloop_app";

    /**
     * Its password there: those servers listen on the loopback address (the embedded one) or a port only this host
     * reaches (a test container), and the role can do no more than the application.
     */
    static final String PASSWORD = "shoreloop_app";

    private AppRole() {}

    /** Creates the role, or sets its password and login again, connecting as the owner. */
    static void ensure(String jdbcUrl, String owner, String ownerPassword) {
        try (Connection c = DriverManager.getConnection(jdbcUrl, owner, ownerPassword);
                PreparedStatement exists = c.prepareStatement("select 1 from pg_roles where rolname = ?")) {
            exists.setString(1, NAME);
            boolean present;
            try (ResultSet rs = exists.executeQuery()) {
                present = rs.next();
            }
            try (Statement st = c.createStatement()) {
                st.execute((present ? "alter role " : "create role ") + NAME
                        + " login nosuperuser nocreatedb nocreaterole noinherit password '" + PASSWORD + "'");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create the application's database role '" + NAME + "'", e);
        }
    }
}
