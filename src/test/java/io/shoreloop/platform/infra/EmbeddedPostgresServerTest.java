package io.shoreloop.platform.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL is durable: zonky's defaults (made for throw-away test databases) start it with
 * {@code fsync} and {@code synchronous_commit} off, under which an acknowledged manifest step could be lost in a crash.
 */
class EmbeddedPostgresServerTest {

    private static final String SETTINGS = "shoreloop.embedded-postgres.settings";

    @Test
    void everyCommitIsFlushedToTheDisk(@TempDir Path dir) throws Exception {
        System.setProperty(SETTINGS, "work_mem=8MB");
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir.resolve("postgres"));
                Connection c = DriverManager.getConnection(pg.jdbcUrl(), "postgres", "postgres");
                Statement st = c.createStatement()) {
            for (String name : new String[] {"fsync", "synchronous_commit", "full_page_writes"}) {
                try (ResultSet rs = st.executeQuery("show " + name)) {
                    assertTrue(rs.next());
                    assertEquals("on", rs.getString(1), name);
                }
            }
            // group commit: a commit waits up to 1 ms for others to share its flush
            try (ResultSet rs = st.executeQuery(
                    "select setting from pg_settings where name in ('commit_delay', 'commit_siblings') order by name")) {
                assertTrue(rs.next());
                assertEquals("1000", rs.getString(1));
                assertTrue(rs.next());
                assertEquals("2", rs.getString(1));
            }
            // a further setting still reaches the server
            try (ResultSet rs = st.executeQuery("show work_mem")) {
                assertTrue(rs.next());
                assertEquals("8MB", rs.getString(1));
            }
            // and a commit is flushed: the WAL is synced once per commit at least
            st.execute("create table durable_probe (n int)");
            long before = walSyncs(st);
            for (int i = 0; i < 3; i++) {
                st.execute("insert into durable_probe values (" + i + ")");
            }
            // (each process hands its statistics over within a second or so: waited for, at most 30 s)
            long deadline = System.nanoTime() + 30_000_000_000L;
            long syncs = walSyncs(st);
            while (syncs < before + 3 && System.nanoTime() < deadline) {
                Thread.sleep(100);
                syncs = walSyncs(st);
            }
            assertTrue(syncs >= before + 3, "WAL syncs for three commits: " + (syncs - before));
        } finally {
            System.clearProperty(SETTINGS);
        }
    }

    private static long walSyncs(Statement st) throws Exception {
        st.execute("select pg_stat_force_next_flush()");
        try (ResultSet rs = st.executeQuery("select wal_sync from pg_stat_wal")) {
            assertTrue(rs.next());
            return rs.getLong(1);
        }
    }

    @Test
    void furtherSettingsCannotTurnDurabilityOff() {
        try {
            for (String weakening :
                    new String[] {"fsync=off", "work_mem=8MB; Synchronous_Commit = off", "full_page_writes=off"}) {
                System.setProperty(SETTINGS, weakening);
                IllegalArgumentException refused =
                        assertThrows(IllegalArgumentException.class, EmbeddedPostgresServer::extraSettings, weakening);
                assertTrue(refused.getMessage().contains("always on"), refused.getMessage());
            }
            System.setProperty(SETTINGS, "shared_preload_libraries=pg_stat_statements; work_mem=8MB");
            assertEquals(
                    Map.of("shared_preload_libraries", "pg_stat_statements", "work_mem", "8MB"),
                    EmbeddedPostgresServer.extraSettings());
        } finally {
            System.clearProperty(SETTINGS);
        }
    }
}
