package io.shoreloop.ledger;

import io.shoreloop.platform.ShoreloopConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each retired ledger key's use ends. The keys are ordered by the first checkpoint each signed (with a good
 * signature: the genuine history, which nobody can move), the current key last, whatever order they are configured
 * in. A key's use ends at the first checkpoint that a newer key signed once {@code shoreloop.ledger.rotation-grace}
 * (plus the checkpoint margin, the age an entry must have to be covered) had passed since a newer key signed its
 * first: the time every instance needs to take the newer key. Entries after the entries that checkpoint covers, and
 * checkpoints after it, must name a newer key. Both checkpoints are taken only with a good signature by the key they
 * name, so their times and coverage are the newer key's word. An entry of a retired key up to its end must lie inside
 * a checkpoint with a good signature that still covers exactly the entries it covered ({@link #coverageProblem}): the
 * global sequence is a plain serial that an insert may set, so an entry slipped into a gap of it below the end is
 * found by the count of its checkpoint's range. Until 2026-12-07 (eighth session) a retired key was accepted wherever
 * it stood: whoever held one that leaked and the application's database role appended entries that verified.
 *
 * <p>Within the grace a retired key is still accepted: when a key rotates because it leaked, set the grace to 0.
 * Ends and first checkpoints, once found, never move (checkpoints are only ever appended): they are kept for the
 * instance's life.
 */
@ApplicationScoped
public class KeyEras {

    /** A retired key's end: the checkpoint after which it is no longer accepted, and the last entry it covers. */
    public record End(long checkpointSeq, long coveredTo, Instant at) {}

    /** Checkpoints read per query while looking for one with a good signature. */
    private static final int PAGE = 100;

    private final EntityManager em;
    private final LedgerKeys keys;
    private final Duration wait;
    private final Map<String, End> found = new ConcurrentHashMap<>();
    private final Map<String, Long> firstSigned = new ConcurrentHashMap<>();

    public KeyEras(EntityManager em, LedgerKeys keys, ShoreloopConfig config) {
        this.em = em;
        this.keys = keys;
        this.wait = config.ledger().rotationGrace().plus(config.ledger().checkpointMargin());
    }

    /** Every retired key's end found so far, by key id (none without retired keys). Call in a transaction. */
    public Map<String, End> ends() {
        List<LedgerKeys.Key> retired = keys.retired();
        if (retired.isEmpty() || keys.current().isEmpty() || found.size() == retired.size()) {
            return Map.copyOf(found);
        }
        found.putAll(ends(order(retired), found.keySet(), this::firstSigned, wait));
        return Map.copyOf(found);
    }

    /** The first checkpoint (by seq) one of these keys signed, created at {@code notBefore} or later, well signed. */
    interface FirstSigned {
        Optional<Checkpoints.Checkpoint> of(Set<String> keyIds, Instant notBefore);
    }

    /**
     * The rule: the ends of the keys of {@code order} (oldest first) but the last and those already {@code known}. A
     * key ends at the first checkpoint its newer keys signed {@code wait} after the first they signed at all.
     */
    static Map<String, End> ends(List<String> order, Set<String> known, FirstSigned first, Duration wait) {
        Map<String, End> out = new HashMap<>();
        for (int i = 0; i < order.size() - 1; i++) {
            String key = order.get(i);
            if (known.contains(key)) {
                continue;
            }
            Set<String> newer = Set.copyOf(order.subList(i + 1, order.size()));
            first.of(newer, Instant.EPOCH)
                    .flatMap(f -> first.of(newer, f.createdAt().plus(wait)))
                    .ifPresent(c -> out.put(key, new End(c.seq(), c.coveredTo(), c.createdAt())));
        }
        return out;
    }

    /**
     * The key ids oldest first: the retired ones by the first checkpoint each signed (those that signed none after, as
     * configured), then the current one.
     */
    private List<String> order(List<LedgerKeys.Key> retired) {
        Map<String, Long> first = new HashMap<>();
        for (LedgerKeys.Key k : retired) {
            Long seq = firstSigned.get(k.id());
            if (seq == null) {
                seq = firstSigned(Set.of(k.id()), Instant.EPOCH)
                        .map(Checkpoints.Checkpoint::seq)
                        .orElse(null);
                if (seq != null) {
                    firstSigned.put(k.id(), seq);
                }
            }
            first.put(k.id(), seq == null ? Long.MAX_VALUE : seq);
        }
        return order(
                retired.stream().map(LedgerKeys.Key::id).toList(),
                first,
                keys.current().orElseThrow().id());
    }

    /** The retired keys (as configured) by their first checkpoint's seq, stable, then the current one. */
    static List<String> order(List<String> retired, Map<String, Long> firstSeq, String current) {
        List<String> out = new ArrayList<>(retired);
        out.sort(Comparator.comparing(firstSeq::get));
        out.add(current);
        return out;
    }

    /** The first checkpoint (by seq) one of these keys signed, created at {@code notBefore} or later, well signed. */
    private Optional<Checkpoints.Checkpoint> firstSigned(Collection<String> keyIds, Instant notBefore) {
        for (int offset = 0; ; offset += PAGE) {
            List<Checkpoints.Checkpoint> page = checkpoints(
                    "where key_id = any(cast(?1 as text[])) and created_at >= ?2 order by seq limit " + PAGE
                            + " offset " + offset,
                    keyIds.toArray(String[]::new),
                    notBefore);
            for (Checkpoints.Checkpoint c : page) {
                if (signedWell(c)) {
                    return Optional.of(c);
                }
            }
            if (page.size() < PAGE) {
                return Optional.empty();
            }
        }
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

    /**
     * For an entry of a retired key up to the key's end: what is wrong with its place, or null. It must lie inside a
     * checkpoint with a good signature whose range still holds exactly the entries it covered. {@code counted} keeps
     * the answer per checkpoint for one verification; {@code ends} as {@link #ends()} answered. Call in a transaction.
     */
    String coverageProblem(long globalSeq, Map<String, End> ends, Map<Long, String> counted) {
        Optional<Checkpoints.Checkpoint> covering = Optional.empty();
        for (int offset = 0; covering.isEmpty(); offset += PAGE) {
            // by the end of their range (V36): the checkpoint that covers the entry comes first
            List<Checkpoints.Checkpoint> page = checkpoints(
                    "where covered_to >= ?1 order by covered_to, seq limit " + PAGE + " offset " + offset,
                    globalSeq,
                    null);
            // not one a retired key signed after its end (whoever holds it could sign any range)
            covering = page.stream()
                    .filter(c -> c.coveredFrom() < globalSeq)
                    .filter(c -> checkpointProblem(ends, c.keyId(), c.seq()) == null)
                    .filter(this::signedWell)
                    .findFirst();
            if (covering.isEmpty() && page.size() < PAGE) {
                return "is not covered by a checkpoint with a good signature, though its key's use has ended";
            }
        }
        Checkpoints.Checkpoint c = covering.get();
        return counted.computeIfAbsent(c.seq(), s -> {
                    long n = ((Number) em.createNativeQuery(
                                            "select count(*) from ledger_entry where global_seq > ?1 and global_seq <= ?2")
                                    .setParameter(1, c.coveredFrom())
                                    .setParameter(2, c.coveredTo())
                                    .getSingleResult())
                            .longValue();
                    return n == c.entryCount()
                            ? ""
                            : "lies in the range of checkpoint " + c.seq() + ", which covered " + c.entryCount()
                                    + " entries and now holds " + n + ": entries were slipped in after it was signed";
                })
                .transform(p -> p.isEmpty() ? null : p);
    }

    private boolean signedWell(Checkpoints.Checkpoint c) {
        return c.keyId() != null && Checkpoints.signatureProblem(keys, c, Checkpoints.hashOf(c)) == null;
    }

    @SuppressWarnings("unchecked")
    private List<Checkpoints.Checkpoint> checkpoints(String where, Object first, Object second) {
        var query = em.createNativeQuery("select seq, covered_from, covered_to, entry_count, batch_root, prev_hash,"
                        + " hash, created_at, signature, key_id from ledger_checkpoint " + where)
                .setParameter(1, first);
        if (second != null) {
            query.setParameter(2, second);
        }
        List<Object[]> rows = query.getResultList();
        return rows.stream().map(Checkpoints::checkpoint).toList();
    }
}
