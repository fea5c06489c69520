package io.shoreloop.sim;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** JSON and number formatting shared by payloads and files; deterministic (insertion order, plain decimals). */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Json() {}

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** An instant as the contract writes it: UTC with milliseconds, {@code 2026-11-24T08:00:15.000Z}. */
    public static String ts(Instant instant) {
        return TS.format(instant);
    }

    /** Watt-hours as kWh with 3 decimals (the register's resolution). */
    public static BigDecimal kwh(long wh) {
        return BigDecimal.valueOf(wh, 3);
    }

    /** A value in tenths (W → kW with one decimal from W/100, etc.). */
    public static BigDecimal scaled(long units, int scale) {
        return BigDecimal.valueOf(units, scale);
    }

    public static String write(Object node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pretty(Object node) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
