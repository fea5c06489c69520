package io.shoreloop.ingest;

import static io.shoreloop.ingest.MqttTestSupport.aMeterAt;
import static io.shoreloop.ingest.MqttTestSupport.await;
import static io.shoreloop.ingest.MqttTestSupport.publish;
import static io.shoreloop.testing.DemoUsers.ADMIN;
import static io.shoreloop.testing.DemoUsers.BERTH_GY_B01;
import static io.shoreloop.testing.DemoUsers.CALL_YU_CONTAINER_OPEN;
import static io.shoreloop.testing.DemoUsers.CREW_CHANGJIANG;
import static io.shoreloop.testing.DemoUsers.CREW_YU_CONTAINER;
import static io.shoreloop.testing.DemoUsers.OPERATOR_CHAOTIANMEN;
import static io.shoreloop.testing.DemoUsers.OPERATOR_GUOYUAN;
import static io.shoreloop.testing.DemoUsers.PORT_GUOYUAN;
import static io.shoreloop.testing.DemoUsers.VESSEL_YU_CONTAINER;
import static io.shoreloop.testing.DemoUsers.as;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.shoreloop.ingest.MqttTestSupport.TestMeter;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real MQTT messages to the test broker, checked in the database and through the API. Each test registers its own
 * meter at Guoyuan berth B01 (where the demo ship Yu Container 1 is berthed now), so tests do not share state.
 */
@QuarkusTest
class ShorePowerIngestTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final String YU_CONTAINER_MMSI = "413800001";

    @Inject
    @io.quarkus.agroal.DataSource("owner")
    AgroalDataSource db;

    @Inject
    MeterRegistry metrics;

    @Inject
    MqttIngest ingest;

    Mqtt5BlockingClient mqtt;
    Counter duplicates;

    @BeforeEach
    void connect() {
        mqtt = MqttTestSupport.publisher();
        duplicates = metrics.counter("shoreloop.ingest.readings.duplicate");
    }

    @AfterEach
    void disconnect() {
        mqtt.disconnect();
    }

    /**
     * The README's worked example: 999.990 open, 1000.000 open, 1000.500 closed, 1001.250 closed, 0.100 closed
     * (reset), 0.600 closed, 0.600 open → one session of 1.850 kWh; 0.010 kWh of standby is unallocated. One reading
     * arrives twice and counts once; the session is matched to the call of the ship at that berth.
     */
    @Test
    void theWorkedExampleGivesTheExactSessionEnergyAndMatchesTheCall() throws Exception {
        TestMeter meter = aMeterAt(BERTH_GY_B01, "B01", 15);
        Instant t0 = Instant.now().minus(30, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        String[] kwh = {"999.990", "1000.000", "1000.500", "1001.250", "0.100", "0.600", "0.600"};
        boolean[] closed = {false, false, true, true, true, true, false};
        List<String> payloads = new ArrayList<>();
        for (int i = 0; i < kwh.length; i++) {
            payloads.add(
                    meter.reading(i, t0.plusSeconds(15L * i), kwh[i], closed[i], closed[i] ? YU_CONTAINER_MMSI : null));
        }
        for (int i = 0; i < payloads.size(); i++) {
            publish(mqtt, meter.readingTopic(), payloads.get(i));
            if (i == 3) {
                publish(mqtt, meter.readingTopic(), payloads.get(i)); // QoS 1 redelivery
            }
        }

        await(
                "7 readings stored",
                WAIT,
                () -> count("select count(*) from meter_reading where meter_id = ?::uuid", meter.id()) == 7);
        await(
                "the session closed",
                WAIT,
                () -> count(
                                "select count(*) from shore_session where meter_id = ?::uuid and status = 'CLOSED'",
                                meter.id())
                        == 1);

        as(OPERATOR_GUOYUAN)
                .get("/api/v1/shorepower/sessions?meterId=" + meter.id())
                .then()
                .statusCode(200)
                .body("total", equalTo(1))
                .body("items[0].energyKwh", equalTo(1.850f))
                .body("items[0].status", equalTo("CLOSED"))
                .body("items[0].flags", hasItem("RESET"))
                .body("items[0].readingCount", equalTo(4))
                .body("items[0].vessel", equalTo(YU_CONTAINER_MMSI))
                .body("items[0].matchOutcome", equalTo("MATCHED"))
                .body("items[0].callId", equalTo(CALL_YU_CONTAINER_OPEN))
                .body("items[0].start", equalTo(t0.plusSeconds(30).toString()));
        assertEquals(
                List.of(7L, 1_860L, 1_850L, 10L, 0L),
                row(
                        "select reading_count, metered_wh, session_wh, unallocated_wh, rejected_wh"
                                + " from shore_meter_state where meter_id = ?::uuid",
                        meter.id()));
        // the same session through the other filters
        as(ADMIN)
                .get("/api/v1/shorepower/sessions?callId=" + CALL_YU_CONTAINER_OPEN + "&vesselId=" + VESSEL_YU_CONTAINER
                        + "&portId=" + PORT_GUOYUAN + "&from=" + t0 + "&size=500")
                .then()
                .statusCode(200)
                .body("items.meterCode", hasItem(meter.code()));
        // another port's operator and another ship's crew see nothing of it; the ship's own crew sees it
        as(OPERATOR_CHAOTIANMEN)
                .get("/api/v1/shorepower/sessions?meterId=" + meter.id())
                .then()
                .statusCode(200)
                .body("total", equalTo(0));
        as(CREW_CHANGJIANG)
                .get("/api/v1/shorepower/sessions?meterId=" + meter.id())
                .then()
                .statusCode(200)
                .body("total", equalTo(0));
        as(CREW_YU_CONTAINER)
                .get("/api/v1/shorepower/sessions?meterId=" + meter.id())
                .then()
                .statusCode(200)
                .body("total", equalTo(1))
                .body("items[0].energyKwh", equalTo(1.850f))
                .body("items[0].callId", equalTo(CALL_YU_CONTAINER_OPEN));
        // but not the meter's other details
        as(CREW_YU_CONTAINER)
                .get("/api/v1/shorepower/meters/status?berthId=" + BERTH_GY_B01)
                .then()
                .statusCode(200)
                .body("total", equalTo(0));
    }

    @Test
    void everyKindOfBadMessageIsDeadLetteredWhileGoodOnesContinue() {
        TestMeter meter = aMeterAt(BERTH_GY_B01, "B01", 15);
        TestMeter other = aMeterAt(BERTH_GY_B01, "B01", 15);
        Instant t0 = Instant.now().minus(20, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        String topic = meter.readingTopic();
        int good = 0;
        publish(mqtt, topic, meter.reading(good, t0.plusSeconds(15L * good++), "10.000", false, null));
        publish(mqtt, topic, "{not json");
        publish(mqtt, topic, "{\"meter\":\"" + meter.code() + "\",\"seq\":1,\"energyKwh\":1.0}"); // no ts
        publish(mqtt, topic, meter.reading(good, t0.plusSeconds(15L * good++), "10.100", false, null));
        // S5: a payload naming another meter, and a meter publishing on another meter's topic
        publish(mqtt, topic, other.reading(9, t0.plusSeconds(5), "55.000", true, null));
        publish(mqtt, other.readingTopic(), meter.reading(9, t0.plusSeconds(6), "55.000", true, null));
        // a registered meter on a topic naming a berth it is not registered at
        publish(
                mqtt,
                "shorepower/v1/CQ-GY/B02/" + meter.code() + "/reading",
                meter.reading(9, t0.plusSeconds(7), "55.000", true, null));
        // an unknown meter
        publish(mqtt, "shorepower/v1/CQ-GY/B01/NO-SUCH-METER/reading", "{\"meter\":\"NO-SUCH-METER\"}");
        publish(mqtt, topic, meter.reading(99, Instant.now().plus(10, ChronoUnit.MINUTES), "11.000", false, null));
        publish(mqtt, topic, meter.reading(98, t0.plusSeconds(8), "-1.000", false, null));
        publish(
                mqtt,
                topic,
                meter.reading(97, t0.plusSeconds(9), "12.000", false, null)
                        .replace("\"voltageV\":400.1", "\"voltageV\":\"high\""));
        // finer than a Wh: read down to the Wh, as contract.md refuses only negative and non-numeric values (until
        // 2026-12-08 it was dead-lettered)
        publish(mqtt, topic, meter.reading(96, t0.plusSeconds(10), "10.0509", false, null));
        // a year the readings' table does not hold (PostgreSQL's text refused it; its binary copy would take it)
        publish(
                mqtt,
                topic,
                "{\"meter\":\"" + meter.code() + "\",\"seq\":94,\"ts\":\"0000-12-31T23:59:59Z\",\"energyKwh\":1}");
        // numbers valid in JSON but beyond what a reading holds (found by PayloadParserFuzzTest: the first escaped the
        // parser, so the message was never acknowledged; the second made the parser build a billion-digit number)
        publish(
                mqtt,
                topic,
                "{\"meter\":\"" + meter.code() + "\",\"seq\":1888e8888888888888,\"ts\":\"" + t0
                        + "\",\"energyKwh\":1}");
        publish(
                mqtt,
                topic,
                "{\"meter\":\"" + meter.code() + "\",\"seq\":95,\"ts\":\"" + t0 + "\",\"energyKwh\":1e999999999}");
        // an array: the bad element goes to the dead letters, the good ones are ingested
        publish(
                mqtt,
                topic,
                "[" + meter.reading(good, t0.plusSeconds(15L * good++), "10.200", false, null) + ",{\"meter\":\""
                        + meter.code() + "\",\"seq\":\"x\",\"ts\":\"" + t0 + "\",\"energyKwh\":1}]");
        publish(mqtt, topic, meter.reading(good, t0.plusSeconds(15L * good++), "10.300", false, null));
        int goodReadings = good + 1; // and the one finer than a Wh

        await(
                "good readings stored",
                WAIT,
                () -> count("select count(*) from meter_reading where meter_id = ?::uuid", meter.id()) == goodReadings);
        await(
                "13 dead letters",
                WAIT,
                () -> count(
                                "select count(*) from dead_letter where meter_code in (?, ?, 'NO-SUCH-METER')"
                                        + " and received_at > now() - interval '10 minutes'",
                                meter.code(),
                                other.code())
                        >= 13);
        assertEquals(0, count("select count(*) from meter_reading where meter_id = ?::uuid", other.id()));
        assertEquals(
                1,
                count(
                        "select count(*) from meter_reading where meter_id = ?::uuid and register_wh = 10050",
                        meter.id()));

        List<String> kinds = as(ADMIN)
                .get("/api/v1/shorepower/dead-letters?meterCode=" + meter.code() + "&size=100")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items.reason", String.class)
                .stream()
                .map(r -> r.substring(0, r.indexOf(':')))
                .sorted()
                .toList();
        assertEquals(
                List.of(
                        "future-timestamp",
                        "invalid-json",
                        "invalid-value",
                        "invalid-value",
                        "invalid-value",
                        "invalid-value",
                        "invalid-value",
                        "invalid-value",
                        "meter-mismatch",
                        "missing-field",
                        "unregistered-meter"),
                kinds);
        as(ADMIN)
                .get("/api/v1/shorepower/dead-letters?meterCode=" + other.code())
                .then()
                .body("items.reason", containsInAnyOrder(org.hamcrest.Matchers.startsWith("meter-mismatch")))
                .body("items[0].topic", equalTo(other.readingTopic()))
                .body("items[0].portId", equalTo(PORT_GUOYUAN))
                // the payload as published (rejected while parsed)
                .body("items[0].payload", equalTo(meter.reading(9, t0.plusSeconds(6), "55.000", true, null)));
        // rejected when its batch met the registry, after the message waited: its payload as published too
        as(ADMIN)
                .get("/api/v1/shorepower/dead-letters?meterCode=" + meter.code() + "&size=100")
                .then()
                .body(
                        "items.find { it.reason.startsWith('unregistered-meter') }.payload",
                        equalTo(meter.reading(9, t0.plusSeconds(7), "55.000", true, null)));
        // the port's operator sees them, another port's operator does not
        as(OPERATOR_GUOYUAN)
                .get("/api/v1/shorepower/dead-letters?meterCode=" + meter.code())
                .then()
                .body("total", equalTo(11));
        as(OPERATOR_CHAOTIANMEN)
                .get("/api/v1/shorepower/dead-letters?meterCode=" + meter.code())
                .then()
                .body("total", equalTo(0));
    }

    /**
     * A session matched to a departed call judges the call again: its shore-power verdict goes from VIOLATION (a 3 h
     * stay with no connection) to COMPLIANT, with the connected time, shortly after the readings were stored.
     */
    @Test
    void aSessionMatchedToADepartedCallMakesItsShorePowerVerdictCompliant() {
        TestMeter meter = aMeterAt(BERTH_GY_B01, "B01", 15);
        Instant arrival = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(433, ChronoUnit.DAYS);
        String callId = registerCall(
                OPERATOR_GUOYUAN, VESSEL_YU_CONTAINER, BERTH_GY_B01, arrival, arrival.plus(3, ChronoUnit.HOURS), 12);
        String shorePower = "verdicts.find { it.kind == 'SHORE_POWER' }.outcome";
        as(OPERATOR_GUOYUAN).get("/api/v1/compliance/calls/" + callId).then().body(shorePower, equalTo("VIOLATION"));

        // connected from 20 min after arrival to 20 min before departure, one reading a minute
        StringBuilder array = new StringBuilder("[");
        int n = 141;
        for (int i = 0; i < n; i++) {
            boolean closed = i > 0 && i < n - 1;
            array.append(i == 0 ? "" : ",")
                    .append(meter.reading(
                            i,
                            arrival.plus(20 + i, ChronoUnit.MINUTES),
                            java.math.BigDecimal.valueOf(5_000_000 + 400L * i, 3)
                                    .toPlainString(),
                            closed,
                            closed ? YU_CONTAINER_MMSI : null));
        }
        publish(mqtt, meter.readingTopic(), array.append(']').toString());

        await(
                "the call judged again",
                WAIT,
                () -> "COMPLIANT"
                        .equals(as(OPERATOR_GUOYUAN)
                                .get("/api/v1/compliance/calls/" + callId)
                                .then()
                                .extract()
                                .path(shorePower)));
        as(OPERATOR_GUOYUAN)
                .get("/api/v1/shorepower/sessions?meterId=" + meter.id())
                .then()
                .body("items[0].callId", equalTo(callId))
                .body("items[0].energyKwh", equalTo(56.0f));
    }

    /**
     * Two meters of one berth stored by different writers at the same time (a meter's messages always go to the same
     * writer): readings published interleaved, one per message, some twice; each session exact and both matched to
     * the one call at the berth, whose verdict both mark.
     */
    @Test
    void twoWritersStoreTheMetersOfOneBerthAtTheSameTime() {
        List<TestMeter> meters = new ArrayList<>();
        java.util.Set<Integer> writers = new java.util.HashSet<>();
        while (meters.size() < 2) {
            TestMeter m = aMeterAt(BERTH_GY_B01, "B01", 60);
            if (writers.add(MqttIngest.writerOf(PayloadParser.topic(m.readingTopic()), 2))) {
                meters.add(m);
            }
        }
        Instant arrival = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(441, ChronoUnit.DAYS);
        String callId = registerCall(
                OPERATOR_GUOYUAN, VESSEL_YU_CONTAINER, BERTH_GY_B01, arrival, arrival.plus(3, ChronoUnit.HOURS), 12);
        int n = 61;
        for (int i = 0; i < n; i++) {
            boolean closed = i > 0 && i < n - 1;
            for (TestMeter m : meters) {
                String reading = m.reading(
                        i,
                        arrival.plus(20 + i, ChronoUnit.MINUTES),
                        java.math.BigDecimal.valueOf(7_000_000 + 400L * i, 3).toPlainString(),
                        closed,
                        null);
                publish(mqtt, m.readingTopic(), reading);
                if (i % 10 == 3) {
                    publish(mqtt, m.readingTopic(), reading); // delivered twice
                }
            }
        }
        for (TestMeter m : meters) {
            await(
                    "both sessions closed",
                    WAIT,
                    () -> "CLOSED"
                            .equals(as(OPERATOR_GUOYUAN)
                                    .get("/api/v1/shorepower/sessions?meterId=" + m.id())
                                    .then()
                                    .extract()
                                    .path("items[0].status")));
            as(OPERATOR_GUOYUAN)
                    .get("/api/v1/shorepower/sessions?meterId=" + m.id())
                    .then()
                    .body("total", equalTo(1))
                    .body("items[0].callId", equalTo(callId))
                    .body("items[0].energyKwh", equalTo(24.0f));
        }
        assertEquals(
                java.util.Set.of("shoreloop-ingest-0", "shoreloop-ingest-1"),
                Thread.getAllStackTraces().keySet().stream()
                        .map(Thread::getName)
                        .filter(name -> name.startsWith("shoreloop-ingest-"))
                        .collect(java.util.stream.Collectors.toSet()));
    }

    /**
     * A session longer than the readings a meter's timeline keeps in memory (at most 64 by default: it forgets the
     * older ones up to a checkpoint of its state, keeping 32–48): still exact, with one late reading inside what it kept
     * and one long before it (which makes Shoreloop resume the meter from the store).
     */
    @Test
    void aSessionLongerThanTheKeptWindowStaysExactWithLateReadings() {
        TestMeter meter = aMeterAt(BERTH_GY_B01, "B01", 15);
        int n = 6_000;
        Instant t0 = Instant.now().minus(15L * n + 60, ChronoUnit.SECONDS).truncatedTo(ChronoUnit.SECONDS);
        List<String> late = new ArrayList<>();
        StringBuilder array = new StringBuilder();
        for (int i = 0; i < n; i++) {
            boolean closed = i > 0 && i < n - 1;
            String reading = meter.reading(
                    i,
                    t0.plusSeconds(15L * i),
                    java.math.BigDecimal.valueOf(100_000 + 10L * i, 3).toPlainString(),
                    closed,
                    null);
            if (i == 100 || i == n - 20) {
                late.add(reading);
                continue;
            }
            if (i == 50) {
                late.add(reading); // stored with its array, and delivered again at the end
            }
            array.append(array.length() == 0 ? "[" : ",").append(reading);
            if (i % 1_500 == 1_499 || i == n - 1) {
                publish(mqtt, meter.readingTopic(), array.append(']').toString());
                array.setLength(0);
            }
        }
        awaitReadingCount("the arrays stored", meter, n - 2);
        publish(mqtt, meter.readingTopic(), late.get(2)); // inside the kept window
        publish(mqtt, meter.readingTopic(), late.get(1)); // long before it
        awaitReadingCount("the late readings taken", meter, n);

        // a stored reading the kept window no longer holds, delivered again: the copy refuses it (and the batch's
        // transaction), the batch is stored again at once through the staging table, which absorbs it: no failed
        // batch, no dead letter
        double duplicatesBefore = duplicates.count();
        double failuresBefore =
                metrics.counter("shoreloop.ingest.batch.failures").count();
        publish(mqtt, meter.readingTopic(), late.get(0));
        await("the redelivery absorbed", WAIT, () -> duplicates.count() >= duplicatesBefore + 1);
        assertEquals(
                failuresBefore,
                metrics.counter("shoreloop.ingest.batch.failures").count());
        assertEquals(0, count("select count(*) from dead_letter where meter_code = ?", meter.code()));

        long wh = 10L * (n - 1);
        as(ADMIN)
                .get("/api/v1/shorepower/sessions?meterId=" + meter.id())
                .then()
                .body("total", equalTo(1))
                .body("items[0].status", equalTo("CLOSED"))
                .body("items[0].energyKwh", equalTo(wh / 1000f))
                .body("items[0].readingCount", equalTo(n - 2));
        assertEquals(
                List.of((long) n, wh, wh, 0L),
                row(
                        "select reading_count, metered_wh, session_wh, unallocated_wh from shore_meter_state"
                                + " where meter_id = ?::uuid",
                        meter.id()));
    }

    @Test
    void aBackfillArrayOfTenThousandReadingsIsStoredOnceEvenWhenDeliveredTwice() {
        TestMeter meter = aMeterAt(BERTH_GY_B01, "B01", 15);
        int n = 10_000;
        Instant t0 = Instant.now().minus(15L * n + 60, ChronoUnit.SECONDS).truncatedTo(ChronoUnit.SECONDS);
        StringBuilder array = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            boolean closed = i > 0 && i < n - 1;
            long wh = 100_000 + 10L * i;
            array.append(i == 0 ? "" : ",")
                    .append(meter.reading(
                            i,
                            t0.plusSeconds(15L * i),
                            java.math.BigDecimal.valueOf(wh, 3).toPlainString(),
                            closed,
                            null));
        }
        String payload = array.append(']').toString();
        publish(mqtt, meter.readingTopic(), payload);

        await(
                "the backfill stored and its session closed",
                WAIT,
                () -> count(
                                "select count(*) from shore_session where meter_id = ?::uuid and status = 'CLOSED'",
                                meter.id())
                        == 1);
        double duplicatesBefore = duplicates.count();
        publish(mqtt, meter.readingTopic(), payload); // the whole array again
        await("the second delivery absorbed", WAIT, () -> duplicates.count() >= duplicatesBefore + n);
        assertEquals(n, count("select count(*) from meter_reading where meter_id = ?::uuid", meter.id()));
        as(ADMIN)
                .get("/api/v1/shorepower/sessions?meterId=" + meter.id())
                .then()
                .body("total", equalTo(1))
                .body("items[0].energyKwh", equalTo(99.990f))
                .body("items[0].readingCount", equalTo(n - 2));
        assertEquals(
                List.of((long) n, 99_990L, 99_990L, 0L),
                row(
                        "select reading_count, metered_wh, session_wh, unallocated_wh from shore_meter_state"
                                + " where meter_id = ?::uuid",
                        meter.id()));
    }

    @Test
    void aLateReadingInsideAClosedSessionReDerivesIt() {
        TestMeter meter = aMeterAt(BERTH_GY_B01, "B01", 15);
        Instant t0 = Instant.now().minus(25, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        String[] kwh = {"5.000", "5.200", "5.400", "5.600", "5.700", "5.800"};
        boolean[] closed = {false, true, true, true, false, false};
        for (int i = 0; i < kwh.length; i++) {
            if (i != 2) {
                publish(mqtt, meter.readingTopic(), meter.reading(i, t0.plusSeconds(15L * i), kwh[i], closed[i], null));
            }
        }
        await(
                "five readings",
                WAIT,
                () -> count("select count(*) from meter_reading where meter_id = ?::uuid", meter.id()) == 5);
        publish(mqtt, meter.readingTopic(), meter.reading(2, t0.plusSeconds(30), kwh[2], closed[2], null));
        await(
                "the late reading counted in the session",
                WAIT,
                () -> count("select reading_count from shore_session where meter_id = ?::uuid", meter.id()) == 3);
        as(ADMIN)
                .get("/api/v1/shorepower/sessions?meterId=" + meter.id())
                .then()
                .body("total", equalTo(1))
                .body("items[0].energyKwh", equalTo(0.700f));
    }

    /** A call registered after its ship drew shore power still gets the session. */
    @Test
    void aSessionIsMatchedAgainWhenItsCallIsRegisteredLater() {
        String code = "B" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        String berthId = MqttTestSupport.aBerthAtGuoyuan(code, "Rematch test berth");
        TestMeter meter = aMeterAt(berthId, code, 15);
        Instant t0 = Instant.now().minus(60, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        String[] kwh = {"1.000", "2.000", "3.000", "3.500"};
        boolean[] closed = {false, true, true, false};
        for (int i = 0; i < kwh.length; i++) {
            publish(mqtt, meter.readingTopic(), meter.reading(i, t0.plusSeconds(15L * i), kwh[i], closed[i], null));
        }
        await(
                "an unmatched session",
                WAIT,
                () -> count(
                                "select count(*) from shore_session where meter_id = ?::uuid and status = 'CLOSED'"
                                        + " and match_outcome = 'UNMATCHED'",
                                meter.id())
                        == 1);
        String callId = registerCall(
                ADMIN,
                io.shoreloop.testing.DemoUsers.VESSEL_CHANGHUA,
                berthId,
                t0.minus(2, ChronoUnit.HOURS),
                t0.plus(50, ChronoUnit.MINUTES),
                6);

        await(
                "the session matched to the late call",
                WAIT,
                () -> count(
                                "select count(*) from shore_session where meter_id = ?::uuid and call_id = ?::uuid"
                                        + " and match_outcome = 'MATCHED'",
                                meter.id(),
                                callId)
                        == 1);
    }

    /** R4 in small: Shoreloop's subscriber goes away mid-stream and comes back; nothing lost, nothing doubled. */
    @Test
    void readingsPublishedWhileTheSubscriberIsAwayArriveOnceAfterItReconnects() {
        TestMeter meter = aMeterAt(BERTH_GY_B01, "B01", 15);
        int n = 300;
        Instant t0 = Instant.now().minus(15L * n + 60, ChronoUnit.SECONDS).truncatedTo(ChronoUnit.SECONDS);
        try {
            for (int i = 0; i < n; i++) {
                if (i == 100) {
                    ingest.stop(); // the persistent session keeps what arrives meanwhile
                }
                if (i == 200) {
                    ingest.start();
                }
                String kwh = java.math.BigDecimal.valueOf(50_000 + 100L * i, 3).toPlainString();
                publish(
                        mqtt,
                        meter.readingTopic(),
                        meter.reading(i, t0.plusSeconds(15L * i), kwh, i > 0 && i < n - 1, null));
            }
        } finally {
            ingest.start();
        }
        awaitReadingCount("all readings processed", meter, n);
        await(
                "the session closed",
                WAIT,
                () -> count(
                                "select count(*) from shore_session where meter_id = ?::uuid and status = 'CLOSED'",
                                meter.id())
                        == 1);
        assertEquals(n, count("select count(*) from meter_reading where meter_id = ?::uuid", meter.id()));
        assertEquals(
                List.of((long) n, 100L * (n - 1), 100L * (n - 1), 0L),
                row(
                        "select reading_count, metered_wh, session_wh, unallocated_wh from shore_meter_state"
                                + " where meter_id = ?::uuid",
                        meter.id()));
    }

    /**
     * A backlog larger than the bound of messages received and not yet stored (100 in the test profile) pauses reading
     * from the broker, which keeps the rest; reading resumes and every reading is stored once.
     */
    @Test
    void aBacklogBeyondThePendingBoundPausesReadingAndLosesNothing() {
        TestMeter meter = aMeterAt(BERTH_GY_B01, "B01", 15);
        int n = 7500;
        Instant t0 = Instant.now().minus(15L * n + 60, ChronoUnit.SECONDS).truncatedTo(ChronoUnit.SECONDS);
        double pausesBefore = metrics.counter("shoreloop.ingest.read.pauses").count();
        double duplicatesBefore = duplicates.count();
        io.micrometer.core.instrument.DistributionSummary batchMessages =
                metrics.get("shoreloop.ingest.batch.messages").summary();
        io.micrometer.core.instrument.DistributionSummary batchMeters =
                metrics.get("shoreloop.ingest.batch.meters").summary();
        long batchesBefore = batchMessages.count();
        double messagesBefore = batchMessages.totalAmount();
        double metersBefore = batchMeters.totalAmount();
        double acknowledgedBefore = metrics.counter("shoreloop.ingest.messages").count();
        java.util.function.IntFunction<String> reading = i -> meter.reading(
                i,
                t0.plusSeconds(15L * i),
                java.math.BigDecimal.valueOf(30_000 + 40L * i, 3).toPlainString(),
                true,
                null);
        ingest.stop(); // the broker keeps the backlog in the session and sends it at the reconnect
        try {
            // single readings, then a backfill array of 6,000 (more than the 5,000 readings of the bound by itself)
            for (int i = 0; i < 1000; i++) {
                publish(mqtt, meter.readingTopic(), reading.apply(i));
            }
            publish(
                    mqtt,
                    meter.readingTopic(),
                    java.util.stream.IntStream.range(1000, 7000)
                            .mapToObj(reading)
                            .collect(java.util.stream.Collectors.joining(",", "[", "]")));
            for (int i = 7000; i < n; i++) {
                publish(mqtt, meter.readingTopic(), reading.apply(i));
            }
        } finally {
            ingest.start();
        }
        awaitReadingCount("all readings stored", meter, n);
        assertTrue(
                metrics.counter("shoreloop.ingest.read.pauses").count() > pausesBefore,
                "reading from the broker was paused");
        await("reading again", WAIT, () -> !ingest.readingPaused());
        assertEquals(n, count("select count(*) from meter_reading where meter_id = ?::uuid", meter.id()));
        assertEquals(duplicatesBefore, duplicates.count(), "messages stored twice");
        assertEquals(
                List.of((long) n, 40L * (n - 1)),
                row("select reading_count, metered_wh from shore_meter_state where meter_id = ?::uuid", meter.id()));
        // the batch summaries: every message acknowledged was in a recorded batch, the backlog in several, each batch
        // of at least one meter (another test's late message may share one)
        long batches = batchMessages.count() - batchesBefore;
        double inBatches = batchMessages.totalAmount() - messagesBefore;
        assertEquals(metrics.counter("shoreloop.ingest.messages").count() - acknowledgedBefore, inBatches);
        assertTrue(inBatches >= 1000 + 1 + (n - 7000), "messages in batches: " + inBatches);
        assertTrue(batches > 1, "the backlog in more than one batch: " + batches);
        double meters = batchMeters.totalAmount() - metersBefore;
        assertTrue(meters >= batches && meters <= inBatches, "meters in batches: " + meters);
    }

    /**
     * Large payloads pause reading by their bytes (2 MiB in the test profile), not only by their count: twelve
     * readings padded with spaces to 512 KiB each (legal JSON; 12 messages and 12 readings, far under those bounds)
     * pause reading from the broker, and every reading is stored once.
     */
    @Test
    void largePayloadsPauseReadingByTheirBytes() {
        TestMeter meter = aMeterAt(BERTH_GY_B01, "B01", 15);
        int n = 12;
        Instant t0 = Instant.now().minus(15L * n + 60, ChronoUnit.SECONDS).truncatedTo(ChronoUnit.SECONDS);
        double pausesBefore = metrics.counter("shoreloop.ingest.read.pauses").count();
        ingest.stop(); // the broker keeps the backlog in the session and sends it at the reconnect
        // the meter's writer held up (its state row locked from another transaction) until reading has paused: how
        // many large messages wait at once no longer depends on how fast the writer stores them
        try (Connection hold = db.getConnection()) {
            hold.setAutoCommit(false);
            try (PreparedStatement ps =
                    hold.prepareStatement("select 1 from shore_meter_state where meter_id = ?::uuid for update")) {
                ps.setString(1, meter.id());
                ps.executeQuery().close();
            }
            try {
                for (int i = 0; i < n; i++) {
                    String reading = meter.reading(i, t0.plusSeconds(15L * i), (100 + i) + ".000", true, null);
                    publish(mqtt, meter.readingTopic(), reading + " ".repeat(512 * 1024 - reading.length()));
                }
            } finally {
                ingest.start();
            }
            await(
                    "reading from the broker paused by the payloads' bytes",
                    WAIT,
                    () -> metrics.counter("shoreloop.ingest.read.pauses").count() > pausesBefore);
            hold.rollback();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        awaitReadingCount("all readings stored", meter, n);
        await("reading again", WAIT, () -> !ingest.readingPaused());
        assertEquals(
                List.of((long) n, 1000L * (n - 1)),
                row("select reading_count, metered_wh from shore_meter_state where meter_id = ?::uuid", meter.id()));
        assertEquals(0, count("select count(*) from dead_letter where meter_code = ?", meter.code()));
    }

    /**
     * The acknowledgements of stored messages reach the broker (they leave in consolidated writes): after a reconnect
     * of the persistent session, the broker sends none of them again. A reading published after the reconnect is
     * stored after anything the broker resent for the meter (one writer per meter, in order of arrival).
     */
    @Test
    void storedMessagesAreAcknowledgedToTheBroker() {
        TestMeter meter = aMeterAt(BERTH_GY_B01, "B01", 15);
        int n = 200;
        Instant t0 = Instant.now().minus(15L * n + 60, ChronoUnit.SECONDS).truncatedTo(ChronoUnit.SECONDS);
        for (int i = 0; i < n; i++) {
            String kwh = java.math.BigDecimal.valueOf(10_000 + 50L * i, 3).toPlainString();
            publish(mqtt, meter.readingTopic(), meter.reading(i, t0.plusSeconds(15L * i), kwh, true, null));
        }
        awaitReadingCount("all readings stored", meter, n);
        double duplicatesBefore = duplicates.count();
        ingest.stop();
        ingest.start();
        await("subscribed again", WAIT, ingest::subscribed);
        publish(mqtt, meter.readingTopic(), meter.reading(n, t0.plusSeconds(15L * n), "20.000", true, null));
        awaitReadingCount("the reading after the reconnect stored", meter, n + 1);
        assertEquals(duplicatesBefore, duplicates.count(), "messages the broker sent again");
        assertEquals(n + 1, count("select count(*) from meter_reading where meter_id = ?::uuid", meter.id()));
    }

    /**
     * A meter's state row comes with its registration (the batch only locks it); a batch for a meter whose row is
     * missing (deleted here by hand) creates it and stores the readings all the same.
     */
    @Test
    void aMeterHasItsStateRowFromRegistrationAndABatchRecreatesAMissingOne() throws SQLException {
        TestMeter meter = aMeterAt(BERTH_GY_B01, "B01", 15);
        assertEquals(
                List.of(0L, 0L),
                row("select reading_count, version from shore_meter_state where meter_id = ?::uuid", meter.id()));
        assertEquals(null, online(meter), "a meter never heard of is neither online nor offline");

        TestMeter orphan = aMeterAt(BERTH_GY_B01, "B01", 15);
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("delete from shore_meter_state where meter_id = ?")) {
            ps.setObject(1, UUID.fromString(orphan.id()));
            assertEquals(1, ps.executeUpdate());
        }
        Instant t0 = Instant.now().minusSeconds(120).truncatedTo(ChronoUnit.SECONDS);
        for (TestMeter m : List.of(meter, orphan)) { // in one batch, most likely: one row there, one missing
            publish(mqtt, m.readingTopic(), m.reading(0, t0, "5.000", true, null));
            publish(mqtt, m.readingTopic(), m.reading(1, t0.plusSeconds(15), "5.250", true, null));
        }
        awaitReadingCount("both readings of the meter stored", meter, 2);
        awaitReadingCount("both readings of the meter without a state row stored", orphan, 2);
        for (TestMeter m : List.of(meter, orphan)) {
            assertEquals(
                    List.of(2L, 250L),
                    row("select reading_count, metered_wh from shore_meter_state where meter_id = ?::uuid", m.id()));
            assertEquals(Boolean.TRUE, online(m));
            // the last reading's time; received just now, online since the first batch that brought a reading
            assertEquals(
                    List.of(t0.plusSeconds(15).getEpochSecond(), 1L, 1L),
                    row(
                            "select extract(epoch from last_reading_at)::bigint,"
                                    + " (last_received_at between now() - interval '5 minutes' and now())::int,"
                                    + " (online_since between now() - interval '5 minutes' and last_received_at)::int"
                                    + " from shore_meter_state where meter_id = ?::uuid",
                            m.id()));
        }
    }

    @Inject
    io.shoreloop.shorepower.Listening listening;

    @Test
    void theStatusTopicAndSilenceDecideWhetherAMeterIsOnline() {
        TestMeter meter = aMeterAt(BERTH_GY_B01, "B01", 1);
        publish(mqtt, meter.statusTopic(), "{\"online\":true,\"ts\":\"" + Instant.now() + "\"}", true);
        await("online from the status topic", WAIT, () -> Boolean.TRUE.equals(online(meter)));
        publish(mqtt, meter.statusTopic(), "{\"online\":false}", true); // the last will
        await("offline from the last will", WAIT, () -> Boolean.FALSE.equals(online(meter)));

        publish(mqtt, meter.readingTopic(), meter.reading(0, Instant.now(), "1.000", false, null));
        await("online again from a reading", WAIT, () -> Boolean.TRUE.equals(online(meter)));
        // the meter reports every second: after more than 3 s of silence it is offline
        await("offline after silence", WAIT, () -> Boolean.FALSE.equals(online(meter)));
        // offline from the moment the silence passed 3 s, not from when the check ran (up to a second later here)
        assertEquals(
                List.of(1L, 1L),
                row(
                        "select (st.online_since = st.last_received_at + interval '3 seconds')::int,"
                                + " (select count(*) from meter_status h where h.meter_id = st.meter_id"
                                + "   and h.source = 'SILENCE' and h.at = st.online_since)"
                                + " from shore_meter_state st where st.meter_id = ?::uuid",
                        meter.id()));

        List<String> sources = as(OPERATOR_GUOYUAN)
                .get("/api/v1/shorepower/meters/" + meter.id() + "/status")
                .then()
                .statusCode(200)
                .body("online", equalTo(false))
                .extract()
                .jsonPath()
                .getList("history.source", String.class);
        assertEquals(List.of("SILENCE", "READING", "STATUS_TOPIC", "STATUS_TOPIC"), sources);
        as(OPERATOR_CHAOTIANMEN)
                .get("/api/v1/shorepower/meters/" + meter.id() + "/status")
                .then()
                .statusCode(404);
        as(OPERATOR_GUOYUAN)
                .get("/api/v1/shorepower/meters/status?berthId=" + BERTH_GY_B01 + "&size=500")
                .then()
                .statusCode(200)
                .body("items.meterCode", hasItem(meter.code()));

        // online again from a status message, with no reading since: silent 3 s after that status, not after the last
        // reading (the silence was dated from the last reading, before the status it overturned, and liveness went
        // back in time)
        Instant back = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        publish(mqtt, meter.statusTopic(), "{\"online\":true,\"ts\":\"" + back + "\"}");
        await("online from the status", WAIT, () -> Boolean.TRUE.equals(online(meter)));
        await("offline after silence again", WAIT, () -> Boolean.FALSE.equals(online(meter)));
        assertOfflineSince(meter, back, 3);

        // a meter with no reading to send (reporting every 3 s) that repeats "online" every second stays online: a
        // status that changes nothing is evidence too (it was not, and the meter went offline for silence 9 s after it
        // came online)
        TestMeter beating = aMeterAt(BERTH_GY_B01, "B01", 3);
        Instant again = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        publish(mqtt, beating.statusTopic(), "{\"online\":true,\"ts\":\"" + again + "\"}");
        await("online from the status once more", WAIT, () -> Boolean.TRUE.equals(online(beating)));
        Instant last = again;
        for (int i = 0; i < 12; i++) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            last = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            publish(mqtt, beating.statusTopic(), "{\"online\":true,\"ts\":\"" + last + "\"}");
            assertEquals(Boolean.TRUE, online(beating), "online while it says so, " + (i + 1) + " s after");
        }
        Instant lastSaid = last;
        assertEquals(
                0,
                count(
                        "select count(*) from meter_status where meter_id = ?::uuid and source = 'SILENCE'"
                                + " and at > ?::timestamptz",
                        beating.id(),
                        again.toString()),
                "never taken offline for silence while it said it was online");
        await(
                "the last status kept",
                WAIT,
                () -> count(
                                "select count(*) from shore_meter_state where meter_id = ?::uuid"
                                        + " and last_status_at = ?::timestamptz",
                                beating.id(),
                                lastSaid.toString())
                        == 1);
        as(OPERATOR_GUOYUAN)
                .get("/api/v1/shorepower/meters/" + beating.id() + "/status")
                .then()
                .statusCode(200)
                .body("online", equalTo(true))
                .body("lastStatusAt", equalTo(lastSaid.toString()));
        // then silent: offline 9 s after its last status
        await("offline after the statuses stopped", WAIT, () -> Boolean.FALSE.equals(online(beating)));
        assertOfflineSince(beating, lastSaid, 9);
    }

    /** The meter offline since {@code seconds} after {@code evidence}, its latest evidence of liveness. */
    private void assertOfflineSince(TestMeter meter, Instant evidence, int seconds) {
        assertEquals(
                List.of(1L),
                row(
                        "select (online_since = ?::timestamptz + make_interval(secs => ?::int))::int"
                                + " from shore_meter_state where meter_id = ?::uuid",
                        evidence.toString(),
                        String.valueOf(seconds),
                        meter.id()));
    }

    private Boolean online(TestMeter meter) {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("select online from shore_meter_state where meter_id = ?")) {
            ps.setObject(1, UUID.fromString(meter.id()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? (Boolean) rs.getObject(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the meter's state counts {@code n} readings (the writer updates it with the readings it stores). */
    private void awaitReadingCount(String what, TestMeter meter, long n) {
        await(
                what,
                WAIT,
                () -> count("select reading_count from shore_meter_state where meter_id = ?::uuid", meter.id()) == n);
    }

    /**
     * Another connection with this instance's client id (a second instance configured with the same id) takes the
     * broker session over: Shoreloop counts and logs it, takes the session back by reconnecting, and goes on storing.
     */
    @Test
    void aSecondConnectionWithThisInstancesClientIdIsToldAndIngestionGoesOn() {
        Counter takenOver = metrics.counter("shoreloop.ingest.sessions.taken.over");
        double before = takenOver.count();
        var config = ConfigProvider.getConfig();
        Mqtt5BlockingClient intruder = MqttClient.builder()
                .useMqttVersion5()
                .identifier(config.getValue("shoreloop.mqtt.client-id", String.class))
                .serverHost(config.getValue("shoreloop.mqtt.host", String.class))
                .serverPort(config.getValue("shoreloop.mqtt.port", Integer.class))
                .buildBlocking();
        intruder.connectWith()
                .cleanStart(false)
                .sessionExpiryInterval(Duration.ofDays(7).toSeconds())
                .send();
        try {
            await("the takeover is counted", WAIT, () -> takenOver.count() > before);
        } finally {
            try {
                intruder.disconnect();
            } catch (RuntimeException alreadyTakenBack) {
                // Shoreloop reconnected first and took the session back
            }
        }

        TestMeter meter = aMeterAt(BERTH_GY_B01, "B01", 15);
        Instant t0 = Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        publish(mqtt, meter.readingTopic(), meter.reading(0, t0, "10.000", false, null));
        await(
                "a reading published after the takeover is stored",
                WAIT,
                () -> count("select count(*) from meter_reading where meter_id = ?::uuid", meter.id()) == 1);
    }

    /**
     * A message the store fails on unexpectedly (a fault of Shoreloop's own, injected here by an observer of matched
     * sessions) goes to the dead letters with its payload as it came, and the message published beside it is stored.
     * The failed message is acknowledged (the broker does not send it again after a reconnect), its readings are not
     * stored, and once the fault is mended the dead letter's replay stores them (the dead letter of its bad element,
     * made the first time, is not made again); the same payload published again brings only duplicates.
     */
    @Test
    void aMessageTheStoreFailsOnUnexpectedlyIsDeadLetteredWithItsPayloadAndTheStreamGoesOn() {
        TestMeter meter = aMeterAt(BERTH_GY_B01, "B01", 15);
        TestMeter idle = aMeterAt(BERTH_GY_B01, "B01", 15);
        Counter failed = metrics.counter("shoreloop.ingest.dead.letters", "reason", "store-failed");
        Counter invalid = metrics.counter("shoreloop.ingest.dead.letters", "reason", "invalid-value");
        double failedBefore = failed.count();
        double invalidBefore = invalid.count();
        Instant t0 = Instant.now().minus(20, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        // three good readings and a bad element (a dead letter of its own)
        String array = "[" + meter.reading(0, t0, "10.000", true, null) + ","
                + meter.reading(1, t0.plusSeconds(15), "10.250", true, null) + ","
                + meter.reading(2, t0.plusSeconds(30), "10.500", true, null) + ",{\"meter\":\"" + meter.code()
                + "\",\"seq\":\"x\",\"ts\":\"" + t0 + "\",\"energyKwh\":1}]";
        FailingOnMatchedSessions.failFor = UUID.fromString(CALL_YU_CONTAINER_OPEN);
        try {
            publish(mqtt, meter.readingTopic(), array);
            // no session (breaker open): not matched, so stored while the fault is on
            publish(mqtt, idle.readingTopic(), idle.reading(0, t0, "3.000", false, null));
            await(
                    "the failed message dead-lettered, and its bad element",
                    WAIT,
                    () -> count("select count(*) from dead_letter where meter_code = ?", meter.code()) == 2);
            awaitReadingCount("the reading beside it stored", idle, 1);
        } finally {
            FailingOnMatchedSessions.failFor = null;
        }
        assertEquals(0, count("select count(*) from meter_reading where meter_id = ?::uuid", meter.id()));
        assertEquals(failedBefore + 1, failed.count());
        // the bad element counted once, although the batch was split and the message's part made again
        assertEquals(invalidBefore + 1, invalid.count());
        var letter = as(ADMIN)
                .get("/api/v1/shorepower/dead-letters?meterCode=" + meter.code())
                .then()
                .statusCode(200)
                .body("total", equalTo(2))
                .body(
                        "items.reason.collect { it.substring(0, it.indexOf(':')) }.sort()",
                        org.hamcrest.Matchers.contains("invalid-value", "store-failed"))
                .extract()
                .jsonPath();
        int i = letter.getString("items[0].reason").startsWith("store-failed") ? 0 : 1;
        assertEquals(meter.readingTopic(), letter.getString("items[" + i + "].topic"));
        assertTrue(letter.getString("items[" + i + "].reason").contains("injected fault"));
        assertEquals(false, letter.getBoolean("items[" + i + "].payloadTruncated"));
        assertEquals(array, letter.getString("items[" + i + "].payload"), "the payload as it came");

        // acknowledged: not sent again at a reconnection; replayed once the fault is gone (its bad element's dead
        // letter is not made twice); the same payload published again brings duplicates only
        ingest.stop();
        ingest.start();
        await("subscribed again", WAIT, ingest::subscribed);
        as(OPERATOR_GUOYUAN)
                .post("/api/v1/shorepower/dead-letters/" + letter.getLong("items[" + i + "].id") + "/replay")
                .then()
                .statusCode(200)
                .body("replayOutcome", equalTo("stored 3, duplicates 0"));
        double duplicatesBefore = duplicates.count();
        publish(mqtt, meter.readingTopic(), array);
        await("the payload published again: duplicates", WAIT, () -> duplicates.count() >= duplicatesBefore + 3);
        assertEquals(3, count("select count(*) from meter_reading where meter_id = ?::uuid", meter.id()));
        assertEquals(
                3,
                count("select count(*) from dead_letter where meter_code = ?", meter.code()),
                "the bad element once more for the publication, nothing for the replay nor sent again");
        as(ADMIN)
                .get("/api/v1/shorepower/sessions?meterId=" + meter.id())
                .then()
                .body("total", equalTo(1))
                .body("items[0].energyKwh", equalTo(0.500f))
                .body("items[0].callId", equalTo(CALL_YU_CONTAINER_OPEN));
    }

    /**
     * A message the database refuses for good (here a trigger raising an error for one meter's readings, SQLState
     * P0001, as a constraint would) is split out of its batch into a dead letter with its payload; the messages published
     * around it, in its batch or not, are stored.
     */
    @Test
    void aMessageTheDatabaseRefusesIsDeadLetteredAndTheMessagesAroundItAreStored() throws SQLException {
        TestMeter refused = aMeterAt(BERTH_GY_B01, "B01", 15);
        TestMeter meter = aMeterAt(BERTH_GY_B01, "B01", 15);
        String function = "refuse_" + refused.code().replace('-', '_').toLowerCase();
        try (Connection c = db.getConnection();
                var st = c.createStatement()) {
            st.execute("create function " + function + "() returns trigger language plpgsql as $$ begin"
                    + " if new.meter_id = '" + refused.id() + "' then raise exception 'refused for the test'; end if;"
                    + " return new; end $$");
            st.execute("create trigger " + function + " before insert on meter_reading for each row execute function "
                    + function + "()");
        }
        try {
            Instant t0 = Instant.now().minus(20, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
            String bad = refused.reading(0, t0, "1.000", false, null);
            for (int i = 0; i < 5; i++) {
                publish(mqtt, meter.readingTopic(), meter.reading(i, t0.plusSeconds(15L * i), "2.00" + i, false, null));
                if (i == 2) {
                    publish(mqtt, refused.readingTopic(), bad);
                }
            }
            awaitReadingCount("the other messages stored", meter, 5);
            await(
                    "the refused message dead-lettered",
                    WAIT,
                    () -> count("select count(*) from dead_letter where meter_code = ?", refused.code()) == 1);
            as(ADMIN)
                    .get("/api/v1/shorepower/dead-letters?meterCode=" + refused.code())
                    .then()
                    .body("items[0].reason", org.hamcrest.Matchers.startsWith("store-refused: SQLState P0001"))
                    .body("items[0].payload", equalTo(bad))
                    .body("items[0].topic", equalTo(refused.readingTopic()));
            assertEquals(0, count("select count(*) from meter_reading where meter_id = ?::uuid", refused.id()));
        } finally {
            try (Connection c = db.getConnection();
                    var st = c.createStatement()) {
                st.execute("drop trigger " + function + " on meter_reading");
                st.execute("drop function " + function + "()");
            }
        }
    }

    /**
     * A meter deactivated over the API is refused from its next message on (`unregistered-meter`), not after the
     * minute its registration stays cached: the change drops the cache when it commits.
     */
    @Test
    void aDeactivatedMetersNextMessageIsADeadLetter() {
        TestMeter meter = aMeterAt(BERTH_GY_B01, "B01", 15);
        Instant t0 = Instant.now().minus(20, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        publish(mqtt, meter.readingTopic(), meter.reading(0, t0, "1.000", false, null));
        awaitReadingCount("the first reading stored (the registration cached)", meter, 1);
        as(ADMIN)
                .header("If-Match", meterEtag(meter))
                .post("/api/v1/meters/" + meter.id() + "/deactivate")
                .then()
                .statusCode(200)
                .body("active", equalTo(false));
        publish(mqtt, meter.readingTopic(), meter.reading(1, t0.plusSeconds(15), "1.250", false, null));
        await(
                "the next message dead-lettered",
                WAIT,
                () -> count(
                                "select count(*) from dead_letter where meter_code = ? and reason like 'unregistered-meter%'",
                                meter.code())
                        == 1);
        assertEquals(1, count("select count(*) from meter_reading where meter_id = ?::uuid", meter.id()));
    }

    /**
     * A session's candidate calls are for the berth's operator: the crew whose call the session matched sees only
     * that call among them, not the other vessel's call that was a candidate too.
     */
    @Test
    void aCrewSeesOnlyItsOwnCallAmongASessionsCandidates() throws SQLException {
        TestMeter meter = aMeterAt(BERTH_GY_B01, "B01", 15);
        String otherVesselsCall = io.shoreloop.testing.DemoUsers.CALL_CHANGHUA;
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement("insert into shore_session (meter_id, start_ts, end_ts,"
                        + " metered_from, status, energy_wh, rejected_wh, reading_count, berth_id, port_id, call_id,"
                        + " match_outcome, match_candidates) values (?::uuid, now() - interval '400 days',"
                        + " now() - interval '399 days', now() - interval '400 days', 'CLOSED', 1000, 0, 2, ?::uuid,"
                        + " ?::uuid, ?::uuid, 'MATCHED', array[?::uuid, ?::uuid])")) {
            ps.setString(1, meter.id());
            ps.setString(2, BERTH_GY_B01);
            ps.setString(3, PORT_GUOYUAN);
            ps.setString(4, CALL_YU_CONTAINER_OPEN);
            ps.setString(5, otherVesselsCall);
            ps.setString(6, CALL_YU_CONTAINER_OPEN);
            ps.executeUpdate();
        }
        try {
            as(OPERATOR_GUOYUAN)
                    .get("/api/v1/shorepower/sessions?meterId=" + meter.id())
                    .then()
                    .statusCode(200)
                    .body("items[0].candidateCallIds", containsInAnyOrder(otherVesselsCall, CALL_YU_CONTAINER_OPEN));
            as(CREW_YU_CONTAINER)
                    .get("/api/v1/shorepower/sessions?meterId=" + meter.id())
                    .then()
                    .statusCode(200)
                    .body("total", equalTo(1))
                    .body("items[0].callId", equalTo(CALL_YU_CONTAINER_OPEN))
                    .body("items[0].candidateCallIds", equalTo(List.of(CALL_YU_CONTAINER_OPEN)));
        } finally {
            // the row stands for a session no reading made: no other test may meet it
            try (Connection c = db.getConnection();
                    PreparedStatement ps = c.prepareStatement("delete from shore_session where meter_id = ?::uuid")) {
                ps.setString(1, meter.id());
                ps.executeUpdate();
            }
        }
    }

    /**
     * A meter's berth and register stay once it has readings (its sessions are derived again with the registration as
     * it stands, so a move would carry its history to the new berth): the change is 409 `meter-has-readings`, the
     * meter and its readings unchanged; a meter without readings moves freely, and a rename is allowed either way.
     */
    @Test
    void aMeterWithReadingsKeepsItsBerthAndRegister() {
        String berthB02 = "00000000-0000-0000-0004-000000000002";
        TestMeter unused = aMeterAt(BERTH_GY_B01, "B01", 15);
        meterUpdate(unused, Map.of("code", unused.code(), "berthId", berthB02, "reportingIntervalS", 15))
                .then()
                .statusCode(200)
                .body("berthId", equalTo(berthB02));

        TestMeter meter = aMeterAt(BERTH_GY_B01, "B01", 15);
        Instant t0 = Instant.now().minus(20, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        publish(mqtt, meter.readingTopic(), meter.reading(0, t0, "1.000", false, null));
        awaitReadingCount("the first reading stored", meter, 1);
        meterUpdate(meter, Map.of("code", meter.code(), "berthId", berthB02, "reportingIntervalS", 15))
                .then()
                .statusCode(409)
                .body("type", equalTo("urn:shoreloop:problem:meter-has-readings"))
                .body("field", equalTo("berthId"));
        meterUpdate(
                        meter,
                        Map.of(
                                "code",
                                meter.code(),
                                "berthId",
                                BERTH_GY_B01,
                                "registerModulusKwh",
                                100000,
                                "reportingIntervalS",
                                15))
                .then()
                .statusCode(409)
                .body("type", equalTo("urn:shoreloop:problem:meter-has-readings"))
                .body("field", equalTo("registerModulusKwh"));
        as(ADMIN)
                .get("/api/v1/meters/" + meter.id())
                .then()
                .statusCode(200)
                .body("berthId", equalTo(BERTH_GY_B01))
                .body("version", equalTo(0));
        assertEquals(
                1,
                count(
                        "select count(*) from meter where id = ?::uuid and register_modulus_kwh = 100000000",
                        meter.id()));
        // the interval is the device's setting, not its history's reading: it may change
        meterUpdate(meter, Map.of("code", meter.code(), "berthId", BERTH_GY_B01, "reportingIntervalS", 30))
                .then()
                .statusCode(200)
                .body("reportingIntervalS", equalTo(30));
        assertEquals(1, count("select count(*) from meter_reading where meter_id = ?::uuid", meter.id()));
    }

    private static io.restassured.response.Response meterUpdate(TestMeter meter, Map<String, Object> body) {
        return as(ADMIN).header("If-Match", meterEtag(meter)).body(body).put("/api/v1/meters/" + meter.id());
    }

    private static String meterEtag(TestMeter meter) {
        return as(ADMIN)
                .get("/api/v1/meters/" + meter.id())
                .then()
                .statusCode(200)
                .extract()
                .header("ETag");
    }

    /**
     * A payload larger than max-payload-bytes (8 MiB) is a dead letter holding its first 64 KiB, never decoded whole;
     * a reading further back than max-reading-age (30 days: a meter whose clock fell back) is a dead letter too,
     * instead of having the meter's whole history read again; the stream goes on after both.
     */
    @Test
    void anOversizedPayloadAndAReadingFromLongAgoAreDeadLettersAndTheStreamGoesOn() {
        TestMeter meter = aMeterAt(BERTH_GY_B01, "B01", 15);
        Instant t0 = Instant.now().minus(20, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        java.util.concurrent.atomic.AtomicInteger acknowledged = new java.util.concurrent.atomic.AtomicInteger();
        byte[] huge = new byte[8 * 1024 * 1024 + 1];
        java.util.Arrays.fill(huge, (byte) 0);
        ingest.receive(meter.readingTopic(), huge, acknowledged::incrementAndGet);
        publish(
                mqtt,
                meter.readingTopic(),
                meter.reading(0, Instant.parse("2000-01-01T00:00:00Z"), "1.000", false, null));
        publish(mqtt, meter.readingTopic(), meter.reading(1, t0, "2.000", false, null));
        awaitReadingCount("the reading after them stored", meter, 1);
        await(
                "both dead-lettered",
                WAIT,
                () -> count("select count(*) from dead_letter where meter_code = ?", meter.code()) == 2);
        assertEquals(1, acknowledged.get(), "the oversized message acknowledged");
        var letters = as(ADMIN)
                .get("/api/v1/shorepower/dead-letters?meterCode=" + meter.code())
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        List<String> reasons = letters.getList("items.reason");
        assertTrue(
                reasons.stream().anyMatch(r -> r.startsWith("payload-too-large: payload of 8388609 bytes")),
                reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.startsWith("stale-timestamp: ")), reasons.toString());
        int big = reasons.get(0).startsWith("payload-too-large") ? 0 : 1;
        assertEquals(true, letters.getBoolean("items[" + big + "].payloadTruncated"));
        assertTrue(
                letters.getString("items[" + big + "].payload").getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                        <= 64 * 1024);
    }

    /**
     * A register at or above the meter's modulus (100,000,000 kWh by default) cannot be a reading of it: a dead letter
     * (a few 16-digit registers, which the payload's format allows, would have overflowed the meter's energy sums); the
     * value just below the modulus is a reading.
     */
    @Test
    void aRegisterNotBelowTheModulusIsADeadLetter() {
        TestMeter meter = aMeterAt(BERTH_GY_B01, "B01", 15);
        Instant t0 = Instant.now().minus(20, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        publish(mqtt, meter.readingTopic(), meter.reading(0, t0, "9000000000000000", false, null));
        publish(mqtt, meter.readingTopic(), meter.reading(1, t0.plusSeconds(15), "100000000.000", false, null));
        publish(mqtt, meter.readingTopic(), meter.reading(2, t0.plusSeconds(30), "99999999.999", false, null));
        awaitReadingCount("the reading below the modulus stored", meter, 1);
        await(
                "both others dead-lettered",
                WAIT,
                () -> count(
                                "select count(*) from dead_letter where meter_code = ? and reason like 'invalid-value%modulus%'",
                                meter.code())
                        == 2);
    }

    /**
     * A good backfill array of more than 64 KiB the store fails on (a fault of Shoreloop's, injected) is dead-lettered
     * whole, not cut at the 64 KiB a bad message's letter keeps, so that its replay stores every reading once the fault
     * is mended (a cut letter could not be replayed: the readings were acknowledged and lost).
     */
    @Test
    void aLargeArrayTheStoreFailsOnIsKeptWholeAndReplayed() {
        TestMeter meter = aMeterAt(BERTH_GY_B01, "B01", 15);
        // 2 h 30 min of readings ending 10 min ago: inside the demo's open call (it arrived at least 3 h ago), so that
        // the session is matched to it and the injected fault strikes
        Instant t0 = Instant.now().minus(160, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        StringBuilder array = new StringBuilder("[");
        int n = 600;
        for (int i = 0; i < n; i++) {
            array.append(i == 0 ? "" : ",")
                    .append(meter.reading(
                            i,
                            t0.plusSeconds(15L * i),
                            String.format("%d.%03d", 100 + i / 4, (i % 4) * 250),
                            true,
                            null));
        }
        String payload = array.append(']').toString();
        assertTrue(payload.length() > 64 * 1024, "more than 64 KiB: " + payload.length());
        FailingOnMatchedSessions.failFor = UUID.fromString(CALL_YU_CONTAINER_OPEN);
        try {
            publish(mqtt, meter.readingTopic(), payload);
            await(
                    "the array dead-lettered",
                    WAIT,
                    () -> count("select count(*) from dead_letter where meter_code = ?", meter.code()) == 1);
        } finally {
            FailingOnMatchedSessions.failFor = null;
        }
        var letter = as(ADMIN)
                .get("/api/v1/shorepower/dead-letters?meterCode=" + meter.code())
                .then()
                .body("items[0].payloadTruncated", equalTo(false))
                .extract()
                .jsonPath();
        assertEquals(payload, letter.getString("items[0].payload"));
        as(OPERATOR_GUOYUAN)
                .post("/api/v1/shorepower/dead-letters/" + letter.getLong("items[0].id") + "/replay")
                .then()
                .statusCode(200)
                .body("replayOutcome", equalTo("stored " + n + ", duplicates 0"));
        assertEquals(n, count("select count(*) from meter_reading where meter_id = ?::uuid", meter.id()));
    }

    /**
     * A payload naming a meter with a NUL character (legal in JSON, refused by PostgreSQL in text) is a dead letter
     * like any other meter mismatch, its reason quoting the name escaped; and the stream goes on. Before, the letter's
     * reason held the NUL as it came, the database refused the letter for good, and its writer retried it for ever:
     * nothing its meters published was stored again.
     */
    @Test
    void aMeterNamedWithANulCharacterIsDeadLetteredAndTheStreamGoesOn() {
        TestMeter meter = aMeterAt(BERTH_GY_B01, "B01", 15);
        Instant t0 = Instant.now().minus(20, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
        String nul = "{\"meter\":\"" + meter.code() + "\\u0000x\",\"seq\":0,\"ts\":\"" + t0 + "\",\"energyKwh\":1.5}";
        String longName = "{\"meter\":\"" + "M".repeat(5_000) + "\",\"seq\":0,\"ts\":\"" + t0 + "\",\"energyKwh\":1.5}";
        publish(mqtt, meter.readingTopic(), nul);
        publish(mqtt, meter.readingTopic(), longName);
        for (int i = 0; i < 3; i++) {
            publish(mqtt, meter.readingTopic(), meter.reading(i, t0.plusSeconds(15L * i), "2.00" + i, false, null));
        }
        awaitReadingCount("the readings after them stored", meter, 3);
        await(
                "both dead-lettered",
                WAIT,
                () -> count("select count(*) from dead_letter where meter_code = ?", meter.code()) == 2);
        var letters = as(ADMIN)
                .get("/api/v1/shorepower/dead-letters?meterCode=" + meter.code())
                .then()
                .statusCode(200)
                .body(
                        "items.reason",
                        org.hamcrest.Matchers.everyItem(org.hamcrest.Matchers.startsWith("meter-mismatch")))
                .extract()
                .jsonPath();
        List<String> reasons = letters.getList("items.reason");
        assertTrue(
                reasons.stream().anyMatch(r -> r.contains("'" + meter.code() + "\\u0000x'")),
                "the NUL quoted as its escape: " + reasons);
        assertTrue(
                reasons.stream().anyMatch(r -> r.contains("'" + "M".repeat(PayloadParser.QUOTED_MAX) + "…'")),
                "the long name cut: " + reasons);
        assertTrue(letters.getList("items.payload").contains(nul), "the payload as it came");
    }

    /**
     * A dead letter the database refuses for good (a trigger here) does not hold its writer: the message is written to
     * the log, counted and acknowledged, and the messages after it are stored.
     */
    @Test
    void aDeadLetterTheDatabaseRefusesIsLoggedAndTheStreamGoesOn() throws SQLException {
        TestMeter meter = aMeterAt(BERTH_GY_B01, "B01", 15);
        Counter unstorable = metrics.counter("shoreloop.ingest.dead.letters.unstorable");
        double before = unstorable.count();
        String function = "refuse_letter_" + meter.code().replace('-', '_').toLowerCase();
        try (Connection c = db.getConnection();
                var st = c.createStatement()) {
            st.execute("create function " + function + "() returns trigger language plpgsql as $$ begin"
                    + " if new.meter_code = '" + meter.code() + "' then raise exception 'refused for the test'; end if;"
                    + " return new; end $$");
            st.execute("create trigger " + function + " before insert on dead_letter for each row execute function "
                    + function + "()");
        }
        try {
            Instant t0 = Instant.now().minus(20, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
            publish(mqtt, meter.readingTopic(), "{not json");
            for (int i = 0; i < 3; i++) {
                publish(mqtt, meter.readingTopic(), meter.reading(i, t0.plusSeconds(15L * i), "2.00" + i, false, null));
            }
            awaitReadingCount("the readings after it stored", meter, 3);
            await("the refused letter counted", WAIT, () -> unstorable.count() == before + 1);
            assertEquals(0, count("select count(*) from dead_letter where meter_code = ?", meter.code()));
        } finally {
            try (Connection c = db.getConnection();
                    var st = c.createStatement()) {
                st.execute("drop trigger " + function + " on dead_letter");
                st.execute("drop function " + function + "()");
            }
        }
    }

    /**
     * A database that refuses every write, here as a read-only one does (SQLState 25006, raised by a trigger on the
     * meter's readings), holds the batch for a retry, unacknowledged. Its messages became dead letters instead, which
     * such a database refuses too: they were acknowledged and kept only in the log. Once it takes writes again, the
     * readings are stored once.
     */
    @Test
    void aDatabaseThatRefusesEveryWriteHoldsTheBatchUntilItTakesWritesAgain() throws SQLException {
        TestMeter meter = aMeterAt(BERTH_GY_B01, "B01", 15);
        Counter unstorable = metrics.counter("shoreloop.ingest.dead.letters.unstorable");
        Counter failures = metrics.counter("shoreloop.ingest.batch.failures");
        double unstorableBefore = unstorable.count();
        double failuresBefore = failures.count();
        String function = "read_only_" + meter.code().replace('-', '_').toLowerCase();
        try (Connection c = db.getConnection();
                var st = c.createStatement()) {
            st.execute("create function " + function + "() returns trigger language plpgsql as $$ begin"
                    + " if new.meter_id::text = '" + meter.id() + "' then"
                    + " raise exception 'cannot execute INSERT in a read-only transaction' using errcode = '25006';"
                    + " end if; return new; end $$");
            st.execute("create trigger " + function + " before insert on meter_reading for each row execute function "
                    + function + "()");
        }
        boolean dropped = false;
        try {
            Instant t0 = Instant.now().minus(20, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
            for (int i = 0; i < 3; i++) {
                publish(mqtt, meter.readingTopic(), meter.reading(i, t0.plusSeconds(15L * i), "3.00" + i, false, null));
            }
            await("the batch refused twice", WAIT, () -> failures.count() >= failuresBefore + 2);
            assertEquals(0, count("select count(*) from meter_reading where meter_id = ?::uuid", meter.id()));
            assertEquals(0, count("select count(*) from dead_letter where meter_code = ?", meter.code()));
            assertEquals(unstorableBefore, unstorable.count(), "nothing let go to the log");
            // messages wait although the connection is up: meters' silence does not count meanwhile
            assertTrue(listening.since().isEmpty(), "not listening while batches wait for the database");
            Instant back = Instant.now();
            dropTrigger(function, "meter_reading");
            dropped = true;
            awaitReadingCount("stored once the database takes writes", meter, 3);
            await("listening again", WAIT, () -> listening.since().isPresent());
            assertTrue(!listening.since().get().isBefore(back), "listening counts from the database's return");
            assertEquals(0, count("select count(*) from dead_letter where meter_code = ?", meter.code()));
            assertEquals(unstorableBefore, unstorable.count());
        } finally {
            if (!dropped) {
                dropTrigger(function, "meter_reading");
            }
        }
    }

    private void dropTrigger(String function, String table) throws SQLException {
        try (Connection c = db.getConnection();
                var st = c.createStatement()) {
            st.execute("drop trigger " + function + " on " + table);
            st.execute("drop function " + function + "()");
        }
    }

    /**
     * A graceful stop (a rolling update, a scale-down) first stops reading from the broker, then lets the writers store
     * and acknowledge what was received, then disconnects: nothing received is left unstored (before, the messages
     * still queued stayed in the broker session until this client id came back). Here the writers are held up (the
     * meters' state rows locked from another transaction) with a batch each, and more messages come while they wait:
     * handed to the ingest as the client hands them over, with acknowledgements the test counts (so that the queue's
     * content does not depend on how many unacknowledged messages the broker sends at once).
     */
    @Test
    void aGracefulStopStoresAndAcknowledgesWhatWasReceivedBeforeItDisconnects() throws Exception {
        await("subscribed", WAIT, ingest::subscribed);
        List<TestMeter> meters = List.of(
                aMeterAt(BERTH_GY_B01, "B01", 15),
                aMeterAt(BERTH_GY_B01, "B01", 15),
                aMeterAt(BERTH_GY_B01, "B01", 15));
        int n = 10;
        Instant t0 = Instant.now().minus(15L * n + 60, ChronoUnit.SECONDS).truncatedTo(ChronoUnit.SECONDS);
        java.util.concurrent.atomic.AtomicInteger acknowledged = new java.util.concurrent.atomic.AtomicInteger();
        Thread stopping;
        try (Connection hold = db.getConnection()) {
            hold.setAutoCommit(false);
            for (TestMeter meter : meters) {
                try (PreparedStatement ps =
                        hold.prepareStatement("select 1 from shore_meter_state where meter_id = ?::uuid for update")) {
                    ps.setString(1, meter.id());
                    ps.executeQuery().close();
                }
            }
            for (int i = 0; i < n; i++) {
                String kwh = java.math.BigDecimal.valueOf(10_000 + 50L * i, 3).toPlainString();
                for (TestMeter meter : meters) {
                    byte[] payload = meter.reading(i, t0.plusSeconds(15L * i), kwh, true, null)
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    ingest.receive(meter.readingTopic(), payload, acknowledged::incrementAndGet);
                }
                if (i == 0) {
                    // the writers take their batch and wait for the locks before the rest comes, so that it queues
                    long writers = meters.stream()
                            .map(m -> MqttIngest.writerOf(
                                    PayloadParser.topic(m.readingTopic()),
                                    ConfigProvider.getConfig().getValue("shoreloop.mqtt.writers", Integer.class)))
                            .distinct()
                            .count();
                    await(
                            "the writers wait for the locked state rows",
                            WAIT,
                            () -> count(
                                            "select count(*) from pg_stat_activity where wait_event_type = 'Lock'"
                                                    + " and query like ? ",
                                            "%from shore_meter_state%for update%")
                                    >= writers);
                }
            }
            assertEquals(3 * n, ingest.pending(), "received, none stored yet");
            stopping = new Thread(ingest::stop, "test-stop");
            stopping.start();
            Thread.sleep(500);
            assertTrue(stopping.isAlive(), "the stop waits for what was received");
            hold.commit();
        }
        stopping.join(Duration.ofSeconds(30).toMillis());
        try {
            assertTrue(!stopping.isAlive(), "stopped");
            assertEquals(0, ingest.pending(), "received and not stored after the stop");
            assertEquals(3 * n, acknowledged.get(), "acknowledged");
            for (TestMeter meter : meters) {
                assertEquals(n, count("select count(*) from meter_reading where meter_id = ?::uuid", meter.id()));
            }
        } finally {
            ingest.start();
            await("subscribed again", WAIT, ingest::subscribed);
        }
    }

    private long count(String sql, String... params) {
        List<Long> row = row(sql, params);
        return row.isEmpty() ? -1 : row.get(0);
    }

    private List<Long> row(String sql, String... params) {
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<Long> out = new ArrayList<>();
                if (rs.next()) {
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        out.add(rs.getLong(i));
                    }
                }
                return out;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Registers a call as {@code user}; answers its id. */
    private static String registerCall(
            String user, String vessel, String berth, Instant arrival, Instant departure, int crew) {
        java.util.Map<String, Object> call = new java.util.HashMap<>();
        call.put("vesselId", vessel);
        call.put("berthId", berth);
        call.put("arrival", arrival.toString());
        call.put("departure", departure.toString());
        call.put("crewOnBoard", crew);
        return as(user).body(call)
                .post("/api/v1/calls")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }
}
