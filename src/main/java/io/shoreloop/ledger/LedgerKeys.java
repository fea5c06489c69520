package io.shoreloop.ledger;

import io.shoreloop.platform.ShoreloopConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ledger's keys: the RSA key that signs checkpoints and authenticates entries now, and the keys retired before it
 * ({@code shoreloop.ledger.retired-signing-key-locations}), each by its id (the first 16 hex digits of the SHA-256 of
 * its public key), which checkpoints and entries carry. After a rotation the older checkpoints and entries are checked
 * with the key they name: without it, they were "bad signatures" and entries "authenticated with another key".
 */
@ApplicationScoped
public class LedgerKeys {

    /** One key: its id, its public half, and its private half's PKCS#8 encoding when this service holds it. */
    public record Key(String id, PublicKey publicKey, byte[] privateDer) {}

    private final Key current;
    private final Map<String, Key> byId;
    private final List<Key> retired;

    @jakarta.inject.Inject
    public LedgerKeys(ShoreloopConfig config) {
        this(
                config.ledger().signingKeyLocation().map(l -> Checkpoints.der(Checkpoints.read(l))),
                config.ledger().verifyKeyLocation().map(l -> Checkpoints.der(Checkpoints.read(l))),
                config.ledger().retiredSigningKeyLocations().orElse(List.of()).stream()
                        .map(l -> Checkpoints.der(Checkpoints.read(l)))
                        .toList());
    }

    /**
     * From encodings: the signing key (PKCS#8), the public key that verifies (X.509; else the signing key's), and
     * the retired signing keys (PKCS#8).
     */
    LedgerKeys(Optional<byte[]> signingDer, Optional<byte[]> verifyDer, List<byte[]> retiredDers) {
        Map<String, Key> keys = new LinkedHashMap<>();
        Key now = null;
        if (signingDer.isPresent() || verifyDer.isPresent()) {
            PublicKey pub =
                    verifyDer.map(LedgerKeys::publicKey).orElseGet(() -> publicOf(privateKey(signingDer.get())));
            now = new Key(id(pub), pub, signingDer.orElse(null));
            keys.put(now.id(), now);
        }
        List<Key> older = new java.util.ArrayList<>();
        for (byte[] der : retiredDers) {
            PublicKey pub = publicOf(privateKey(der));
            Key key = new Key(id(pub), pub, der);
            if (keys.putIfAbsent(key.id(), key) == null) {
                older.add(key);
            }
        }
        this.current = now;
        this.byId = Collections.unmodifiableMap(keys);
        this.retired = List.copyOf(older);
    }

    /** The retired keys, oldest first as listed (the current one is not among them). */
    public List<Key> retired() {
        return retired;
    }

    /** The key in use, if one is configured. */
    public Optional<Key> current() {
        return Optional.ofNullable(current);
    }

    /** The key with this id, the current one or a retired one. */
    public Optional<Key> byId(String id) {
        return Optional.ofNullable(id == null ? null : byId.get(id));
    }

    /** Every key known, current first. */
    public java.util.Collection<Key> byIdAll() {
        return byId.values();
    }

    /** Every key known, current first: id → PEM public key (for bureaus to keep with the checkpoints). */
    public Map<String, String> publicKeysPem() {
        Map<String, String> out = new LinkedHashMap<>();
        byId.forEach((id, k) -> out.put(id, pem(k.publicKey())));
        return out;
    }

    /** The private key of an encoding (PKCS#8 RSA). */
    static PrivateKey privateKey(byte[] der) {
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("A ledger signing key is not a PKCS#8 RSA key", e);
        }
    }

    private static PublicKey publicKey(byte[] der) {
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The ledger verify key is not an RSA public key", e);
        }
    }

    private static PublicKey publicOf(PrivateKey key) {
        if (!(key instanceof RSAPrivateCrtKey crt)) {
            throw new IllegalStateException("A ledger signing key does not hold its public exponent (not a CRT key)");
        }
        try {
            return KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key's id: the first 16 hex digits of the SHA-256 of its public key's encoding. */
    static String id(PublicKey key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()))
                    .substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                        .encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }
}
