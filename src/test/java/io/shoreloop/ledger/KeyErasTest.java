package io.shoreloop.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A retired key's use ends at the first checkpoint a newer key signed once the rotation's grace had passed since a
 * newer key signed its first. Before, a retired key was accepted wherever it stood.
 */
class KeyErasTest {

    static final Instant T0 = Instant.parse("2026-12-07T00:00:00Z");
    static final Duration GRACE = Duration.ofHours(1);

    @Test
    void aRetiredKeyEndsAtTheFirstNewerCheckpointAfterTheGrace() {
        List<Checkpoints.Checkpoint> signed = new ArrayList<>();
        // K0 signs every 10 minutes for an hour; K1 from 60 min, K0 once more at 70 min (an instance not yet rotated)
        for (int i = 0; i < 6; i++) {
            signed.add(cp(i + 1, 100L * (i + 1), "k0", 10 * i));
        }
        signed.add(cp(7, 700, "k1", 60));
        signed.add(cp(8, 800, "k0", 70));
        for (int i = 0; i < 8; i++) {
            signed.add(cp(9 + i, 900L + 100 * i, "k1", 80 + 10 * i));
        }
        // K2 from 200 min
        signed.add(cp(17, 1700, "k2", 200));
        signed.add(cp(18, 1800, "k2", 230));
        signed.add(cp(19, 1900, "k2", 260));
        signed.add(cp(20, 2000, "k2", 270));

        Map<String, KeyEras.End> ends = ends(List.of("k0", "k1", "k2"), signed, GRACE);
        // K0: K1 first signed at 60 min, the first newer checkpoint from 120 min is number 13 (at 120 min)
        assertEquals(new KeyEras.End(13, 1300, T0.plus(Duration.ofMinutes(120))), ends.get("k0"));
        // K1: K2 first signed at 200 min; from 260 min, number 19
        assertEquals(new KeyEras.End(19, 1900, T0.plus(Duration.ofMinutes(260))), ends.get("k1"));
        assertNull(ends.get("k2"), "the current key has no end");

        // an entry or checkpoint of a retired key up to its end is accepted, after it not
        assertNull(KeyEras.entryProblem(ends, "k0", 1300));
        assertTrue(KeyEras.entryProblem(ends, "k0", 1301).contains("retired since checkpoint 13"));
        assertNull(KeyEras.entryProblem(ends, "k1", 1900));
        assertNull(KeyEras.entryProblem(ends, "k2", 1_000_000));
        assertNull(KeyEras.checkpointProblem(ends, "k0", 8), "the late instance's checkpoint, within the grace");
        assertTrue(KeyEras.checkpointProblem(ends, "k0", 14).contains("retired since checkpoint 13"));
        assertNull(KeyEras.checkpointProblem(ends, "k1", 19));
        assertTrue(KeyEras.checkpointProblem(ends, "k1", 20).contains("k1"));
    }

    @Test
    void withinTheGraceARetiredKeyHasNoEndYet() {
        List<Checkpoints.Checkpoint> signed =
                List.of(cp(1, 100, "k0", 0), cp(2, 200, "k1", 10), cp(3, 300, "k1", 20), cp(4, 400, "k0", 30));
        Map<String, KeyEras.End> ends = ends(List.of("k0", "k1"), signed, GRACE);
        assertEquals(Map.of(), ends);
        assertNull(KeyEras.entryProblem(ends, "k0", 10_000));
        // a key older than the current one that never saw a newer checkpoint, the grace of zero: the first ends it
        assertEquals(
                new KeyEras.End(2, 200, T0.plus(Duration.ofMinutes(10))),
                ends(List.of("k0", "k1"), signed, Duration.ZERO).get("k0"));
    }

    @Test
    void theKeysAreOrderedByTheFirstCheckpointEachSignedNotAsConfigured() {
        // configured newest first: k1 signed its first checkpoint at 7, k0 at 1; k9 never signed one
        assertEquals(
                List.of("k0", "k1", "k9", "k2"),
                KeyEras.order(List.of("k1", "k9", "k0"), Map.of("k1", 7L, "k0", 1L, "k9", Long.MAX_VALUE), "k2"));
    }

    /** The rule, with the first well-signed checkpoint looked up in a list in seq order, as the queries do. */
    private static Map<String, KeyEras.End> ends(
            List<String> order, List<Checkpoints.Checkpoint> signed, Duration wait) {
        return KeyEras.ends(
                order,
                java.util.Set.of(),
                (keys, notBefore) -> signed.stream()
                        .filter(c -> keys.contains(c.keyId()) && !c.createdAt().isBefore(notBefore))
                        .findFirst(),
                wait);
    }

    private static Checkpoints.Checkpoint cp(long seq, long coveredTo, String key, int minutes) {
        return new Checkpoints.Checkpoint(
                seq, coveredTo - 100, coveredTo, 100, "r", "p", "h", T0.plus(Duration.ofMinutes(minutes)), "s", key);
    }
}
