package io.mallard.data.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mallard.testing.S3ProxyFixture;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.AccessDeniedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shard store contract, and what is particular to S3 (multipart uploads, pagination, credentials), against a real
 * S3-compatible server: s3proxy in this JVM. Each test works under its own key prefix of one bucket.
 */
class S3ShardStoreTest extends ShardStoreContractTest {
    private static final String BUCKET = "mallard-shards";
    private static final long MIB = 1 << 20;
    private static S3ProxyFixture s3;
    private S3Location location;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3ProxyFixture.start();
        s3.createBucket(BUCKET);
    }

    @AfterAll
    static void stopS3() throws Exception {
        if (s3 != null) {
            s3.close();
        }
    }

    @Override
    protected ShardStore newStore() {
        location = s3.location(BUCKET, "case-" + UUID.randomUUID());
        return new S3ShardStore(location, s3.credentials());
    }

    @Override
    protected List<String> secrets() {
        return List.of(s3.secretKey(), s3.accessKey());
    }

    @Test
    void aFileLargerThanOnePartGoesUpInPartsAndComesBackWhole() throws Exception {
        byte[] bytes = randomBytes((int) (12 * MIB + 5), 21);
        String key = "tables/big/s0/multi.duckdb";
        try (S3ShardStore parts = new S3ShardStore(location, s3.credentials(), 5 * MIB)) {
            parts.put(key, write("multi", bytes));

            assertThat(parts.size(key)).isEqualTo(bytes.length);
            assertSameBytes(read(key), bytes);
            HttpResponse<byte[]> download = get(parts.downloadUrl(key, "w1", Duration.ofMinutes(1)));
            assertThat(download.statusCode()).isEqualTo(200);
            assertSameBytes(download.body(), bytes);
            // A multipart object's ETag is "<digest of the part digests>-<number of parts>".
            assertThat(download.headers().firstValue("ETag")).hasValueSatisfying(etag -> assertThat(etag).endsWith("-3\""));
        }
    }

    @Test
    void aFileOfExactlyOnePartIsOneRequest() throws Exception {
        byte[] bytes = randomBytes((int) (5 * MIB), 22);
        try (S3ShardStore parts = new S3ShardStore(location, s3.credentials(), 5 * MIB)) {
            parts.put("tables/t/s0/one.duckdb", write("one", bytes));

            HttpResponse<byte[]> download = get(parts.downloadUrl("tables/t/s0/one.duckdb", "w1", Duration.ofMinutes(1)));
            assertSameBytes(download.body(), bytes);
            assertThat(download.headers().firstValue("ETag")).hasValueSatisfying(etag -> assertThat(etag).doesNotContain("-"));
        }
    }

    @Test
    void partsSmallerThanS3AllowsAreRefused() {
        assertThatThrownBy(() -> new S3ShardStore(location, s3.credentials(), 5 * MIB - 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5 MiB");
    }

    @Test
    void aListingSpansPages() throws IOException {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            keys.add("tables/p/s" + i + "/f.duckdb");
        }
        try (S3ShardStore paged = new S3ShardStore(location, s3.credentials(), S3ShardStore.DEFAULT_PART_SIZE, 2)) {
            for (String key : keys) {
                paged.put(key, write("p", randomBytes(3, 23)));
            }

            assertThat(paged.list("tables/p/")).containsExactlyElementsOf(keys);
        }
    }

    @Test
    void storesWithDifferentPrefixesInOneBucketDoNotSeeEachOther() throws IOException {
        store.put("tables/t/s0/mine.duckdb", write("m", randomBytes(10, 24)));
        try (S3ShardStore other = new S3ShardStore(s3.location(BUCKET, "other-" + UUID.randomUUID()), s3.credentials())) {
            assertThat(other.list("")).isEmpty();
            assertThat(other.exists("tables/t/s0/mine.duckdb")).isFalse();
        }
        assertThat(store.list("")).containsExactly("tables/t/s0/mine.duckdb");
    }

    @Test
    void aWrongSecretFailsWithAClearErrorAndItsUrlsAreRefused() throws Exception {
        store.put("tables/t/s0/x.duckdb", write("x", randomBytes(10, 25)));
        String wrongSecret = "not-the-secret-" + UUID.randomUUID();
        try (S3ShardStore wrong = new S3ShardStore(location, S3Credentials.of(s3.accessKey(), wrongSecret))) {
            assertThatThrownBy(() -> wrong.put("tables/t/s0/y.duckdb", write("y", randomBytes(10, 26))))
                    .isInstanceOf(AccessDeniedException.class)
                    .hasMessageContaining("s3://" + BUCKET + "/" + location.prefix() + "tables/t/s0/y.duckdb")
                    .hasMessageContaining("SignatureDoesNotMatch")
                    .hasMessageContaining("credentials")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrongSecret, s3.secretKey()));
            assertThatThrownBy(() -> wrong.list("")).isInstanceOf(AccessDeniedException.class);

            URI forged = wrong.downloadUrl("tables/t/s0/x.duckdb", "w1", Duration.ofMinutes(1));
            assertThat(get(forged).statusCode()).isEqualTo(403);
        }
        assertThat(store.exists("tables/t/s0/y.duckdb")).isFalse();
    }

    @Test
    void anUnknownAccessKeyFailsWithAClearError() {
        try (S3ShardStore unknown = new S3ShardStore(location, S3Credentials.of("nobody", "whatever-secret"))) {
            assertThatThrownBy(() -> unknown.put("tables/t/s0/y.duckdb", write("y", randomBytes(10, 27))))
                    .isInstanceOf(AccessDeniedException.class)
                    .hasMessageContaining("InvalidAccessKeyId");
            // A HEAD answer has no body, so only its status tells: still access denied, not "absent".
            assertThatThrownBy(() -> unknown.exists("tables/t/s0/y.duckdb")).isInstanceOf(AccessDeniedException.class);
        }
    }

    @Test
    void aMissingBucketIsNamed() {
        try (S3ShardStore missing = new S3ShardStore(s3.location("no-such-bucket", ""), s3.credentials())) {
            assertThatThrownBy(() -> missing.put("a.duckdb", write("a", randomBytes(10, 28))))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("bucket")
                    .hasMessageContaining("does not exist");
        }
    }

    @Test
    void anUnreachableEndpointIsAnIoErrorNamingIt() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + closedPort);
        try (S3ShardStore unreachable = new S3ShardStore(location.withEndpoint(nowhere), s3.credentials())) {
            assertThatThrownBy(() -> unreachable.exists("a.duckdb"))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot reach")
                    .hasMessageContaining(nowhere.toString());
        }
    }

    @Test
    void describeNamesBucketPrefixAndEndpoint() {
        assertThat(store.describe()).contains("s3://" + BUCKET + "/" + location.prefix(), s3.endpoint().toString(),
                "us-east-1", "path-style");
    }
}
