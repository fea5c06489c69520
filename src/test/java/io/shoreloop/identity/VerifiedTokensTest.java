package io.shoreloop.identity;

import static org.junit.jupiter.api.Assertions.*;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

/** {@link VerifiedTokens} without Quarkus: what it remembers, for how long, and what never. */
class VerifiedTokensTest {

    /** A verifier that accepts tokens named "ok-&lt;exp&gt;" (exp in epoch seconds) and counts its work. */
    static final class CountingVerifier extends DefaultJWTParser {
        final AtomicInteger verified = new AtomicInteger();

        @Override
        public JsonWebToken parse(String token) throws ParseException {
            verified.incrementAndGet();
            if (!token.startsWith("ok-")) {
                throw new ParseException("refused");
            }
            long exp = Long.parseLong(token.substring(3));
            return new Token(token, exp);
        }
    }

    record Token(String raw, long exp) implements JsonWebToken {
        @Override
        public String getName() {
            return raw;
        }

        @Override
        public Set<String> getClaimNames() {
            return Set.of("exp");
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T getClaim(String claimName) {
            Map<String, Object> claims = new HashMap<>();
            claims.put("exp", exp);
            return (T) claims.get(claimName);
        }
    }

    static long now() {
        return System.currentTimeMillis() / 1000;
    }

    @Test
    void aValidTokenIsVerifiedOnceUntilItExpires() throws Exception {
        CountingVerifier verifier = new CountingVerifier();
        VerifiedTokens tokens = new VerifiedTokens(verifier);
        String token = "ok-" + (now() + 600);
        for (int i = 0; i < 5; i++) {
            assertEquals(token, tokens.parse(token).getName());
        }
        assertEquals(1, verifier.verified.get());
    }

    @Test
    void anExpiredTokenIsVerifiedEveryTimeAndNeverRemembered() throws Exception {
        CountingVerifier verifier = new CountingVerifier();
        VerifiedTokens tokens = new VerifiedTokens(verifier);
        // still accepted by the verifier (within its clock skew), but past exp: not remembered
        String token = "ok-" + (now() - 1);
        tokens.parse(token);
        tokens.parse(token);
        assertEquals(2, verifier.verified.get());
        assertEquals(0, tokens.size());
    }

    @Test
    void aRefusedTokenIsNeverRemembered() {
        CountingVerifier verifier = new CountingVerifier();
        VerifiedTokens tokens = new VerifiedTokens(verifier);
        assertThrows(ParseException.class, () -> tokens.parse("bad"));
        assertThrows(ParseException.class, () -> tokens.parse("bad"));
        assertEquals(2, verifier.verified.get());
        assertEquals(0, tokens.size());
    }

    @Test
    void theMemoryIsBounded() throws Exception {
        CountingVerifier verifier = new CountingVerifier();
        VerifiedTokens tokens = new VerifiedTokens(verifier);
        long exp = now() + 600;
        for (int i = 0; i < VerifiedTokens.MAX_TOKENS + 10; i++) {
            tokens.parse("ok-" + (exp + i));
        }
        assertTrue(tokens.size() <= VerifiedTokens.MAX_TOKENS, "at most " + VerifiedTokens.MAX_TOKENS);
    }
}
