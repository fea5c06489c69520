package io.shoreloop.manifest;

import io.shoreloop.identity.Role;
import java.util.UUID;

/** Who signs a step: the user, the party they act for (looked up server-side) and their role. */
public record Signer(UUID userId, UUID partyId, Role role) {}
