package io.shoreloop.platform;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Reads a small request body on the I/O thread, before the request goes to a worker thread, and hands it to the
 * endpoint as an in-memory stream. Quarkus REST reads the body of a blocking endpoint (every endpoint here: they use
 * JDBC) on the worker thread, through a stream that asks the I/O thread for the data and waits for it, and waits again
 * for the end of the request when the JSON reader closes it: in {@code bench/manifests} that hand-over was 6 % of the
 * application's CPU samples, besides the thread switches it costs. A body announced with a {@code Content-Length} of
 * at most {@link #MAX} bytes (every JSON body of the API) is read here instead; larger ones (evidence files), bodies
 * without a length and requests expecting {@code 100-continue} are streamed as before.
 */
public class BodyReadAhead {

    /** Largest body read ahead. */
    static final long MAX = 64 * 1024;

    /**
     * How long a body may take to arrive once its headers have (as long as Quarkus REST's own blocking read waits);
     * then the request is answered 408 and no thread was held meanwhile.
     */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    @ServerRequestFilter(nonBlocking = true)
    public Uni<Void> readAhead(ContainerRequestContext context, HttpServerRequest request) {
        long length = length(request);
        if (length <= 0 || length > MAX || request.isEnded() || request.getHeader(HttpHeaders.EXPECT) != null) {
            return Uni.createFrom().voidItem();
        }
        var body = request.body();
        request.resume();
        return Uni.createFrom()
                .completionStage(body.toCompletionStage())
                .ifNoItem()
                .after(TIMEOUT)
                .failWith(() -> new WebApplicationException("The request body did not arrive in time", 408))
                .invoke(buffer -> context.setEntityStream(new ByteArrayInputStream(buffer.getBytes())))
                .replaceWithVoid();
    }

    /** The announced length of the body, or -1. */
    private static long length(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return -1;
        }
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
