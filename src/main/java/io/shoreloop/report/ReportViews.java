package io.shoreloop.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the report endpoints answer as JSON; CSV and XLSX carry the same rows (see {@link ReportTable}). */
public final class ReportViews {

    private ReportViews() {}

    /** How closure rows are grouped. */
    public enum GroupBy {
        PORT,
        FACILITY,
        VESSEL,
        STREAM,
        MONTH
    }

    /** Upper bounds (hours) of the time-to-close buckets h00..h11 of the read model; h12 is open-ended. */
    static final double[] TTC_BOUNDS = {1, 2, 4, 8, 12, 24, 48, 72, 120, 168, 336, 720};

    /** Counts and quantity sums of one group; quantities are summed within one unit only. */
    static final class Measures {
        long declared, received, transferred, disposed, open, refused, overdue, discrepant;
        BigDecimal declaredQty = BigDecimal.ZERO.setScale(3),
                receivedQty = BigDecimal.ZERO.setScale(3),
                transferredQty = BigDecimal.ZERO.setScale(3),
                disposedQty = BigDecimal.ZERO.setScale(3);
        final long[] ttc = new long[TTC_BOUNDS.length + 1];

        void add(Measures o) {
            declared += o.declared;
            received += o.received;
            transferred += o.transferred;
            disposed += o.disposed;
            open += o.open;
            refused += o.refused;
            overdue += o.overdue;
            discrepant += o.discrepant;
            declaredQty = declaredQty.add(o.declaredQty);
            receivedQty = receivedQty.add(o.receivedQty);
            transferredQty = transferredQty.add(o.transferredQty);
            disposedQty = disposedQty.add(o.disposedQty);
            for (int i = 0; i < ttc.length; i++) {
                ttc[i] += o.ttc[i];
            }
        }

        ClosureRow row(String key, String label, String unit) {
            return new ClosureRow(
                    key,
                    label,
                    unit,
                    declared,
                    received,
                    transferred,
                    disposed,
                    open,
                    refused,
                    overdue,
                    discrepant,
                    declaredQty,
                    receivedQty,
                    transferredQty,
                    disposedQty,
                    rate(received, declared),
                    rate(transferred, received),
                    rate(disposed, received),
                    rate(receivedQty, declaredQty),
                    rate(transferredQty, receivedQty),
                    rate(disposedQty, receivedQty),
                    percentile(ttc, 0.5),
                    percentile(ttc, 0.9));
        }
    }

    /** A ratio rounded to four decimals; absent when nothing reached the earlier stage. */
    static BigDecimal rate(long part, long whole) {
        return whole == 0 ? null : BigDecimal.valueOf(part).divide(BigDecimal.valueOf(whole), 4, RoundingMode.HALF_UP);
    }

    static BigDecimal rate(BigDecimal part, BigDecimal whole) {
        return whole.signum() == 0 ? null : part.divide(whole, 4, RoundingMode.HALF_UP);
    }

    /**
     * A percentile of time to close (hours), estimated from the fixed buckets by linear interpolation inside the bucket
     * that holds it (the open-ended last bucket answers its lower bound, 720 h); absent when nothing closed.
     */
    static BigDecimal percentile(long[] buckets, double p) {
        long total = 0;
        for (long b : buckets) {
            total += b;
        }
        if (total == 0) {
            return null;
        }
        double rank = p * total;
        long before = 0;
        for (int i = 0; i < buckets.length; i++) {
            if (buckets[i] > 0 && before + buckets[i] >= rank) {
                double lo = i == 0 ? 0 : TTC_BOUNDS[i - 1];
                if (i == TTC_BOUNDS.length) {
                    return BigDecimal.valueOf(lo).setScale(1, RoundingMode.HALF_UP);
                }
                double hi = TTC_BOUNDS[i];
                double value = lo + (hi - lo) * (rank - before) / buckets[i];
                return BigDecimal.valueOf(value).setScale(1, RoundingMode.HALF_UP);
            }
            before += buckets[i];
        }
        return null;
    }

    /**
     * One row of the closure report: counts and quantities per stage, closure rates by count and by quantity
     * (received ÷ declared, transferred ÷ received, disposed ÷ received) and time to close p50/p90 in hours.
     */
    public record ClosureRow(
            String key,
            String label,
            String unit,
            long declared,
            long received,
            long transferred,
            long disposed,
            long open,
            long refused,
            long overdue,
            long discrepant,
            BigDecimal declaredQty,
            BigDecimal receivedQty,
            BigDecimal transferredQty,
            BigDecimal disposedQty,
            BigDecimal receivedRate,
            BigDecimal transferredRate,
            BigDecimal disposedRate,
            BigDecimal receivedQtyRate,
            BigDecimal transferredQtyRate,
            BigDecimal disposedQtyRate,
            BigDecimal ttcP50Hours,
            BigDecimal ttcP90Hours) {}

    /** The closure report: the filters applied, one row per group and unit, and totals per unit. */
    public record ClosureReport(Map<String, String> filters, List<ClosureRow> rows, List<ClosureRow> totals) {}

    /** Open manifests of one port in one stage, by age since declaration. */
    public record AgeingRow(
            String portId,
            String port,
            String state,
            long under2h,
            long from2hTo1d,
            long from1dTo3d,
            long from3dTo7d,
            long from7dTo30d,
            long over30d,
            long total) {}

    /** The ageing report. */
    public record AgeingReport(Map<String, String> filters, Instant asOf, List<AgeingRow> rows) {}

    /** One manifest of an overdue or discrepant list, with the link to its history. */
    public record ManifestLine(
            String id,
            String number,
            String href,
            String portId,
            String port,
            String vesselId,
            String vessel,
            String receiverId,
            String receiver,
            String stream,
            String unit,
            String state,
            BigDecimal declaredQty,
            BigDecimal currentQty,
            Instant declaredAt,
            Instant overdueSince,
            String overdueDeadline,
            long openDiscrepancies) {}

    /** A page of an overdue or discrepant list. */
    public record ManifestList(Map<String, String> filters, List<ManifestLine> items, int page, int size, long total) {}

    /** How shore-power KPI rows are grouped; {@code company} is the port operator (岸电供电单位). */
    public enum ShorePowerGroupBy {
        PORT,
        COMPANY,
        VESSEL,
        BERTH,
        MONTH
    }

    /**
     * One row of the shore-power KPI report (definitions in the README, "Bureau reports"). Counts of calls come from
     * the stored shore-power verdicts of calls that arrived in the period; sessions, energy and avoided emissions
     * from the sessions matched to those calls and the unmatched sessions that started in the period.
     */
    public record ShorePowerRow(
            String key,
            String label,
            long calls,
            long eligibleCalls,
            long connectedCalls,
            BigDecimal usageRate,
            BigDecimal berthedHours,
            BigDecimal connectedHours,
            BigDecimal timeCoverage,
            long shipFacilityCalls,
            long compatibleCalls,
            BigDecimal compatibilityRate,
            long violations,
            long exemptions,
            Map<String, Long> exemptionsByReason,
            long pending,
            long sessions,
            long matchedSessions,
            BigDecimal sessionMatchRate,
            BigDecimal kwh,
            BigDecimal matchedKwh,
            long callsWithSessions,
            BigDecimal kwhPerConnectedCall,
            BigDecimal avoidedCo2Kg,
            BigDecimal avoidedSo2Kg,
            BigDecimal avoidedNoxKg,
            BigDecimal avoidedCostCny) {}

    /**
     * The shore-power KPI report: the filters applied, one row per group, the totals, and the factors each province
     * in the figures was computed with ({@code province} null: the national defaults).
     */
    public record ShorePowerReport(
            Map<String, String> filters,
            List<ShorePowerRow> rows,
            ShorePowerRow total,
            List<EmissionFactors> factors) {}

    /**
     * One line of the Art. 18 record (港口和船舶岸电管理办法): a shore-power relevant call with one of its sessions (or
     * none), or a session matched to no call; faults of the berth overlapping the stay (or the session).
     */
    public record Art18Line(
            String callId,
            String port,
            String berthCode,
            String berth,
            String vessel,
            String mmsi,
            String imo,
            String cnShipId,
            Instant berthedAt,
            Instant unberthedAt,
            String meter,
            Instant shorePowerStart,
            Instant shorePowerStop,
            BigDecimal kwh,
            String sessionStatus,
            String faults,
            String verdict,
            String exemptionReason) {}

    /** A page of the Art. 18 record. */
    public record Art18List(Map<String, String> filters, List<Art18Line> items, int page, int size, long total) {}

    /** What a rebuild of the read model did. */
    public record Rebuilt(long manifests) {}
}
