package io.shoreloop.ledger;

import io.shoreloop.platform.ShoreloopConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each retired ledger key's use ends. The retired keys are listed oldest first
 * ({@code shoreloop.ledger.retired-signing-key-locations}), the current key being the newest. A key's use ends at the
 * first checkpoint that a newer key signed once {@code shoreloop.ledger.rotation-grace} had passed since a newer key
 * signed its first (the time every instance needs to take the newer key): entries after the entries that checkpoint
 * covers, and checkpoints after it, must name a newer key. Both checkpoints are taken only with a good signature by the
 * key they name, so their times and coverage are the newer key's word; the entries up to the end are covered by signed
 * checkpoints, so none can be slipped in among them. Until 2026-12-07 (eighth session) a retired key was accepted
 * wherever it stood: whoever held one that leaked and the application's database role appended entries that verified.
 *
 * <p>An end, once found, never moves (checkpoints are only ever appended): it is kept for the instance's life.
 */
@ApplicationScoped
public class KeyEras {

    /** A retired key's end: the checkpoint after which it is no longer accepted, and the last entry it covers. */
    public record End(long checkpointSeq, long coveredTo, Instant at) {}

    private final EntityManager em;
    private final LedgerKeys keys;
    private final Duration grace;
    private final Map<String, End> found = new ConcurrentHashMap<>();

    public KeyEras(EntityManager em, LedgerKeys keys, ShoreloopConfig config) {
        this.em = em;
        this.keys = keys;
        this.grace = config.ledger().rotationGrace();
    }

    /** Every retired key's end found so far, by key id (none without retired keys). Call in a transaction. */
    public Map<String, End> ends() {
        List<String> order = order(keys);
        if (order.size() < 2 || found.size() == order.size() - 1) {
            return Map.copyOf(found);
        }
        // the checkpoints the keys after the oldest signed: only since the first rotation
        Set<String> newer = Set.copyOf(order.subList(1, order.size()));
        List<Checkpoints.Checkpoint> signed = new ArrayList<>();
        for (Checkpoints.Checkpoint c : checkpointsOf(newer)) {
            if (Checkpoints.signatureProblem(keys, c, Checkpoints.hashOf(c)) == null) {
                signed.add(c);
            }
        }
        found.putAll(ends(order, signed, grace));
        return Map.copyOf(found);
    }

    /** The key ids oldest first: the retired ones as listed, then the current one. */
    static List<String> order(LedgerKeys keys) {
        List<String> out = new ArrayList<>();
        keys.retired().forEach(k -> out.add(k.id()));
        keys.current().ifPresent(k -> out.add(k.id()));
        return out;
    }

    /**
     * The ends of the keys of {@code order} (oldest first) but the last, from checkpoints in their order, each with a
     * good signature by the key it names.
     */
    static Map<String, End> ends(List<String> order, List<Checkpoints.Checkpoint> signed, Duration grace) {
        Map<String, End> out = new HashMap<>();
        for (int i = 0; i < order.size() - 1; i++) {
            Set<String> newer = Set.copyOf(order.subList(i + 1, order.size()));
            Instant first = null;
            for (Checkpoints.Checkpoint c : signed) {
                if (!newer.contains(c.keyId())) {
                    continue;
                }
                if (first == null) {
                    first = c.createdAt();
                }
                if (!c.createdAt().isBefore(first.plus(grace))) {
                    out.put(order.get(i), new End(c.seq(), c.coveredTo(), c.createdAt()));
                    break;
                }
            }
        }
        return out;
    }

    /** What is wrong with an entry authenticated with {@code keyId} at global sequence {@code globalSeq}, or null. */
    static String entryProblem(Map<String, End> ends, String keyId, long globalSeq) {
        End end = ends.get(keyId);
        return end == null || globalSeq <= end.coveredTo()
                ? null
                : "was authenticated with key " + keyId + ", retired since checkpoint " + end.checkpointSeq()
                        + " (every entry after global sequence " + end.coveredTo() + " names a newer key)";
    }

    /** What is wrong with checkpoint {@code seq} signed with {@code keyId}, or null. */
    static String checkpointProblem(Map<String, End> ends, String keyId, long seq) {
        End end = ends.get(keyId);
        return end == null || seq <= end.checkpointSeq()
                ? null
                : "was signed with key " + keyId + ", retired since checkpoint " + end.checkpointSeq();
    }

    @SuppressWarnings("unchecked")
    private List<Checkpoints.Checkpoint> checkpointsOf(Set<String> keyIds) {
        List<Object[]> rows = em.createNativeQuery("select seq, covered_from, covered_to, entry_count, batch_root,"
                        + " prev_hash, hash, created_at, signature, key_id from ledger_checkpoint"
                        + " where key_id = any(cast(?1 as text[])) order by seq")
                .setParameter(1, keyIds.toArray(String[]::new))
                .getResultList();
        return rows.stream().map(Checkpoints::checkpoint).toList();
    }
}
