package io.shoreloop.manifest;

import io.shoreloop.identity.Role;
import java.util.Map;
import java.util.UUID;

/**
 * Who signs a step: the user, the party they act for (looked up server-side) and their role; with the user's name and
 * the names of the parties the step may name (its own, the one it hands over to), as they are when it signs: a step
 * records them in its signed content. Without names (the state machine's tests), none are recorded.
 */
public record Signer(UUID userId, UUID partyId, Role role, String userName, Map<UUID, String> partyNames) {

    public Signer {
        partyNames = partyNames == null ? Map.of() : Map.copyOf(partyNames);
    }

    public Signer(UUID userId, UUID partyId, Role role) {
        this(userId, partyId, role, null, Map.of());
    }

    /** This signer knowing one more party's name (none when {@code name} is null). */
    public Signer withName(UUID party, String name) {
        if (party == null || name == null) {
            return this;
        }
        Map<UUID, String> names = new java.util.HashMap<>(partyNames);
        names.put(party, name);
        return new Signer(userId, partyId, role, userName, names);
    }

    /** The name of a party as the signer knows it now, or {@code null}. */
    public String nameOf(UUID party) {
        return party == null ? null : partyNames.get(party);
    }
}
