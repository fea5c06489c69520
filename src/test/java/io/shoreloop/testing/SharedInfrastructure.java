package io.shoreloop.testing;

import io.quarkus.test.common.QuarkusTestResource;
import io.shoreloop.platform.InfrastructureTestResource;

/**
 * Declares the infrastructure test resource once for the whole suite: every {@code @QuarkusTest} runs against the
 * same PostgreSQL and broker (embedded, or containers when Docker answers), with the demo data loaded.
 */
@QuarkusTestResource(InfrastructureTestResource.class)
public final class SharedInfrastructure {
    private SharedInfrastructure() {}
}
