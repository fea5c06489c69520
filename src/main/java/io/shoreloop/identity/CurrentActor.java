package io.shoreloop.identity;

import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.shoreloop.platform.Sql;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
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
    Sql sql;

    @Inject
    VerifiedTokens tokens;

    private Actor actor;

    /** The actor; 401 when the request carries no valid token or the user is unknown or deactivated. */
    public Actor get() {
        if (actor == null) {
            actor = resolve();
        }
        return actor;
    }

    /**
     * The user by subject, with the ports its party covers, in one statement. A user counts as active only while the
     * party it acts for is active too ({@code party_active}, kept by triggers of migration V14): deactivating a
     * vessel, facility, port operator or bureau signs all of its users out at their next request.
     */
    private static final String LOOKUP = "select u.id, u.subject, u.display_name, u.role, u.party_id,"
            + " u.active and u.party_active,"
            + " case u.role when 'BERTH_OPERATOR' then array(select p.id from port p where p.operator_id = u.party_id)"
            + " when 'BUREAU' then array(select j.port_id from bureau_jurisdiction j where j.bureau_id = u.party_id)"
            + " end from app_user u where u.subject = ?";

    /** A user as the lookup found it. */
    private record Found(Actor actor, boolean active) {}

    private Actor resolve() {
        if (identity.isAnonymous() || token == null || token.getSubject() == null) {
            throw new UnauthorizedException();
        }
        Found found = sql.first(LOOKUP, CurrentActor::found, token.getSubject())
                .filter(Found::active)
                .orElse(null);
        if (found == null) {
            LOG.infof("Refused token for an unknown or deactivated subject (or party) %s", token.getSubject());
            throw new UnauthorizedException();
        }
        Actor user = found.actor();
        Object claimedParty = tokens.party(token);
        if (claimedParty != null
                && !String.valueOf(claimedParty).equals(String.valueOf(user.partyId()))
                && !(user.partyId() == null && String.valueOf(claimedParty).isEmpty())) {
            LOG.infof(
                    "Refused token of %s: party claim %s, user acts for %s",
                    user.subject(), claimedParty, user.partyId());
            throw new UnauthorizedException();
        }
        return user;
    }

    private static Found found(ResultSet rs) throws SQLException {
        Set<UUID> ports = new HashSet<>();
        Array array = rs.getArray(7);
        if (array != null) {
            for (Object id : (Object[]) array.getArray()) {
                ports.add((UUID) id);
            }
        }
        Actor actor = new Actor(
                Sql.uuid(rs, 1),
                rs.getString(2),
                rs.getString(3),
                Sql.enumOf(rs, 4, Role.class),
                Sql.uuid(rs, 5),
                ports);
        return new Found(actor, rs.getBoolean(6));
    }
}
