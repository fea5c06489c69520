package io.shoreloop.ledger;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The MAC every ledger entry carries: HMAC-SHA256, with a secret derived from the service's ledger signing key, over
 * the entry's manifest, type, a random nonce and its canonical payload. The database role the application connects
 * with may append entries (it must), so without the MAC it could append one whose hashes and back-link are right and
 * that the verification would take for Shoreloop's own until a checkpoint covered it (and the next checkpoint would
 * sign it). Only a holder of the key writes an entry that verifies; one copied from another manifest does not (the
 * manifest is in the MAC), nor one repeated within its chain (each nonce is used once). The MAC is text:
 * {@code 1.<key id>.<nonce>.<hmac>}, in hex, the key id being the signing key's ({@link LedgerKeys}): after a rotation,
 * older entries are checked with the retired key they name.
 *
 * <p>Without a signing key ({@code shoreloop.ledger.signing-key-location}), entries carry none and are not
 * authenticated; the verification says so.
 */
@ApplicationScoped
public class EntryMacs {

    private static final String ALGORITHM = "HmacSHA256";
    private static final HexFormat HEX = HexFormat.of();
    private static final java.util.regex.Pattern FORMAT =
            java.util.regex.Pattern.compile("1\\.[0-9a-f]{16}\\.[0-9a-f]{24}\\.[0-9a-f]{64}");

    /** The nonce of a MAC as written (its third field), which no two entries of a chain share; {@code null} if none. */
    static String nonceOf(String mac) {
        return mac != null && FORMAT.matcher(mac).matches() ? mac.split("\\.", -1)[2] : null;
    }

    /** The key id of a MAC as written (its second field); {@code null} if it does not read. */
    static String keyIdOf(String mac) {
        return mac != null && FORMAT.matcher(mac).matches() ? mac.split("\\.", -1)[1] : null;
    }

    private final SecureRandom random = new SecureRandom();
    /** The secret of each key this service holds the private half of, by key id. */
    private final Map<String, SecretKeySpec> secrets = new HashMap<>();
    /** The key new entries are authenticated with, or {@code null}. */
    private final String keyId;

    @jakarta.inject.Inject
    public EntryMacs(LedgerKeys keys) {
        keys.byIdAll().forEach(k -> {
            if (k.privateDer() != null) {
                secrets.put(k.id(), derive(k.privateDer()));
            }
        });
        this.keyId = keys.current()
                .filter(k -> k.privateDer() != null)
                .map(LedgerKeys.Key::id)
                .orElse(null);
    }

    /** Whether entries are authenticated (a signing key is configured). */
    public boolean enabled() {
        return keyId != null;
    }

    /** A new entry's MAC, or {@code null} without a key. */
    public String mac(UUID manifestId, String type, String payload) {
        if (keyId == null) {
            return null;
        }
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        String n = HEX.formatHex(nonce);
        return "1." + keyId + "." + n + "."
                + HEX.formatHex(hmac(secrets.get(keyId), input(manifestId, type, n, payload)));
    }

    /**
     * What is wrong with an entry's MAC, or {@code null} when it is the one this service's key writes for that
     * manifest, type and payload (always {@code null} without a key: nothing can be checked).
     */
    public String problem(UUID manifestId, String type, String payload, String mac) {
        if (keyId == null) {
            return null;
        }
        if (mac == null) {
            return "carries no MAC: it was not written by Shoreloop";
        }
        // exactly as written (lower-case hex): a MAC re-cased would verify as another string, and pass as no repeat
        if (!FORMAT.matcher(mac).matches()) {
            return "carries a MAC that does not read";
        }
        String[] parts = mac.split("\\.", -1);
        SecretKeySpec secret = secrets.get(parts[1]);
        if (secret == null) {
            return "was authenticated with a key this service does not hold (" + parts[1] + "; its key is " + keyId
                    + ", retired keys go in shoreloop.ledger.retired-signing-key-locations)";
        }
        byte[] expected = hmac(secret, input(manifestId, type, parts[2], payload));
        byte[] given = HEX.parseHex(parts[3]);
        return MessageDigest.isEqual(expected, given)
                ? null
                : "carries a MAC that does not verify: it was not written by Shoreloop, or was changed since";
    }

    private static String input(UUID manifestId, String type, String nonce, String payload) {
        return manifestId + "\n" + type + "\n" + nonce + "\n" + payload;
    }

    private static SecretKeySpec derive(byte[] privateKeyDer) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("shoreloop ledger entry MAC v1\n".getBytes(StandardCharsets.US_ASCII));
            return new SecretKeySpec(sha.digest(privateKeyDer), ALGORITHM);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(SecretKeySpec key, String text) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
