package io.shoreloop.compliance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** A half-open time interval {@code [start, end)}, for connections, faults and stays. */
public record Interval(Instant start, Instant end) {

    public Interval {
        Objects.requireNonNull(start);
        Objects.requireNonNull(end);
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("interval ends before it starts: " + start + " → " + end);
        }
    }

    public Duration duration() {
        return Duration.between(start, end);
    }

    public boolean overlaps(Interval other) {
        return start.isBefore(other.end) && other.start.isBefore(end);
    }

    /** The part of this interval inside {@code window}, or {@code null} when they do not overlap. */
    public Interval clip(Interval window) {
        Instant s = start.isAfter(window.start) ? start : window.start;
        Instant e = end.isBefore(window.end) ? end : window.end;
        return e.isAfter(s) ? new Interval(s, e) : null;
    }

    /** The union of the intervals' parts inside {@code window}, sorted and disjoint. */
    public static List<Interval> unionWithin(List<Interval> intervals, Interval window) {
        List<Interval> clipped = intervals.stream()
                .map(i -> i.clip(window))
                .filter(Objects::nonNull)
                .sorted(Comparator.comparing(Interval::start))
                .toList();
        List<Interval> merged = new ArrayList<>();
        for (Interval i : clipped) {
            if (!merged.isEmpty() && !i.start.isAfter(merged.get(merged.size() - 1).end)) {
                Interval last = merged.remove(merged.size() - 1);
                merged.add(new Interval(last.start, i.end.isAfter(last.end) ? i.end : last.end));
            } else {
                merged.add(i);
            }
        }
        return merged;
    }

    /** Total time of the union of the intervals inside {@code window}. */
    public static Duration coveredWithin(List<Interval> intervals, Interval window) {
        return unionWithin(intervals, window).stream().map(Interval::duration).reduce(Duration.ZERO, Duration::plus);
    }

    /** The longest stretch of {@code window} that none of the intervals covers. */
    public static Duration longestGapWithin(List<Interval> intervals, Interval window) {
        Duration longest = Duration.ZERO;
        Instant cursor = window.start;
        for (Interval i : unionWithin(intervals, window)) {
            Duration gap = Duration.between(cursor, i.start);
            longest = gap.compareTo(longest) > 0 ? gap : longest;
            cursor = i.end;
        }
        Duration tail = Duration.between(cursor, window.end);
        return tail.compareTo(longest) > 0 ? tail : longest;
    }
}
