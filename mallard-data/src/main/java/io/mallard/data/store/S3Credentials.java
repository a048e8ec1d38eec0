package io.mallard.data.store;

import java.util.Map;
import java.util.Optional;

/**
 * The access key the coordinator signs S3 requests and pre-signed URLs with. Workers never get it. {@link #toString()}
 * shows where the key came from, never the key itself.
 */
public final class S3Credentials {
    /** The standard environment variables, read by {@link #fromEnvironment()}. */
    public static final String ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
    public static final String SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
    public static final String SESSION_TOKEN = "AWS_SESSION_TOKEN";

    private final String accessKeyId;
    private final String secretAccessKey;
    private final String sessionToken;
    private final String source;

    private S3Credentials(String accessKeyId, String secretAccessKey, String sessionToken, String source) {
        if (accessKeyId == null || accessKeyId.isBlank() || secretAccessKey == null || secretAccessKey.isBlank()) {
            throw new IllegalArgumentException("S3 credentials need both an access key id and a secret access key ("
                    + source + ")");
        }
        this.accessKeyId = accessKeyId;
        this.secretAccessKey = secretAccessKey;
        this.sessionToken = sessionToken == null || sessionToken.isBlank() ? null : sessionToken;
        this.source = source;
    }

    /** Long-term credentials given explicitly (a configuration file of the coordinator). */
    public static S3Credentials of(String accessKeyId, String secretAccessKey) {
        return new S3Credentials(accessKeyId, secretAccessKey, null, "explicit configuration");
    }

    /** From {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY} and, if set, {@code AWS_SESSION_TOKEN}. */
    public static S3Credentials fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** As {@link #fromEnvironment()}, from the given variables. */
    public static S3Credentials fromEnvironment(Map<String, String> env) {
        return new S3Credentials(env.get(ACCESS_KEY_ID), env.get(SECRET_ACCESS_KEY), env.get(SESSION_TOKEN),
                "environment variables " + ACCESS_KEY_ID + " and " + SECRET_ACCESS_KEY);
    }

    /**
     * The variables prefixed with {@code prefix} when {@code prefix + AWS_ACCESS_KEY_ID} is set (for example
     * {@code MALLARD_IMPORT_AWS_ACCESS_KEY_ID}, {@code MALLARD_IMPORT_AWS_SECRET_ACCESS_KEY} and
     * {@code MALLARD_IMPORT_AWS_SESSION_TOKEN}), else the standard ones, as {@link #fromEnvironment(Map)}.
     */
    public static S3Credentials fromEnvironment(Map<String, String> env, String prefix) {
        if (env.get(prefix + ACCESS_KEY_ID) == null) {
            return fromEnvironment(env);
        }
        return new S3Credentials(env.get(prefix + ACCESS_KEY_ID), env.get(prefix + SECRET_ACCESS_KEY),
                env.get(prefix + SESSION_TOKEN), "environment variables " + prefix + ACCESS_KEY_ID + " and " + prefix
                        + SECRET_ACCESS_KEY);
    }

    String accessKeyId() {
        return accessKeyId;
    }

    String secretAccessKey() {
        return secretAccessKey;
    }

    /** Present for temporary credentials; a pre-signed URL stops working when they expire, whatever its TTL. */
    Optional<String> sessionToken() {
        return Optional.ofNullable(sessionToken);
    }

    @Override
    public String toString() {
        return "S3Credentials[from " + source + (sessionToken == null ? "" : ", temporary") + "]";
    }
}
