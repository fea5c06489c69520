package io.shoreloop.compliance;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One verdict about one vessel call, as a rule answers it: what was judged, the outcome, the reasoning in words
 * (stored next to the outcome, so a bureau reads why) and the figures it rests on.
 *
 * @param figures values the reasoning cites (hours, coverage, quantities); strings, numbers, booleans and nested maps
 */
public record Verdict(Kind kind, Outcome outcome, String reasoning, Map<String, Object> figures) {

    public Verdict {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(outcome);
        Objects.requireNonNull(reasoning);
        figures = figures == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(figures));
    }

    /** What a verdict is about. */
    public enum Kind {
        /** Art. 11 of 港口和船舶岸电管理办法: ships that stay long enough must use shore power. */
        SHORE_POWER,
        /** 船上存储，交岸接收: what the ship must have produced against what it handed over. */
        ZERO_DISCHARGE,
        /** 应洗尽洗: a chemical tanker that discharged a cargo needing a prewash has a tank-washing manifest. */
        TANK_WASHING
    }

    /** Outcomes. Shore power uses the first four and PENDING; the audits use COMPLIANT, FLAGGED, NOT_APPLICABLE, PENDING. */
    public enum Outcome {
        COMPLIANT,
        EXEMPT,
        VIOLATION,
        /** An audit found something a bureau should inspect (not yet a violation). */
        FLAGGED,
        NOT_APPLICABLE,
        /** Undetermined yet: the ship is still at berth, or an input the rule needs is not recorded. */
        PENDING
    }
}
