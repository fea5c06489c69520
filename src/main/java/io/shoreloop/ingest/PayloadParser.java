package io.shoreloop.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shoreloop.platform.InputRules;
import io.shoreloop.shorepower.Reading;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and validates MQTT topics and payloads exactly as {@code contract.md} says, without knowing the registry:
 * whether the topic's meter is registered at the topic's berth is checked afterwards, for the whole batch at once.
 * Pure: the same topic, payload and clock give the same answer.
 */
final class PayloadParser {

    /** {@code shorepower/v1/{port}/{berth}/{meter}/(reading|status)}, codes as the registry allows them. */
    static final Pattern TOPIC = Pattern.compile(
            "shorepower/v1/([A-Za-z0-9_-]{1,64})/([A-Za-z0-9_-]{1,64})/([A-Za-z0-9_-]{1,64})/(reading|status)");

    /** Why a message (or an array element) was refused; the kind tags the dead-letter metric. */
    record Rejection(String kind, String message) {
        String reason() {
            return kind + ": " + message;
        }
    }

    /** A topic's parts. */
    record Topic(String raw, String port, String berth, String meter, boolean status) {}

    /** A syntactically valid reading (the register already in Wh). */
    record ParsedReading(
            String meter,
            long seq,
            Instant ts,
            long registerWh,
            Double powerKw,
            Double voltageV,
            Double currentA,
            Double frequencyHz,
            Boolean breakerClosed,
            String vessel) {
        /**
         * The reading, naming its meter with {@code code} when that is the same text (the registered meter's code: one
         * string for all of a meter's readings, not one per reading; a cached timeline holds hundreds of them).
         */
        Reading toReading(String code) {
            return new Reading(meter.equals(code) ? code : meter, seq, ts, registerWh, powerKw, breakerClosed, vessel);
        }
    }

    /** One reading of a payload, or why it was refused; {@code json} is its text when refused, else null. */
    record Element(ParsedReading reading, String json, Rejection rejection) {}

    /** A parsed status message. */
    record Status(boolean online, Instant ts) {}

    private final ObjectMapper mapper = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            // a payload is one JSON value: two readings written one after the other were read as the first (stored)
            // and the rest dropped unseen, neither stored nor dead-lettered
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    /**
     * The streaming pass's parsers: Jackson's duplicate detection (a set of names per object, a fifth of the streaming
     * pass's time) is replaced by {@link #streamed}'s own, which answers the same for the flat objects that path accepts.
     */
    private final JsonFactory streaming = JsonFactory.builder()
            // Jackson's port of fast_float, correctly rounded like Double.parseDouble: the numbers' parsing went from
            // 1.6 % to 0.7 % of the application's CPU in the live benchmark (four numbers per reading)
            .enable(com.fasterxml.jackson.core.StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();

    private final Duration futureTolerance;

    /** How far back a reading may be (zero: no limit). */
    private final Duration maxAge;

    PayloadParser(Duration futureTolerance) {
        this(futureTolerance, Duration.ZERO);
    }

    PayloadParser(Duration futureTolerance, Duration maxAge) {
        this.futureTolerance = futureTolerance;
        this.maxAge = maxAge;
    }

    /** Whether a reading at {@code at} is further back than readings may be. */
    private boolean tooOld(Instant at, Instant now) {
        return !maxAge.isZero() && at.isBefore(now.minus(maxAge));
    }

    static Topic topic(String raw) {
        Topic known = TOPICS.get(raw);
        if (known != null) {
            return known;
        }
        Matcher m = TOPIC.matcher(raw);
        if (!m.matches()) {
            return null;
        }
        Topic topic =
                new Topic(raw, m.group(1), m.group(2), m.group(3), m.group(4).equals("status"));
        if (TOPICS.size() >= TOPICS_KEPT) {
            TOPICS.clear(); // a flood of made-up meter codes cannot make it grow
        }
        TOPICS.put(raw, topic);
        return topic;
    }

    /**
     * Topics parsed before: a meter publishes on the same two topics all its life, and matching the pattern took
     * ~3.5 % of the application's CPU in the live benchmark (the regex's state and four substrings per message).
     */
    private static final java.util.concurrent.ConcurrentHashMap<String, Topic> TOPICS =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static final int TOPICS_KEPT = 20_000;

    /** The topic's port code if the topic looks like one of ours (for scoping a dead letter), else null. */
    static String portOf(String raw) {
        String[] parts = raw.split("/", -1);
        return parts.length >= 3 && parts[0].equals("shorepower") ? parts[2] : null;
    }

    /**
     * The elements of a reading payload (one object or an array of them). A payload that is not JSON, or neither an
     * object nor a non-empty array, is one rejected element carrying the whole payload.
     */
    List<Element> readings(Topic topic, byte[] payload, Instant now) {
        List<Element> fast = allValid(topic, payload, now);
        return fast != null ? fast : checked(topic, new String(payload, StandardCharsets.UTF_8), now);
    }

    /**
     * The common case, without building a tree: a payload whose readings are all valid, read by {@link PlainPayloads}
     * when it has the plain shape every meter sends, else by {@link #streamedPass}. Answers {@code null} as soon as
     * anything is unusual (a refused reading, a nested value, a number out of the usual types, invalid JSON or UTF-8),
     * and then {@link #checked} reads the payload again and says exactly what is wrong. So the answer never depends on
     * which path took the payload (a property test compares all three).
     */
    List<Element> allValid(Topic topic, byte[] payload, Instant now) {
        List<Element> plain = PlainPayloads.read(this, topic, payload, now);
        if (plain != null) {
            return plain;
        }
        return streamedPass(topic, payload, now);
    }

    /**
     * {@link #allValid} through Jackson's streaming parser (any JSON, one pass). It reads the message's bytes as they
     * came (Jackson's UTF-8 parser): decoding them to a string first took a third of the parsing time.
     */
    List<Element> streamedPass(Topic topic, byte[] payload, Instant now) {
        if (!wellFormedUtf8(payload)) {
            return null;
        }
        try (JsonParser p = streaming.createParser(payload)) {
            JsonToken root = p.nextToken();
            List<Element> out;
            if (root == JsonToken.START_OBJECT) {
                ParsedReading r = streamed(topic, p, now);
                if (r == null) {
                    return null;
                }
                out = List.of(new Element(r, null, null));
            } else if (root == JsonToken.START_ARRAY) {
                out = new ArrayList<>();
                JsonToken t;
                while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
                    ParsedReading r = streamed(topic, p, now);
                    if (r == null) {
                        return null;
                    }
                    out.add(new Element(r, null, null));
                }
                if (t != JsonToken.END_ARRAY || out.isEmpty()) {
                    return null;
                }
            } else {
                return null;
            }
            return p.nextToken() == null ? out : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether the bytes are well-formed UTF-8 (ASCII, the usual case, in one pass over the bytes). Jackson's byte
     * parser does not check the bytes of a field name it already knows: with {@code "meter"} in its symbol table (so
     * after the first message), the name {@code "mete\xFFr"} padded into the same last quad matched it, and the
     * streaming pass took a malformed payload as a reading (found by {@code PayloadParserProperties}). Malformed bytes
     * go to the checked path, which reads the decoded text, malformed sequences replaced, as the dead letter shows it.
     */
    static boolean wellFormedUtf8(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                try {
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                            .decode(java.nio.ByteBuffer.wrap(bytes));
                    return true;
                } catch (java.nio.charset.CharacterCodingException e) {
                    return false;
                }
            }
        }
        return true;
    }

    /** One reading object, the parser just past its START_OBJECT; {@code null} if it is not plainly valid. */
    private ParsedReading streamed(Topic topic, JsonParser p, Instant now) throws IOException {
        String meter = null;
        String ts = null;
        String vessel = null;
        long seq = -1;
        BigDecimal energy = null;
        Double power = null;
        Double voltage = null;
        Double current = null;
        Double frequency = null;
        Boolean breaker = null;
        String field;
        int known = 0; // the known fields seen so far, one bit each
        List<String> others = null;
        while ((field = p.nextFieldName()) != null) {
            // a name given twice makes the payload invalid JSON to the checked path (strict duplicate detection)
            int bit = fieldBit(field);
            if (bit != 0) {
                if ((known & bit) != 0) {
                    return null;
                }
                known |= bit;
            } else if (others == null) {
                others = new ArrayList<>(2);
                others.add(field);
            } else if (others.contains(field)) {
                return null;
            } else {
                others.add(field);
            }
            JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_NULL) {
                continue; // null is absent, as in the tree path
            }
            switch (field) {
                case "meter" -> meter = v == JsonToken.VALUE_STRING ? p.getText() : null;
                case "ts" -> ts = v == JsonToken.VALUE_STRING ? p.getText() : null;
                case "vessel" -> vessel = v == JsonToken.VALUE_STRING ? p.getText() : null;
                case "seq" ->
                    seq = v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
                            ? p.getLongValue()
                            : -1;
                case "energyKwh" -> energy = isNumber(v) ? p.getDecimalValue() : null;
                case "powerKw" -> power = streamedDouble(p, v);
                case "voltageV" -> voltage = streamedDouble(p, v);
                case "currentA" -> current = streamedDouble(p, v);
                case "frequencyHz" -> frequency = streamedDouble(p, v);
                case "breakerClosed" ->
                    breaker = v == JsonToken.VALUE_TRUE
                            ? Boolean.TRUE
                            : v == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
                default -> {
                    // an unknown field is ignored as in the tree path; a nested value may hide a duplicate name
                    // inside it, which only the checked path's parser detects
                    if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                        return null;
                    }
                }
            }
            // a known field of the wrong type (a nested value included) is left to the checked path
            if (invalidKnown(field, meter, ts, vessel, seq, energy, power, voltage, current, frequency, breaker)) {
                return null;
            }
        }
        if (energy == null || energy.signum() < 0) {
            return null;
        }
        long registerWh;
        try {
            registerWh = Reading.registerWhOfReading(energy);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return plainReading(
                topic, meter, ts, vessel, seq, registerWh, power, voltage, current, frequency, breaker, now);
    }

    /**
     * The reading of a payload's fields as the fast passes read them, if it is plainly valid (all required fields, the
     * topic's meter, a vessel's MMSI, a timestamp not in the future); else {@code null}.
     */
    ParsedReading plainReading(
            Topic topic,
            String meter,
            String ts,
            String vessel,
            long seq,
            long registerWh,
            Double power,
            Double voltage,
            Double current,
            Double frequency,
            Boolean breaker,
            Instant now) {
        if (meter == null || ts == null || seq < 0 || registerWh < 0 || !meter.equals(topic.meter())) {
            return null;
        }
        if (vessel != null && !MMSI.matcher(vessel).matches()) {
            return null;
        }
        Instant at = IsoTimestamps.parse(ts);
        if (at == null
                || at.isBefore(InputRules.EARLIEST)
                || at.isAfter(now.plus(futureTolerance))
                || tooOld(at, now)) {
            return null;
        }
        // the topic's text for the meter (the same): one string per meter, not one per reading waiting for its batch
        return new ParsedReading(
                topic.meter(), seq, at, registerWh, power, voltage, current, frequency, breaker, vessel);
    }

    private static final Pattern MMSI = Pattern.compile("[0-9]{9}");

    /** A bit per field of the contract's reading, {@code 0} for any other name. */
    private static int fieldBit(String field) {
        return switch (field) {
            case "meter" -> 1;
            case "ts" -> 1 << 1;
            case "vessel" -> 1 << 2;
            case "seq" -> 1 << 3;
            case "energyKwh" -> 1 << 4;
            case "powerKw" -> 1 << 5;
            case "voltageV" -> 1 << 6;
            case "currentA" -> 1 << 7;
            case "frequencyHz" -> 1 << 8;
            case "breakerClosed" -> 1 << 9;
            default -> 0;
        };
    }

    private static boolean isNumber(JsonToken t) {
        return t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT;
    }

    /** A known field present with a value of the wrong type or range: leave it to the checked path. */
    private static boolean invalidKnown(
            String field,
            String meter,
            String ts,
            String vessel,
            long seq,
            BigDecimal energy,
            Double power,
            Double voltage,
            Double current,
            Double frequency,
            Boolean breaker) {
        return switch (field) {
            case "meter" -> meter == null;
            case "ts" -> ts == null;
            case "vessel" -> vessel == null;
            case "seq" -> seq < 0;
            case "energyKwh" -> energy == null;
            case "powerKw" -> power == null;
            case "voltageV" -> voltage == null;
            case "currentA" -> current == null;
            case "frequencyHz" -> frequency == null;
            case "breakerClosed" -> breaker == null;
            default -> false;
        };
    }

    /**
     * A non-negative finite number as the tree path reads it (a BigDecimal's double), else {@code null}. Both are the
     * decimal text rounded correctly to the nearest double, so the parser's double is the same number, read without a
     * BigDecimal; only a BigDecimal has no negative zero ({@code -0.0} is read as {@code 0.0}), and a negative number
     * too small for a double is still negative.
     */
    private static Double streamedDouble(JsonParser p, JsonToken v) throws IOException {
        if (!isNumber(v)) {
            return null;
        }
        double value = p.getDoubleValue();
        if (value == 0) {
            // 0, -0.0, or a number below the smallest double: its sign is the text's
            return p.getText().startsWith("-") && p.getDecimalValue().signum() < 0 ? null : 0.0;
        }
        return value < 0 || Double.isInfinite(value) ? null : value;
    }

    /** Every element checked one by one, each refusal with its reason (the general path). */
    List<Element> checked(Topic topic, String payload, Instant now) {
        JsonNode root;
        try {
            root = mapper.readTree(payload);
        } catch (JsonProcessingException e) {
            return List.of(new Element(null, payload, new Rejection("invalid-json", "payload is not valid JSON")));
        } catch (NumberFormatException e) {
            // valid JSON, but a number Java cannot hold (an exponent beyond an int: 1e88888888888), which Jackson
            // reports this way (found by PayloadParserFuzzTest: it escaped the parser and the message was never
            // acknowledged)
            return List.of(
                    new Element(null, payload, new Rejection("invalid-value", "payload holds a number out of range")));
        }
        if (root == null || root.isMissingNode()) {
            return List.of(new Element(null, payload, new Rejection("invalid-json", "payload is empty")));
        }
        if (root.isObject()) {
            return List.of(element(topic, root, payload, now, ""));
        }
        if (!root.isArray() || root.isEmpty()) {
            return List.of(new Element(
                    null,
                    payload,
                    new Rejection("invalid-value", "payload is neither a reading nor a non-empty array of readings")));
        }
        List<Element> out = new ArrayList<>(root.size());
        int i = 0;
        for (JsonNode node : root) {
            out.add(element(topic, node, null, now, "reading [" + i + "]: "));
            i++;
        }
        return out;
    }

    /** A status payload {@code {"online":true,"ts":"..."}} ({@code ts} optional, as in a last will). */
    Status status(String payload, Instant receivedAt) throws IllegalArgumentException {
        JsonNode root;
        try {
            root = mapper.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid-json: payload is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("invalid-value: a status is a JSON object");
        }
        JsonNode online = root.get("online");
        if (online == null || online.isNull()) {
            throw new IllegalArgumentException("missing-field: missing required field 'online'");
        }
        if (!online.isBoolean()) {
            throw new IllegalArgumentException("invalid-value: 'online' is not a boolean");
        }
        JsonNode ts = root.get("ts");
        Instant at = receivedAt;
        if (ts != null && !ts.isNull()) {
            at = instant(ts);
            if (at == null) {
                throw new IllegalArgumentException("invalid-value: 'ts' is not an ISO-8601 timestamp");
            }
            if (at.isBefore(InputRules.EARLIEST) || at.isAfter(InputRules.LATEST)) {
                throw new IllegalArgumentException("invalid-value: 'ts' is outside the years 1 to 9999");
            }
            // as for readings (contract.md): a meter's clock far ahead would set its online time in the future
            if (at.isAfter(receivedAt.plus(futureTolerance))) {
                throw new IllegalArgumentException("future-timestamp: 'ts' " + at + " is more than "
                        + futureTolerance.toMinutes() + " minutes in the future");
            }
        }
        return new Status(online.booleanValue(), at);
    }

    private Element element(Topic topic, JsonNode node, String raw, Instant now, String where) {
        try {
            // the element's JSON text is kept for a dead letter only: writing every good element of a backfill array
            // back to text cost a fifth of the parsing time
            return new Element(reading(topic, node, now), null, null);
        } catch (Refused r) {
            String json = raw != null ? raw : node.toString();
            return new Element(null, json, new Rejection(r.kind, where + r.getMessage()));
        }
    }

    private ParsedReading reading(Topic topic, JsonNode node, Instant now) throws Refused {
        if (!node.isObject()) {
            throw new Refused("invalid-value", "a reading is a JSON object");
        }
        JsonNode meterNode = required(node, "meter");
        if (!meterNode.isTextual()) {
            throw new Refused("invalid-value", "'meter' is not a string");
        }
        String meter = meterNode.textValue();
        if (!meter.equals(topic.meter())) {
            throw new Refused(
                    "meter-mismatch",
                    "the payload names meter '" + quoted(meter) + "' but the topic is meter '" + topic.meter() + "''s");
        }
        JsonNode seqNode = required(node, "seq");
        // an integer, also written with a fraction of zero (1042.0: JSON has one kind of number)
        if (!seqNode.isNumber() || !seqNode.canConvertToExactIntegral() || !seqNode.canConvertToLong()) {
            throw new Refused("invalid-value", "'seq' is not an integer");
        }
        long seq = seqNode.longValue();
        if (seq < 0) {
            throw new Refused("invalid-value", "'seq' is negative");
        }
        Instant ts = instant(required(node, "ts"));
        if (ts == null) {
            throw new Refused("invalid-value", "'ts' is not an ISO-8601 timestamp with offset");
        }
        if (ts.isBefore(InputRules.EARLIEST)) {
            throw new Refused("invalid-value", "'ts' " + ts + " is before the year 1");
        }
        if (ts.isAfter(now.plus(futureTolerance))) {
            throw new Refused(
                    "future-timestamp",
                    "'ts' " + ts + " is more than " + futureTolerance.toMinutes() + " minutes in the future");
        }
        if (tooOld(ts, now)) {
            throw new Refused(
                    "stale-timestamp",
                    "'ts' " + ts + " is more than " + maxAge.toDays() + " days in the past (a meter's clock reset?"
                            + " shoreloop.mqtt.max-reading-age)");
        }
        JsonNode energyNode = required(node, "energyKwh");
        BigDecimal energy = number(energyNode, "energyKwh");
        long registerWh;
        try {
            registerWh = Reading.registerWhOfReading(energy);
        } catch (IllegalArgumentException e) {
            throw new Refused(
                    "invalid-value",
                    // toString: the plain form of 1e999999999 is a billion characters
                    "'energyKwh' " + energy + " is too large");
        }
        Double power = optionalNumber(node, "powerKw");
        Double voltage = optionalNumber(node, "voltageV");
        Double current = optionalNumber(node, "currentA");
        Double frequency = optionalNumber(node, "frequencyHz");
        Boolean breaker = null;
        JsonNode breakerNode = node.get("breakerClosed");
        if (breakerNode != null && !breakerNode.isNull()) {
            if (!breakerNode.isBoolean()) {
                throw new Refused("invalid-value", "'breakerClosed' is not a boolean");
            }
            breaker = breakerNode.booleanValue();
        }
        String vessel = null;
        JsonNode vesselNode = node.get("vessel");
        if (vesselNode != null && !vesselNode.isNull()) {
            if (!vesselNode.isTextual() || !vesselNode.textValue().matches("[0-9]{9}")) {
                throw new Refused("invalid-value", "'vessel' is not an MMSI (nine digits, as a string)");
            }
            vessel = vesselNode.textValue();
        }
        return new ParsedReading(
                topic.meter(), seq, ts, registerWh, power, voltage, current, frequency, breaker, vessel);
    }

    /** The longest text of a payload a rejection quotes. */
    static final int QUOTED_MAX = 80;

    /**
     * Text of a payload as a rejection quotes it: control characters as JSON escapes, at most {@link #QUOTED_MAX}
     * characters (then "…"); a meter's code is at most 64 characters of {@code [A-Za-z0-9_-]}, a payload's may be
     * anything.
     */
    static String quoted(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), QUOTED_MAX) + 8);
        for (int i = 0; i < text.length(); i++) {
            if (i == QUOTED_MAX) {
                return out.append('…').toString();
            }
            char ch = text.charAt(i);
            if (ch < 0x20 || ch == 0x7f) {
                out.append(String.format("\\u%04x", (int) ch));
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    private static JsonNode required(JsonNode node, String field) throws Refused {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new Refused("missing-field", "missing required field '" + field + "'");
        }
        return value;
    }

    private static BigDecimal number(JsonNode node, String field) throws Refused {
        if (!node.isNumber()) {
            throw new Refused("invalid-value", "'" + field + "' is not a number");
        }
        BigDecimal value = node.decimalValue();
        if (value.signum() < 0) {
            throw new Refused("invalid-value", "'" + field + "' is negative");
        }
        return value;
    }

    private static Double optionalNumber(JsonNode node, String field) throws Refused {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        double d = number(value, field).doubleValue();
        if (Double.isInfinite(d)) {
            throw new Refused("invalid-value", "'" + field + "' is out of range");
        }
        return d;
    }

    /** An ISO-8601 instant with offset, truncated to microseconds (the store's precision), else null. */
    private static Instant instant(JsonNode node) {
        if (!node.isTextual()) {
            return null;
        }
        return IsoTimestamps.parse(node.textValue());
    }

    /** Internal signal: this element is refused. */
    private static final class Refused extends Exception {
        final String kind;

        Refused(String kind, String message) {
            super(message, null, false, false);
            this.kind = kind;
        }
    }
}
