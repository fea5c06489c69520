package io.shoreloop.identity;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKey;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The bearer-token verifier with a memory: a token that smallrye-jwt verified (signature, issuer, audience, times)
 * is answered from memory when it comes again, until it expires, instead of being parsed and verified again on every
 * request (a client sends the same token for its whole lifetime; verifying it was about a tenth of a signed step's
 * time). Only verified tokens are kept, each until its {@code exp} (the verifier's clock skew is not extended: after
 * {@code exp} every request verifies the token again), at most {@value #MAX_TOKENS} of them. Who the token's user is
 * and acts for is still looked up on every request ({@link CurrentActor}), so a deactivated or moved user loses
 * access at once.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedTokens implements JWTParser {

    /** Most tokens kept; when full, the memory starts again empty. */
    static final int MAX_TOKENS = 10_000;

    /** The claim naming the party the user acts for (see {@link CurrentActor}). */
    static final String PARTY = "party";

    /** A verified token and its party claim, read once. */
    private record Verified(JsonWebToken jwt, Object party) {}

    private final DefaultJWTParser verifier;
    private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();

    public VerifiedTokens(DefaultJWTParser verifier) {
        this.verifier = verifier;
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        long now = System.currentTimeMillis() / 1000;
        Verified known = verified.get(token);
        if (known != null) {
            if (now < known.jwt().getExpirationTime()) {
                return known.jwt();
            }
            verified.remove(token, known);
        }
        JsonWebToken jwt = verifier.parse(token);
        if (now < jwt.getExpirationTime()) {
            if (verified.size() >= MAX_TOKENS) {
                verified.clear();
            }
            verified.put(token, new Verified(jwt, jwt.getClaim(PARTY)));
        }
        return jwt;
    }

    /**
     * The token's {@code party} claim (null when absent). Read from memory for a remembered token: smallrye-jwt looks
     * a custom claim up by first trying it as a standard claim name, which throws and catches an exception each time.
     */
    Object party(JsonWebToken token) {
        String raw = token.getRawToken();
        Verified known = raw == null ? null : verified.get(raw);
        return known != null ? known.party() : token.getClaim(PARTY);
    }

    /** How many verified tokens are kept (for tests). */
    int size() {
        return verified.size();
    }

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return verifier.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return verifier.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return verifier.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return verifier.parseOnly(token);
    }
}
