package io.shoreloop.platform;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An RFC 9457 problem document. {@code type} is stable per kind of error ({@code urn:shoreloop:problem:<slug>});
 * {@code field} names the offending request field when there is one; {@code errors} lists every invalid field of a
 * request that failed validation.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
        String type, String title, int status, String detail, String instance, String field, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    static final String TYPE_PREFIX = "urn:shoreloop:problem:";

    /** One invalid field. */
    public record FieldError(String field, String message) {}

    public static String typeOf(String slug) {
        return TYPE_PREFIX + slug;
    }
}
