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
import java.util.List;
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
            assertEquals(
                    1,
                    ((Number) em.createNativeQuery("select count(*) from admin_audit a join app_user u on"
                                            + " u.id = a.object_id where u.subject = 'first-admin' and a.change = 'CREATED'"
                                            + " and a.actor_subject = 'shoreloop:bootstrap'")
                                    .getSingleResult())
                            .intValue());
            assertFalse(bootstrap.ensureAdmin("second-admin"), "one exists now");
            assertEquals(0, admins("second-admin"));
        });
        QuarkusTransaction.requiringNew().run(() -> assertEquals(0, admins("first-admin")));
    }

    @Test
    void theAuditOfAdministratorsChangesIsAppendOnlyInTheDatabase() {
        QuarkusTransaction.requiringNew()
                .run(() -> em.createNativeQuery(
                                "insert into admin_audit (actor_subject, object_kind, object_id, change,"
                                        + " after) values ('test', 'USER', gen_random_uuid(), 'CREATED', '{}')")
                        .executeUpdate());
        for (String tamper : List.of(
                "update admin_audit set actor_subject = 'someone else'",
                "delete from admin_audit",
                "truncate admin_audit")) {
            assertThrows(
                    RuntimeException.class,
                    () -> QuarkusTransaction.requiringNew()
                            .run(() -> em.createNativeQuery(tamper).executeUpdate()),
                    tamper);
        }
        QuarkusTransaction.requiringNew()
                .run(() -> assertTrue(
                        ((Number) em.createNativeQuery("select count(*) from admin_audit where actor_subject = 'test'")
                                                .getSingleResult())
                                        .longValue()
                                > 0));
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
