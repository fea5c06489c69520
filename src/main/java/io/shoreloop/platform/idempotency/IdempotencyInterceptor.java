package io.shoreloop.platform.idempotency;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.identity.SecurityIdentity;
import io.shoreloop.platform.DomainException;
import io.shoreloop.platform.ProblemKind;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Implements {@link Idempotent}. Opens the transaction itself, claims the key ({@code INSERT … ON CONFLICT DO
 * NOTHING}: a concurrent request with the same key waits for the first to commit), runs the method in that
 * transaction, and stores the answer next to the key before committing.
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
    EntityManager em;

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
        String principal = identity.isAnonymous() ? "" : identity.getPrincipal().getName();
        String hash = requestHash(ctx);
        return QuarkusTransaction.requiringNew().call(() -> {
            int claimed = em.createNativeQuery(
                            "insert into idempotency_key (principal, idem_key, request_hash, method, path)"
                                    + " values (?1, ?2, ?3, ?4, ?5) on conflict do nothing")
                    .setParameter(1, principal)
                    .setParameter(2, key)
                    .setParameter(3, hash)
                    .setParameter(4, request.method().name())
                    .setParameter(5, request.path())
                    .executeUpdate();
            if (claimed == 0) {
                Stored stored = replay(principal, key, hash);
                return RestResponse.class.isAssignableFrom(ctx.getMethod().getReturnType())
                        ? stored.asRestResponse()
                        : stored.asResponse();
            }
            Object result = ctx.proceed();
            store(principal, key, result);
            return result;
        });
    }

    /** A stored first answer. */
    record Stored(int status, Map<String, String> headers, String body) {
        Response asResponse() {
            Response.ResponseBuilder builder = Response.status(status);
            headers.forEach(builder::header);
            builder.header("Idempotent-Replayed", "true");
            if (body != null) {
                builder.entity(body).type(MediaType.APPLICATION_JSON_TYPE);
            }
            return builder.build();
        }

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
        Object[] row = (Object[]) em.createNativeQuery("select request_hash, status, headers, body from idempotency_key"
                        + " where principal = ?1 and idem_key = ?2")
                .setParameter(1, principal)
                .setParameter(2, key)
                .getSingleResult();
        if (!hash.equals(row[0])) {
            throw new KeyReused();
        }
        Map<String, String> headers = json.readValue(String.valueOf(row[2]), new TypeReference<>() {});
        return new Stored(((Number) row[1]).intValue(), headers, (String) row[3]);
    }

    private void store(String principal, String key, Object result) throws JsonProcessingException {
        int status = 200;
        Object entity = result;
        Map<String, String> headers = new LinkedHashMap<>();
        if (result instanceof RestResponse<?> rest) {
            status = rest.getStatus();
            entity = rest.getEntity();
            KEPT_HEADERS.forEach(h -> {
                Object v = rest.getHeaders().getFirst(h);
                if (v != null) {
                    headers.put(h, String.valueOf(v));
                }
            });
        } else if (result instanceof Response response) {
            status = response.getStatus();
            entity = response.getEntity();
            KEPT_HEADERS.forEach(h -> {
                Object v = response.getHeaders().getFirst(h);
                if (v != null) {
                    headers.put(h, String.valueOf(v));
                }
            });
        } else if (result == null) {
            status = 204;
        }
        em.createNativeQuery("update idempotency_key set status = ?3, headers = cast(?4 as jsonb), body = ?5"
                        + " where principal = ?1 and idem_key = ?2")
                .setParameter(1, principal)
                .setParameter(2, key)
                .setParameter(3, status)
                .setParameter(4, json.writeValueAsString(headers))
                .setParameter(5, entity == null ? null : json.writeValueAsString(entity))
                .executeUpdate();
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
