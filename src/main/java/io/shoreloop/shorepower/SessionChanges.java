package io.shoreloop.shorepower;

import java.util.List;

/**
 * What one batch of readings changed, so that persistence can upsert exactly those sessions and delete the removed
 * ones.
 *
 * @param created sessions that did not exist before (by {@link Session#key()})
 * @param changed sessions whose key existed before and whose content differs now
 * @param removed keys of sessions that no longer exist (merged into another, moved start, or no longer a session)
 * @param before the changed and the removed sessions as they were before the batch (their calls may have lost them)
 * @param accepted readings of the batch that were new
 * @param duplicates readings of the batch identical to one already known for the same {@code (meter, ts)}
 * @param conflicting readings of the batch with a known {@code (meter, ts)} but other content: the first one kept
 *     wins (as the store's unique key does), these are ignored and reported
 */
public record SessionChanges(
        List<Session> created,
        List<Session> changed,
        List<Session.Key> removed,
        List<Session> before,
        int accepted,
        int duplicates,
        List<Reading> conflicting) {

    public SessionChanges {
        created = List.copyOf(created);
        changed = List.copyOf(changed);
        removed = List.copyOf(removed);
        before = List.copyOf(before);
        conflicting = List.copyOf(conflicting);
    }

    /** Nothing changed and no reading came. */
    public static SessionChanges none() {
        return new SessionChanges(List.of(), List.of(), List.of(), List.of(), 0, 0, List.of());
    }

    /** No session was created, changed or removed. */
    public boolean touchesNoSession() {
        return created.isEmpty() && changed.isEmpty() && removed.isEmpty();
    }
}
