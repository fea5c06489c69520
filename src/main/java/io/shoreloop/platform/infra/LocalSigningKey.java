package io.shoreloop.platform.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The RSA key pair with which the embedded default signs and verifies tokens (and, later, ledger checkpoints),
 * generated on first start and kept in the data directory. Production verifies tokens from the organisation's OIDC
 * provider instead and never uses this key.
 */
final class LocalSigningKey {

    static final String PRIVATE = "jwt-private.pem";
    static final String PUBLIC = "jwt-public.pem";
    static final String LEDGER_PRIVATE = "ledger-private.pem";
    static final String LEDGER_PUBLIC = "ledger-public.pem";

    private LocalSigningKey() {}

    /** Returns the key directory, generating the token key pair when it does not exist yet. */
    static Path ensure(Path keyDir) {
        return ensure(keyDir, PRIVATE, PUBLIC);
    }

    /** Returns the key directory, generating the named key pair when it does not exist yet. */
    static Path ensure(Path keyDir, String privateName, String publicName) {
        try {
            Files.createDirectories(keyDir);
            Path priv = keyDir.resolve(privateName);
            Path pub = keyDir.resolve(publicName);
            if (Files.exists(priv) && Files.exists(pub)) {
                return keyDir;
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            write(priv, "PRIVATE KEY", pair.getPrivate().getEncoded());
            try {
                Files.setPosixFilePermissions(priv, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
            write(pub, "PUBLIC KEY", pair.getPublic().getEncoded());
            return keyDir;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the local signing key in " + keyDir, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(Path file, String type, byte[] der) throws IOException {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        Files.writeString(
                file,
                "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n",
                StandardCharsets.US_ASCII);
    }
}
