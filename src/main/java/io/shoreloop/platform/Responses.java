package io.shoreloop.platform;

import jakarta.ws.rs.core.UriBuilder;
import java.util.UUID;
import org.jboss.resteasy.reactive.RestResponse;

/** Builds answers that carry an ETag (and a Location for creations). */
public final class Responses {

    private Responses() {}

    public static <T> RestResponse<T> ok(T body, long version) {
        return RestResponse.ResponseBuilder.ok(body)
                .header("ETag", Versions.etag(version))
                .build();
    }

    public static <T> RestResponse<T> created(String collectionPath, UUID id, T body, long version) {
        return RestResponse.ResponseBuilder.<T>created(
                        UriBuilder.fromPath(collectionPath).path(id.toString()).build())
                .entity(body)
                .header("ETag", Versions.etag(version))
                .build();
    }
}
