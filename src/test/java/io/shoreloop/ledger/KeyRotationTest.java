package io.shoreloop.ledger;

import static io.shoreloop.testing.DemoUsers.FACILITY_TRANSPORTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.shoreloop.manifest.ManifestFlowTest;
import io.shoreloop.platform.CanonicalJson;
import io.shoreloop.platform.ShoreloopConfig;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * After a rotation, whoever holds the retired key (it leaked) and the application's database role appended entries
 * and checkpoints that verified, wherever they stood. Now a retired key's use ends at the first checkpoint a newer key
 * signs once the rotation's grace (1 h) has passed. The service is played rotated here: the application's key retired,
 * a fresh one current, with the real database and ledger, everything in one transaction rolled back at the end.
 */
@QuarkusTest
class KeyRotationTest {

    @Inject
    EntityManager em;

    @Inject
    LedgerKeys keys;

    @Inject
    ObjectMapper json;

    @Inject
    ShoreloopConfig config;

    @Inject
    Clock clock;

    @Test
    void aLeakedRetiredKeyNoLongerAppendsOnceANewerKeySignedAfterTheGrace() {
        String id = ManifestFlowTest.draftSewage("10");
        ManifestFlowTest.declare(id);
        // 12 % below the declared quantity: a discrepancy opens
        ManifestFlowTest.receive(id, "8.8", FACILITY_TRANSPORTER);
        String other = ManifestFlowTest.draftSewage("5");

        LedgerKeys.Key old = keys.current().orElseThrow();
        KeyPair fresh = EntryMacsTest.rsa();
        LedgerKeys rotated = new LedgerKeys(
                Optional.of(fresh.getPrivate().getEncoded()), Optional.empty(), List.of(old.privateDer()));
        String newId = rotated.current().orElseThrow().id();
        EntryMacs leaked = new EntryMacs(keys);

        QuarkusTransaction.begin();
        try {
            // no checkpoint is taken by the service meanwhile (its takers hold this lock)
            em.createNativeQuery("select pg_advisory_xact_lock(7315200552)").getSingleResult();
            Instant t = Instant.now().truncatedTo(ChronoUnit.MICROS);
            checkpoint(fresh.getPrivate(), newId, t);

            // within the grace: the old key's entry (an instance not yet rotated) is accepted
            String discrepancy = (String) em.createNativeQuery(
                            "select id::text from manifest_discrepancy where manifest_id = cast(?1 as uuid)")
                    .setParameter(1, id)
                    .getSingleResult();
            em.createNativeQuery("update manifest_discrepancy set resolved_at = now(), resolution = 'closed by nobody'"
                            + " where id = cast(?1 as uuid)")
                    .setParameter(1, discrepancy)
                    .executeUpdate();
            // a value of the global sequence left unused (as a rolled-back append leaves one)
            long gap = ((Number) em.createNativeQuery("select nextval('ledger_entry_global_seq_seq')")
                            .getSingleResult())
                    .longValue();
            append(id, closing(discrepancy, t), leaked, null);
            LedgerVerifier.Report inGrace = verifier(rotated).verifyOne(java.util.UUID.fromString(id));
            assertTrue(inGrace.intact(), "the old key within the grace: " + inGrace.firstBrokenLink());

            // the new key signs 66 minutes after its first checkpoint (the grace, 1 h, and the checkpoint margin,
            // 5 min): the old key's use ends there
            long end = checkpoint(fresh.getPrivate(), newId, t.plus(Duration.ofMinutes(66)));
            assertTrue(
                    verifier(rotated).verifyOne(java.util.UUID.fromString(id)).intact(),
                    "what the end covers stays accepted");

            // and a checkpoint the old key signs after the end
            long late = checkpoint(LedgerKeys.privateKey(old.privateDer()), old.id(), t.plus(Duration.ofMinutes(67)));
            Checkpoints.CheckpointReport signed = new Checkpoints(
                            em,
                            config,
                            clock,
                            rotated,
                            new KeyEras(em, rotated, config),
                            new io.micrometer.core.instrument.simple.SimpleMeterRegistry())
                    .verify();
            assertFalse(signed.intact());
            assertEquals(
                    "checkpoint " + late + " was signed with key " + old.id() + ", retired since checkpoint " + end,
                    signed.firstProblem());

            // slipped into the unused value, below the end: the end's checkpoint now holds one entry more
            // (the count tells the range, not which of its entries came late: the first of the chain's in it is named)
            append(id, closing(discrepancy, t.plusSeconds(2)), leaked, gap);
            LedgerVerifier.Report inGap = verifier(rotated).verifyOne(java.util.UUID.fromString(id));
            assertFalse(inGap.intact());
            assertEquals(java.util.UUID.fromString(id), inGap.firstBrokenLink().manifestId());
            assertTrue(
                    inGap.firstBrokenLink().problem().contains("lies in the range of checkpoint " + end),
                    inGap.firstBrokenLink().problem());

            // appended after the end
            int forged = append(other, closing(discrepancy, t.plusSeconds(1)), leaked, null);
            LedgerVerifier.Report after = verifier(rotated).verifyOne(java.util.UUID.fromString(other));
            assertFalse(after.intact());
            assertEquals(forged, after.firstBrokenLink().seq());
            assertTrue(
                    after.firstBrokenLink()
                            .problem()
                            .contains("authenticated with key " + old.id() + ", retired since checkpoint " + end),
                    after.firstBrokenLink().problem());

        } finally {
            QuarkusTransaction.rollback();
        }
    }

    private LedgerVerifier verifier(LedgerKeys with) {
        return new LedgerVerifier(em, json, new EntryMacs(with), new KeyEras(em, with, config));
    }

    private static String closing(String discrepancy, Instant at) {
        return CanonicalJson.write(Map.of(
                "discrepancyId",
                discrepancy,
                "recordedAt",
                at.toString(),
                "resolution",
                "closed by nobody",
                "type",
                "DISCREPANCY_CLOSED"));
    }

    /** Appends an entry at the chain's end, hash and back-link right, the head moved, with a MAC; answers its seq. */
    private int append(String id, String payload, EntryMacs macs, Long globalSeq) {
        Object[] head = (Object[]) em.createNativeQuery(
                        "select length, head from ledger_chain where manifest_id = cast(?1 as uuid) for update")
                .setParameter(1, id)
                .getSingleResult();
        int seq = ((Number) head[0]).intValue() + 1;
        String prev = (String) head[1];
        String hash = CanonicalJson.sha256(prev + "\n" + payload);
        em.createNativeQuery("insert into ledger_entry (global_seq, manifest_id, seq, event_type, payload, prev_hash,"
                        + " hash, recorded_at, mac) values (coalesce(nullif(cast(?7 as bigint), -1),"
                        + " nextval('ledger_entry_global_seq_seq')), cast(?1 as uuid), ?2, 'DISCREPANCY_CLOSED',"
                        + " ?3, ?4, ?5, now(), ?6)")
                .setParameter(7, globalSeq == null ? -1L : globalSeq)
                .setParameter(1, id)
                .setParameter(2, seq)
                .setParameter(3, payload)
                .setParameter(4, prev)
                .setParameter(5, hash)
                .setParameter(6, macs.mac(java.util.UUID.fromString(id), "DISCREPANCY_CLOSED", payload))
                .executeUpdate();
        em.createNativeQuery("update ledger_chain set length = ?1, head = ?2 where manifest_id = cast(?3 as uuid)")
                .setParameter(1, seq)
                .setParameter(2, hash)
                .setParameter(3, id)
                .executeUpdate();
        return seq;
    }

    /** A checkpoint over every entry not yet covered, at {@code at}, signed with the key given; answers its seq. */
    @SuppressWarnings("unchecked")
    private long checkpoint(PrivateKey key, String keyId, Instant at) {
        Object[] last = (Object[])
                em.createNativeQuery("select seq, covered_to, hash from ledger_checkpoint order by seq desc limit 1")
                        .getResultStream()
                        .findFirst()
                        .orElse(new Object[] {0L, 0L, Ledger.GENESIS});
        long seq = ((Number) last[0]).longValue() + 1;
        long from = ((Number) last[1]).longValue();
        List<String> hashes = em.createNativeQuery(
                        "select hash from ledger_entry where global_seq > ?1 order by global_seq")
                .setParameter(1, from)
                .getResultList();
        long to = ((Number) em.createNativeQuery("select coalesce(max(global_seq), ?1) from ledger_entry")
                        .setParameter(1, from)
                        .getSingleResult())
                .longValue();
        String root = Checkpoints.merkleRoot(hashes);
        String hash = Checkpoints.checkpointHash(seq, from, to, hashes.size(), root, (String) last[2], at);
        em.createNativeQuery("insert into ledger_checkpoint (seq, covered_from, covered_to, entry_count, batch_root,"
                        + " prev_hash, hash, created_at, signature, key_id) values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
                        + " ?10)")
                .setParameter(1, seq)
                .setParameter(2, from)
                .setParameter(3, to)
                .setParameter(4, (long) hashes.size())
                .setParameter(5, root)
                .setParameter(6, last[2])
                .setParameter(7, hash)
                .setParameter(8, at)
                .setParameter(9, Checkpoints.sign(key, hash))
                .setParameter(10, keyId)
                .executeUpdate();
        return seq;
    }
}
