package io.shoreloop.platform;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Instant;

/**
 * The REST mapper reads request bodies strictly: an empty string is not a value for a UUID, an enum, a number or a
 * list (Jackson would read it as {@code null}, silently dropping what the client meant to set), and text and times
 * must satisfy {@link InputRules} (the generated bad requests of {@code GeneratedBadRequestsTest} met a 500 for a NUL
 * character in a name, and half a surrogate pair stored as {@code ?}). A refused value is a 400 naming its field.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.coercionConfigDefaults().setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        SimpleModule strict = new SimpleModule("shoreloop-strict-input");
        strict.addDeserializer(String.class, new Text());
        strict.addDeserializer(Instant.class, new Time());
        mapper.registerModule(strict);
    }

    /** A value of the right JSON type that breaks an input rule; the problem mapper names the field and the reason. */
    public static final class Refused extends InvalidFormatException {
        private final String reason;

        Refused(JsonParser parser, String reason, Object value, Class<?> type) {
            super(parser, reason, value, type);
            this.reason = reason;
        }

        /** Why the value was refused ("must lie within the years 0001-9999"). */
        public String reason() {
            return reason;
        }
    }

    /** Text as Jackson reads it, refused when PostgreSQL could not store it. */
    static final class Text extends StringDeserializer {
        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = super.deserialize(p, ctxt);
            String problem = InputRules.textProblem(text);
            if (problem != null) {
                throw new Refused(p, problem, text, String.class);
            }
            return text;
        }
    }

    /** An ISO-8601 instant, as the Java time module reads it, within the years 0001-9999. */
    static final class Time extends StdScalarDeserializer<Instant> {
        Time() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            Instant time = InstantDeserializer.INSTANT.deserialize(p, ctxt);
            String problem = InputRules.instantProblem(time);
            if (problem != null) {
                throw new Refused(p, problem, time, Instant.class);
            }
            return time;
        }
    }
}
