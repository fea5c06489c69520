package io.shoreloop.platform.idempotency;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.identity.SecurityIdentity;
import io.shoreloop.platform.DomainException;
import io.shoreloop.platform.ProblemKind;
import io.shoreloop.platform.Sql;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Implements {@link Idempotent}. Opens the transaction itself, runs the method in it, and stores the key with the
 * request's hash and the answer in the same transaction (one insert, sent with the method's other writes and, when
 * nothing else is left to write, with the {@code COMMIT}: {@link Sql#commitWithDeferred}). The key is
 * the table's primary key, so of two requests with the same key only one can commit: a retry, or a concurrent
 * duplicate, runs the method again and fails at the latest when it stores the key (it waits for a duplicate still in
 * flight); everything it did is rolled back, and it answers the stored first answer ({@code Idempotent-Replayed}),
 * or 422 when the key was used with another request. A request that fails for any other reason leaves no key behind
 * (its retry runs again); before answering a failure, the interceptor checks, waiting for a duplicate still in flight,
 * whether the key holds a first answer after all (a retry that the first answer's state made fail, such as a second
 * receipt of the same batch). Nothing is written twice on the way that succeeds: no claim first and answer later.
 */
@Idempotent
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 100)
public class IdempotencyInterceptor {

    public static final String HEADER = "Idempotency-Key";
    static final int MAX_KEY_LENGTH = 200;
    private static final List<String> KEPT_HEADERS = List.of("Location", "ETag");

    @Inject
    HttpServerRequest request;

    @Inject
    SecurityIdentity identity;

    @Inject
    Sql sql;

    @Inject
    ObjectMapper json;

    /** The key was used before with a different request. */
    public static final class KeyReused extends DomainException {
        KeyReused() {
            super(
                    ProblemKind.UNPROCESSABLE,
                    "idempotency-key-reused",
                    "This Idempotency-Key was used with a different request");
        }
    }

    /** The key is not acceptable. */
    public static final class KeyInvalid extends DomainException {
        KeyInvalid() {
            super(
                    ProblemKind.INVALID,
                    "idempotency-key-invalid",
                    "Idempotency-Key must be 1 to " + MAX_KEY_LENGTH + " printable characters",
                    HEADER);
        }
    }

    @AroundInvoke
    Object around(InvocationContext ctx) throws Exception {
        String key = request.getHeader(HEADER);
        if (key == null) {
            return ctx.proceed();
        }
        if (key.isBlank() || key.length() > MAX_KEY_LENGTH || !key.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new KeyInvalid();
        }
        String principal = principal();
        String hash = requestHash(ctx);
        try {
            return QuarkusTransaction.requiringNew().call(() -> {
                Object result = ctx.proceed();
                String body = store(principal, key, hash, result);
                // the key with its answer, the method's deferred writes and the commit in one round trip (or the
                // writes alone, before the commit, when the commit cannot go with them: see Sql.commitWithDeferred)
                if (!sql.commitWithDeferred()) {
                    sql.flush();
                }
                return withBody(result, body);
            });
        } catch (Exception e) {
            if (refusesTheCaller(e)) {
                // a user deactivated or moved to another party since the first request is refused as on any request:
                // the stored answer is not theirs to read any more
                throw e;
            }
            Stored stored = firstAnswer(principal, key, hash);
            if (stored == null) {
                throw e;
            }
            return stored.asRestResponse();
        }
    }

    /**
     * Whom a key belongs to: the token's subject (unique at its issuer), not the principal's name, which an identity
     * provider may take from a claim such as {@code preferred_username} that another user can later carry.
     */
    private String principal() {
        if (identity.isAnonymous()) {
            return "";
        }
        if (identity.getPrincipal() instanceof org.eclipse.microprofile.jwt.JsonWebToken jwt
                && jwt.getSubject() != null) {
            return jwt.getSubject();
        }
        return identity.getPrincipal().getName();
    }

    /**
     * Whether the method refused the caller as a user (not signed in, deactivated, or acting for a party it no longer
     * belongs to): then nothing is replayed. Not a refusal of the action (403): running a step again after its first
     * attempt took effect is refused as the wrong party, and that retry is exactly what the stored answer is for.
     */
    static boolean refusesTheCaller(Throwable e) {
        if (e instanceof io.quarkus.narayana.jta.QuarkusTransactionException && e.getCause() != null) {
            return refusesTheCaller(e.getCause());
        }
        return e instanceof io.quarkus.security.AuthenticationFailedException
                || e instanceof io.quarkus.security.UnauthorizedException
                || (e instanceof DomainException d && d.kind() == ProblemKind.UNAUTHENTICATED);
    }

    /**
     * The answer stored under the key, if any (after a duplicate still in flight has committed or rolled back: a probe
     * insert of the key waits for it, and is rolled back); {@link KeyReused} when the key was used with another request.
     */
    private Stored firstAnswer(String principal, String key, String hash) {
        try {
            return QuarkusTransaction.requiringNew().call(() -> {
                int free = sql.update(
                        "insert into idempotency_key (principal, idem_key, request_hash, method, path, status)"
                                + " values (?, ?, '', '', '', 0) on conflict do nothing",
                        principal,
                        key);
                if (free == 1) {
                    throw new NoFirstAnswer(); // rolls the probe back
                }
                return replay(principal, key, hash);
            });
        } catch (NoFirstAnswer e) {
            return null;
        }
    }

    /** Nobody holds the key: the probe that found it free is rolled back. */
    private static final class NoFirstAnswer extends RuntimeException {
        NoFirstAnswer() {
            super(null, null, false, false);
        }
    }

    /** A stored first answer. */
    record Stored(int status, Map<String, String> headers, String body) {
        RestResponse<Object> asRestResponse() {
            RestResponse.ResponseBuilder<Object> builder = RestResponse.ResponseBuilder.create(status);
            headers.forEach(builder::header);
            builder.header("Idempotent-Replayed", "true");
            if (body != null) {
                builder.entity(body).type(MediaType.APPLICATION_JSON_TYPE);
            }
            return builder.build();
        }
    }

    private Stored replay(String principal, String key, String hash) throws JsonProcessingException {
        Object[] row = sql.first(
                        "select request_hash, status, headers, body from idempotency_key"
                                + " where principal = ? and idem_key = ?",
                        rs -> new Object[] {rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4)},
                        principal,
                        key)
                .orElseThrow();
        if (!hash.equals(row[0])) {
            throw new KeyReused();
        }
        Map<String, String> headers = json.readValue(String.valueOf(row[2]), new TypeReference<>() {});
        return new Stored((Integer) row[1], headers, (String) row[3]);
    }

    /**
     * The method's answer with its entity as the JSON stored with the key (serialized once: the same bytes answer the
     * request and its replays).
     */
    @SuppressWarnings("unchecked")
    private static Object withBody(Object result, String body) {
        if (body == null) {
            return result;
        }
        if (result instanceof RestResponse<?> rest) {
            return ((RestResponse.ResponseBuilder<Object>)
                            (RestResponse.ResponseBuilder<?>) RestResponse.ResponseBuilder.fromResponse(rest))
                    .entity(body)
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .build();
        }
        throw notARestResponse(result);
    }

    /**
     * The stored answer is JSON text, which only a response can carry: a method that declared its entity's type would
     * fail to cast it (the CDI wrapper casts to the declared type) after its effect had committed, and so would every
     * replay. {@code ArchitectureTest} keeps every {@link Idempotent} method returning {@link RestResponse}.
     */
    private static IllegalStateException notARestResponse(Object result) {
        return new IllegalStateException("An @Idempotent method must return RestResponse, not "
                + (result == null ? "null" : result.getClass().getName()));
    }

    /** Stores the key with the request's hash and the answer (deferred); answers the entity's JSON, if any. */
    private String store(String principal, String key, String hash, Object result) throws JsonProcessingException {
        if (!(result instanceof RestResponse<?> rest)) {
            throw notARestResponse(result);
        }
        int status = rest.getStatus();
        Object entity = rest.getEntity();
        Map<String, String> headers = new LinkedHashMap<>();
        KEPT_HEADERS.forEach(h -> {
            Object v = rest.getHeaders().getFirst(h);
            if (v != null) {
                headers.put(h, String.valueOf(v));
            }
        });
        String body = entity == null ? null : json.writeValueAsString(entity);
        sql.defer(
                "insert into idempotency_key (principal, idem_key, request_hash, method, path, status, headers, body)"
                        + " values (?, ?, ?, ?, ?, ?, cast(? as jsonb), ?)",
                principal,
                key,
                hash,
                request.method().name(),
                request.path(),
                status,
                json.writeValueAsString(headers),
                body);
        return body;
    }

    private String requestHash(InvocationContext ctx) throws JsonProcessingException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(request.method().name().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(request.path().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(json.writeValueAsBytes(ctx.getParameters()));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
