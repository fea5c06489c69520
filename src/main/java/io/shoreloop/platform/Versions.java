package io.shoreloop.platform;

/** ETag / If-Match handling: the ETag of a resource is its optimistic-lock version, quoted. */
public final class Versions {

    private Versions() {}

    public static String etag(long version) {
        return "\"" + version + "\"";
    }

    /**
     * The version an {@code If-Match} header names.
     *
     * @throws Problems.VersionRequired when the header is missing
     * @throws Problems.InvalidField when it is not an ETag Shoreloop issued
     */
    public static long expected(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank()) {
            throw new Problems.VersionRequired();
        }
        String value = ifMatch.trim();
        if (value.startsWith("W/")) {
            value = value.substring(2);
        }
        value = value.replace("\"", "");
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new Problems.InvalidField("invalid-if-match", "If-Match", "If-Match must be an ETag from a GET");
        }
    }

    /** Throws {@link Problems.StaleVersion} unless {@code expected} is the current version. */
    public static void check(long current, long expected) {
        if (current != expected) {
            throw new Problems.StaleVersion(current);
        }
    }
}
