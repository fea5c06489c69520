package io.shoreloop.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ground truth is what the messages say: energy = the register increases the simulator produced. */
class GroundTruthTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 2026})
    void everyFaultOn(long seed) throws Exception {
        check(new Recorded(Days.run(seed, Duration.ofHours(24), Faults.all())));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 5})
    void noFaults(long seed) throws Exception {
        Recorded rec = new Recorded(Days.run(seed, Duration.ofHours(24), Faults.none()));
        check(rec);
        assertEquals(0, rec.truth.path("badMessages").size());
    }

    private static void check(Recorded rec) {
        BigDecimal total = BigDecimal.ZERO;
        for (JsonNode m : rec.truth.path("meters")) {
            String code = m.path("meter").asText();
            List<Recorded.R> rs = rec.readings.get(code);
            // nothing lost: every reading the meter took arrives, in a single message or a backfill array
            assertEquals(m.path("readings").asInt(), rs.size(), code + ": readings delivered");
            BigDecimal modulus = m.path("modulusKwh").decimalValue();
            BigDecimal sum = BigDecimal.ZERO;
            for (int i = 1; i < rs.size(); i++) {
                BigDecimal inc = Recorded.increase(rs.get(i - 1), rs.get(i), modulus);
                assertTrue(inc.signum() >= 0);
                if (inc.signum() > 0) {
                    assertTrue(rs.get(i - 1).closed() && rs.get(i).closed(),
                            "energy only flows between two closed readings: " + rs.get(i));
                }
                sum = sum.add(inc);
            }
            assertEquals(0, m.path("registerIncreaseKwh").decimalValue().compareTo(sum), code + " increase");
            assertEquals(0, m.path("finalRegisterKwh").decimalValue().compareTo(rs.get(rs.size() - 1).energy()));
            total = total.add(sum);
        }
        // per session: the increases between its start and end readings
        BigDecimal sessions = BigDecimal.ZERO;
        for (JsonNode s : rec.truth.path("sessions")) {
            List<Recorded.R> rs = rec.readings.get(s.path("meter").asText());
            BigDecimal modulus = rec.meter(s.path("meter").asText()).path("modulusKwh").decimalValue();
            Instant start = Instant.parse(s.path("start").asText());
            Instant end = Instant.parse(s.path("end").asText());
            BigDecimal sum = BigDecimal.ZERO;
            int closedReadings = 0;
            for (int i = 0; i < rs.size(); i++) {
                Recorded.R r = rs.get(i);
                boolean inside = !r.ts().isBefore(start) && r.ts().isBefore(end);
                if (inside) {
                    assertTrue(r.closed(), "breaker closed during the session: " + r);
                    closedReadings++;
                    if (i > 0 && !rs.get(i - 1).ts().isBefore(start)) {
                        sum = sum.add(Recorded.increase(rs.get(i - 1), r, modulus));
                    }
                }
                if (r.ts().equals(end)) {
                    assertTrue(!r.closed(), "the session ends with the breaker open: " + r);
                }
            }
            assertEquals(s.path("readings").asInt(), closedReadings);
            assertEquals(0, s.path("energyKwh").decimalValue().compareTo(sum), s.toString());
            assertEquals(3, s.path("energyKwh").decimalValue().scale(), "kWh with 3 decimals");
            sessions = sessions.add(sum);
        }
        assertEquals(0, total.compareTo(sessions), "all energy lies inside sessions");
        assertEquals(0, rec.truth.path("totals").path("energyKwh").decimalValue().compareTo(total));
        // per call: the sum of its sessions
        for (JsonNode c : rec.truth.path("calls")) {
            BigDecimal sum = BigDecimal.ZERO;
            for (JsonNode ref : c.path("sessions")) {
                for (JsonNode s : rec.truth.path("sessions")) {
                    if (s.path("session").asText().equals(ref.asText())) {
                        sum = sum.add(s.path("energyKwh").decimalValue());
                        assertEquals(c.path("call").asText(), s.path("call").asText());
                        assertTrue(!Instant.parse(s.path("start").asText()).isBefore(
                                Instant.parse(c.path("arrival").asText())));
                        assertTrue(Instant.parse(s.path("end").asText()).isBefore(
                                Instant.parse(c.path("departure").asText())));
                    }
                }
            }
            assertEquals(0, c.path("energyKwh").decimalValue().compareTo(sum));
        }
        assertTrue(rec.truth.path("totals").path("sessions").asInt() > 0);
    }
}
