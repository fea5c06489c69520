package io.shoreloop.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.narayana.jta.QuarkusTransactionException;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

/** The first administrator of a new deployment is created only while there is no active one. */
@QuarkusTest
class AdminBootstrapTest {

    @Inject
    AdminBootstrap bootstrap;

    @Inject
    EntityManager em;

    private long admins(String subject) {
        return ((Number) em.createNativeQuery(
                                "select count(*) from app_user where role = 'ADMIN' and active and subject = ?1")
                        .setParameter(1, subject)
                        .getSingleResult())
                .longValue();
    }

    @Test
    void nothingIsCreatedWhileAnActiveAdministratorExists() {
        assertFalse(bootstrap.ensureAdmin("bootstrap-while-demo-admin"));
        QuarkusTransaction.requiringNew().run(() -> assertEquals(0, admins("bootstrap-while-demo-admin")));
    }

    /**
     * Runs the checks in a transaction that is rolled back at the end (so that the demo administrator stays as it is
     * for the other tests), and fails unless they all ran.
     */
    private static void inRolledBackTransaction(Runnable checks) {
        boolean[] checked = {false};
        assertThrows(
                QuarkusTransactionException.class,
                () -> QuarkusTransaction.requiringNew().run(() -> {
                    checks.run();
                    checked[0] = true;
                    QuarkusTransaction.setRollbackOnly();
                }));
        assertTrue(checked[0], "the checks ran to their end");
    }

    @Test
    void aDeploymentWithoutAnActiveAdministratorGetsOneOnce() {
        inRolledBackTransaction(() -> {
            em.createNativeQuery("update app_user set active = false where role = 'ADMIN'")
                    .executeUpdate();
            assertTrue(bootstrap.ensureAdmin("first-admin"));
            assertEquals(1, admins("first-admin"));
            assertFalse(bootstrap.ensureAdmin("second-admin"), "one exists now");
            assertEquals(0, admins("second-admin"));
        });
        QuarkusTransaction.requiringNew().run(() -> assertEquals(0, admins("first-admin")));
    }

    @Test
    void aTakenSubjectIsLeftAlone() {
        inRolledBackTransaction(() -> {
            em.createNativeQuery("update app_user set active = false where role = 'ADMIN'")
                    .executeUpdate();
            // a crew's subject: not turned into an administrator
            assertFalse(bootstrap.ensureAdmin("demo-crew-yu-container-1"));
            assertEquals(0, admins("demo-crew-yu-container-1"));
        });
    }
}
