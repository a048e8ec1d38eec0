package io.mallard.coordinator;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.data.store.DownloadUrlSigner;
import io.mallard.data.store.LocalShardStore;
import io.mallard.data.store.S3Credentials;
import io.mallard.data.store.S3Location;
import io.mallard.data.store.S3ShardStore;
import io.mallard.data.store.ShardStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a cluster's table files live: the embedded local store ({@code DIR/data/store}, served by the coordinator) or
 * an S3 bucket under a key prefix. A cluster keeps one store for its life: bootstrap records its {@link #identity()} in
 * the catalog, and a coordinator configured with another store refuses to start.
 *
 * @param s3          the bucket, prefix and service; null for the local store
 * @param credentials the coordinator's access key for the bucket (never given to workers); null for the local store
 */
public record StoreConfig(S3Location s3, S3Credentials credentials) {
    /** The value {@link #identity()} has for the local store (also what clusters made before stores were recorded use). */
    public static final String LOCAL = "local";

    public StoreConfig {
        if ((s3 == null) != (credentials == null)) {
            throw new IllegalArgumentException("an S3 store needs a location and credentials, the local store neither");
        }
    }

    /** The embedded store in {@code DIR/data/store}. */
    public static StoreConfig local() {
        return new StoreConfig(null, null);
    }

    public static StoreConfig s3(S3Location location, S3Credentials credentials) {
        return new StoreConfig(Objects.requireNonNull(location, "location"), Objects.requireNonNull(credentials,
                "credentials"));
    }

    public boolean isLocal() {
        return s3 == null;
    }

    /**
     * What the catalog records: {@value #LOCAL}, or the bucket and prefix ({@code s3://bucket/prefix/}). The endpoint,
     * region and addressing are how the bucket is reached, not which bucket it is, so they may change between runs.
     */
    public String identity() {
        return s3 == null ? LOCAL : s3.uri();
    }

    /** For logs: where the files are and how they are reached; never a credential. */
    public String describe() {
        return s3 == null ? "the local store" : "S3 " + s3.uri() + " at " + s3.service().describe();
    }

    /**
     * Opens the store.
     *
     * @param urls signs download URLs of the local store (the coordinator's HTTPS server); unused for S3, whose URLs
     *             are pre-signed with the credentials
     */
    public ShardStore open(ClusterLayout layout, DownloadUrlSigner urls) throws IOException {
        return s3 == null ? new LocalShardStore(layout.store(), urls) : new S3ShardStore(s3, credentials);
    }

    /**
     * Refuses a cluster directory whose catalog recorded another store: its files are not where this configuration
     * would look (and garbage collection would delete another cluster's files).
     *
     * @param recorded the identity recorded at bootstrap
     */
    public void requireRecorded(String recorded, Path dir) {
        if (!identity().equals(recorded)) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "the cluster directory " + dir + " keeps its files in "
                    + describeIdentity(recorded) + ", but this coordinator is configured with " + describeIdentity(identity())
                    + "; start it with " + (LOCAL.equals(recorded) ? "no --store option" : "--store " + recorded)
                    + ", or bootstrap a new cluster directory for the other store");
        }
    }

    private static String describeIdentity(String identity) {
        return LOCAL.equals(identity) ? "the local store (DIR/data/store)" : identity;
    }
}
