package io.shoreloop.shorepower;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Matches sessions of one berth to the calls of that berth. Pure: the same sessions and calls give the same answer,
 * so a call created or corrected later is handled by matching again.
 *
 * <ul>
 *   <li>A stay <em>covers</em> a session when {@code arrival − tolerance <= start < departure} and {@code end <=
 *       departure + tolerance} (no departure: still at the berth, covers any later end). A session starting at or
 *       after the departure is never the departed ship's.
 *   <li>One covering stay: {@link MatchOutcome#MATCHED}, unless the readings named a ship other than the call's, or
 *       named several ({@link MatchOutcome#VESSEL_MISMATCH}).
 *   <li>Several covering stays: the one whose ship the readings named, if exactly one is; else
 *       {@link MatchOutcome#AMBIGUOUS} (or {@link MatchOutcome#VESSEL_MISMATCH} if none is that ship).
 *   <li>No covering stay: {@link MatchOutcome#AMBIGUOUS} if the session overlaps two or more stays, else
 *       {@link MatchOutcome#UNMATCHED}.
 * </ul>
 */
public final class SessionMatcher {

    private final Duration tolerance;

    /** @param tolerance how far a session may begin before arrival or end after departure */
    public SessionMatcher(Duration tolerance) {
        Objects.requireNonNull(tolerance, "tolerance");
        if (tolerance.isNegative()) {
            throw new IllegalArgumentException("tolerance must not be negative");
        }
        this.tolerance = tolerance;
    }

    public List<SessionMatch> matchAll(Collection<Session> sessions, Collection<CallStay> stays) {
        return sessions.stream().map(s -> match(s, stays)).toList();
    }

    public SessionMatch match(Session session, Collection<CallStay> stays) {
        List<CallStay> covering = stays.stream().filter(c -> covers(c, session)).toList();
        if (covering.isEmpty()) {
            List<UUID> overlapping = stays.stream()
                    .filter(c -> overlaps(c, session))
                    .map(CallStay::callId)
                    .sorted()
                    .toList();
            return new SessionMatch(
                    session.key(),
                    overlapping.size() >= 2 ? MatchOutcome.AMBIGUOUS : MatchOutcome.UNMATCHED,
                    null,
                    overlapping);
        }
        List<UUID> candidates = covering.stream().map(CallStay::callId).sorted().toList();
        if (session.has(QualityFlag.VESSEL_CONFLICT)) {
            return new SessionMatch(session.key(), MatchOutcome.VESSEL_MISMATCH, null, candidates);
        }
        if (session.vessel() == null) {
            return covering.size() == 1
                    ? new SessionMatch(
                            session.key(), MatchOutcome.MATCHED, covering.get(0).callId(), candidates)
                    : new SessionMatch(session.key(), MatchOutcome.AMBIGUOUS, null, candidates);
        }
        List<CallStay> sameShip = covering.stream()
                .filter(c -> session.vessel().equals(c.vessel()))
                .toList();
        if (sameShip.size() == 1) {
            return new SessionMatch(
                    session.key(), MatchOutcome.MATCHED, sameShip.get(0).callId(), candidates);
        }
        return new SessionMatch(
                session.key(),
                sameShip.isEmpty() ? MatchOutcome.VESSEL_MISMATCH : MatchOutcome.AMBIGUOUS,
                null,
                candidates);
    }

    private boolean covers(CallStay stay, Session s) {
        boolean afterArrival = !s.start().isBefore(stay.arrival().minus(tolerance));
        // a session that starts once the ship has let go is not its own, however close: sessions close at the
        // departure (CLOSED_AT_DEPARTURE), so what starts after it is the next ship's or nobody's
        boolean beforeDeparture = stay.departure() == null
                || (s.start().isBefore(stay.departure())
                        && !s.end().isAfter(stay.departure().plus(tolerance)));
        return afterArrival && beforeDeparture;
    }

    private static boolean overlaps(CallStay stay, Session s) {
        Instant departure = stay.departure() == null ? Instant.MAX : stay.departure();
        return s.start().isBefore(departure) && s.end().isAfter(stay.arrival());
    }
}
