package io.shoreloop.identity;

import io.shoreloop.platform.Sql;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Who is asking, as established server-side from the token's subject: the user, their role, the party they act
 * for, and the ports that party covers (a berth operator's ports, a bureau's jurisdiction; empty otherwise).
 */
public record Actor(UUID userId, String subject, String name, Role role, UUID partyId, Set<UUID> portIds)
        implements ActorRef {

    public Actor {
        portIds = Set.copyOf(portIds);
    }

    public boolean is(Role r) {
        return role == r;
    }

    public boolean actsFor(UUID party) {
        return partyId != null && partyId.equals(party);
    }

    public boolean covers(UUID portId) {
        return portId != null && portIds.contains(portId);
    }

    @Override
    public Actor actor() {
        return this;
    }

    @Override
    public Supplier<Actor> within(Sql.Round round) {
        return () -> this;
    }
}
