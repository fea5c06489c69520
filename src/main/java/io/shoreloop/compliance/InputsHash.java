package io.shoreloop.compliance;

import io.shoreloop.platform.CanonicalJson;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SHA-256 of a rule's inputs in canonical JSON (RFC 8785, as the ledger writes it): records become objects
 * keyed by component name; instants, durations, decimals and enums become strings. Equal inputs give equal hashes,
 * so a recomputation that changes nothing writes nothing and a review knows what it reviewed.
 */
final class InputsHash {

    /** Bump when a rule changes meaning, so that every verdict is written again. */
    static final String RULES_VERSION = "1";

    private InputsHash() {}

    /** A record class's components, read once (the class builds them anew from its attributes on every call). */
    private static final ClassValue<RecordComponent[]> COMPONENTS = new ClassValue<>() {
        @Override
        protected RecordComponent[] computeValue(Class<?> type) {
            return type.getRecordComponents();
        }
    };

    static String of(Object inputs) {
        return CanonicalJson.sha256(CanonicalJson.write(Map.of("rules", RULES_VERSION, "inputs", plain(inputs))));
    }

    static Object plain(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Integer || v instanceof Long) {
            return v;
        }
        if (v instanceof BigDecimal d) {
            return d.stripTrailingZeros().toPlainString();
        }
        if (v instanceof Instant || v instanceof Duration || v instanceof Number) {
            return v.toString();
        }
        if (v instanceof Enum<?> e) {
            return e.name();
        }
        if (v instanceof Collection<?> c) {
            java.util.List<Object> list = new ArrayList<>();
            c.forEach(x -> list.add(plain(x)));
            return list;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), plain(x)));
            return out;
        }
        if (v.getClass().isRecord()) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (RecordComponent rc : COMPONENTS.get(v.getClass())) {
                try {
                    out.put(rc.getName(), plain(rc.getAccessor().invoke(v)));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
            return out;
        }
        return v.toString();
    }
}
