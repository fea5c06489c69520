package io.shoreloop.platform;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.shoreloop.platform.infra.Infrastructure;
import java.nio.file.Path;
import java.util.Map;

/**
 * Test infrastructure: the same selection as the launcher (explicit config → Testcontainers when Docker answers →
 * embedded PostgreSQL and HiveMQ CE), on a fresh temporary data directory per test run.
 */
public class InfrastructureTestResource implements QuarkusTestResourceLifecycleManager {

    private Infrastructure infra;

    @Override
    public Map<String, String> start() {
        Path dir = Infrastructure.temporaryDataDir("shoreloop-test-");
        infra = Infrastructure.start(
                new Infrastructure.Settings(dir, true, Infrastructure.Mode.fromEnvironment(), false));
        infra.summary().forEach(line -> System.out.println("[test infrastructure] " + line));
        return infra.config();
    }

    @Override
    public void stop() {
        if (infra != null) {
            infra.close();
        }
    }
}
