package io.shoreloop.compliance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.shoreloop.platform.Sql;
import io.shoreloop.testing.PlanCacheModes;
import jakarta.inject.Inject;
import java.util.List;
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

    @Test
    void onlyTheWorkersOwnTransactionUsesGenericPlans() {
        assertEquals(
                List.of("force_generic_plan", "auto", "auto"),
                PlanCacheModes.after(
                        sql,
                        () -> compliance.recompute(UUID.randomUUID(), false, true),
                        () -> compliance.recompute(UUID.randomUUID(), false, false)));
    }
}
