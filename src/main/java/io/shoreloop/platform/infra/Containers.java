package io.shoreloop.platform.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.hivemq.HiveMQContainer;
import org.testcontainers.utility.DockerImageName;

/** Testcontainers PostgreSQL and HiveMQ CE, used when a Docker engine answers. */
final class Containers {

    private static final Logger LOG = Logger.getLogger(Containers.class);
    static final String POSTGRES_IMAGE = "postgres:17-alpine";
    static final String HIVEMQ_IMAGE = "hivemq/hivemq-ce:2025.5";

    private Containers() {}

    /**
     * Whether a Docker engine answers. Looks for the usual signs first (DOCKER_HOST, a socket file, a Testcontainers
     * configuration) so that a machine without Docker never waits for Testcontainers' probing.
     */
    static boolean dockerAnswers() {
        boolean hint = System.getenv("DOCKER_HOST") != null
                || Files.exists(Path.of("/var/run/docker.sock"))
                || Files.exists(Path.of(System.getProperty("user.home"), ".docker", "run", "docker.sock"))
                || Files.exists(Path.of(System.getProperty("user.home"), ".testcontainers.properties"));
        if (!hint) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("No Docker engine", e);
            return false;
        }
    }

    record Postgres(PostgreSQLContainer<?> container) implements AutoCloseable {
        String jdbcUrl() {
            return container.getJdbcUrl();
        }

        String username() {
            return container.getUsername();
        }

        String password() {
            return container.getPassword();
        }

        @Override
        public void close() {
            container.stop();
        }
    }

    record Broker(HiveMQContainer container) implements AutoCloseable {
        String host() {
            return container.getHost();
        }

        int port() {
            return container.getMqttPort();
        }

        @Override
        public void close() {
            container.stop();
        }
    }

    static Postgres postgres(Path persistentDir) {
        PostgreSQLContainer<?> pg = postgresContainer(persistentDir);
        pg.start();
        return new Postgres(pg);
    }

    /**
     * The PostgreSQL container, not started. Testcontainers starts PostgreSQL with {@code fsync=off} (made for
     * throw-away test databases); the launcher keeps its data in a persistent directory, so it runs with the same
     * durable settings as the embedded server ({@link EmbeddedPostgresServer#DURABLE}), and with its group commit
     * ({@link EmbeddedPostgresServer#GROUP_COMMIT}: a flush shared by the commits that come within a millisecond).
     */
    @SuppressWarnings("resource")
    static PostgreSQLContainer<?> postgresContainer(Path persistentDir) {
        List<String> command = new ArrayList<>(List.of("postgres"));
        for (Map<String, String> settings :
                List.of(EmbeddedPostgresServer.DURABLE, EmbeddedPostgresServer.GROUP_COMMIT)) {
            new TreeMap<>(settings).forEach((name, value) -> {
                command.add("-c");
                command.add(name + "=" + value);
            });
        }
        PostgreSQLContainer<?> pg = new PostgreSQLContainer<>(DockerImageName.parse(POSTGRES_IMAGE))
                .withDatabaseName(EmbeddedPostgresServer.DATABASE)
                .withUsername("shoreloop")
                .withPassword("shoreloop")
                .withCommand(command.toArray(String[]::new));
        if (persistentDir != null) {
            try {
                Files.createDirectories(persistentDir);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            pg.withFileSystemBind(persistentDir.toString(), "/var/lib/postgresql/data", BindMode.READ_WRITE);
        }
        return pg;
    }

    @SuppressWarnings("resource")
    static Broker hivemq() {
        HiveMQContainer broker = new HiveMQContainer(DockerImageName.parse(HIVEMQ_IMAGE));
        broker.start();
        return new Broker(broker);
    }
}
