package io.shoreloop.platform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.persistence.OptimisticLockException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.hibernate.exception.JDBCConnectionException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place where exceptions become HTTP answers, always {@code application/problem+json}. Never echoes class
 * names or stack traces; logs client errors below {@code error}.
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    private final ObjectMapper json;

    public ProblemMapper(ObjectMapper json) {
        this.json = json;
    }

    @ServerExceptionMapper
    public Response domain(DomainException e, UriInfo uri) {
        int status = statusOf(e.kind());
        LOG.debugf("%s %s: %s", status, e.type(), e.getMessage());
        return respond(new Problem(
                Problem.typeOf(e.type()),
                titleOf(e.kind()),
                status,
                e.getMessage(),
                path(uri),
                e.field(),
                e.field() == null ? null : List.of(new Problem.FieldError(e.field(), e.getMessage()))));
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e, UriInfo uri) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(fieldName(v.getPropertyPath().toString()), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        String detail = errors.stream().map(f -> f.field() + ": " + f.message()).collect(Collectors.joining("; "));
        return respond(new Problem(
                Problem.typeOf("validation"),
                "Invalid request",
                400,
                detail,
                path(uri),
                errors.isEmpty() ? null : errors.get(0).field(),
                errors));
    }

    @ServerExceptionMapper({
        JsonProcessingException.class,
        MismatchedInputException.class,
        UnrecognizedPropertyException.class,
        InvalidFormatException.class
    })
    public Response unreadable(JsonProcessingException e, UriInfo uri) {
        String field = null;
        String detail = "The request body is not valid JSON";
        if (e instanceof MismatchedInputException mismatch
                && !mismatch.getPath().isEmpty()) {
            field = mismatch.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."))
                    .replace(".[", "[");
            if (e instanceof UnrecognizedPropertyException) {
                detail = "Unknown field '" + field + "'";
            } else if (e instanceof StrictJson.Refused refused) {
                detail = "'" + field + "' " + refused.reason();
            } else if (e instanceof InvalidFormatException invalid) {
                detail = "'" + field + "' has an invalid value"
                        + (invalid.getTargetType() != null
                                        && invalid.getTargetType().isEnum()
                                ? "; allowed: "
                                        + List.of(invalid.getTargetType().getEnumConstants())
                                : "");
            } else {
                detail = "'" + field + "' has the wrong type or shape";
            }
        }
        return respond(new Problem(
                Problem.typeOf("malformed-body"),
                "Malformed request body",
                400,
                detail,
                path(uri),
                field,
                field == null ? null : List.of(new Problem.FieldError(field, detail))));
    }

    /**
     * A body whose bytes are no text in the encoding Jackson detected from them (JSON may come as UTF-8, UTF-16 or
     * UTF-32; {@code 00 00 00 7b} starts UTF-32, and a code point beyond U+10FFFF or a truncated character is
     * unreadable). {@code RequestBodyFuzzTest} found it answered 500.
     */
    @ServerExceptionMapper
    public Response undecodable(java.io.CharConversionException e, UriInfo uri) {
        return respond(new Problem(
                Problem.typeOf("malformed-body"),
                "Malformed request body",
                400,
                "The request body is not text in a Unicode encoding (JSON is sent as UTF-8)",
                path(uri),
                null,
                null));
    }

    @ServerExceptionMapper({AuthenticationFailedException.class, UnauthorizedException.class})
    public Response unauthenticated(RuntimeException e, UriInfo uri) {
        return Response.fromResponse(respond(new Problem(
                        Problem.typeOf("unauthenticated"),
                        "Authentication required",
                        401,
                        "A valid bearer token is required",
                        path(uri),
                        null,
                        null)))
                .header("WWW-Authenticate", "Bearer")
                .build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return respond(new Problem(
                Problem.typeOf("forbidden"), "Forbidden", 403, "Your role may not do this", path(uri), null, null));
    }

    /**
     * Two updates of one object at once: both passed their version check, the later commit lost. A request that named
     * the version it changes ({@code If-Match}) had a stale one by the time it committed: 412 {@code stale-version},
     * as the check itself answers (contract.md: "a stale If-Match is 412"); without one, 409.
     */
    @ServerExceptionMapper
    public Response optimisticLock(OptimisticLockException e, UriInfo uri, jakarta.ws.rs.core.HttpHeaders headers) {
        if (headers != null && headers.getHeaderString("If-Match") != null) {
            return respond(new Problem(
                    Problem.typeOf("stale-version"),
                    "Precondition failed",
                    412,
                    "The object was changed by someone else at the same time; fetch it again and retry",
                    path(uri),
                    null,
                    null));
        }
        return respond(new Problem(
                Problem.typeOf("concurrent-update"),
                "Conflict",
                409,
                "The object was changed by someone else at the same time; fetch it again and retry",
                path(uri),
                null,
                null));
    }

    @ServerExceptionMapper({JDBCConnectionException.class, SQLTransientConnectionException.class})
    public Response databaseDown(Exception e, UriInfo uri) {
        LOG.warn("Database unavailable: " + e.getMessage());
        return retryLater(
                "unavailable",
                "The database is not reachable and the request did not complete. Retry later, with the same"
                        + " Idempotency-Key: the request then takes effect once.",
                5,
                uri);
    }

    /** A 503 that tells the client when to try again. */
    private Response retryLater(String slug, String detail, int seconds, UriInfo uri) {
        return Response.fromResponse(respond(
                        new Problem(Problem.typeOf(slug), "Service unavailable", 503, detail, path(uri), null, null)))
                .header("Retry-After", String.valueOf(seconds))
                .build();
    }

    @ServerExceptionMapper
    public Response invalidParameter(StrictParameters.InvalidParameter e, UriInfo uri) {
        return respond(new Problem(
                Problem.typeOf("invalid-parameter"),
                "Invalid request",
                400,
                e.getMessage(),
                path(uri),
                e.parameter(),
                List.of(new Problem.FieldError(e.parameter(), e.getMessage()))));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof JsonProcessingException json) {
                return unreadable(json, uri);
            }
        }
        int status = e.getResponse().getStatus();
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known != null ? known.getReasonPhrase() : "Error";
        String slug = switch (status) {
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 413 -> "payload-too-large";
            case 415 -> "unsupported-media-type";
            default -> status >= 500 ? "internal" : "bad-request";
        };
        if (status >= 500) {
            LOG.error("Server error", e);
        }
        String detail = switch (status) {
            case 404 -> "No such resource";
            case 405 -> "This method is not allowed here";
            case 415 -> "Send application/json";
            default -> title;
        };
        return respond(new Problem(Problem.typeOf(slug), title, status, detail, path(uri), null, null));
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e, UriInfo uri) {
        if (causedByConnectionLoss(e)) {
            return databaseDown(new SQLTransientConnectionException(e.getMessage()), uri);
        }
        if (causedByPoolExhaustion(e)) {
            LOG.warn("No database connection was free in time at " + path(uri));
            return retryLater(
                    "busy",
                    "The service is busy: no database connection became free in time, and the request did not"
                            + " start. Retry later, with the same Idempotency-Key.",
                    1,
                    uri);
        }
        if (causedByUniqueViolation(e)) {
            // two requests stored the same unique value at once: the services check first, so only the one that lost
            // the race gets here; its transaction rolled back
            LOG.warnf("409 at %s: a concurrent request stored the same unique value first (%s)", path(uri), e);
            return respond(new Problem(
                    Problem.typeOf("duplicate"),
                    "Conflict",
                    409,
                    "Another request stored an object with the same unique value at the same moment; nothing was"
                            + " changed by this one: fetch the current state and retry if still needed",
                    path(uri),
                    null,
                    null));
        }
        if (causedByRefusedValue(e)) {
            // a value the validation let through and the database's own checks refused: the request's fault, but the
            // validation should have said so (logged as an error to be fixed there); nothing was stored
            LOG.error("A value the validation missed was refused by the database at " + path(uri), e);
            return respond(new Problem(
                    Problem.typeOf("validation"),
                    "Invalid request",
                    422,
                    "A value is out of the range the service stores; nothing was stored",
                    path(uri),
                    null,
                    null));
        }
        LOG.error("Unexpected error at " + path(uri), e);
        return respond(new Problem(
                Problem.typeOf("internal"),
                "Internal error",
                500,
                "Something went wrong on our side; it has been logged",
                path(uri),
                null,
                null));
    }

    /**
     * A value broke a check constraint (23514) or a column's range anywhere in the causes: a number (22003), a time
     * (22008), text too long (22001) or text PostgreSQL cannot hold (22021, 22P05). Other data errors (a division by
     * zero, 22012) are ours, not the request's.
     */
    static boolean causedByRefusedValue(Throwable e) {
        return anyCause(
                e,
                t -> sqlState(t, "23514")
                        || sqlState(t, "22003")
                        || sqlState(t, "22008")
                        || sqlState(t, "22001")
                        || sqlState(t, "22021")
                        || sqlState(t, "22P05"));
    }

    /**
     * Every connection of the pool stayed busy for its acquisition timeout (Agroal's SQLException has no SQL state,
     * only this message): the service is overloaded, not broken.
     */
    static boolean causedByPoolExhaustion(Throwable e) {
        return anyCause(
                e,
                t -> t instanceof SQLException sql
                        && sql.getSQLState() == null
                        && "Sorry, acquisition timeout!".equals(sql.getMessage()));
    }

    /** PostgreSQL's unique_violation (SQLSTATE 23505) anywhere in the causes. */
    static boolean causedByUniqueViolation(Throwable e) {
        return anyCause(e, t -> sqlState(t, "23505"));
    }

    private static boolean sqlState(Throwable t, String prefix) {
        return t instanceof SQLException sql
                && sql.getSQLState() != null
                && sql.getSQLState().startsWith(prefix);
    }

    /**
     * A lost or refused database connection anywhere in the causes. SQLSTATE 08: the connection failed or was lost;
     * 57P01-57P03: PostgreSQL is shutting down, crashed (the postmaster ends every session after a backend's crash) or
     * is recovering and refuses connections (ManifestChaosIT met 500s for these while PostgreSQL recovered).
     */
    static boolean causedByConnectionLoss(Throwable e) {
        return anyCause(
                e,
                t -> t instanceof JDBCConnectionException
                        || t instanceof SQLTransientConnectionException
                        || sqlState(t, "08")
                        || sqlState(t, "57P"));
    }

    /**
     * Whether {@code e}, one of its causes or an exception suppressed by any of them is {@code wanted}: a commit that
     * failed on a lost connection reaches us as the transaction manager's RollbackException, the driver's exception
     * suppressed in it (ManifestChaosIT met that as a 500).
     */
    private static boolean anyCause(Throwable e, java.util.function.Predicate<Throwable> wanted) {
        java.util.Deque<Throwable> todo = new java.util.ArrayDeque<>();
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        todo.add(e);
        while (!todo.isEmpty()) {
            Throwable t = todo.poll();
            if (!seen.add(t)) {
                continue;
            }
            if (wanted.test(t)) {
                return true;
            }
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
            todo.addAll(java.util.Arrays.asList(t.getSuppressed()));
        }
        return false;
    }

    static int statusOf(ProblemKind kind) {
        return switch (kind) {
            case INVALID -> 400;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case PRECONDITION_FAILED -> 412;
            case UNPROCESSABLE -> 422;
            case PRECONDITION_REQUIRED -> 428;
            case UNAVAILABLE -> 503;
        };
    }

    private static String titleOf(ProblemKind kind) {
        return switch (kind) {
            case INVALID -> "Invalid request";
            case UNAUTHENTICATED -> "Authentication required";
            case FORBIDDEN -> "Forbidden";
            case NOT_FOUND -> "Not found";
            case CONFLICT -> "Conflict";
            case PRECONDITION_FAILED -> "Precondition failed";
            case UNPROCESSABLE -> "Unprocessable request";
            case PRECONDITION_REQUIRED -> "Precondition required";
            case UNAVAILABLE -> "Service unavailable";
        };
    }

    /** Bean Validation paths look like {@code create.body.mmsi}: keep the request-relative part. */
    private static String fieldName(String path) {
        String[] parts = path.split("\\.");
        int start = parts.length > 2 ? 2 : Math.min(1, parts.length - 1);
        return String.join(".", java.util.Arrays.copyOfRange(parts, start, parts.length));
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : "/" + uri.getPath().replaceFirst("^/", "");
    }

    private Response respond(Problem problem) {
        try {
            return Response.status(problem.status())
                    .type(Problem.MEDIA_TYPE)
                    .entity(json.writeValueAsString(problem))
                    .build();
        } catch (JsonProcessingException e) {
            return Response.status(problem.status()).build();
        }
    }
}
