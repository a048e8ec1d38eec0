package io.mallard.common.security;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/** Random secrets, constant-time comparison and digests. */
public final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {}

    /**
     * Returns {@code bytes} random bytes from {@link SecureRandom} as base64url without padding,
     * suitable for tokens in URLs, headers and files.
     *
     * @throws IllegalArgumentException if {@code bytes < 1}
     */
    public static String randomToken(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("a token needs at least one byte, got " + bytes);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(bytes));
    }

    /**
     * Returns {@code n} bytes from {@link SecureRandom}.
     *
     * @throws IllegalArgumentException if {@code n < 0}
     */
    public static byte[] randomBytes(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative byte count " + n);
        }
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /**
     * Compares two secrets in time that does not depend on where they differ (the time depends
     * only on the length of {@code a}, so pass the expected secret first). A {@code null} never
     * matches anything, not even another {@code null}, so a missing secret cannot authenticate.
     */
    public static boolean constantTimeEquals(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(
                a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** Returns the SHA-256 digest of {@code data} as 64 lowercase hex digits. */
    public static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Encodes a password as UTF-8 without going through a String; the caller wipes the result. */
    static byte[] utf8(char[] chars) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
        byte[] bytes = Arrays.copyOfRange(encoded.array(), encoded.position(), encoded.limit());
        Arrays.fill(encoded.array(), (byte) 0);
        return bytes;
    }
}
