package io.mallard.data.store;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How to reach an S3 service: its endpoint, signing region and addressing style. Holds no credential, so it may be
 * logged as a whole.
 *
 * @param endpoint  an S3-compatible endpoint ({@code http(s)://host[:port]}), or null for AWS's own endpoint of the
 *                  region
 * @param region    the signing region ({@value S3Location#DEFAULT_REGION} when null or blank)
 * @param pathStyle address buckets in the path ({@code host/bucket/key}) instead of the host name
 *                  ({@code bucket.host/key}); most S3-compatible servers reached by IP address or {@code localhost}
 *                  need it
 */
public record S3Endpoint(URI endpoint, String region, boolean pathStyle) {
    private static final Pattern REGION = Pattern.compile("[a-z0-9-]+");

    public S3Endpoint {
        if (endpoint != null) {
            checkEndpoint(endpoint);
        }
        region = region == null || region.isBlank() ? S3Location.DEFAULT_REGION : region;
        if (!REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("invalid S3 region '" + region + "'");
        }
    }

    /** AWS's endpoint of {@value S3Location#DEFAULT_REGION}, virtual-host addressing. */
    public static S3Endpoint aws() {
        return new S3Endpoint(null, null, false);
    }

    /** For logs: the endpoint (or "AWS"), the region and the addressing style. */
    public String describe() {
        return (endpoint == null ? "AWS" : endpoint.toString()) + " (region " + region + (pathStyle ? ", path-style" : "")
                + ")";
    }

    static void checkEndpoint(URI endpoint) {
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("an S3 endpoint is http(s)://host[:port], not '" + endpoint + "'");
        }
        // No user info: a credential in the endpoint would end up in logs and in describe().
        if (endpoint.getHost() == null || endpoint.getRawUserInfo() != null || endpoint.getRawQuery() != null
                || endpoint.getRawFragment() != null || !(endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty()
                || endpoint.getRawPath().equals("/"))) {
            throw new IllegalArgumentException("an S3 endpoint is http(s)://host[:port] with nothing after it, not '"
                    + endpoint.getScheme() + "://" + endpoint.getHost() + "…'");
        }
    }
}
