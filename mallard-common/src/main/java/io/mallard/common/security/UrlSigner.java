package io.mallard.common.security;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 signed, expiring, shard-scoped download URLs. The signature covers the shard id,
 * the worker id and the expiry, so none of them can be changed without the key.
 */
public final class UrlSigner {
    static final int MIN_KEY_BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";
    private static final int SIGNATURE_HEX_CHARS = 64;
    // Domain separation: a MAC made here can never be replayed as some other MAC with this key.
    private static final byte[] DOMAIN = "mallard-shard-url-v1".getBytes(StandardCharsets.UTF_8);

    /** The outcome of {@link #verify}; only {@link #OK} grants access. */
    public enum Verdict { OK, EXPIRED, BAD_SIGNATURE, WRONG_SHARD, MALFORMED }

    private final SecretKeySpec key;

    /**
     * Creates a signer with an HMAC key (for example {@link Credentials#urlSigningKey()}).
     *
     * @throws IllegalArgumentException if the key is null or shorter than 32 bytes
     */
    public UrlSigner(byte[] key) {
        if (key == null || key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException(
                    "URL signing key must be at least " + MIN_KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(key, ALGORITHM);
    }

    /**
     * Returns the query string {@code shard=<id>&worker=<id>&expires=<epochSeconds>&sig=<hex>}
     * with URL-encoded values, granting {@code workerId} access to {@code shardId} until
     * {@code expiresEpochSeconds} inclusive.
     */
    public String sign(String shardId, String workerId, long expiresEpochSeconds) {
        requireNonEmpty(shardId, "shardId");
        requireNonEmpty(workerId, "workerId");
        String sig = HexFormat.of().formatHex(mac(shardId, workerId, expiresEpochSeconds));
        return "shard=" + encode(shardId) + "&worker=" + encode(workerId)
                + "&expires=" + expiresEpochSeconds + "&sig=" + sig;
    }

    /**
     * Checks a request's query parameters (see {@link #parseQuery}) for the shard id taken from
     * the request path at time {@code nowEpochSeconds}. The signature is checked before the shard
     * and the expiry, so a forged request learns nothing but {@link Verdict#BAD_SIGNATURE}.
     */
    public Verdict verify(String pathShardId, Map<String, String> queryParams, long nowEpochSeconds) {
        if (queryParams == null) {
            return Verdict.MALFORMED;
        }
        String shard = queryParams.get("shard");
        String worker = queryParams.get("worker");
        String expiresText = queryParams.get("expires");
        String sig = queryParams.get("sig");
        if (isEmpty(shard) || isEmpty(worker) || isEmpty(expiresText)
                || sig == null || sig.length() != SIGNATURE_HEX_CHARS) {
            return Verdict.MALFORMED;
        }
        long expires;
        byte[] presented;
        try {
            expires = Long.parseLong(expiresText);
            presented = HexFormat.of().parseHex(sig);
        } catch (IllegalArgumentException e) { // NumberFormatException or bad hex: malformed
            return Verdict.MALFORMED;
        }
        if (!Long.toString(expires).equals(expiresText)) {
            return Verdict.MALFORMED; // only the canonical form, e.g. no "+" or leading zeros
        }
        if (!MessageDigest.isEqual(mac(shard, worker, expires), presented)) {
            return Verdict.BAD_SIGNATURE;
        }
        if (!shard.equals(pathShardId)) {
            return Verdict.WRONG_SHARD;
        }
        if (nowEpochSeconds > expires) {
            return Verdict.EXPIRED;
        }
        return Verdict.OK;
    }

    /**
     * Parses a raw (still percent-encoded) query string such as {@code URI.getRawQuery()} into
     * decoded names and values. Null or empty gives an empty map; for a repeated name the first
     * value wins; a pair that is not valid percent-encoding is left out, so a signed parameter in
     * such a pair makes {@link #verify} answer {@link Verdict#MALFORMED}.
     */
    public static Map<String, String> parseQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Map.of();
        }
        String query = rawQuery.startsWith("?") ? rawQuery.substring(1) : rawQuery;
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                params.putIfAbsent(decode(name), decode(value));
            } catch (IllegalArgumentException e) {
                continue; // undecodable pair: omitted, as documented
            }
        }
        return Collections.unmodifiableMap(params);
    }

    private byte[] mac(String shardId, String workerId, long expires) {
        byte[] shard = shardId.getBytes(StandardCharsets.UTF_8);
        byte[] worker = workerId.getBytes(StandardCharsets.UTF_8);
        // Length-prefixed fields, so ("a","bc") and ("ab","c") sign differently.
        ByteBuffer message = ByteBuffer.allocate(DOMAIN.length + 4 + shard.length + 4 + worker.length + 8);
        message.put(DOMAIN).putInt(shard.length).put(shard).putInt(worker.length).put(worker).putLong(expires);
        try {
            Mac mac = Mac.getInstance(ALGORITHM); // Mac is not thread-safe; one per call
            mac.init(key);
            return mac.doFinal(message.array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has " + ALGORITHM, e);
        }
    }

    private static void requireNonEmpty(String value, String name) {
        if (isEmpty(value)) {
            throw new IllegalArgumentException(name + " must not be null or empty");
        }
    }

    private static boolean isEmpty(String value) {
        return value == null || value.isEmpty();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
