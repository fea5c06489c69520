package io.shoreloop.identity;

import io.quarkus.runtime.StartupEvent;
import io.shoreloop.platform.ShoreloopConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Creates the first administrator of a new deployment ({@code shoreloop.identity.bootstrap-admin}), who then creates
 * everyone else through {@code /api/v1/users}. Only while no active administrator exists, so the key can stay set:
 * once there is one, it does nothing (also not after that administrator was renamed or another one created), and
 * several instances starting at once create at most one.
 */
@ApplicationScoped
public class AdminBootstrap {

    private static final Logger LOG = Logger.getLogger("io.shoreloop.access");

    private final ShoreloopConfig config;
    private final EntityManager em;
    private final AdminAudit audit;
    private final UserService users;

    public AdminBootstrap(ShoreloopConfig config, EntityManager em, AdminAudit audit, UserService users) {
        this.config = config;
        this.em = em;
        this.audit = audit;
        this.users = users;
    }

    /** After the demo data (priority 10), so that a demo deployment has its administrator already. */
    void onStart(@Observes @Priority(20) StartupEvent event) {
        config.identity().bootstrapAdmin().filter(s -> !s.isBlank()).ifPresent(subject -> {
            if (ensureAdmin(subject.strip())) {
                LOG.infof("Created the first administrator, subject %s (no active administrator existed)", subject);
            } else {
                LOG.debugf("An active administrator exists (or subject %s is taken): nothing bootstrapped", subject);
            }
        });
    }

    /**
     * Creates an administrator with this subject unless an active one exists or the subject is taken; answers whether
     * it did. One statement: of two instances racing, the second waits on the subject's unique index and does nothing.
     */
    @Transactional
    public boolean ensureAdmin(String subject) {
        UUID id = UUID.randomUUID();
        int created = em.createNativeQuery("insert into app_user (id, subject, display_name, role, party_id)"
                        + " select ?1, ?2, 'Administrator', 'ADMIN', null"
                        + " where not exists (select 1 from app_user where role = 'ADMIN' and active)"
                        + " on conflict (subject) do nothing")
                .setParameter(1, id)
                .setParameter(2, subject)
                .executeUpdate();
        if (created == 1) {
            // the same representation as every other user's entry
            audit.record(
                    null, AdminAudit.Kind.USER, id, AdminAudit.Change.CREATED, null, users.view(AppUser.findById(id)));
        }
        return created == 1;
    }
}
