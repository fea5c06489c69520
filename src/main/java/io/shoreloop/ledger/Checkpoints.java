package io.shoreloop.ledger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.shoreloop.platform.CanonicalJson;
import io.shoreloop.platform.ShoreloopConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Signed checkpoints over the whole ledger. Each checkpoint covers the entries appended since the previous one
 * (by their global sequence), as a Merkle root of their hashes (RFC 6962: leaf = SHA-256(0x00 ‖ hash), node =
 * SHA-256(0x01 ‖ left ‖ right)), chains to the previous checkpoint's hash and is signed (RSA-SHA256) with the
 * service's ledger key. A bureau that exported a checkpoint can later prove that nothing it covered was rewritten,
 * even by someone who recomputed every chain in the table.
 */
@ApplicationScoped
public class Checkpoints {

    private static final Logger LOG = Logger.getLogger(Checkpoints.class);

    /** The advisory lock one checkpoint taker holds at a time. */
    static final long LOCK = 7315200552L;

    /** How long a scheduled taker waits for the lock before it gives up until the next interval and says who holds it. */
    private static final Duration LOCK_WAIT = Duration.ofSeconds(30);

    private final EntityManager em;
    private final ShoreloopConfig config;
    private final Clock clock;
    private final LedgerKeys keys;
    private final KeyEras eras;
    private final AtomicLong lagSeconds = new AtomicLong();

    public Checkpoints(
            EntityManager em,
            ShoreloopConfig config,
            Clock clock,
            LedgerKeys keys,
            KeyEras eras,
            MeterRegistry metrics) {
        this.em = em;
        this.config = config;
        this.clock = clock;
        this.keys = keys;
        this.eras = eras;
        Gauge.builder("shoreloop.ledger.checkpoint.lag", lagSeconds, AtomicLong::get)
                .baseUnit("seconds")
                .description("Age of the oldest ledger entry no checkpoint covers yet (0 when every entry is covered)")
                .register(metrics);
    }

    /** One checkpoint as exported. */
    public record Checkpoint(
            long seq,
            long coveredFrom,
            long coveredTo,
            long entryCount,
            String batchRoot,
            String prevHash,
            String hash,
            Instant createdAt,
            String signature,
            String keyId) {}

    /** The result of checking every checkpoint against the ledger as it is now. */
    public record CheckpointReport(boolean intact, long checkpoints, String firstProblem) {}

    @Scheduled(
            every = "${shoreloop.ledger.checkpoint-every:10m}",
            delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            take();
        } catch (LockHeld e) {
            LOG.warn(e.getMessage() + "; retrying at the next interval");
        } catch (RuntimeException e) {
            LOG.warn("Could not take a ledger checkpoint; retrying at the next interval", e);
        }
    }

    /**
     * Refreshes {@code shoreloop_ledger_checkpoint_lag_seconds}. Normally it stays below the interval plus the margin
     * (15 min on the defaults); above that, checkpoints have stopped: the taker fails, or something holds its lock
     * (the application's database role can), and a retired key's end waits too. Operators alarm on it.
     */
    @Scheduled(every = "1m", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void watchLag() {
        try {
            lagSeconds.set(lag(clock.instant()).toSeconds());
        } catch (RuntimeException e) {
            LOG.warn("Could not measure the ledger's checkpoint lag", e);
        }
    }

    /**
     * How long the first entry no checkpoint covers has waited at {@code now} (zero when every entry is covered): the
     * entries follow their global sequence closely in time, so the first uncovered one is the oldest but for the
     * transactions that overlapped it.
     */
    @Transactional
    public Duration lag(Instant now) {
        Object first = em.createNativeQuery("select e.recorded_at from ledger_entry e where e.global_seq >"
                        + " coalesce((select max(covered_to) from ledger_checkpoint), 0) order by e.global_seq limit 1")
                .getResultStream()
                .findFirst()
                .orElse(null);
        if (first == null) {
            return Duration.ZERO;
        }
        Duration lag = Duration.between(instant(first), now);
        return lag.isNegative() ? Duration.ZERO : lag;
    }

    /** Takes a checkpoint over the entries older than the margin not yet covered; empty when there are none. */
    @Transactional
    public Optional<Checkpoint> take() {
        return take(clock.instant().minus(config.ledger().checkpointMargin()));
    }

    /** Takes a checkpoint over the entries recorded before {@code upTo} not yet covered. */
    @Transactional
    public Optional<Checkpoint> take(Instant upTo) {
        return take(upTo, LOCK_WAIT);
    }

    /**
     * Takes a checkpoint over the entries recorded before {@code upTo} not yet covered, waiting at most {@code
     * maxWait} for the lock; {@link LockHeld} names the session that kept it.
     */
    @Transactional
    Optional<Checkpoint> take(Instant upTo, Duration maxWait) {
        // one taker at a time (instances, the schedule and a request): a lock of its own, as the application's role
        // may not lock the table itself in a mode that excludes others (that needs its update or delete right). The
        // application's role can take that lock too and keep it: the taker waits a bounded time (less than its
        // transaction's timeout), says who holds it, and tries again at the next interval (the lag grows, for the
        // operator's alarm)
        lock(maxWait);
        Object[] last = (Object[])
                em.createNativeQuery("select seq, covered_to, hash from ledger_checkpoint order by seq desc limit 1")
                        .getResultStream()
                        .findFirst()
                        .orElse(null);
        long seq = last == null ? 1 : ((Number) last[0]).longValue() + 1;
        long from = last == null ? 0 : ((Number) last[1]).longValue();
        String prev = last == null ? Ledger.GENESIS : (String) last[2];
        Number to = (Number) em.createNativeQuery(
                        "select max(global_seq) from ledger_entry where global_seq > ?1 and recorded_at < ?2")
                .setParameter(1, from)
                .setParameter(2, upTo)
                .getSingleResult();
        if (to == null) {
            return Optional.empty();
        }
        List<String> hashes = hashes(from, to.longValue());
        String root = merkleRoot(hashes);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String hash = checkpointHash(seq, from, to.longValue(), hashes.size(), root, prev, now);
        Optional<LedgerKeys.Key> key = keys.current().filter(k -> k.privateDer() != null);
        String signature =
                key.map(k -> sign(LedgerKeys.privateKey(k.privateDer()), hash)).orElse(null);
        String keyId = key.map(LedgerKeys.Key::id).orElse(null);
        em.createNativeQuery("insert into ledger_checkpoint (seq, covered_from, covered_to, entry_count, batch_root,"
                        + " prev_hash, hash, created_at, signature, key_id) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
                        + " ?10)")
                .setParameter(1, seq)
                .setParameter(2, from)
                .setParameter(3, to.longValue())
                .setParameter(4, (long) hashes.size())
                .setParameter(5, root)
                .setParameter(6, prev)
                .setParameter(7, hash)
                .setParameter(8, now)
                .setParameter(9, signature)
                .setParameter(10, keyId)
                .executeUpdate();
        return Optional.of(
                new Checkpoint(seq, from, to.longValue(), hashes.size(), root, prev, hash, now, signature, keyId));
    }

    /** Another session kept the checkpoints' lock longer than a taker waits: try again later. */
    public static final class LockHeld extends io.shoreloop.platform.DomainException {
        LockHeld(String message) {
            super(io.shoreloop.platform.ProblemKind.UNAVAILABLE, "checkpoint-lock-held", message);
        }
    }

    private void lock(Duration maxWait) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (!(Boolean) em.createNativeQuery("select pg_try_advisory_xact_lock(?1)")
                .setParameter(1, LOCK)
                .getSingleResult()) {
            if (System.nanoTime() - deadline >= 0) {
                throw new LockHeld("The ledger checkpoints' lock is held by " + holder() + ", for longer than "
                        + maxWait.toSeconds() + " s; no checkpoint was taken");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the checkpoints' lock", e);
            }
        }
    }

    /** The session holding the checkpoints' lock, as far as this role may see it. */
    private String holder() {
        Object holder = em.createNativeQuery("select 'backend ' || a.pid || ' (role ' || coalesce(a.usename::text, '?')"
                        + " || ', application ''' || coalesce(a.application_name, '') || ''', client '"
                        + " || coalesce(host(a.client_addr), 'local') || ', transaction since '"
                        + " || coalesce(a.xact_start::text, '?') || ')' from pg_locks l join pg_stat_activity a on"
                        + " a.pid = l.pid where l.locktype = 'advisory' and l.granted and l.objsubid = 1 and"
                        + " ((l.classid::bigint << 32) | l.objid::bigint) = ?1")
                .setParameter(1, LOCK)
                .getResultStream()
                .findFirst()
                .orElse(null);
        return holder == null ? "a session that has since let it go" : holder.toString();
    }

    /** Every checkpoint, oldest first (for export). */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<Checkpoint> all() {
        List<Object[]> rows = em.createNativeQuery("select seq, covered_from, covered_to, entry_count, batch_root,"
                        + " prev_hash, hash, created_at, signature, key_id from ledger_checkpoint order by seq")
                .getResultList();
        List<Checkpoint> out = new ArrayList<>();
        for (Object[] r : rows) {
            out.add(checkpoint(r));
        }
        return out;
    }

    /** A checkpoint from its row (seq, covered_from, covered_to, entry_count, batch_root, prev_hash, hash, ...). */
    static Checkpoint checkpoint(Object[] r) {
        return new Checkpoint(
                ((Number) r[0]).longValue(),
                ((Number) r[1]).longValue(),
                ((Number) r[2]).longValue(),
                ((Number) r[3]).longValue(),
                (String) r[4],
                (String) r[5],
                (String) r[6],
                instant(r[7]),
                (String) r[8],
                (String) r[9]);
    }

    /** A checkpoint's hash recomputed from what it states (what its signature signs). */
    static String hashOf(Checkpoint c) {
        return checkpointHash(
                c.seq(), c.coveredFrom(), c.coveredTo(), c.entryCount(), c.batchRoot(), c.prevHash(), c.createdAt());
    }

    /** The PEM public key that verifies the signatures of new checkpoints, if one is configured. */
    public Optional<String> publicKeyPem() {
        return keys.current().map(k -> keys.publicKeysPem().get(k.id()));
    }

    /** Every public key that verifies checkpoints, the current one and the retired ones, by key id. */
    public Map<String, String> publicKeysPem() {
        return keys.publicKeysPem();
    }

    /** Recomputes every checkpoint from the ledger as it is now: roots, chain and signatures. */
    @Transactional
    public CheckpointReport verify() {
        List<Checkpoint> checkpoints = all();
        Map<String, KeyEras.End> ends = eras.ends();
        String prev = Ledger.GENESIS;
        long expectedFrom = 0;
        boolean keyed = keys.current().isPresent();
        for (Checkpoint c : checkpoints) {
            if (c.coveredFrom() != expectedFrom || !c.prevHash().equals(prev)) {
                return new CheckpointReport(
                        false, checkpoints.size(), "checkpoint " + c.seq() + " does not follow " + "the previous one");
            }
            List<String> hashes = hashes(c.coveredFrom(), c.coveredTo());
            if (hashes.size() != c.entryCount() || !merkleRoot(hashes).equals(c.batchRoot())) {
                return new CheckpointReport(
                        false,
                        checkpoints.size(),
                        "the entries covered by checkpoint " + c.seq() + " have changed since it was signed");
            }
            String hash = hashOf(c);
            if (!hash.equals(c.hash())) {
                return new CheckpointReport(false, checkpoints.size(), "checkpoint " + c.seq() + " was altered");
            }
            // with a key to verify them, every checkpoint must carry a good signature: an unsigned one was accepted,
            // so checkpoints recomputed over a rewritten ledger and stored without a signature verified intact
            String wrong = keyed ? signatureProblem(keys, c, hash) : null;
            if (wrong == null && keyed) {
                wrong = KeyEras.checkpointProblem(ends, c.keyId(), c.seq());
            }
            if (wrong != null) {
                return new CheckpointReport(false, checkpoints.size(), "checkpoint " + c.seq() + " " + wrong);
            }
            prev = c.hash();
            expectedFrom = c.coveredTo();
        }
        return new CheckpointReport(true, checkpoints.size(), null);
    }

    @SuppressWarnings("unchecked")
    private List<String> hashes(long fromExclusive, long toInclusive) {
        return em.createNativeQuery("select hash from ledger_entry where global_seq > ?1 and global_seq <= ?2"
                        + " order by global_seq")
                .setParameter(1, fromExclusive)
                .setParameter(2, toInclusive)
                .getResultList();
    }

    static String checkpointHash(long seq, long from, long to, long count, String root, String prev, Instant at) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("seq", seq);
        c.put("coveredFrom", from);
        c.put("coveredTo", to);
        c.put("entryCount", count);
        c.put("batchRoot", root);
        c.put("createdAt", at.toString());
        return CanonicalJson.sha256(prev + "\n" + CanonicalJson.write(c));
    }

    /** RFC 6962 Merkle tree hash over hex-encoded leaf hashes. */
    static String merkleRoot(List<String> leaves) {
        if (leaves.isEmpty()) {
            return HexFormat.of().formatHex(sha256(new byte[0]));
        }
        List<byte[]> level = new ArrayList<>(leaves.size());
        for (String leaf : leaves) {
            level.add(sha256((byte) 0x00, HexFormat.of().parseHex(leaf)));
        }
        return HexFormat.of().formatHex(root(level, 0, level.size()));
    }

    private static byte[] root(List<byte[]> leaves, int from, int to) {
        int n = to - from;
        if (n == 1) {
            return leaves.get(from);
        }
        int k = Integer.highestOneBit(n - 1); // largest power of two smaller than n
        return sha256((byte) 0x01, concat(root(leaves, from, from + k), root(leaves, from + k, to)));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] sha256(byte prefix, byte[] data) {
        byte[] in = new byte[data.length + 1];
        in[0] = prefix;
        System.arraycopy(data, 0, in, 1, data.length);
        return sha256(in);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What is wrong with a checkpoint's signature, checked with the key it names (a retired one after a rotation; the
     * current one when it names none), or {@code null}. Without a key to verify them, an unsigned checkpoint was
     * accepted, so checkpoints recomputed over a rewritten ledger and stored without a signature verified intact.
     */
    static String signatureProblem(LedgerKeys keys, Checkpoint c, String hash) {
        if (c.signature() == null) {
            return "is not signed";
        }
        Optional<LedgerKeys.Key> key = c.keyId() == null ? keys.current() : keys.byId(c.keyId());
        if (key.isEmpty()) {
            return "was signed with a key this service does not know (" + c.keyId()
                    + "; retired keys go in shoreloop.ledger.retired-signing-key-locations)";
        }
        return verifySignature(key.get().publicKey(), hash, c.signature()) ? null : "has a bad signature";
    }

    static String sign(PrivateKey key, String hash) {
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key);
            s.update(hash.getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean verifySignature(PublicKey key, String hash, String signature) {
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initVerify(key);
            s.update(hash.getBytes(StandardCharsets.US_ASCII));
            return s.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    static String read(String location) {
        try {
            String path = location.startsWith("file:")
                    ? Path.of(java.net.URI.create(location)).toString()
                    : location;
            return Files.readString(Path.of(path), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the key at " + location, e);
        }
    }

    static byte[] der(String pem) {
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    private static Instant instant(Object o) {
        return o instanceof Instant i
                ? i
                : o instanceof java.sql.Timestamp t
                        ? t.toInstant()
                        : o instanceof java.time.OffsetDateTime d ? d.toInstant() : Instant.parse(String.valueOf(o));
    }
}
