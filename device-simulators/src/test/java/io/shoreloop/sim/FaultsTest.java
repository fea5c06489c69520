package io.shoreloop.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each fault injector does what it says, on the wire. */
class FaultsTest {

    private static final Duration DAY = Duration.ofHours(24);

    private static Recorded only(String fault, double rate) throws Exception {
        Faults f = Days.with(Faults.none(), fault, rate);
        return new Recorded(Days.run(11, DAY, f));
    }

    private static Recorded.R at(Recorded rec, String meter, String ts) {
        Instant t = Instant.parse(ts);
        return rec.readings.get(meter).stream().filter(r -> r.ts().equals(t)).findFirst().orElseThrow();
    }

    private static Recorded.R before(Recorded rec, Recorded.R r) {
        List<Recorded.R> rs = rec.readings.get(r.meter());
        return rs.get(rs.indexOf(r) - 1);
    }

    @Test
    void aResetRestartsSeqAndDropsTheRegister() throws Exception {
        Recorded rec = only("reset", 3);
        int resets = 0;
        for (JsonNode m : rec.truth.path("meters")) {
            for (JsonNode reset : m.path("resets")) {
                Recorded.R r = at(rec, m.path("meter").asText(), reset.path("ts").asText());
                Recorded.R prev = before(rec, r);
                assertEquals(0, r.seq(), "seq restarts from 0");
                assertEquals(0, reset.path("registerAfterKwh").decimalValue().compareTo(r.energy()));
                assertEquals(0, reset.path("registerBeforeKwh").decimalValue().compareTo(prev.energy()));
                assertTrue(r.energy().compareTo(prev.energy()) < 0 || prev.energy().signum() == 0,
                        "the register drops towards zero");
                // the next reading counts on from the reset
                List<Recorded.R> rs = rec.readings.get(r.meter());
                int i = rs.indexOf(r);
                if (i + 1 < rs.size() && rs.get(i + 1).seq() != 0) {
                    assertEquals(1, rs.get(i + 1).seq());
                }
                resets++;
            }
        }
        assertTrue(resets >= 4, "3 per meter-day over four meters: " + resets);
        assertEquals(resets, rec.truth.path("totals").path("resets").asInt());
    }

    @Test
    void aRolloverWrapsAtTheModulus() throws Exception {
        Recorded rec = only("rollover", 1);
        int rollovers = 0;
        for (JsonNode m : rec.truth.path("meters")) {
            BigDecimal modulus = m.path("modulusKwh").decimalValue();
            assertTrue(m.path("initialRegisterKwh").decimalValue().compareTo(modulus) < 0);
            for (JsonNode ts : m.path("rollovers")) {
                Recorded.R r = at(rec, m.path("meter").asText(), ts.asText());
                Recorded.R prev = before(rec, r);
                assertTrue(prev.seq() + 1 == r.seq(), "a rollover is no reboot");
                assertTrue(r.energy().compareTo(prev.energy()) < 0, "the register wraps");
                BigDecimal step = Recorded.increase(prev, r, modulus);
                assertEquals(0, prev.energy().add(step).subtract(modulus).compareTo(r.energy()),
                        "prev + increase - modulus = next");
                assertTrue(step.compareTo(new BigDecimal("20")) < 0, "one interval's energy, not a reset");
                rollovers++;
            }
        }
        assertTrue(rollovers >= 1);
        for (var entry : rec.readings.entrySet()) {
            for (Recorded.R r : entry.getValue()) {
                assertTrue(r.energy().compareTo(rec.meter(entry.getKey()).path("modulusKwh").decimalValue()) < 0);
            }
        }
    }

    @Test
    void anOutageSendsTheWillThenABackfillArray() throws Exception {
        Recorded rec = only("offline", 2);
        int arrays = 0;
        for (JsonNode m : rec.truth.path("meters")) {
            String code = m.path("meter").asText();
            for (JsonNode w : m.path("offline")) {
                Instant from = Instant.parse(w.path("from").asText());
                Instant to = Instant.parse(w.path("to").asText());
                List<Outgoing> mine = rec.actions.stream().filter(a -> a.client().equals(code)).toList();
                Outgoing drop = mine.stream()
                        .filter(a -> a.at().equals(from) && a.kind() == Outgoing.Kind.DISCONNECT_WITH_WILL)
                        .findFirst()
                        .orElseThrow();
                assertEquals(m.path("statusTopic").asText(), drop.topic());
                assertEquals("{\"online\":false}", drop.payload());
                assertTrue(drop.retain());
                int i = mine.indexOf(drop);
                // nothing from this meter until it reconnects
                int j = i + 1;
                assertEquals(Outgoing.Kind.CONNECT, mine.get(j).kind());
                assertEquals(to, mine.get(j).at());
                Outgoing status = mine.get(j + 1);
                assertEquals(m.path("statusTopic").asText(), status.topic());
                assertTrue(status.retain());
                assertTrue(Json.MAPPER.readTree(status.payload()).path("online").asBoolean());
                Outgoing backfill = mine.get(j + 2);
                assertEquals(m.path("readingTopic").asText(), backfill.topic());
                JsonNode array = Json.MAPPER.readTree(backfill.payload());
                assertTrue(array.isArray(), "the backfill is a JSON array");
                assertTrue(array.size() >= w.path("readingsBackfilled").asInt());
                Set<String> ts = new HashSet<>();
                for (JsonNode r : array) {
                    assertEquals(code, r.path("meter").asText());
                    Instant t = Instant.parse(r.path("ts").asText()).minusMillis(m.path("clockSkewMs").asLong());
                    assertTrue(!t.isBefore(from) && t.isBefore(to), "only the outage's readings");
                    ts.add(r.path("ts").asText());
                }
                assertEquals(w.path("readingsBackfilled").asInt(), ts.size());
                arrays++;
            }
        }
        assertTrue(arrays >= 1);
    }

    @Test
    void malformedMessagesAreMalformed() throws Exception {
        Recorded rec = only("malformed", 0.01);
        Map<String, Integer> seen = new HashMap<>();
        for (JsonNode b : rec.truth.path("badMessages")) {
            String reason = b.path("reason").asText();
            String payload = b.path("payload").asText();
            seen.merge(reason, 1, Integer::sum);
            if (reason.equals("not-json")) {
                assertThrows(Exception.class, () -> Json.MAPPER.readTree(payload));
                continue;
            }
            JsonNode n = Json.MAPPER.readTree(payload);
            String topicMeter = b.path("topic").asText().split("/")[4];
            switch (reason) {
                case "missing-field" -> assertTrue(n.path("energyKwh").isMissingNode());
                case "negative-value" -> assertTrue(n.path("energyKwh").decimalValue().signum() < 0);
                case "non-numeric-value" -> assertFalse(n.path("energyKwh").isNumber());
                case "timestamp-in-future" -> assertTrue(
                        Instant.parse(n.path("ts").asText()).isAfter(Instant.now().plus(Duration.ofDays(3650))));
                case "unknown-meter" -> {
                    assertEquals(topicMeter, n.path("meter").asText());
                    assertTrue(rec.truth.path("meters").findValuesAsText("meter").stream()
                            .noneMatch(topicMeter::equals));
                }
                default -> throw new AssertionError("unexpected reason " + reason);
            }
            if (!reason.equals("unknown-meter")) {
                assertEquals(topicMeter, n.path("meter").asText(), "only the payload is wrong");
            }
            // and it was really published, on that topic
            assertTrue(rec.actions.stream().anyMatch(a -> a.topic().equals(b.path("topic").asText())
                    && a.payload().equals(payload)));
        }
        for (String kind : PortDay.MALFORMED) {
            assertTrue(seen.containsKey(kind), kind + " injected: " + seen);
        }
    }

    @Test
    void aSpoofedTopicNamesAnotherMeter() throws Exception {
        Recorded rec = only("spoof", 0.01);
        List<String> meters = rec.truth.path("meters").findValuesAsText("meter");
        int spoofs = 0;
        for (JsonNode b : rec.truth.path("badMessages")) {
            assertEquals(PortDay.SPOOF, b.path("reason").asText());
            JsonNode n = Json.MAPPER.readTree(b.path("payload").asText());
            String topicMeter = b.path("topic").asText().split("/")[4];
            assertNotEquals(topicMeter, n.path("meter").asText(), "the topic names another meter");
            assertTrue(meters.contains(topicMeter), "a real meter's topic");
            assertEquals(n.path("meter").asText(), b.path("client").asText(), "published by the payload's meter");
            spoofs++;
        }
        assertTrue(spoofs > 10);
    }

    @Test
    void duplicatesRepeatAReadingExactly() throws Exception {
        Recorded rec = only("duplicate", 0.02);
        long twice = rec.deliveries.values().stream().filter(v -> v >= 2).count();
        assertTrue(twice > 100, "about 2 % of 23,044 readings: " + twice);
        assertEquals(twice, rec.truth.path("totals").path("duplicates").asLong());
    }

    @Test
    void lateReadingsArriveOutOfOrder() throws Exception {
        Recorded rec = only("late", 0.02);
        Map<String, Instant> newest = new HashMap<>();
        int outOfOrder = 0;
        for (Outgoing a : rec.actions) {
            if (a.kind() != Outgoing.Kind.PUBLISH || !a.topic().endsWith("/reading")) {
                continue;
            }
            JsonNode n = Json.MAPPER.readTree(a.payload());
            Instant ts = Instant.parse(n.path("ts").asText());
            Instant last = newest.get(a.topic());
            if (last != null && ts.isBefore(last)) {
                outOfOrder++;
                assertTrue(Duration.between(ts, last).getSeconds() <= 20 * 15, "held back at most --late-max");
            } else {
                newest.put(a.topic(), ts);
            }
        }
        assertTrue(outOfOrder > 100, "out of order: " + outOfOrder);
    }

    @Test
    void aSkewedClockShiftsEveryTimestampByTheSameAmount() throws Exception {
        Recorded rec = only("skew", 1);
        for (JsonNode m : rec.truth.path("meters")) {
            long skew = m.path("clockSkewMs").asLong();
            assertNotEquals(0, skew);
            assertTrue(Math.abs(skew) <= 120_000);
            List<Recorded.R> rs = rec.readings.get(m.path("meter").asText());
            for (int k = 0; k < rs.size(); k++) {
                assertEquals(Days.START.plusSeconds(15L * k).plusMillis(skew), rs.get(k).ts());
            }
        }
    }

    @Test
    void everyMeterConnectsWithItsWillAndAnnouncesItselfRetained() throws Exception {
        Recorded rec = new Recorded(Days.run(3, Duration.ofHours(2), Faults.none()));
        for (JsonNode m : rec.truth.path("meters")) {
            String code = m.path("meter").asText();
            List<Outgoing> mine = new ArrayList<>(rec.actions.stream().filter(a -> a.client().equals(code)).toList());
            Outgoing connect = mine.get(0);
            assertEquals(Outgoing.Kind.CONNECT, connect.kind());
            assertEquals("shorepower/v1/" + m.path("port").asText() + "/" + m.path("berth").asText() + "/" + code
                    + "/status", connect.topic());
            assertEquals("{\"online\":false}", connect.payload());
            Outgoing online = mine.get(1);
            assertTrue(online.retain());
            JsonNode n = Json.MAPPER.readTree(online.payload());
            assertTrue(n.path("online").asBoolean());
            assertEquals(Json.ts(Days.START), n.path("ts").asText());
            JsonNode reading = Json.MAPPER.readTree(mine.get(2).payload());
            assertEquals(List.of("meter", "seq", "ts", "energyKwh", "powerKw", "voltageV", "currentA", "frequencyHz",
                            "breakerClosed"),
                    fieldsWithoutVessel(reading));
            assertTrue(reading.path("ts").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
            assertEquals(Outgoing.Kind.DISCONNECT_WITH_WILL, mine.get(mine.size() - 1).kind());
        }
    }

    private static List<String> fieldsWithoutVessel(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        names.remove("vessel");
        return names;
    }
}
