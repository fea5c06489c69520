package io.shoreloop.platform;

import java.time.Instant;
import java.time.YearMonth;

/**
 * What every input must satisfy before it reaches the database, whatever field it is in: text of whole characters
 * without NUL (PostgreSQL cannot store U+0000 and refuses the whole statement; half a surrogate pair would be stored
 * as {@code ?}), times within the years 0001-9999 (an ISO-8601 instant may name year -999999999 or +999999999, beyond
 * what PostgreSQL's timestamps hold). The JSON reader ({@link StrictJson}) and the query parameters
 * ({@link StrictParameters}) apply them; a value that breaks one is refused with a 400 naming the field, never a 5xx
 * from the database.
 */
public final class InputRules {

    /** The earliest time accepted in any field. */
    public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

    /** The latest time accepted in any field. */
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    private InputRules() {}

    /**
     * Why {@code text} cannot be stored as it is, or {@code null} when it can: a NUL character (PostgreSQL refuses
     * it), or half of a surrogate pair (JSON's {@code "\ud800"} escape; its UTF-8 encoding would silently store
     * {@code ?} instead, so the stored text would not be what was sent and signed).
     */
    public static String textProblem(String text) {
        if (text == null) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return "contains the NUL character (U+0000), which text may not hold";
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c)
                        && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return "contains half of a surrogate pair (U+"
                            + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT) + "), which is not a character";
                }
            }
        }
        return null;
    }

    /** Why {@code time} is refused, or {@code null} when it is within the years 0001-9999. */
    public static String instantProblem(Instant time) {
        return time != null && (time.isBefore(EARLIEST) || time.isAfter(LATEST))
                ? "must lie within the years 0001-9999"
                : null;
    }

    /** Why {@code month} is refused, or {@code null} when it is within the years 0001-9999. */
    public static String monthProblem(YearMonth month) {
        return month != null && (month.getYear() < 1 || month.getYear() > 9999)
                ? "must lie within the years 0001-9999"
                : null;
    }
}
