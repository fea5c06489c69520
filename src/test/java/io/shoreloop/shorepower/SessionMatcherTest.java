package io.shoreloop.shorepower;

import static io.shoreloop.shorepower.MeterFixtures.ANOTHER_SHIP;
import static io.shoreloop.shorepower.MeterFixtures.METER;
import static io.shoreloop.shorepower.MeterFixtures.ONE_SHIP;
import static io.shoreloop.shorepower.MeterFixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A session belongs to the call whose stay covers it. */
class SessionMatcherTest {

    private static final UUID CALL_A = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final UUID CALL_B = UUID.fromString("00000000-0000-0000-0000-00000000000b");

    private final SessionMatcher matcher = new SessionMatcher(Duration.ofMinutes(15));

    @Test
    void theCallWhoseStayCoversTheSessionGetsIt() {
        SessionMatch m = matcher.match(aSession(hours(1), hours(5), null), List.of(stay(CALL_A, ONE_SHIP, 0, 6)));
        assertEquals(MatchOutcome.MATCHED, m.outcome());
        assertEquals(CALL_A, m.callId());
    }

    @Test
    void theToleranceAllowsASessionToBeginBeforeArrivalAndEndAfterDeparture() {
        Session early = aSession(hours(1).minus(Duration.ofMinutes(15)), hours(6).plus(Duration.ofMinutes(15)), null);
        assertEquals(
                MatchOutcome.MATCHED,
                matcher.match(early, List.of(stay(CALL_A, ONE_SHIP, 1, 6))).outcome());

        Session tooEarly = aSession(hours(1).minus(Duration.ofMinutes(16)), hours(5), null);
        assertEquals(
                MatchOutcome.UNMATCHED,
                matcher.match(tooEarly, List.of(stay(CALL_A, ONE_SHIP, 1, 6))).outcome());
    }

    @Test
    void aSessionStartingOnceTheShipLeftIsNeverItsOwn() {
        // within the tolerance after the departure at hour 6, but the ship has let go
        Session afterwards =
                aSession(hours(6).plus(Duration.ofMinutes(5)), hours(6).plus(Duration.ofMinutes(10)), null);
        assertEquals(
                MatchOutcome.UNMATCHED,
                matcher.match(afterwards, List.of(stay(CALL_A, ONE_SHIP, 1, 6))).outcome());
        Session atTheDeparture = aSession(hours(6), hours(6).plus(Duration.ofMinutes(10)), null);
        assertEquals(
                MatchOutcome.UNMATCHED,
                matcher.match(atTheDeparture, List.of(stay(CALL_A, ONE_SHIP, 1, 6)))
                        .outcome());
        // the next ship, arriving a little later than the session began, gets it alone (no ambiguity)
        SessionMatch next = matcher.match(
                afterwards,
                List.of(
                        stay(CALL_A, ONE_SHIP, 1, 6),
                        new CallStay(CALL_B, ANOTHER_SHIP, hours(6).plus(Duration.ofMinutes(12)), null)));
        assertEquals(MatchOutcome.MATCHED, next.outcome());
        assertEquals(CALL_B, next.callId());
    }

    @Test
    void aShipStillAtTheBerthCoversAnOpenSession() {
        CallStay stillThere = new CallStay(CALL_A, ONE_SHIP, T0, null);
        SessionMatch m = matcher.match(aSession(hours(2), hours(30), null), List.of(stillThere));
        assertEquals(CALL_A, m.callId());
    }

    @Test
    void theShipTheReadingsNamedMustBeTheCallsShip() {
        SessionMatch m =
                matcher.match(aSession(hours(1), hours(5), ANOTHER_SHIP), List.of(stay(CALL_A, ONE_SHIP, 0, 6)));
        assertEquals(MatchOutcome.VESSEL_MISMATCH, m.outcome());
        assertNull(m.callId());
        assertEquals(List.of(CALL_A), m.candidates());
    }

    @Test
    void readingsThatNamedTwoShipsAreNotMatchedAutomatically() {
        Session conflicted = new Session(
                METER,
                hours(1),
                hours(2),
                hours(1),
                SessionStatus.CLOSED,
                1_000,
                0,
                10,
                null,
                Duration.ZERO,
                null,
                EnumSet.of(QualityFlag.VESSEL_CONFLICT));
        assertEquals(
                MatchOutcome.VESSEL_MISMATCH,
                matcher.match(conflicted, List.of(stay(CALL_A, ONE_SHIP, 0, 6))).outcome());
    }

    @Test
    void twoCoveringStaysAreAmbiguousUnlessTheReadingsNamedOneOfTheShips() {
        List<CallStay> overlapping = List.of(stay(CALL_A, ONE_SHIP, 0, 6), stay(CALL_B, ANOTHER_SHIP, 0, 8));

        SessionMatch anonymous = matcher.match(aSession(hours(1), hours(5), null), overlapping);
        assertEquals(MatchOutcome.AMBIGUOUS, anonymous.outcome());
        assertEquals(List.of(CALL_A, CALL_B), anonymous.candidates());

        SessionMatch named = matcher.match(aSession(hours(1), hours(5), ANOTHER_SHIP), overlapping);
        assertEquals(MatchOutcome.MATCHED, named.outcome());
        assertEquals(CALL_B, named.callId());
    }

    @Test
    void aSessionAcrossTwoStaysIsAmbiguous() {
        List<CallStay> oneAfterTheOther = List.of(stay(CALL_A, ONE_SHIP, 0, 4), stay(CALL_B, ANOTHER_SHIP, 5, 9));
        SessionMatch m = matcher.match(aSession(hours(3), hours(6), null), oneAfterTheOther);
        assertEquals(MatchOutcome.AMBIGUOUS, m.outcome());
        assertEquals(List.of(CALL_A, CALL_B), m.candidates());
    }

    @Test
    void aSessionNoStayCoversIsUnmatched() {
        assertEquals(
                MatchOutcome.UNMATCHED,
                matcher.match(aSession(hours(10), hours(11), null), List.of(stay(CALL_A, ONE_SHIP, 0, 6)))
                        .outcome());
        assertEquals(
                MatchOutcome.UNMATCHED,
                matcher.match(aSession(hours(5), hours(8), null), List.of(stay(CALL_A, ONE_SHIP, 0, 6)))
                        .outcome());
        assertEquals(
                MatchOutcome.UNMATCHED,
                matcher.match(aSession(hours(1), hours(2), null), List.of()).outcome());
    }

    private static Instant hours(long h) {
        return T0.plus(Duration.ofHours(h));
    }

    private static CallStay stay(UUID id, String ship, long arrivalHour, long departureHour) {
        return new CallStay(id, ship, hours(arrivalHour), hours(departureHour));
    }

    private static Session aSession(Instant start, Instant end, String vessel) {
        return new Session(
                METER, start, end, start, SessionStatus.CLOSED, 1_000, 0, 10, null, Duration.ZERO, vessel, Set.of());
    }
}
