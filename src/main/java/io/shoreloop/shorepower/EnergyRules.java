package io.shoreloop.shorepower;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;

/**
 * The energy of one step, from two readings adjacent in time. Pure, exact, and local: a step depends on its two
 * readings only, so a late reading changes exactly the step it splits.
 *
 * <ol>
 *   <li>{@code next >= prev}: the increase. More than {@link #plausibleMaxWh} → rejected, flagged
 *       {@code IMPLAUSIBLE_JUMP}.
 *   <li>a registered modulus and {@code modulus − prev + next} is plausible → {@code ROLLOVER}, that amount counts.
 *   <li>{@code next} below the reset fraction of {@code prev}, or at most the absolute reset threshold → {@code RESET}:
 *       the register restarted from zero, so {@code next} itself is the energy since the reset (counted if plausible,
 *       else rejected). The energy between {@code prev} and the moment of the reset was never registered anywhere and
 *       is not invented.
 *   <li>any other drop → {@code REGISTER_DROP}: nothing counts, the next step starts from the new value.
 * </ol>
 *
 * A step longer than {@code gapFactor} reporting intervals is also flagged {@code GAP}; its energy is the register's,
 * never an interpolation. The capacity is the berth's at the step's time ({@link MeterProfile#capacityChanges()}): a
 * step is judged alike whenever it is derived, before or after a later change of the berth's capacity.
 */
final class EnergyRules {

    private static final BigInteger MS_PER_HOUR_PERCENT = BigInteger.valueOf(3_600_000L * 100L);

    private final MeterProfile profile;
    private final AccountingRules rules;
    private final Duration gapAfter;

    EnergyRules(MeterProfile profile, AccountingRules rules) {
        this.profile = profile;
        this.rules = rules;
        this.gapAfter = profile.reportingInterval().multipliedBy(rules.gapFactor());
    }

    EnergyStep step(Reading prev, Reading next) {
        if (prev == null) {
            return EnergyStep.first(next.ts());
        }
        Duration elapsed = Duration.between(prev.ts(), next.ts());
        if (elapsed.isNegative() || elapsed.isZero()) {
            throw new IllegalArgumentException("readings out of order: " + prev.ts() + " → " + next.ts());
        }
        EnumSet<QualityFlag> flags = EnumSet.noneOf(QualityFlag.class);
        if (elapsed.compareTo(gapAfter) > 0) {
            flags.add(QualityFlag.GAP);
        }
        long limit = plausibleMaxWh(prev.ts(), next.ts());
        long p = prev.registerWh();
        long n = next.registerWh();
        long metered;
        if (n >= p) {
            metered = n - p;
        } else if (profile.registerModulusWh() != null
                && p < profile.registerModulusWh()
                && profile.registerModulusWh() - p + n <= limit) {
            flags.add(QualityFlag.ROLLOVER);
            metered = profile.registerModulusWh() - p + n;
        } else if (isReset(p, n)) {
            flags.add(QualityFlag.RESET);
            metered = n;
        } else {
            flags.add(QualityFlag.REGISTER_DROP);
            metered = 0;
        }
        if (metered > limit) {
            flags.add(QualityFlag.IMPLAUSIBLE_JUMP);
            return new EnergyStep(prev.ts(), next.ts(), 0, metered, flags);
        }
        return new EnergyStep(prev.ts(), next.ts(), metered, 0, flags);
    }

    private boolean isReset(long prev, long next) {
        return next <= rules.resetAbsoluteWh()
                || BigInteger.valueOf(next)
                                .multiply(BigInteger.valueOf(100))
                                .compareTo(BigInteger.valueOf(prev)
                                        .multiply(BigInteger.valueOf(rules.resetFractionPercent())))
                        < 0;
    }

    /**
     * The most energy the berth can supply from {@code from} to {@code to}: capacity × time × margin, rounded down, in
     * Wh, with the capacity in effect over each part of the step when the berth's capacity changed inside it.
     */
    long plausibleMaxWh(Instant from, Instant to) {
        List<MeterProfile.CapacityChange> changes = profile.capacityChanges();
        if (changes.isEmpty()) {
            return plausibleMaxWh(profile.capacityVa(), Duration.between(from, to));
        }
        long capacity = profile.capacityVa();
        int i = 0;
        while (i < changes.size() && !changes.get(i).from().isAfter(from)) {
            capacity = changes.get(i++).capacityVa();
        }
        if (i == changes.size() || !changes.get(i).from().isBefore(to)) {
            return plausibleMaxWh(capacity, Duration.between(from, to)); // no change inside the step
        }
        // VA × ms over each part, then the margin, rounded down once
        BigInteger vaMs = BigInteger.ZERO;
        Instant at = from;
        for (; i < changes.size() && changes.get(i).from().isBefore(to); i++) {
            Instant next = changes.get(i).from();
            vaMs = vaMs.add(BigInteger.valueOf(capacity)
                    .multiply(BigInteger.valueOf(Duration.between(at, next).toMillis())));
            capacity = changes.get(i).capacityVa();
            at = next;
        }
        vaMs = vaMs.add(BigInteger.valueOf(capacity)
                .multiply(BigInteger.valueOf(Duration.between(at, to).toMillis())));
        BigInteger wh = vaMs.multiply(BigInteger.valueOf(rules.plausibilityMarginPercent()))
                .divide(MS_PER_HOUR_PERCENT);
        return wh.bitLength() < 63 ? wh.longValue() : Long.MAX_VALUE;
    }

    private long plausibleMaxWh(long capacityVa, Duration elapsed) {
        long ms = elapsed.toMillis();
        if (capacityVa <= Integer.MAX_VALUE && ms >= 0) {
            long perMs = capacityVa * rules.plausibilityMarginPercent(); // both below 2^31: fits
            long product = perMs * ms;
            if (Math.multiplyHigh(perMs, ms) == 0 && product >= 0) { // the usual case, without BigInteger
                return product / (3_600_000L * 100L);
            }
        }
        BigInteger wh = BigInteger.valueOf(capacityVa)
                .multiply(BigInteger.valueOf(rules.plausibilityMarginPercent()))
                .multiply(BigInteger.valueOf(elapsed.toMillis()))
                .divide(MS_PER_HOUR_PERCENT);
        return wh.bitLength() < 63 ? wh.longValue() : Long.MAX_VALUE;
    }
}
