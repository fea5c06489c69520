package io.shoreloop.platform.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Testcontainers PostgreSQL (chosen when a Docker engine answers) is as durable as the embedded one:
 * Testcontainers' own command line turns {@code fsync} off. It shares flushes among commits as the embedded one does
 * (group commit). Checked on the container's definition, which needs no Docker engine.
 */
class ContainersTest {

    @Test
    void thePostgresContainerFlushesEveryCommitWithGroupCommit() {
        List<String> command = List.of(Containers.postgresContainer(null).getCommandParts());
        assertEquals(
                List.of(
                        "postgres",
                        "-c",
                        "fsync=on",
                        "-c",
                        "full_page_writes=on",
                        "-c",
                        "synchronous_commit=on",
                        "-c",
                        "commit_delay=1000",
                        "-c",
                        "commit_siblings=2"),
                command);
    }
}
