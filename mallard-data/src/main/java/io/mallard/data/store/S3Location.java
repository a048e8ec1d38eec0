package io.mallard.data.store;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * Where an {@link S3ShardStore} keeps its files: a bucket, a key prefix inside it, and how to reach the service.
 * Holds no credential (see {@link S3Credentials}), so it may be logged as a whole.
 *
 * @param bucket    the bucket name (3 to 63 lowercase letters, digits, dots and hyphens)
 * @param prefix    prepended to every store key: {@code ""} or a valid key prefix ending in {@code /}
 * @param endpoint  the S3-compatible endpoint ({@code http(s)://host[:port]}), or null for AWS's own endpoint of the
 *                  region
 * @param region    the signing region (S3-compatible servers mostly accept {@value #DEFAULT_REGION})
 * @param pathStyle address the bucket in the path ({@code host/bucket/key}) instead of the host name
 *                  ({@code bucket.host/key}); most S3-compatible servers reached by IP address or {@code localhost}
 *                  need it
 */
public record S3Location(String bucket, String prefix, URI endpoint, String region, boolean pathStyle) {
    /** The region used when none is given. */
    public static final String DEFAULT_REGION = "us-east-1";
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    public S3Location {
        if (!isValidBucket(bucket)) {
            throw new IllegalArgumentException("invalid S3 bucket name '" + bucket
                    + "': 3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit");
        }
        prefix = normalizePrefix(prefix);
        S3Endpoint service = new S3Endpoint(endpoint, region, pathStyle); // checks endpoint and region
        region = service.region();
    }

    /** Whether {@code bucket} is a valid bucket name. */
    public static boolean isValidBucket(String bucket) {
        return bucket != null && BUCKET.matcher(bucket).matches() && !bucket.contains("..");
    }

    /**
     * Parses {@code s3://bucket} or {@code s3://bucket/some/prefix}: AWS's endpoint, region {@value #DEFAULT_REGION},
     * virtual-host addressing. Change those with the {@code with…} methods.
     */
    public static S3Location parse(String uri) {
        if (uri == null || !uri.regionMatches(true, 0, "s3://", 0, 5)) {
            throw new IllegalArgumentException("an S3 store is given as s3://bucket/prefix, not '" + uri + "'");
        }
        String rest = uri.substring(5);
        int slash = rest.indexOf('/');
        return new S3Location(slash < 0 ? rest : rest.substring(0, slash), slash < 0 ? "" : rest.substring(slash + 1),
                null, DEFAULT_REGION, false);
    }

    /** The same location reached through an S3-compatible endpoint such as {@code http://127.0.0.1:9000}. */
    public S3Location withEndpoint(URI newEndpoint) {
        return new S3Location(bucket, prefix, newEndpoint, region, pathStyle);
    }

    public S3Location withRegion(String newRegion) {
        return new S3Location(bucket, prefix, endpoint, newRegion, pathStyle);
    }

    public S3Location withPathStyle(boolean newPathStyle) {
        return new S3Location(bucket, prefix, endpoint, region, newPathStyle);
    }

    /** A different prefix in the same bucket (tests give each case its own). */
    public S3Location withPrefix(String newPrefix) {
        return new S3Location(bucket, newPrefix, endpoint, region, pathStyle);
    }

    /** How to reach the bucket's service. */
    public S3Endpoint service() {
        return new S3Endpoint(endpoint, region, pathStyle);
    }

    /** The object key of a store key. */
    public String objectKey(String key) {
        return prefix + key;
    }

    /** {@code s3://bucket/prefix}. */
    public String uri() {
        return "s3://" + bucket + "/" + prefix;
    }

    private static String normalizePrefix(String prefix) {
        if (prefix == null || prefix.isEmpty() || prefix.equals("/")) {
            return "";
        }
        String p = prefix.startsWith("/") ? prefix.substring(1) : prefix;
        p = p.endsWith("/") ? p : p + "/";
        try {
            StoreKey.requireValidPrefix(p);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid S3 key prefix '" + prefix + "': " + e.getMessage(), e);
        }
        return p;
    }
}
