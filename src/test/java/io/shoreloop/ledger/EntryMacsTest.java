package io.shoreloop.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A ledger entry's MAC binds its manifest, type and payload to the service's key, and never repeats; after a key
 * rotation, older entries are checked with the retired key they name.
 */
class EntryMacsTest {

    static final UUID MANIFEST = UUID.fromString("6f1c2a52-6f43-4c55-9a0e-2f3c1c8b7d10");
    static final String PAYLOAD = "{\"recordedAt\":\"2026-12-07T10:00:00Z\",\"type\":\"STEP_DECLARE\"}";
    static final KeyPair OLD = rsa();
    static final KeyPair NEW = rsa();

    final EntryMacs macs = new EntryMacs(keys(OLD));

    @Test
    void theServicesOwnMacVerifiesAndIsNeverTheSameTwice() {
        String mac = macs.mac(MANIFEST, "STEP_DECLARE", PAYLOAD);
        String id = keys(OLD).current().orElseThrow().id();
        assertTrue(mac.startsWith("1." + id + "."), mac);
        assertNull(macs.problem(MANIFEST, "STEP_DECLARE", PAYLOAD, mac));
        assertNotEquals(mac, macs.mac(MANIFEST, "STEP_DECLARE", PAYLOAD), "a nonce of its own each time");
    }

    @Test
    void anotherManifestTypeOrPayloadOrKeyDoesNotVerify() {
        String mac = macs.mac(MANIFEST, "STEP_DECLARE", PAYLOAD);
        assertTrue(macs.problem(UUID.randomUUID(), "STEP_DECLARE", PAYLOAD, mac).contains("does not verify"));
        assertTrue(macs.problem(MANIFEST, "STEP_CANCEL", PAYLOAD, mac).contains("does not verify"));
        assertTrue(macs.problem(MANIFEST, "STEP_DECLARE", PAYLOAD.replace("10:00", "10:01"), mac)
                .contains("does not verify"));
        EntryMacs other = new EntryMacs(keys(NEW));
        assertTrue(other.problem(MANIFEST, "STEP_DECLARE", PAYLOAD, mac).contains("does not hold"));
        assertTrue(macs.problem(MANIFEST, "STEP_DECLARE", PAYLOAD, null).contains("no MAC"));
        String id = keys(OLD).current().orElseThrow().id();
        assertTrue(macs.problem(MANIFEST, "STEP_DECLARE", PAYLOAD, "1." + id + ".00.zz")
                .contains("does not read"));
        // re-cased: another string that would pass as no repeat of the entry it copies
        assertTrue(macs.problem(
                        MANIFEST,
                        "STEP_DECLARE",
                        PAYLOAD,
                        mac.substring(0, mac.lastIndexOf('.') + 1)
                                + mac.substring(mac.lastIndexOf('.') + 1).toUpperCase())
                .contains("does not read"));
        assertEquals(mac.split("\\.")[2], EntryMacs.nonceOf(mac));
        // the same key id, a MAC made up
        String[] parts = mac.split("\\.");
        assertTrue(macs.problem(
                        MANIFEST,
                        "STEP_DECLARE",
                        PAYLOAD,
                        parts[0] + "." + parts[1] + "." + parts[2] + "." + "0".repeat(64))
                .contains("does not verify"));
    }

    @Test
    void afterARotationOlderEntriesAreCheckedWithTheRetiredKeyTheyName() {
        String before = macs.mac(MANIFEST, "STEP_DECLARE", PAYLOAD);
        EntryMacs rotated = new EntryMacs(new LedgerKeys(
                Optional.of(NEW.getPrivate().getEncoded()),
                Optional.empty(),
                List.of(OLD.getPrivate().getEncoded())));
        assertNull(rotated.problem(MANIFEST, "STEP_DECLARE", PAYLOAD, before), "the retired key's entry");
        String after = rotated.mac(MANIFEST, "STEP_DECLARE", PAYLOAD);
        assertTrue(after.startsWith("1." + keys(NEW).current().orElseThrow().id() + "."), "new entries: the new key");
        assertNull(rotated.problem(MANIFEST, "STEP_DECLARE", PAYLOAD, after));
        assertTrue(macs.problem(MANIFEST, "STEP_DECLARE", PAYLOAD, after).contains("does not hold"));
    }

    @Test
    void withoutAKeyNothingIsAuthenticated() {
        EntryMacs none = new EntryMacs(new LedgerKeys(Optional.empty(), Optional.empty(), List.of()));
        assertEquals(false, none.enabled());
        assertNull(none.mac(MANIFEST, "STEP_DECLARE", PAYLOAD));
        assertNull(none.problem(MANIFEST, "STEP_DECLARE", PAYLOAD, null));
    }

    static LedgerKeys keys(KeyPair pair) {
        return new LedgerKeys(Optional.of(pair.getPrivate().getEncoded()), Optional.empty(), List.of());
    }

    static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
