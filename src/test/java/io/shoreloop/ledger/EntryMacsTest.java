package io.shoreloop.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A ledger entry's MAC binds its manifest, type and payload to the service's key, and never repeats. */
class EntryMacsTest {

    static final UUID MANIFEST = UUID.fromString("6f1c2a52-6f43-4c55-9a0e-2f3c1c8b7d10");
    static final String PAYLOAD = "{\"recordedAt\":\"2026-12-07T10:00:00Z\",\"type\":\"STEP_DECLARE\"}";

    final EntryMacs macs = new EntryMacs(Optional.of("a signing key's encoding".getBytes(StandardCharsets.US_ASCII)));

    @Test
    void theServicesOwnMacVerifiesAndIsNeverTheSameTwice() {
        String mac = macs.mac(MANIFEST, "STEP_DECLARE", PAYLOAD);
        assertTrue(mac.startsWith("1." + macs.keyId() + "."), mac);
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
        EntryMacs other = new EntryMacs(Optional.of("another key".getBytes(StandardCharsets.US_ASCII)));
        assertNotEquals(macs.keyId(), other.keyId());
        assertTrue(other.problem(MANIFEST, "STEP_DECLARE", PAYLOAD, mac).contains("another key"));
        assertTrue(macs.problem(MANIFEST, "STEP_DECLARE", PAYLOAD, null).contains("no MAC"));
        assertTrue(macs.problem(MANIFEST, "STEP_DECLARE", PAYLOAD, "1." + macs.keyId() + ".00.zz")
                .contains("does not read"));
    }

    @Test
    void withoutAKeyNothingIsAuthenticated() {
        EntryMacs none = new EntryMacs(Optional.empty());
        assertEquals(false, none.enabled());
        assertNull(none.mac(MANIFEST, "STEP_DECLARE", PAYLOAD));
        assertNull(none.problem(MANIFEST, "STEP_DECLARE", PAYLOAD, null));
    }
}
