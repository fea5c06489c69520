package io.shoreloop.ledger;

import static io.shoreloop.ledger.EntryMacsTest.rsa;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Checkpoints are checked with the key whose id they carry: after a rotation, the retired key checks the older ones.
 * Before, the current key checked every checkpoint, so a rotation turned every older one into a "bad signature".
 */
class LedgerKeysTest {

    static final KeyPair OLD = rsa();
    static final KeyPair NEW = rsa();
    static final String HASH = "ab".repeat(32);

    @Test
    void aCheckpointIsCheckedWithTheKeyItNames() throws Exception {
        LedgerKeys before = new LedgerKeys(Optional.of(OLD.getPrivate().getEncoded()), Optional.empty(), List.of());
        String oldId = before.current().orElseThrow().id();
        Checkpoints.Checkpoint signedBefore = checkpoint(sign(OLD, HASH), oldId);
        assertNull(Checkpoints.signatureProblem(before, signedBefore, HASH));

        LedgerKeys rotated = new LedgerKeys(
                Optional.of(NEW.getPrivate().getEncoded()),
                Optional.empty(),
                List.of(OLD.getPrivate().getEncoded()));
        String newId = rotated.current().orElseThrow().id();
        assertTrue(!newId.equals(oldId));
        assertNull(Checkpoints.signatureProblem(rotated, signedBefore, HASH), "the retired key checks the older one");
        assertNull(Checkpoints.signatureProblem(rotated, checkpoint(sign(NEW, HASH), newId), HASH));
        assertEquals(List.of(newId, oldId), List.copyOf(rotated.publicKeysPem().keySet()), "both for bureaus");

        // without the retired key: named, not "bad"
        LedgerKeys forgotten = new LedgerKeys(Optional.of(NEW.getPrivate().getEncoded()), Optional.empty(), List.of());
        assertTrue(Checkpoints.signatureProblem(forgotten, signedBefore, HASH).contains("does not know (" + oldId));
        // a signature by another key than the one named, an unsigned checkpoint
        assertEquals(
                "has a bad signature", Checkpoints.signatureProblem(rotated, checkpoint(sign(NEW, HASH), oldId), HASH));
        assertEquals("is not signed", Checkpoints.signatureProblem(rotated, checkpoint(null, null), HASH));
        // one that names no key (older rows): the current key
        assertNull(Checkpoints.signatureProblem(rotated, checkpoint(sign(NEW, HASH), null), HASH));
    }

    @Test
    void theVerifyKeyGivenIsTheCurrentOneAndAKeyIdIsItsPublicKeys() {
        LedgerKeys verifyOnly =
                new LedgerKeys(Optional.empty(), Optional.of(OLD.getPublic().getEncoded()), List.of());
        LedgerKeys signing = new LedgerKeys(Optional.of(OLD.getPrivate().getEncoded()), Optional.empty(), List.of());
        assertEquals(
                signing.current().orElseThrow().id(),
                verifyOnly.current().orElseThrow().id());
        assertNull(verifyOnly.current().orElseThrow().privateDer(), "verifies, cannot sign");
        assertTrue(verifyOnly.publicKeysPem().values().iterator().next().startsWith("-----BEGIN PUBLIC KEY-----\n"));
    }

    private static Checkpoints.Checkpoint checkpoint(String signature, String keyId) {
        return new Checkpoints.Checkpoint(1, 0, 1, 1, HASH, Ledger.GENESIS, HASH, Instant.EPOCH, signature, keyId);
    }

    private static String sign(KeyPair pair, String hash) throws Exception {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(pair.getPrivate());
        s.update(hash.getBytes(StandardCharsets.US_ASCII));
        return Base64.getEncoder().encodeToString(s.sign());
    }
}
