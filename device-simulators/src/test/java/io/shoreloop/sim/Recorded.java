package io.shoreloop.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** What a consumer of the contract would make of a port day's messages: the good readings per meter. */
final class Recorded {

    record R(String meter, long seq, Instant ts, BigDecimal energy, boolean closed, JsonNode node) {}

    /** Good readings per meter code, deduplicated by (meter, ts), in ts order. */
    final Map<String, List<R>> readings = new LinkedHashMap<>();
    /** How many times each reading was delivered (singly or in an array). */
    final Map<String, Integer> deliveries = new TreeMap<>();
    final List<Outgoing> actions;
    final JsonNode truth;

    Recorded(PortDay.Result result) throws Exception {
        this.actions = result.actions();
        this.truth = result.groundTruth();
        Set<String> bad = new HashSet<>();
        for (JsonNode b : truth.path("badMessages")) {
            bad.add(b.path("topic").asText() + "\n" + b.path("payload").asText());
        }
        Map<String, String> topicMeter = new LinkedHashMap<>();
        for (JsonNode m : truth.path("meters")) {
            topicMeter.put(m.path("readingTopic").asText(), m.path("meter").asText());
            readings.put(m.path("meter").asText(), new ArrayList<>());
        }
        Map<String, TreeMap<Instant, R>> byMeter = new LinkedHashMap<>();
        for (Outgoing a : actions) {
            if (a.kind() != Outgoing.Kind.PUBLISH || !a.topic().endsWith("/reading")) {
                continue;
            }
            if (bad.contains(a.topic() + "\n" + a.payload())) {
                continue;
            }
            String meter = topicMeter.get(a.topic());
            if (meter == null) {
                throw new AssertionError("a good message on an unknown topic: " + a.topic());
            }
            JsonNode node = Json.MAPPER.readTree(a.payload());
            List<JsonNode> items = new ArrayList<>();
            if (node.isArray()) {
                node.forEach(items::add);
            } else {
                items.add(node);
            }
            for (JsonNode n : items) {
                if (!meter.equals(n.path("meter").asText())) {
                    throw new AssertionError("a good message with another meter: " + a);
                }
                R r = new R(meter, n.path("seq").asLong(), Instant.parse(n.path("ts").asText()),
                        n.path("energyKwh").decimalValue(), n.path("breakerClosed").asBoolean(), n);
                deliveries.merge(meter + " " + r.ts(), 1, Integer::sum);
                R prev = byMeter.computeIfAbsent(meter, x -> new TreeMap<>()).put(r.ts(), r);
                if (prev != null && !prev.node().equals(n)) {
                    throw new AssertionError("two different readings with the same (meter, ts): " + prev + " / " + r);
                }
            }
        }
        byMeter.forEach((m, map) -> readings.put(m, new ArrayList<>(map.values())));
    }

    JsonNode meter(String code) {
        for (JsonNode m : truth.path("meters")) {
            if (m.path("meter").asText().equals(code)) {
                return m;
            }
        }
        throw new AssertionError(code);
    }

    /** The register increase of a step, by the contract's rules: seq restart = reset, a drop otherwise = rollover. */
    static BigDecimal increase(R prev, R next, BigDecimal modulus) {
        if (next.seq() == 0) {
            return next.energy(); // a reset: the new value is the energy since it
        }
        if (next.energy().compareTo(prev.energy()) >= 0) {
            return next.energy().subtract(prev.energy());
        }
        return modulus.subtract(prev.energy()).add(next.energy());
    }
}
