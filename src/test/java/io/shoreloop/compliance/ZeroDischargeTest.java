package io.shoreloop.compliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoreloop.compliance.Verdict.Outcome;
import io.shoreloop.registry.Stream;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The zero-discharge balance (船上存储，交岸接收), without Quarkus. */
class ZeroDischargeTest {

    static final Instant DEPARTURE = Instant.parse("2025-03-10T08:00:00Z");
    static final ZeroDischarge.Rates RATES = new ZeroDischarge.Rates(
            new BigDecimal("0.12"), new BigDecimal("1.5"), new BigDecimal("0.5"), Duration.ofDays(30));

    /** 10 crew for {@code days} days: 1.2 m³ sewage and 15 kg garbage a day. */
    private static Verdict tenCrewAfter(long days, String sewageHandedOver, String garbageHandedOver) {
        Instant since = DEPARTURE.minus(Duration.ofDays(days));
        return ZeroDischarge.judge(new ZeroDischarge.Case(
                10,
                DEPARTURE,
                List.of(
                        new ZeroDischarge.StreamCase(
                                Stream.SEWAGE,
                                since,
                                "last handover",
                                new BigDecimal(sewageHandedOver),
                                new BigDecimal("20")),
                        new ZeroDischarge.StreamCase(
                                Stream.GARBAGE,
                                since,
                                "last handover",
                                new BigDecimal(garbageHandedOver),
                                new BigDecimal("600"))),
                RATES));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stream(Verdict v, String name) {
        return (Map<String, Object>) v.figures().get(name);
    }

    @Test
    void aShipThatHandsOverWhatItProducedIsCompliant() {
        Verdict v = tenCrewAfter(5, "6", "75");
        assertEquals(Outcome.COMPLIANT, v.outcome(), v.reasoning());
        assertEquals("6.000", stream(v, "sewage").get("expected"));
        assertEquals("75.000", stream(v, "garbage").get("expected"));
    }

    @Test
    void aHandoverOfExactlyHalfTheExpectedAmountIsNotFlagged() {
        assertEquals(Outcome.COMPLIANT, tenCrewAfter(5, "3", "37.5").outcome());
    }

    @Test
    void aHandoverJustBelowHalfTheExpectedAmountIsFlagged() {
        Verdict v = tenCrewAfter(5, "2.99", "75");
        assertEquals(Outcome.FLAGGED, v.outcome());
        assertTrue(v.reasoning().contains("SEWAGE: expected 6.000 m³"), v.reasoning());
        assertTrue(v.reasoning().contains("below 50 % of expected"), v.reasoning());
    }

    @Test
    void anImpliedRetainedQuantityAboveTheTankIsFlaggedEvenAboveTheShare() {
        // 30 days: 36 m³ expected, 20 handed over (above half), 16 retained fits the 20 m³ tank
        assertEquals(Outcome.COMPLIANT, tenCrewAfter(30, "20", "450").outcome());
        // 30 days, 18 m³ handed over: 18 retained fits; 15 handed over: 21 retained > 20 m³ tank (and below half)
        Verdict v = tenCrewAfter(30, "18.5", "450");
        assertEquals(Outcome.COMPLIANT, v.outcome(), v.reasoning());
        ZeroDischarge.Rates lenient = new ZeroDischarge.Rates(
                RATES.sewageM3PerPersonDay(), RATES.garbageKgPerPersonDay(), new BigDecimal("0.1"), RATES.maxPeriod());
        Verdict overfull = ZeroDischarge.judge(new ZeroDischarge.Case(
                10,
                DEPARTURE,
                List.of(new ZeroDischarge.StreamCase(
                        Stream.SEWAGE,
                        DEPARTURE.minus(Duration.ofDays(30)),
                        "previous call",
                        new BigDecimal("15"),
                        new BigDecimal("20"))),
                lenient));
        assertEquals(Outcome.FLAGGED, overfull.outcome());
        assertTrue(
                overfull.reasoning().contains("implied retained 21.000 m³ exceeds the 20 m³ tank"),
                overfull.reasoning());
    }

    @Test
    void thePeriodIsCappedAtTheConfiguredMaximum() {
        Verdict v = tenCrewAfter(400, "36", "450");
        assertEquals("30.0000", stream(v, "sewage").get("days"));
        assertEquals("capped at 30 days", stream(v, "sewage").get("sinceBasis"));
        assertEquals(Outcome.COMPLIANT, v.outcome(), v.reasoning());
    }

    @Test
    void aShipStillAtBerthIsPending() {
        assertEquals(
                Outcome.PENDING,
                ZeroDischarge.judge(new ZeroDischarge.Case(10, null, List.of(), RATES))
                        .outcome());
    }

    @Test
    void aCallWithoutCrewOnBoardRecordedIsPending() {
        assertEquals(
                Outcome.PENDING,
                ZeroDischarge.judge(new ZeroDischarge.Case(null, DEPARTURE, List.of(), RATES))
                        .outcome());
    }

    @Test
    void aStreamWithoutATankAndSomethingRetainedIsFlagged() {
        Verdict v = ZeroDischarge.judge(new ZeroDischarge.Case(
                4,
                DEPARTURE,
                List.of(new ZeroDischarge.StreamCase(
                        Stream.GARBAGE,
                        DEPARTURE.minus(Duration.ofDays(2)),
                        "previous call",
                        new BigDecimal("10"),
                        null)),
                RATES));
        assertEquals(Outcome.FLAGGED, v.outcome());
        assertTrue(v.reasoning().contains("no tank recorded"), v.reasoning());
    }
}
