package io.shoreloop.compliance;

import io.shoreloop.registry.Stream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The zero-discharge check (船上存储，交岸接收) for one call, as a plain function: for sewage and garbage, the ship must
 * have produced crew on board × days since its last handover of the stream × a per-capita rate; what it handed over
 * on the call's manifests is compared with that. A stream is flagged when the handover is below the configured share
 * of the expected amount, or when the quantity it implies the ship still holds (expected − handed over) exceeds the
 * ship's tank for the stream. The period is capped at a configured maximum (older history is not trusted to be
 * complete).
 */
public final class ZeroDischarge {

    private ZeroDischarge() {}

    /** Per-capita generation rates and the thresholds (configurable assumptions, see {@code ShoreloopConfig}). */
    public record Rates(
            BigDecimal sewageM3PerPersonDay,
            BigDecimal garbageKgPerPersonDay,
            BigDecimal handoverShare,
            Duration maxPeriod) {

        BigDecimal of(Stream stream) {
            return stream == Stream.SEWAGE ? sewageM3PerPersonDay : garbageKgPerPersonDay;
        }
    }

    /**
     * One stream's inputs.
     *
     * @param since when the period starts: the ship's last handover of the stream before this call, else the
     *     departure of its previous call, else this call's arrival
     * @param sinceBasis which of those {@code since} is, in words
     * @param handedOver what the call's manifests of this stream handed over (declared, or as received)
     * @param tankCapacity the ship's collection tank for the stream, or {@code null} when it has none recorded
     */
    public record StreamCase(
            Stream stream, Instant since, String sinceBasis, BigDecimal handedOver, BigDecimal tankCapacity) {}

    /**
     * @param crewOnBoard {@code null} when the call does not say
     * @param departure {@code null} while the ship is at berth
     */
    public record Case(Integer crewOnBoard, Instant departure, List<StreamCase> streams, Rates rates) {
        public Case {
            streams = List.copyOf(streams);
        }
    }

    public static Verdict judge(Case c) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("crewOnBoard", c.crewOnBoard());
        f.put("handoverShare", c.rates().handoverShare().toPlainString());
        if (c.departure() == null) {
            return verdict(
                    Verdict.Outcome.PENDING, "The ship is still at berth; the balance is drawn when it leaves.", f);
        }
        if (c.crewOnBoard() == null) {
            return verdict(
                    Verdict.Outcome.PENDING,
                    "Crew on board is not recorded for the call; expected generation cannot be estimated.",
                    f);
        }
        if (c.crewOnBoard() == 0) {
            return verdict(Verdict.Outcome.NOT_APPLICABLE, "No crew on board: nothing to expect.", f);
        }
        List<String> findings = new ArrayList<>();
        List<String> flags = new ArrayList<>();
        for (StreamCase s : c.streams()) {
            Map<String, Object> sf = new LinkedHashMap<>();
            Instant since = s.since();
            boolean capped = false;
            Instant earliest = c.departure().minus(c.rates().maxPeriod());
            if (since.isBefore(earliest)) {
                since = earliest;
                capped = true;
            }
            if (since.isAfter(c.departure())) {
                since = c.departure();
            }
            BigDecimal days = BigDecimal.valueOf(
                            Duration.between(since, c.departure()).toSeconds())
                    .divide(BigDecimal.valueOf(86_400), 4, RoundingMode.HALF_EVEN);
            BigDecimal expected = BigDecimal.valueOf(c.crewOnBoard())
                    .multiply(days)
                    .multiply(c.rates().of(s.stream()))
                    .setScale(3, RoundingMode.HALF_EVEN);
            BigDecimal handed = s.handedOver() == null ? BigDecimal.ZERO : s.handedOver();
            BigDecimal retained = expected.subtract(handed).max(BigDecimal.ZERO).setScale(3, RoundingMode.HALF_EVEN);
            String unit = s.stream().unit() == io.shoreloop.registry.QuantityUnit.M3 ? "m³" : "kg";
            sf.put("unit", s.stream().unit().name());
            sf.put("since", since.toString());
            sf.put("sinceBasis", capped ? "capped at " + describeDays(c.rates().maxPeriod()) : s.sinceBasis());
            sf.put("days", days.toPlainString());
            sf.put("expected", expected.toPlainString());
            sf.put("handedOver", handed.toPlainString());
            sf.put("retained", retained.toPlainString());
            sf.put(
                    "tankCapacity",
                    s.tankCapacity() == null ? null : s.tankCapacity().toPlainString());
            String line = s.stream().name() + ": expected " + expected.toPlainString() + " " + unit + " ("
                    + c.crewOnBoard() + " crew × "
                    + days.setScale(2, RoundingMode.HALF_EVEN).toPlainString()
                    + " days since " + sf.get("sinceBasis") + "), handed over " + handed.toPlainString() + " " + unit;
            List<String> streamFlags = new ArrayList<>();
            BigDecimal minimum = expected.multiply(c.rates().handoverShare());
            if (expected.signum() > 0 && handed.compareTo(minimum) < 0) {
                streamFlags.add("below "
                        + c.rates()
                                .handoverShare()
                                .multiply(BigDecimal.valueOf(100))
                                .stripTrailingZeros()
                                .toPlainString()
                        + " % of expected");
            }
            if (s.tankCapacity() != null && retained.compareTo(s.tankCapacity()) > 0) {
                streamFlags.add("implied retained " + retained.toPlainString() + " " + unit + " exceeds the "
                        + s.tankCapacity().toPlainString() + " " + unit + " tank");
            } else if (s.tankCapacity() == null && retained.signum() > 0) {
                streamFlags.add("no tank recorded to hold the implied " + retained.toPlainString() + " " + unit);
            }
            sf.put("flags", streamFlags);
            f.put(s.stream().name().toLowerCase(), sf);
            findings.add(line + (streamFlags.isEmpty() ? "" : " — " + String.join("; ", streamFlags)));
            flags.addAll(streamFlags);
        }
        String reasoning = String.join(". ", findings) + ".";
        return verdict(flags.isEmpty() ? Verdict.Outcome.COMPLIANT : Verdict.Outcome.FLAGGED, reasoning, f);
    }

    private static String describeDays(Duration d) {
        return d.toDays() + " days";
    }

    private static Verdict verdict(Verdict.Outcome outcome, String reasoning, Map<String, Object> figures) {
        return new Verdict(Verdict.Kind.ZERO_DISCHARGE, outcome, reasoning, figures);
    }
}
