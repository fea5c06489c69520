package io.shoreloop.shorepower;

/** Where a session stands. */
public enum SessionStatus {
    /** Supply is still on at the meter's latest reading. */
    OPEN,
    /**
     * The breaker opened (or power stayed below the threshold): a normal end; or the call at the berth departed while
     * the meter still showed supply ({@link QualityFlag#CLOSED_AT_DEPARTURE}).
     */
    CLOSED,
    /** The meter fell silent for longer than the silence timeout while supplying. */
    INTERRUPTED
}
