package io.shoreloop.identity;

import io.shoreloop.platform.Sql;
import java.util.function.Supplier;

/**
 * An actor known already ({@link Actor} itself), or the request's actor still to be looked up ({@link CurrentActor}).
 * A service whose first statement reads other rows anyway sends the lookup in the same round trip ({@link #within})
 * and so costs the request one round trip less than looking the actor up first.
 */
public interface ActorRef {

    /** The actor, looked up on its own now when it is not known yet (401 when the request has none). */
    Actor actor();

    /** The token's subject: {@code app_user.subject} (for queries that join the actor's row before it is known). */
    String subject();

    /**
     * Adds the actor's lookup to {@code round} unless the actor is known; the supplier answers the actor once the round
     * has run (401 when the request has none, as {@link #actor}).
     */
    Supplier<Actor> within(Sql.Round round);
}
