package io.shoreloop.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.shoreloop.platform.Sql;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The load of a manifest for a step sets its transaction to generic plans, and only that transaction. */
@QuarkusTest
class ManifestStoreTest {

    @Inject
    ManifestStore store;

    @Inject
    Sql sql;

    private String planCacheMode() {
        return sql.first("select current_setting('plan_cache_mode')", rs -> rs.getString(1))
                .orElseThrow();
    }

    @Test
    void aStepsTransactionUsesGenericPlansAndNoOtherDoes() {
        String step = QuarkusTransaction.requiringNew().call(() -> {
            assertTrue(store.find(UUID.randomUUID(), true).isEmpty());
            return planCacheMode();
        });
        String view = QuarkusTransaction.requiringNew().call(() -> {
            assertTrue(store.find(UUID.randomUUID(), false).isEmpty());
            return planCacheMode();
        });
        // SET LOCAL ends with its transaction: the pooled connection goes back as it was
        String next = QuarkusTransaction.requiringNew().call(this::planCacheMode);
        assertEquals("force_generic_plan", step);
        assertEquals("auto", view);
        assertEquals("auto", next);
    }
}
