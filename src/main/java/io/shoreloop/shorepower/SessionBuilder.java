package io.shoreloop.shorepower;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.NavigableSet;

/**
 * The session state machine of one meter, fed with readings (and the step that ends at each) in time order.
 *
 * <p>Each reading gives a signal: the breaker flag when the meter sends one (decisive at once), else its power, or
 * the step's average power when it sends none, against the threshold (decisive only when sustained):
 *
 * <ul>
 *   <li>OFF + breaker closed → a session opens at this reading (at the pending candidate if power was already high).
 *   <li>OFF + high power → a candidate; it opens a session (starting at the candidate) once power has stayed high for
 *       {@code sustain}; any low reading drops it.
 *   <li>ON + breaker open → the session closes at this reading.
 *   <li>ON + low power → a close candidate; once power has stayed low for {@code sustain} the session closes at the
 *       candidate; a high reading (or a closed breaker) takes the low readings back into the session.
 *   <li>A step longer than the silence timeout (or a meter's first reading) ends an open session as
 *       {@link SessionStatus#INTERRUPTED} at the last reading before the silence, drops any candidate, and its energy
 *       is unallocated.
 *   <li>A step across a departure of a call at the meter's berth (a departure {@code d} with {@code from <= d < to})
 *       ends an open session as {@link SessionStatus#CLOSED}, flagged {@link QualityFlag#CLOSED_AT_DEPARTURE}, at the
 *       last reading at or before the departure (a close candidate's low readings included, as at a silence), drops
 *       any candidate, and its energy is unallocated: a ship that has let go draws no power, and nobody knows where
 *       inside the step the supply stopped. The reading after it is judged like a meter's first reading: a breaker
 *       still closed (the next ship, or one left closed) opens a new session there, which matching then judges. A
 *       departure inside a silence changes nothing: the silence already ended the session.
 * </ul>
 *
 * <p>Ownership of steps: a step belongs to the session of the reading that ends it; the step that ends at the
 * closing reading belongs to the session it closes; any other step is unallocated. The builder reports each
 * decision to its {@link Sink}, provisional ones included (a candidate's steps are unallocated until it opens a
 * session; a close candidate's steps stay in the session until it closes), and reports again when it revises one.
 *
 * <p>The state before the first reading of any session is "off, no candidate", whatever came before: replaying from
 * a session's start with a fresh builder gives the same result as replaying from the beginning. {@link MeterTimeline}
 * relies on this to re-derive only from the session a late reading (or a departure recorded late) touches.
 *
 * <p>The departures are read when a step is fed; the set belongs to the caller, which re-derives from before a
 * departure it changes.
 */
final class SessionBuilder {

    interface Sink {
        /** The step ending at {@code stepTo} now belongs to the session starting at {@code start} (null: none). */
        void own(Instant stepTo, Instant start);

        /** A session ended (closed or interrupted). */
        void ended(Session session);
    }

    private enum Signal {
        BREAKER_CLOSED,
        BREAKER_OPEN,
        HIGH,
        LOW
    }

    private final String meter;
    private final AccountingRules rules;
    private final NavigableSet<Instant> departures;
    private final Sink sink;

    private Acc session;
    private Acc pendingHigh;
    private Acc pendingLow;

    SessionBuilder(String meter, AccountingRules rules, NavigableSet<Instant> departures, Sink sink) {
        this.meter = meter;
        this.rules = rules;
        this.departures = departures;
        this.sink = sink;
    }

    /** The session still open after the last reading fed, as it stands, or {@code null}. */
    Session openSession() {
        if (session == null) {
            return null;
        }
        Acc view = session.copy();
        if (pendingLow != null) {
            view.absorb(pendingLow);
        }
        return view.toSession(meter, SessionStatus.OPEN, view.lastTs);
    }

    /** The start of the session still open after the last reading fed, or {@code null}. */
    Instant openSessionStart() {
        return session == null ? null : session.start;
    }

    /**
     * The state after the last reading fed, when no candidate is pending (a candidate may still revise the owner of
     * steps before it), else {@code null}. {@link #restore} continues from it exactly as this builder continues.
     */
    Snapshot snapshot() {
        if (pendingHigh != null || pendingLow != null) {
            return null;
        }
        return new Snapshot(session == null ? null : session.copy());
    }

    /** Takes over a {@link #snapshot}: what comes next is judged as it was by the builder that took it. */
    void restore(Snapshot snapshot) {
        session = snapshot.session == null ? null : snapshot.session.copy();
        pendingHigh = null;
        pendingLow = null;
    }

    /** A builder's state between two readings, with no candidate pending; immutable. */
    static final class Snapshot {
        private final Acc session;

        private Snapshot(Acc session) {
            this.session = session;
        }

        /** The start of the session open at that point, or {@code null} when none was (idle). */
        Instant openSessionStart() {
            return session == null ? null : session.start;
        }

        /**
         * The state as text, for the store ({@link #decode} gives it back exactly): a version, then the open session's
         * start, metered-from and last reading (epoch second and nano), energy and rejected Wh, readings, peak kW
         * (empty: none), longest gap (second and nano), whether vessels conflicted, the flags (by name), and last the
         * vessel named (empty: none), which may hold any character. Empty text: idle.
         */
        String encode() {
            if (session == null) {
                return "";
            }
            Acc a = session;
            StringBuilder out = new StringBuilder(128).append("1;");
            instant(out, a.start);
            instant(out, a.meteredFrom);
            instant(out, a.lastTs);
            out.append(a.energyWh)
                    .append(';')
                    .append(a.rejectedWh)
                    .append(';')
                    .append(a.readings)
                    .append(';');
            out.append(a.peakKw == null ? "" : Double.toString(a.peakKw)).append(';');
            out.append(a.longestGap.getSeconds())
                    .append(';')
                    .append(a.longestGap.getNano())
                    .append(';');
            out.append(a.vesselConflict ? '1' : '0').append(';');
            StringBuilder flags = new StringBuilder();
            for (QualityFlag f : a.flags) {
                flags.append(flags.length() == 0 ? "" : ",").append(f.name());
            }
            out.append(flags).append(';');
            return out.append(a.vessel == null ? "" : "=" + a.vessel).toString();
        }

        private static void instant(StringBuilder out, Instant t) {
            out.append(t.getEpochSecond()).append(';').append(t.getNano()).append(';');
        }

        /**
         * The state {@link #encode} wrote.
         *
         * @throws IllegalArgumentException when the text is not one it writes
         */
        static Snapshot decode(String text) {
            if (text.isEmpty()) {
                return new Snapshot(null);
            }
            try {
                String[] f = text.split(";", 16);
                if (f.length != 16 || !"1".equals(f[0])) {
                    throw new IllegalArgumentException("not a session state: " + text);
                }
                Instant start = Instant.ofEpochSecond(Long.parseLong(f[1]), Integer.parseInt(f[2]));
                Instant meteredFrom = Instant.ofEpochSecond(Long.parseLong(f[3]), Integer.parseInt(f[4]));
                Acc a = new Acc(start, meteredFrom);
                a.lastTs = Instant.ofEpochSecond(Long.parseLong(f[5]), Integer.parseInt(f[6]));
                a.energyWh = Long.parseLong(f[7]);
                a.rejectedWh = Long.parseLong(f[8]);
                a.readings = Integer.parseInt(f[9]);
                a.peakKw = f[10].isEmpty() ? null : Double.valueOf(f[10]);
                a.longestGap = Duration.ofSeconds(Long.parseLong(f[11]), Integer.parseInt(f[12]));
                a.vesselConflict = "1".equals(f[13]);
                if (!f[14].isEmpty()) {
                    for (String flag : f[14].split(",")) {
                        a.flags.add(QualityFlag.valueOf(flag));
                    }
                }
                if (!f[15].isEmpty()) {
                    if (f[15].charAt(0) != '=') {
                        throw new IllegalArgumentException("not a session state: " + text);
                    }
                    a.vessel = f[15].substring(1);
                }
                return new Snapshot(a);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not a session state: " + text, e);
            }
        }
    }

    /** No session and no candidate: what comes next does not depend on what came before. */
    boolean isIdle() {
        return session == null && pendingHigh == null;
    }

    void accept(Reading r, EnergyStep step) {
        boolean silence = step.from() == null || step.elapsed().compareTo(rules.silenceTimeout()) > 0;
        boolean departed = !silence && crossesDeparture(step);
        EnergyStep owned = silence || departed ? null : step;
        if (silence || departed) {
            if (session != null) {
                if (pendingLow != null) {
                    session.absorb(pendingLow);
                    pendingLow = null;
                }
                session.flags.add(silence ? QualityFlag.INTERRUPTED : QualityFlag.CLOSED_AT_DEPARTURE);
                sink.ended(session.toSession(
                        meter, silence ? SessionStatus.INTERRUPTED : SessionStatus.CLOSED, session.lastTs));
                session = null;
            }
            pendingHigh = null; // its steps are unallocated already
            sink.own(step.to(), null);
        }
        Signal signal = signal(r, owned);
        if (session == null) {
            whileOff(r, owned, signal);
        } else {
            whileOn(r, owned, signal);
        }
    }

    private void whileOff(Reading r, EnergyStep owned, Signal signal) {
        switch (signal) {
            case BREAKER_CLOSED -> {
                if (pendingHigh != null) {
                    pendingHigh.add(r, owned, power(r, owned));
                    confirmPendingHigh();
                } else {
                    open(r, owned);
                }
            }
            case HIGH -> {
                if (pendingHigh == null && rules.sustain().isZero()) {
                    open(r, owned);
                } else {
                    if (pendingHigh == null) {
                        pendingHigh = new Acc(r, owned, true);
                        pendingHigh.add(r, owned, power(r, owned));
                    } else {
                        pendingHigh.add(r, owned, power(r, owned));
                    }
                    disown(owned);
                    if (!Duration.between(pendingHigh.start, r.ts())
                            .minus(rules.sustain())
                            .isNegative()) {
                        confirmPendingHigh();
                    }
                }
            }
            case BREAKER_OPEN, LOW -> {
                pendingHigh = null;
                disown(owned);
            }
        }
    }

    private void whileOn(Reading r, EnergyStep owned, Signal signal) {
        switch (signal) {
            case BREAKER_CLOSED, HIGH -> {
                if (pendingLow != null) {
                    session.absorb(pendingLow);
                    pendingLow = null;
                }
                session.add(r, owned, power(r, owned));
                own(owned);
            }
            case BREAKER_OPEN -> {
                if (pendingLow != null) {
                    session.absorb(pendingLow);
                    pendingLow = null;
                }
                close(r.ts(), owned);
            }
            case LOW -> {
                if (pendingLow == null && rules.sustain().isZero()) {
                    close(r.ts(), owned);
                    return;
                }
                if (pendingLow == null) {
                    pendingLow = new Acc(r, owned, true);
                }
                pendingLow.add(r, owned, power(r, owned));
                own(owned);
                if (!Duration.between(pendingLow.start, r.ts())
                        .minus(rules.sustain())
                        .isNegative()) {
                    // the session ends at the first low reading; what came after it is unallocated
                    for (Instant to : pendingLow.stepTos) {
                        if (pendingLow.firstStep == null || !to.equals(pendingLow.firstStep.to())) {
                            sink.own(to, null);
                        }
                    }
                    Instant end = pendingLow.start;
                    EnergyStep closing = pendingLow.firstStep;
                    pendingLow = null;
                    close(end, closing);
                }
            }
        }
    }

    private void open(Reading r, EnergyStep owned) {
        session = new Acc(r, owned, false);
        session.add(r, owned, power(r, owned));
        own(owned);
    }

    private void confirmPendingHigh() {
        session = pendingHigh;
        pendingHigh = null;
        for (Instant to : session.stepTos) {
            sink.own(to, session.start);
        }
        session.stepTos = null;
    }

    private void close(Instant end, EnergyStep closing) {
        if (closing != null) {
            session.addStep(closing);
            sink.own(closing.to(), session.start);
        }
        sink.ended(session.toSession(meter, SessionStatus.CLOSED, end));
        session = null;
    }

    private void own(EnergyStep owned) {
        if (owned != null) {
            sink.own(owned.to(), session.start);
        }
    }

    private void disown(EnergyStep owned) {
        if (owned != null) {
            sink.own(owned.to(), null);
        }
    }

    /** A departure at or after the step's first reading and before its last one: the ship let go inside the step. */
    private boolean crossesDeparture(EnergyStep step) {
        Instant departure = departures.ceiling(step.from());
        return departure != null && departure.isBefore(step.to());
    }

    private Signal signal(Reading r, EnergyStep owned) {
        if (r.breakerClosed() != null) {
            return r.breakerClosed() ? Signal.BREAKER_CLOSED : Signal.BREAKER_OPEN;
        }
        Double kw = power(r, owned);
        return kw != null && kw * 1000.0 >= rules.powerThresholdW() ? Signal.HIGH : Signal.LOW;
    }

    /** Reported power, else the step's average power, else {@code null}. */
    private static Double power(Reading r, EnergyStep owned) {
        if (r.powerKw() != null) {
            return r.powerKw();
        }
        if (owned == null || owned.from() == null) {
            return null;
        }
        return owned.countedWh() * 3_600.0 / owned.elapsed().toMillis();
    }

    /** What a session (or a candidate run of readings) has accumulated. */
    private static final class Acc {
        final Instant start;
        final Instant meteredFrom;
        Instant lastTs;
        long energyWh;
        long rejectedWh;
        int readings;
        Double peakKw;
        Duration longestGap = Duration.ZERO;
        String vessel;
        boolean vesselConflict;
        EnumSet<QualityFlag> flags = EnumSet.noneOf(QualityFlag.class);
        /** Steps whose owner may still be revised (candidates only). */
        List<Instant> stepTos;
        /** A close candidate's first step: it stays in the session if the session closes. */
        final EnergyStep firstStep;

        /** A session's accumulation as a checkpoint held it ({@link Snapshot#decode}); the rest is set by the caller. */
        Acc(Instant start, Instant meteredFrom) {
            this.start = start;
            this.meteredFrom = meteredFrom;
            this.firstStep = null;
        }

        Acc(Reading first, EnergyStep owned, boolean provisional) {
            this.start = first.ts();
            this.meteredFrom = owned == null ? first.ts() : owned.from();
            this.lastTs = first.ts();
            this.stepTos = provisional ? new ArrayList<>() : null;
            this.firstStep = owned;
        }

        private Acc(Acc o) {
            start = o.start;
            meteredFrom = o.meteredFrom;
            lastTs = o.lastTs;
            energyWh = o.energyWh;
            rejectedWh = o.rejectedWh;
            readings = o.readings;
            peakKw = o.peakKw;
            longestGap = o.longestGap;
            vessel = o.vessel;
            vesselConflict = o.vesselConflict;
            flags = EnumSet.copyOf(o.flags);
            firstStep = o.firstStep;
        }

        Acc copy() {
            return new Acc(this);
        }

        void add(Reading r, EnergyStep owned, Double kw) {
            if (owned != null) {
                addStep(owned);
                if (stepTos != null) {
                    stepTos.add(owned.to());
                }
            }
            readings++;
            lastTs = r.ts();
            if (kw != null && (peakKw == null || kw > peakKw)) {
                peakKw = kw;
            }
            if (r.namesVessel()) {
                nameVessel(r.vessel());
            }
        }

        void addStep(EnergyStep s) {
            energyWh += s.countedWh();
            rejectedWh += s.rejectedWh();
            flags.addAll(s.flags());
            Duration elapsed = s.elapsed();
            if (elapsed != null && elapsed.compareTo(longestGap) > 0) {
                longestGap = elapsed;
            }
        }

        private void nameVessel(String mmsi) {
            if (vessel == null && !vesselConflict) {
                vessel = mmsi;
            } else if (vessel != null && !vessel.equals(mmsi)) {
                vessel = null;
                vesselConflict = true;
            }
        }

        /** Takes a following run of readings (a close candidate that turned out not to close) into this one. */
        void absorb(Acc o) {
            energyWh += o.energyWh;
            rejectedWh += o.rejectedWh;
            readings += o.readings;
            lastTs = o.lastTs;
            if (o.peakKw != null && (peakKw == null || o.peakKw > peakKw)) {
                peakKw = o.peakKw;
            }
            if (o.longestGap.compareTo(longestGap) > 0) {
                longestGap = o.longestGap;
            }
            if (o.vesselConflict) {
                vessel = null;
                vesselConflict = true;
            } else if (o.vessel != null) {
                nameVessel(o.vessel);
            }
            flags.addAll(o.flags);
        }

        Session toSession(String meter, SessionStatus status, Instant end) {
            EnumSet<QualityFlag> all = EnumSet.copyOf(flags);
            if (vesselConflict) {
                all.add(QualityFlag.VESSEL_CONFLICT);
            }
            return new Session(
                    meter,
                    start,
                    end,
                    meteredFrom,
                    status,
                    energyWh,
                    rejectedWh,
                    readings,
                    peakKw,
                    longestGap,
                    vessel,
                    all);
        }
    }
}
