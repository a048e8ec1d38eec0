package io.mallard.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Proof of possession: SHA-256(nonce ‖ file bytes) for a fresh nonce. Unlike an echoed file hash, the answer cannot
 * be computed without the bytes, nor replayed for another nonce.
 */
public final class ShardProofs {
    private ShardProofs() {
    }

    /** Hex SHA-256 of the nonce's bytes (hex-decoded) followed by the file's bytes. */
    public static String digest(String nonceHex, Path file) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(HexFormat.of().parseHex(nonceHex));
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0;) {
                    sha.update(buffer, 0, n);
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
