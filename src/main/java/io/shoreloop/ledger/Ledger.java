package io.shoreloop.ledger;

import io.shoreloop.manifest.StepSigned;
import io.shoreloop.platform.CanonicalJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The append-only, hash-chained record of every manifest event. Each manifest has its own chain (so that signing
 * steps of different manifests never wait for each other): entry n stores the hash of entry n−1, and
 * {@code hash = SHA-256(prev_hash + "\n" + payload)} where {@code payload} is the event's RFC 8785 canonical JSON.
 * The chain's length and head are kept in {@code ledger_chain}, so a truncated or deleted chain is detected as well
 * as an altered, removed, reordered or inserted entry. The database refuses updates and deletes of entries.
 */
@ApplicationScoped
public class Ledger {

    /** The hash before the first entry of a chain. */
    public static final String GENESIS = "0".repeat(64);

    private final EntityManager em;
    private final Clock clock;

    public Ledger(EntityManager em, Clock clock) {
        this.em = em;
        this.clock = clock;
    }

    /** One recorded entry. */
    public record Entry(
            UUID manifestId, int seq, String type, String payload, String prevHash, String hash, Instant recordedAt) {}

    /** Appends a signed step, in the transaction that signed it. */
    @Transactional(Transactional.TxType.MANDATORY)
    void onStepSigned(@Observes StepSigned event) {
        Map<String, Object> payload = new LinkedHashMap<>(event.payload());
        payload.put("type", "STEP_" + event.action().name());
        append(event.manifestId(), "STEP_" + event.action().name(), payload);
    }

    /** Appends a note (missed deadline, discrepancy), in the transaction that made it. */
    @Transactional(Transactional.TxType.MANDATORY)
    void onNoted(@Observes io.shoreloop.manifest.ManifestNoted note) {
        append(note.manifestId(), note.type(), note.payload());
    }

    /** Appends an event that is not a signed step (e.g. a deadline passed). */
    @Transactional(Transactional.TxType.MANDATORY)
    public Entry append(UUID manifestId, String type, Map<String, Object> body) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Object[] chain = (Object[])
                em.createNativeQuery("select length, head from ledger_chain where manifest_id = ?1 for update")
                        .setParameter(1, manifestId)
                        .getResultStream()
                        .findFirst()
                        .orElse(null);
        int seq = chain == null ? 1 : ((Number) chain[0]).intValue() + 1;
        String prev = chain == null ? GENESIS : (String) chain[1];
        Map<String, Object> payload = new LinkedHashMap<>(body);
        payload.put("type", type);
        payload.put("seq", seq);
        payload.put("recordedAt", now.toString());
        String canonical = CanonicalJson.write(payload);
        String hash = CanonicalJson.sha256(prev + "\n" + canonical);
        em.createNativeQuery("insert into ledger_entry (manifest_id, seq, event_type, payload, prev_hash, hash,"
                        + " recorded_at) values (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
                .setParameter(1, manifestId)
                .setParameter(2, seq)
                .setParameter(3, type)
                .setParameter(4, canonical)
                .setParameter(5, prev)
                .setParameter(6, hash)
                .setParameter(7, now)
                .executeUpdate();
        if (chain == null) {
            em.createNativeQuery("insert into ledger_chain (manifest_id, length, head) values (?1, ?2, ?3)")
                    .setParameter(1, manifestId)
                    .setParameter(2, seq)
                    .setParameter(3, hash)
                    .executeUpdate();
        } else {
            em.createNativeQuery("update ledger_chain set length = ?2, head = ?3 where manifest_id = ?1")
                    .setParameter(1, manifestId)
                    .setParameter(2, seq)
                    .setParameter(3, hash)
                    .executeUpdate();
        }
        return new Entry(manifestId, seq, type, canonical, prev, hash, now);
    }

    /** The entries of one manifest's chain, in order. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<Entry> entries(UUID manifestId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select manifest_id, seq, event_type, payload, prev_hash, hash,"
                        + " recorded_at from ledger_entry where manifest_id = ?1 order by seq")
                .setParameter(1, manifestId)
                .getResultList();
        return rows.stream().map(Ledger::entry).toList();
    }

    static Entry entry(Object[] r) {
        Object at = r[6];
        Instant recorded = at instanceof Instant i
                ? i
                : at instanceof java.sql.Timestamp t
                        ? t.toInstant()
                        : at instanceof java.time.OffsetDateTime o ? o.toInstant() : Instant.parse(String.valueOf(at));
        return new Entry(
                (UUID) r[0],
                ((Number) r[1]).intValue(),
                (String) r[2],
                (String) r[3],
                (String) r[4],
                (String) r[5],
                recorded);
    }
}
