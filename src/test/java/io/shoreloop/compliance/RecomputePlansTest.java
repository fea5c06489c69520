package io.shoreloop.compliance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.shoreloop.platform.Sql;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The worker's recomputation, in a transaction of its own, uses generic plans; a recomputation inside another
 * transaction (a call registered or changed) leaves that transaction's plans alone.
 */
@QuarkusTest
class RecomputePlansTest {

    @Inject
    ComplianceService compliance;

    @Inject
    Sql sql;

    private String planCacheMode() {
        return sql.first("select current_setting('plan_cache_mode')", rs -> rs.getString(1))
                .orElseThrow();
    }

    @Test
    void onlyTheWorkersOwnTransactionUsesGenericPlans() {
        String worker = QuarkusTransaction.requiringNew().call(() -> {
            compliance.recompute(UUID.randomUUID(), false, true);
            return planCacheMode();
        });
        String caller = QuarkusTransaction.requiringNew().call(() -> {
            compliance.recompute(UUID.randomUUID(), false, false);
            return planCacheMode();
        });
        String next = QuarkusTransaction.requiringNew().call(this::planCacheMode);
        assertEquals("force_generic_plan", worker);
        assertEquals("auto", caller);
        assertEquals("auto", next);
    }
}
