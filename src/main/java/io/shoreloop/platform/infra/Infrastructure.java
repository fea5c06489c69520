package io.shoreloop.platform.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Chooses and starts the PostgreSQL and MQTT broker Shoreloop runs against, in this order for each of them:
 * configured explicitly (environment / system properties) → Testcontainers when a Docker engine answers → an
 * embedded real server (zonky PostgreSQL, HiveMQ CE in a child JVM). The same selection serves the launcher
 * ({@code ShoreloopMain}) and the test resource.
 *
 * <p>The result is a set of configuration overrides ({@link #config()}) to hand to Quarkus before the datasource
 * starts, and a {@link #close()} that stops whatever was started here (broker first, then the database).
 */
public final class Infrastructure implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Infrastructure.class);

    /** How to choose: {@code auto} (default), {@code embedded} or {@code containers}; from SHORELOOP_INFRA. */
    public enum Mode {
        AUTO,
        EMBEDDED,
        CONTAINERS;

        public static Mode fromEnvironment() {
            String value = System.getProperty("shoreloop.infra", System.getenv("SHORELOOP_INFRA"));
            return value == null || value.isBlank()
                    ? AUTO
                    : valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
    }

    /**
     * @param dataDir where embedded servers keep their state
     * @param wipe delete the data directory's contents before starting
     * @param mode how to choose when nothing is configured explicitly
     * @param persistentContainers keep container data in the data directory (the run command) rather than
     *     throwaway (tests)
     */
    public record Settings(Path dataDir, boolean wipe, Mode mode, boolean persistentContainers) {}

    private final List<AutoCloseable> started = new ArrayList<>();
    private final Map<String, String> config = new LinkedHashMap<>();
    private final List<String> summary = new ArrayList<>();
    private DataDir dataDir;

    private Infrastructure() {}

    /** Starts what is needed; on failure, stops whatever had been started and rethrows. */
    public static Infrastructure start(Settings settings) {
        Infrastructure infra = new Infrastructure();
        try {
            infra.startAll(settings);
            return infra;
        } catch (RuntimeException e) {
            infra.close();
            throw e;
        }
    }

    private void startAll(Settings settings) {
        boolean explicitDb = isSet("quarkus.datasource.jdbc.url", "QUARKUS_DATASOURCE_JDBC_URL");
        boolean explicitMqtt = isSet("shoreloop.mqtt.host", "SHORELOOP_MQTT_HOST");
        boolean explicitJwt = isSet("mp.jwt.verify.publickey.location", "MP_JWT_VERIFY_PUBLICKEY_LOCATION")
                || isSet("mp.jwt.verify.publickey", "MP_JWT_VERIFY_PUBLICKEY");

        dataDir = DataDir.open(settings.dataDir(), settings.wipe());
        started.add(dataDir);
        summary.add("data directory: " + dataDir.root() + (settings.wipe() ? " (wiped)" : ""));

        boolean docker = !(explicitDb && explicitMqtt)
                && switch (settings.mode()) {
                    case EMBEDDED -> false;
                    case CONTAINERS -> true;
                    case AUTO -> Containers.dockerAnswers();
                };

        if (explicitDb) {
            summary.add("PostgreSQL: external, " + get("quarkus.datasource.jdbc.url", "QUARKUS_DATASOURCE_JDBC_URL"));
        } else if (docker) {
            Containers.Postgres pg =
                    Containers.postgres(settings.persistentContainers() ? dataDir.resolve("pg-container") : null);
            started.add(pg);
            roles(pg.jdbcUrl(), pg.username(), pg.password());
            summary.add("PostgreSQL: Testcontainers, " + pg.jdbcUrl() + " (application role " + AppRole.NAME + ")");
        } else {
            long t0 = System.nanoTime();
            EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dataDir.resolve("postgres"));
            started.add(pg);
            roles(pg.jdbcUrl(), "postgres", "postgres");
            summary.add("PostgreSQL: embedded 17, " + pg.jdbcUrl() + " (started in " + millis(t0)
                    + " ms; application role " + AppRole.NAME + ")");
        }

        if (explicitMqtt) {
            summary.add("MQTT broker: external, " + get("shoreloop.mqtt.host", "SHORELOOP_MQTT_HOST") + ":"
                    + orElse(get("shoreloop.mqtt.port", "SHORELOOP_MQTT_PORT"), "1883"));
        } else if (docker) {
            Containers.Broker broker = Containers.hivemq();
            started.add(broker);
            config.put("shoreloop.mqtt.host", broker.host());
            config.put("shoreloop.mqtt.port", String.valueOf(broker.port()));
            summary.add("MQTT broker: Testcontainers HiveMQ CE, " + broker.host() + ":" + broker.port());
        } else {
            long t0 = System.nanoTime();
            EmbeddedBroker broker = EmbeddedBroker.start(dataDir.resolve("broker"), 1883);
            started.add(broker);
            config.put("shoreloop.mqtt.host", "127.0.0.1");
            config.put("shoreloop.mqtt.port", String.valueOf(broker.port()));
            summary.add("MQTT broker: embedded HiveMQ CE, 127.0.0.1:" + broker.port() + " (started in " + millis(t0)
                    + " ms)");
        }

        if (!explicitJwt) {
            Path keys = LocalSigningKey.ensure(dataDir.resolve("keys"));
            config.put(
                    "mp.jwt.verify.publickey.location",
                    keys.resolve(LocalSigningKey.PUBLIC).toUri().toString());
            config.put(
                    "smallrye.jwt.sign.key.location",
                    keys.resolve(LocalSigningKey.PRIVATE).toUri().toString());
            summary.add("token keys: local key pair in " + keys);
        }
        if (!isSet("shoreloop.ledger.signing-key-location", "SHORELOOP_LEDGER_SIGNING_KEY_LOCATION")) {
            Path keys = LocalSigningKey.ensure(
                    dataDir.resolve("keys"), LocalSigningKey.LEDGER_PRIVATE, LocalSigningKey.LEDGER_PUBLIC);
            config.put(
                    "shoreloop.ledger.signing-key-location",
                    keys.resolve(LocalSigningKey.LEDGER_PRIVATE).toString());
            config.put(
                    "shoreloop.ledger.verify-key-location",
                    keys.resolve(LocalSigningKey.LEDGER_PUBLIC).toString());
            summary.add("ledger checkpoint key: local key pair in " + keys);
        }
        config.put("shoreloop.data-dir", dataDir.root().toString());
    }

    /**
     * On a server Shoreloop started itself: the migrations run as the owner, the application as its own role
     * ({@link AppRole}), which cannot switch the ledger's append-only triggers off.
     */
    private void roles(String jdbcUrl, String owner, String ownerPassword) {
        AppRole.ensure(jdbcUrl, owner, ownerPassword);
        config.put("quarkus.datasource.jdbc.url", jdbcUrl);
        config.put("quarkus.datasource.username", AppRole.NAME);
        config.put("quarkus.datasource.password", AppRole.PASSWORD);
        config.put("quarkus.flyway.username", owner);
        config.put("quarkus.flyway.password", ownerPassword);
    }

    private static long millis(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    static boolean isSet(String property, String env) {
        String v = get(property, env);
        return v != null && !v.isBlank();
    }

    static String get(String property, String env) {
        String v = System.getProperty(property);
        return v != null ? v : System.getenv(env);
    }

    private static String orElse(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Configuration overrides for Quarkus (datasource, broker, token keys, data dir). */
    public Map<String, String> config() {
        return Map.copyOf(config);
    }

    /** One line per piece of infrastructure, for the start-up banner. */
    public List<String> summary() {
        return List.copyOf(summary);
    }

    public Path dataDir() {
        return dataDir.root();
    }

    /** Stops the broker, then the database, then releases the data directory. Idempotent. */
    @Override
    public synchronized void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                LOG.warn("Could not stop " + started.get(i).getClass().getSimpleName(), e);
            }
        }
        started.clear();
    }

    /** Creates an empty temporary data directory (tests). */
    public static Path temporaryDataDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
