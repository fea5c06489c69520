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
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * Resolves the {@link Actor} of the current request once: verified token → user row (by subject) → role, party and
 * the ports the party covers. A token whose {@code party} claim disagrees with the user's current party is refused,
 * so a moved user must sign in again. The lookup runs on its own ({@link #get}) or, for a service that reads other
 * rows first thing anyway, in the same round trip ({@link #within}: a manifest's step loads the manifest, its actor
 * and the licences it needs at once).
 */
@RequestScoped
public class CurrentActor implements ActorRef {

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
            requireToken();
            actor = accepted(sql.query(LOOKUP, CurrentActor::found, token.getSubject()));
        }
        return actor;
    }

    @Override
    public Actor actor() {
        return get();
    }

    @Override
    public String subject() {
        return token == null ? null : token.getSubject();
    }

    @Override
    public Supplier<Actor> within(Sql.Round round) {
        if (actor != null) {
            Actor known = actor;
            return () -> known;
        }
        requireToken();
        Sql.Round.Result<Optional<Found>> found = round.add(LOOKUP, CurrentActor::found, token.getSubject());
        return () -> {
            if (actor == null) {
                actor = accepted(found.get());
            }
            return actor;
        };
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

    private void requireToken() {
        if (identity.isAnonymous() || token == null || token.getSubject() == null) {
            throw new UnauthorizedException();
        }
    }

    /** The user the lookup found, if it may act: active, and acting for the party its token names. */
    private Actor accepted(Optional<Found> lookedUp) {
        Found found = lookedUp.filter(Found::active).orElse(null);
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

    private static Optional<Found> found(ResultSet rs) throws SQLException {
        if (!rs.next()) {
            return Optional.empty();
        }
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
        return Optional.of(new Found(actor, rs.getBoolean(6)));
    }
}
