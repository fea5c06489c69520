package io.shoreloop.platform;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import jakarta.ws.rs.ext.Provider;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Query parameters read strictly, with a 400 that names the parameter and says what it takes. Without this, JAX-RS
 * answers a value it cannot convert ({@code ?from=yesterday}, {@code ?stream=SEWERAGE}, {@code ?page=x}) with 404
 * "no such resource", reads {@code ?includeInactive=yes} as {@code false}, and passes a NUL character or the year
 * +999999999 on to PostgreSQL, which refuses the statement (a 500). An empty value is no filter, as if absent.
 */
@Provider
public class StrictParameters implements ParamConverterProvider {

    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** A query parameter's value that it cannot take. */
    public static final class InvalidParameter extends BadRequestException {
        private final String parameter;

        InvalidParameter(String parameter, String message) {
            super(message);
            this.parameter = parameter;
        }

        public String parameter() {
            return parameter;
        }
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        String name = Arrays.stream(annotations)
                .filter(a -> a instanceof QueryParam)
                .map(a -> ((QueryParam) a).value())
                .findFirst()
                .orElse(null);
        if (name == null) {
            return null; // path parameters keep JAX-RS' answer: a path that names nothing is 404
        }
        if (rawType == String.class) {
            return (ParamConverter<T>) new ParamConverter<String>() {
                @Override
                public String fromString(String text) {
                    String problem = InputRules.textProblem(text);
                    if (problem != null) {
                        throw new InvalidParameter(name, "'" + name + "' " + problem);
                    }
                    return text;
                }

                @Override
                public String toString(String text) {
                    return text;
                }
            };
        }
        if (rawType == Instant.class) {
            return (ParamConverter<T>) new Strict<>(null, text -> instant(name, text));
        }
        if (rawType == UUID.class) {
            return (ParamConverter<T>) new Strict<>(null, text -> {
                if (!UUID_TEXT.matcher(text).matches()) {
                    throw new InvalidParameter(name, "'" + name + "' must be a UUID");
                }
                return UUID.fromString(text);
            });
        }
        if (rawType == Boolean.class || rawType == boolean.class) {
            return (ParamConverter<T>) new Strict<>(rawType == boolean.class ? Boolean.FALSE : null, text -> {
                if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                    return Boolean.valueOf(text);
                }
                throw new InvalidParameter(name, "'" + name + "' must be true or false");
            });
        }
        if (rawType == Integer.class || rawType == int.class) {
            return (ParamConverter<T>) new Strict<>(rawType == int.class ? Integer.valueOf(0) : null, text -> {
                try {
                    return Integer.valueOf(text);
                } catch (NumberFormatException e) {
                    throw new InvalidParameter(name, "'" + name + "' must be a whole number");
                }
            });
        }
        if (rawType.isEnum()) {
            Class<? extends Enum> type = (Class<? extends Enum>) rawType;
            return (ParamConverter<T>) new Strict<>(null, text -> {
                for (Enum<?> constant : type.getEnumConstants()) {
                    if (constant.name().equals(text)) {
                        return constant;
                    }
                }
                throw new InvalidParameter(
                        name, "'" + name + "' must be one of " + Arrays.toString(type.getEnumConstants()));
            });
        }
        return null;
    }

    private static Instant instant(String name, String text) {
        Instant time;
        try {
            time = Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidParameter(name, "'" + name + "' must be an ISO-8601 time such as 2026-12-01T00:00:00Z");
        }
        String problem = InputRules.instantProblem(time);
        if (problem != null) {
            throw new InvalidParameter(name, "'" + name + "' " + problem);
        }
        return time;
    }

    /** Converts a non-empty value with {@code parse}; an empty one is absent ({@code null}, or a primitive's zero). */
    private record Strict<T>(T absent, Function<String, T> parse) implements ParamConverter<T> {
        @Override
        public T fromString(String value) {
            return value == null || value.isEmpty() ? absent : parse.apply(value);
        }

        @Override
        public String toString(T value) {
            return value == null ? null : value.toString();
        }
    }
}
