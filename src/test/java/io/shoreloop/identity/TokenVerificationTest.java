package io.shoreloop.identity;

import static io.restassured.RestAssured.given;
import static io.shoreloop.testing.DemoUsers.*;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * quality.md S1, "only valid tokens pass", over HTTP: expired, not yet valid, wrong issuer, wrong audience,
 * {@code alg=none}, wrong key, tampered and missing tokens are all refused with 401 — also when the same user's valid
 * token was verified (and remembered by {@link VerifiedTokens}) just before; and a remembered token stops working at
 * once when its user is deactivated.
 */
@QuarkusTest
class TokenVerificationTest {

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    AgroalDataSource db;

    private static final String USER = "s1-crew-" + UUID.randomUUID();

    private static String issuer() {
        return ConfigProvider.getConfig().getValue("mp.jwt.verify.issuer", String.class);
    }

    /** A token for {@link #USER} that passes, to be spoiled one way or another. */
    private static JwtClaimsBuilder valid() {
        return Jwt.issuer(issuer())
                .subject(USER)
                .upn(USER)
                .audience(TokenMinter.AUDIENCE)
                .groups(Set.of(Role.CREW.claim()))
                .claim("party", VESSEL_YU_CARGO)
                .expiresIn(600);
    }

    private void createUser() throws Exception {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("insert into app_user (id, subject, display_name, role,"
                        + " party_id) values (?, ?, 'S1 crew', 'CREW', ?) on conflict (subject) do update set active"
                        + " = true")) {
            ps.setObject(1, UUID.randomUUID());
            ps.setString(2, USER);
            ps.setObject(3, UUID.fromString(VESSEL_YU_CARGO));
            ps.executeUpdate();
        }
    }

    private static int status(String token) {
        var request = given();
        if (token != null) {
            request = request.header("Authorization", "Bearer " + token);
        }
        return request.get("/api/v1/vessels").then().extract().statusCode();
    }

    private static void refused(String what, String token) {
        org.junit.jupiter.api.Assertions.assertEquals(401, status(token), what);
    }

    @Test
    void onlyValidTokensPass() throws Exception {
        createUser();
        String good = valid().sign();
        org.junit.jupiter.api.Assertions.assertEquals(200, status(good), "the valid token");
        org.junit.jupiter.api.Assertions.assertEquals(200, status(good), "the valid token again (remembered)");

        long now = Instant.now().getEpochSecond();
        refused(
                "expired (beyond the clock skew)",
                valid().issuedAt(now - 3600).expiresAt(now - 600).sign());
        refused("not yet valid", valid().claim("nbf", now + 600).sign());
        refused("wrong issuer", valid().issuer("https://elsewhere.example").sign());
        refused("wrong audience", valid().audience("someone-else").sign());
        var other = KeyPairGenerator.getInstance("RSA");
        other.initialize(2048);
        refused("signed with another key", valid().sign(other.generateKeyPair().getPrivate()));
        String[] parts = good.split("\\.");
        String none = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";
        refused("alg=none", none);
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String otherParty = payload.replace(VESSEL_YU_CARGO, VESSEL_YU_CONTAINER);
        refused("payload changed, signature kept", parts[0] + "." + b64(otherParty) + "." + parts[2]);
        refused("missing", null);
        refused("not a token", "not-a-token");
        // the valid token still passes after all that
        org.junit.jupiter.api.Assertions.assertEquals(200, status(good), "the valid token after the bad ones");
    }

    @Test
    void aRememberedTokenStopsWorkingWhenItsUserIsDeactivated() throws Exception {
        createUser();
        String token = valid().sign();
        org.junit.jupiter.api.Assertions.assertEquals(200, status(token));
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("update app_user set active = false where subject = ?")) {
            ps.setString(1, USER);
            ps.executeUpdate();
        }
        refused("deactivated user", token);
        createUser();
        org.junit.jupiter.api.Assertions.assertEquals(200, status(token), "reactivated");
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
