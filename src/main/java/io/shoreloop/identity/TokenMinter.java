package io.shoreloop.identity;

import io.shoreloop.platform.ShoreloopConfig;
import io.smallrye.jwt.build.Jwt;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * Mints tokens with the local signing key, for the embedded default only (demo users, tests). Production tokens come
 * from the organisation's OIDC provider.
 */
@ApplicationScoped
public class TokenMinter {

    public static final String AUDIENCE = "shoreloop";

    private final ShoreloopConfig config;

    public TokenMinter(ShoreloopConfig config) {
        this.config = config;
    }

    public String mint(AppUser user) {
        return Jwt.issuer(config.identity().issuer())
                .subject(user.subject)
                .upn(user.subject)
                .audience(AUDIENCE)
                .groups(Set.of(user.role.claim()))
                .claim("party", user.partyId == null ? "" : user.partyId.toString())
                .claim("name", user.displayName)
                .expiresIn(config.identity().demoTokenLifetime())
                .sign();
    }
}
