package io.shoreloop.compliance;

import io.shoreloop.calls.VesselCall.ExemptionReason;
import io.shoreloop.registry.RegionKind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shore-power duty of 港口和船舶岸电管理办法 Art. 11, as a plain function of plain values: a ship with a shore-power
 * receiving facility (liquid-cargo ships excepted) that stays more than 3 h at a coastal berth or more than 2 h at an
 * inland berth that can supply shore power must use it, unless exempt.
 *
 * <p>In order: no receiving facility, a liquid-cargo ship, a liquid-cargo terminal, a berth without supply, or a
 * berth whose supply does not fit the ship is {@code NOT_APPLICABLE} (whatever the stay); an open stay is
 * {@code PENDING}; a stay of at most the threshold is {@code NOT_APPLICABLE}; any connection in the stay is
 * {@code COMPLIANT} (with the time coverage); otherwise a claim makes it {@code EXEMPT} — a shore-fault claim only
 * when a recorded berth or meter fault overlaps the stay and leaves no fault-free stretch longer than the threshold
 * (the ship could have connected in it) — and without a valid claim it is a {@code VIOLATION}.
 */
public final class ShorePowerDuty {

    /** More than this at an inland berth brings the duty. */
    public static final Duration INLAND_THRESHOLD = Duration.ofHours(2);

    /** More than this at a coastal berth brings the duty. */
    public static final Duration COASTAL_THRESHOLD = Duration.ofHours(3);

    private ShorePowerDuty() {}

    /** A claim of exemption made for the call. */
    public record Claim(ExemptionReason reason, String note, String evidence) {}

    /** A connection (a shore-power session matched to the call), with the energy it delivered. */
    public record Connection(Interval interval, BigDecimal energyKwh) {}

    /** A recorded berth or meter fault; {@code end} is {@code null} while it lasts. */
    public record Fault(Instant start, Instant end, String description) {}

    /**
     * Everything the duty depends on.
     *
     * @param departure {@code null} while the ship is at berth: the duty is then pending, whatever the connections
     *     and faults (a case of an open stay may leave them empty)
     * @param tolerance connected time up to this much before arrival or after departure still counts (meter and
     *     port-system clocks differ); coverage is capped at 100 %
     */
    public record Case(
            RegionKind region,
            boolean liquidCargoTerminal,
            ShorePowerSpec berth,
            boolean liquidCargoShip,
            ShorePowerSpec ship,
            Instant arrival,
            Instant departure,
            List<Connection> connections,
            Claim claim,
            List<Fault> faults,
            Duration tolerance) {

        public Case {
            connections = connections == null ? List.of() : List.copyOf(connections);
            faults = faults == null ? List.of() : List.copyOf(faults);
            tolerance = tolerance == null ? Duration.ZERO : tolerance;
        }
    }

    public static Verdict judge(Case c) {
        Map<String, Object> f = new LinkedHashMap<>();
        Duration threshold = c.region() == RegionKind.COASTAL ? COASTAL_THRESHOLD : INLAND_THRESHOLD;
        f.put("region", c.region().name());
        f.put("thresholdHours", hours(threshold));
        f.put("shipHasFacility", c.ship().available());
        f.put("berthSupplies", c.berth().available());
        List<String> mismatches =
                c.ship().available() && c.berth().available() ? ShorePowerSpec.mismatches(c.berth(), c.ship()) : null;
        f.put("compatible", mismatches == null ? null : mismatches.isEmpty());
        if (mismatches != null && !mismatches.isEmpty()) {
            f.put("mismatches", mismatches);
        }
        if (!c.ship().available()) {
            return verdict(Verdict.Outcome.NOT_APPLICABLE, "The ship has no shore-power receiving facility.", f);
        }
        if (c.liquidCargoShip()) {
            return verdict(
                    Verdict.Outcome.NOT_APPLICABLE, "Liquid-cargo ships are excepted from the duty (Art. 11).", f);
        }
        if (c.liquidCargoTerminal()) {
            return verdict(
                    Verdict.Outcome.NOT_APPLICABLE,
                    "The berth is an oil, gas or chemical terminal, excepted from the duty.",
                    f);
        }
        if (!c.berth().available()) {
            return verdict(Verdict.Outcome.NOT_APPLICABLE, "The berth cannot supply shore power.", f);
        }
        if (!mismatches.isEmpty()) {
            return verdict(
                    Verdict.Outcome.NOT_APPLICABLE,
                    "The berth's supply does not fit the ship's receiving facility (" + String.join("; ", mismatches)
                            + "); the call counts against the matching rate.",
                    f);
        }
        if (c.departure() == null) {
            return verdict(
                    Verdict.Outcome.PENDING,
                    "The ship is still at berth (no departure recorded); the duty is judged when it leaves.",
                    f);
        }
        Interval stay = new Interval(c.arrival(), c.departure());
        Duration stayed = stay.duration();
        Interval counted =
                new Interval(c.arrival().minus(c.tolerance()), c.departure().plus(c.tolerance()));
        List<Interval> connected = c.connections().stream()
                .map(Connection::interval)
                .filter(i -> i.overlaps(counted))
                .toList();
        Duration connectedTime = min(Interval.coveredWithin(connected, counted), stayed);
        BigDecimal energy = c.connections().stream()
                .filter(x -> x.interval().overlaps(counted))
                .map(x -> x.energyKwh() == null ? BigDecimal.ZERO : x.energyKwh())
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        f.put("stayHours", hours(stayed));
        f.put("connectedHours", hours(connectedTime));
        f.put("coverage", ratio(connectedTime, stayed));
        f.put("energyKwh", energy.toPlainString());
        f.put("sessions", connected.size());
        if (stayed.compareTo(threshold) <= 0) {
            return verdict(
                    Verdict.Outcome.NOT_APPLICABLE,
                    "Stay of " + describe(stayed) + " is not more than " + describe(threshold) + " at "
                            + c.region().name().toLowerCase() + " berth; the duty does not apply.",
                    f);
        }
        if (!connectedTime.isZero() && !connectedTime.isNegative()) {
            return verdict(
                    Verdict.Outcome.COMPLIANT,
                    "Connected " + describe(connectedTime) + " of " + withArticle(describe(stayed)) + " stay (coverage "
                            + percent(connectedTime, stayed) + "), " + energy.toPlainString() + " kWh.",
                    f);
        }
        String duty = "Stay of " + describe(stayed) + " is more than " + describe(threshold) + " at "
                + withArticle(c.region().name().toLowerCase()) + " berth that can supply this ship, and it never"
                + " connected";
        Claim claim = c.claim();
        if (claim == null || claim.reason() == null) {
            return verdict(Verdict.Outcome.VIOLATION, duty + ", without an exemption claim.", f);
        }
        f.put("claimReason", claim.reason().name());
        f.put("claimEvidence", claim.evidence());
        if (claim.reason() == ExemptionReason.SHORE_FAULT) {
            return shoreFault(c, stay, threshold, duty, f);
        }
        return verdict(
                Verdict.Outcome.EXEMPT,
                duty + "; exempt on the claim " + claim.reason().name() + " (" + claim.note() + ")"
                        + (claim.evidence() == null || claim.evidence().isBlank()
                                ? ", no evidence attached."
                                : ", evidence: " + claim.evidence() + "."),
                f);
    }

    private static Verdict shoreFault(Case c, Interval stay, Duration threshold, String duty, Map<String, Object> f) {
        List<Interval> faults = new ArrayList<>();
        List<String> described = new ArrayList<>();
        for (Fault fault : c.faults()) {
            Instant end = fault.end() == null || fault.end().isAfter(stay.end()) ? stay.end() : fault.end();
            if (!end.isAfter(fault.start())) {
                continue;
            }
            Interval i = new Interval(fault.start(), end);
            if (i.overlaps(stay)) {
                faults.add(i);
                described.add(fault.description());
            }
        }
        if (faults.isEmpty()) {
            return verdict(
                    Verdict.Outcome.VIOLATION,
                    duty + "; a shore fault was claimed but no berth or meter fault is recorded during the stay.",
                    f);
        }
        Duration faulty = Interval.coveredWithin(faults, stay);
        Duration freeStretch = Interval.longestGapWithin(faults, stay);
        f.put("faultHours", hours(faulty));
        f.put("longestFaultFreeHours", hours(freeStretch));
        String fault =
                "recorded fault (" + String.join("; ", described) + ") covered " + describe(faulty) + " of the stay";
        if (freeStretch.compareTo(threshold) > 0) {
            return verdict(
                    Verdict.Outcome.VIOLATION,
                    duty + "; the " + fault + ", but " + describe(freeStretch) + " without a fault remained, more than "
                            + describe(threshold) + ", in which it could have connected.",
                    f);
        }
        return verdict(
                Verdict.Outcome.EXEMPT,
                duty + "; exempt on a shore fault: the " + fault + ", leaving no fault-free stretch longer than "
                        + describe(threshold) + ".",
                f);
    }

    private static Verdict verdict(Verdict.Outcome outcome, String reasoning, Map<String, Object> figures) {
        return new Verdict(Verdict.Kind.SHORE_POWER, outcome, reasoning, figures);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    static String hours(Duration d) {
        return BigDecimal.valueOf(d.toSeconds())
                .divide(BigDecimal.valueOf(3600), 3, RoundingMode.HALF_EVEN)
                .toPlainString();
    }

    static String ratio(Duration part, Duration whole) {
        if (whole.isZero()) {
            return null;
        }
        return BigDecimal.valueOf(part.toSeconds())
                .divide(BigDecimal.valueOf(whole.toSeconds()), 4, RoundingMode.HALF_EVEN)
                .toPlainString();
    }

    private static String percent(Duration part, Duration whole) {
        return BigDecimal.valueOf(part.toSeconds() * 100)
                        .divide(BigDecimal.valueOf(whole.toSeconds()), 1, RoundingMode.HALF_EVEN)
                        .toPlainString()
                + " %";
    }

    /** "2 h 1 min". */
    /**
     * The words with "a" or "an" before them, as they are read: "an inland", "a coastal", "an 8 h", "an 11 h", "a 10
     * h" (numbers read "eight…", "eleven", "eighteen" or "eleven/eighteen thousand" start with a vowel sound).
     */
    static String withArticle(String words) {
        String digits = words.replaceFirst("^([0-9]*).*$", "$1");
        boolean vowel = digits.isEmpty()
                ? "aeiou".indexOf(Character.toLowerCase(words.charAt(0))) >= 0
                : digits.startsWith("8")
                        || ((digits.length() == 2 || digits.length() == 5)
                                && (digits.startsWith("11") || digits.startsWith("18")));
        return (vowel ? "an " : "a ") + words;
    }

    static String describe(Duration d) {
        long minutes = d.toMinutes();
        long h = minutes / 60;
        long m = minutes % 60;
        return m == 0 ? h + " h" : h == 0 ? m + " min" : h + " h " + m + " min";
    }
}
