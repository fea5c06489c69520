package io.shoreloop.platform;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.HttpMethod;
import java.io.CharConversionException;
import java.io.IOException;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

/**
 * Coverage-guided fuzzing of request validation (quality.md S4): arbitrary bytes as the body of every request the API
 * takes (each record a resource method reads as its body, found from the compiled resources, so a new one is fuzzed
 * without touching this test; the first byte picks it), read by a mapper configured as the service's
 * ({@link StrictJson}, unknown fields refused) and validated with Hibernate Validator as the resources do. Any outcome
 * but "read and valid", "read and invalid" or a refused body ({@link JsonProcessingException}, or a
 * {@link CharConversionException} for bytes that are no text: the problem mapper answers both 400) is a finding; so is an
 * accepted body holding text or a time that {@link InputRules} forbids. {@code GeneratedBadRequestsTest} sends generated
 * bad requests to the running service; this searches the reading and validation code for inputs nobody thought of. The
 * build replays the corpus ({@code src/test/resources/io/shoreloop/platform/RequestBodyFuzzTestInputs});
 * {@code JAZZER_FUZZ=1} fuzzes.
 */
class RequestBodyFuzzTest {

    private static final ObjectMapper JSON = strictMapper();
    private static final Validator VALIDATOR = Validation.byDefaultProvider()
            .configure()
            .messageInterpolator(new ParameterMessageInterpolator())
            .buildValidatorFactory()
            .getValidator();
    private static final List<Class<?>> BODIES = requestBodies();

    @FuzzTest(maxDuration = "10m")
    void anyBodyIsReadAndValidatedOrRefusedAndNothingForbiddenGetsThrough(byte[] input) throws IOException {
        assertTrue(BODIES.size() >= 15, "request bodies found: " + BODIES);
        if (input.length == 0) {
            return;
        }
        Class<?> type = BODIES.get(Byte.toUnsignedInt(input[0]) % BODIES.size());
        Object body;
        try {
            body = JSON.readValue(input, 1, input.length - 1, type);
        } catch (JsonProcessingException | CharConversionException refused) {
            return; // answered 400 malformed-body (ProblemMapper.unreadable, .undecodable)
        }
        if (body == null || !VALIDATOR.validate(body).isEmpty()) {
            return; // answered 400 validation
        }
        assertAllowed(body, type.getSimpleName());
    }

    /** Every text and time in an accepted body, however deep, is one {@link InputRules} allows. */
    private static void assertAllowed(Object value, String where) {
        if (value instanceof String text) {
            assertNull(InputRules.textProblem(text), where);
        } else if (value instanceof Instant time) {
            assertNull(InputRules.instantProblem(time), where);
        } else if (value instanceof Collection<?> items) {
            items.forEach(item -> assertAllowed(item, where + "[]"));
        } else if (value != null && value.getClass().isRecord()) {
            for (RecordComponent c : value.getClass().getRecordComponents()) {
                try {
                    assertAllowed(c.getAccessor().invoke(value), where + "." + c.getName());
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** Jackson as the service configures it (Quarkus' defaults, unknown fields refused, {@link StrictJson}). */
    private static ObjectMapper strictMapper() {
        ObjectMapper mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
        new StrictJson().customize(mapper);
        return mapper;
    }

    /** The records that resource methods take as their body, sorted by name (the first input byte picks one). */
    private static List<Class<?>> requestBodies() {
        try {
            // target/classes/io/shoreloop/platform/ProblemMapper.class: the packages of the service, and their root
            Path platform = Path.of(Objects.requireNonNull(ProblemMapper.class.getResource("ProblemMapper.class"))
                            .toURI())
                    .getParent();
            Path root = platform.getParent().getParent().getParent();
            try (Stream<Path> files = Files.walk(platform.getParent())) {
                return files.filter(f -> f.getFileName().toString().endsWith("Resource.class"))
                        .map(f -> root.relativize(f).toString())
                        .map(f -> f.substring(0, f.length() - ".class".length()).replace('/', '.'))
                        .flatMap(RequestBodyFuzzTest::bodiesOf)
                        .distinct()
                        .sorted(java.util.Comparator.comparing(Class::getName))
                        .toList();
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Stream<Class<?>> bodiesOf(String className) {
        try {
            return Stream.of(Class.forName(className).getDeclaredMethods())
                    .filter(m -> Stream.of(m.getAnnotations())
                            .anyMatch(a -> a.annotationType().isAnnotationPresent(HttpMethod.class)))
                    .flatMap(m -> Stream.of(m.getParameters()))
                    .filter(p -> p.getType().isRecord() && !p.isAnnotationPresent(BeanParam.class))
                    .map(Parameter::getType);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
