package io.shoreloop.ledger;

import io.shoreloop.manifest.StepSigned;
import io.shoreloop.platform.CanonicalJson;
import io.shoreloop.platform.Sql;
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
 * as an altered, removed, reordered or inserted entry. The database refuses updates and deletes of entries. Each
 * entry carries a MAC with the service's key ({@link EntryMacs}), so an entry appended beside Shoreloop, with its
 * hashes right, is told from Shoreloop's own.
 */
@ApplicationScoped
public class Ledger {

    /** The hash before the first entry of a chain. */
    public static final String GENESIS = "0".repeat(64);

    private final EntityManager em;
    private final Sql sql;
    private final Clock clock;
    private final EntryMacs macs;

    public Ledger(EntityManager em, Sql sql, Clock clock, EntryMacs macs) {
        this.em = em;
        this.sql = sql;
        this.clock = clock;
        this.macs = macs;
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

    /**
     * Appends an entry with one statement, sent with the transaction's other deferred writes ({@link Sql#defer}):
     * PostgreSQL locks the chain's head, computes the entry's hash as {@code SHA-256(prev_hash + "\n" + payload)}
     * (the same bytes Java would hash), inserts the entry and moves the head. The payload does not repeat the entry's
     * position: the back-link fixes it.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void append(UUID manifestId, String type, Map<String, Object> body) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Map<String, Object> payload = new LinkedHashMap<>(body);
        payload.put("type", type);
        payload.put("recordedAt", now.toString());
        String canonical = CanonicalJson.write(payload);
        sql.defer(
                APPEND,
                manifestId,
                GENESIS,
                canonical,
                manifestId,
                type,
                now,
                macs.mac(manifestId, type, canonical),
                manifestId);
    }

    private static final String APPEND = "with prev as (select length, head from ledger_chain where manifest_id = ?"
            + " for update),"
            + " pos as (select coalesce((select length from prev), 0) + 1 as seq,"
            + "   coalesce((select head from prev), cast(? as text)) as prev_hash, cast(? as text) as payload),"
            + " ins as (insert into ledger_entry (manifest_id, seq, event_type, payload, prev_hash, hash, recorded_at,"
            + "   mac) select ?, pos.seq, ?, pos.payload, pos.prev_hash,"
            + "     encode(sha256(convert_to(pos.prev_hash || chr(10) || pos.payload, 'UTF8')), 'hex'), ?, cast(? as text)"
            + "   from pos returning seq, prev_hash, hash),"
            + " head as (insert into ledger_chain (manifest_id, length, head) select ?, seq, hash from ins"
            + "   on conflict (manifest_id) do update set length = excluded.length, head = excluded.head)"
            + " select count(*) from ins";

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
