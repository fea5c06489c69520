package io.shoreloop.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.shoreloop.platform.Sql;
import io.shoreloop.testing.PlanCacheModes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The load of a manifest for a step sets its transaction to generic plans, and only that transaction. */
@QuarkusTest
class ManifestStoreTest {

    @Inject
    ManifestStore store;

    @Inject
    Sql sql;

    @Test
    void aStepsTransactionUsesGenericPlansAndNoOtherDoes() {
        assertEquals(
                List.of("force_generic_plan", "auto", "auto"),
                PlanCacheModes.after(
                        sql,
                        () -> {
                            Sql.Round round = store.round();
                            Sql.Round.Result<java.util.Optional<Manifest>> found =
                                    store.findForUpdate(round, UUID.randomUUID());
                            round.run();
                            assertTrue(found.get().isEmpty());
                        },
                        () -> assertTrue(store.find(UUID.randomUUID()).isEmpty())));
    }
}
