package io.shoreloop.identity;

import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * Resolves the {@link Actor} of the current request once: verified token → user row (by subject) → role, party and
 * the ports the party covers. A token whose {@code party} claim disagrees with the user's current party is refused,
 * so a moved user must sign in again.
 */
@RequestScoped
public class CurrentActor {

    private static final Logger LOG = Logger.getLogger(CurrentActor.class);

    @Inject
    SecurityIdentity identity;

    @Inject
    JsonWebToken token;

    @Inject
    EntityManager em;

    private Actor actor;

    /** The actor; 401 when the request carries no valid token or the user is unknown or deactivated. */
    public Actor get() {
        if (actor == null) {
            actor = resolve();
        }
        return actor;
    }

    private Actor resolve() {
        if (identity.isAnonymous() || token == null || token.getSubject() == null) {
            throw new UnauthorizedException();
        }
        AppUser user =
                AppUser.bySubject(token.getSubject()).filter(u -> u.active).orElse(null);
        if (user == null) {
            LOG.infof("Refused token for unknown or deactivated subject %s", token.getSubject());
            throw new UnauthorizedException();
        }
        Object claimedParty = token.getClaim("party");
        if (claimedParty != null
                && !String.valueOf(claimedParty).equals(String.valueOf(user.partyId))
                && !(user.partyId == null && String.valueOf(claimedParty).isEmpty())) {
            LOG.infof(
                    "Refused token of %s: party claim %s, user acts for %s", user.subject, claimedParty, user.partyId);
            throw new UnauthorizedException();
        }
        return new Actor(user.id, user.subject, user.displayName, user.role, user.partyId, portsOf(user));
    }

    @SuppressWarnings("unchecked")
    private Set<UUID> portsOf(AppUser user) {
        List<UUID> ids;
        if (user.role == Role.BERTH_OPERATOR && user.partyId != null) {
            ids = em.createNativeQuery("select id from port where operator_id = ?1", UUID.class)
                    .setParameter(1, user.partyId)
                    .getResultList();
        } else if (user.role == Role.BUREAU && user.partyId != null) {
            ids = em.createNativeQuery("select port_id from bureau_jurisdiction where bureau_id = ?1", UUID.class)
                    .setParameter(1, user.partyId)
                    .getResultList();
        } else {
            ids = List.of();
        }
        return new HashSet<>(ids);
    }
}
