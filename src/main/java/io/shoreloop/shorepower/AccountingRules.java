package io.shoreloop.shorepower;

import java.time.Duration;
import java.util.Objects;

/**
 * The tunable thresholds of energy accounting and session building. {@link #defaults()} gives the values the
 * service uses unless configured otherwise.
 *
 * @param plausibilityMarginPercent an increase above capacity × elapsed time × this margin is an implausible jump
 *     (125 = 1.25 ×)
 * @param resetFractionPercent a drop to below this share of the previous register value is a reset (10 = 10 %)
 * @param resetAbsoluteWh a drop to at most this register value is a reset, whatever the previous value
 * @param gapFactor a step longer than this many reporting intervals is flagged {@link QualityFlag#GAP}
 * @param silenceTimeout a step longer than this (or than {@code gapFactor} reporting intervals, when that is longer:
 *     {@link #silenceFor}) ends an open session ({@link SessionStatus#INTERRUPTED}); its energy is unallocated,
 *     because nobody knows when inside the silence it was drawn
 * @param powerThresholdW for readings without a breaker flag: power at or above this is "supplying"
 * @param sustain for readings without a breaker flag: power must stay above (below) the threshold this long to open
 *     (close) a session
 */
public record AccountingRules(
        int plausibilityMarginPercent,
        int resetFractionPercent,
        long resetAbsoluteWh,
        int gapFactor,
        Duration silenceTimeout,
        long powerThresholdW,
        Duration sustain) {

    public AccountingRules {
        Objects.requireNonNull(silenceTimeout, "silenceTimeout");
        Objects.requireNonNull(sustain, "sustain");
        if (plausibilityMarginPercent < 100) {
            throw new IllegalArgumentException("the plausibility margin is at least 100 %");
        }
        if (resetFractionPercent < 0 || resetFractionPercent > 100 || resetAbsoluteWh < 0) {
            throw new IllegalArgumentException("reset thresholds out of range");
        }
        if (gapFactor < 1 || silenceTimeout.isNegative() || sustain.isNegative() || powerThresholdW < 0) {
            throw new IllegalArgumentException("session thresholds out of range");
        }
    }

    /** Margin 125 %, reset below 10 % or at most 1 kWh, gap after 3 intervals, silence 30 min, 5 kW for 2 min. */
    public static AccountingRules defaults() {
        return new AccountingRules(125, 10, 1_000, 3, Duration.ofMinutes(30), 5_000, Duration.ofMinutes(2));
    }

    /**
     * The silence that ends an open session of a meter reporting every {@code reportingInterval}: the silence timeout,
     * or {@code gapFactor} intervals when that is longer, so that a meter reporting every 30 minutes or more does not
     * have every step taken for a silence (until 2026-12-08 each session of an hourly meter was interrupted at its
     * first step, with no energy).
     */
    public Duration silenceFor(Duration reportingInterval) {
        Duration intervals = reportingInterval.multipliedBy(gapFactor);
        return intervals.compareTo(silenceTimeout) > 0 ? intervals : silenceTimeout;
    }

    /** These rules for a meter reporting every {@code reportingInterval} ({@link #silenceFor}). */
    public AccountingRules forInterval(Duration reportingInterval) {
        Duration silence = silenceFor(reportingInterval);
        return silence.equals(silenceTimeout) ? this : withSilenceTimeout(silence);
    }

    public AccountingRules withSilenceTimeout(Duration timeout) {
        return new AccountingRules(
                plausibilityMarginPercent,
                resetFractionPercent,
                resetAbsoluteWh,
                gapFactor,
                timeout,
                powerThresholdW,
                sustain);
    }

    public AccountingRules withSustain(Duration newSustain) {
        return new AccountingRules(
                plausibilityMarginPercent,
                resetFractionPercent,
                resetAbsoluteWh,
                gapFactor,
                silenceTimeout,
                powerThresholdW,
                newSustain);
    }

    public AccountingRules withPowerThresholdW(long thresholdW) {
        return new AccountingRules(
                plausibilityMarginPercent,
                resetFractionPercent,
                resetAbsoluteWh,
                gapFactor,
                silenceTimeout,
                thresholdW,
                sustain);
    }
}
