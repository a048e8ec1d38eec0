package io.mallard.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.security.TlsMaterial;
import io.mallard.data.store.S3Location;
import io.mallard.data.store.S3ShardStore;
import io.mallard.protocol.Messages.FileGrant;
import io.mallard.testing.S3ProxyFixture;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's download of a pre-signed S3 URL from a real S3-compatible server (s3proxy), and the trust it gives each
 * kind of URL: cluster CA only on the coordinator's host, another trust store elsewhere, plaintext only on loopback.
 */
class ShardFetcherS3Test {
    private static final String BUCKET = "shards";
    private static final String KEY = "tables/t/s0/f.duckdb";

    @TempDir
    Path dir;

    private static byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        new Random(31).nextBytes(bytes);
        return bytes;
    }

    private static FileGrant grant(URI url, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile("expected", ".bin");
        try {
            Files.write(tmp, bytes);
            return new FileGrant("0a1b2c3d4e5f6a7b", url.toString(), bytes.length, ShardFetcher.sha256(tmp));
        } finally {
            Files.delete(tmp);
        }
    }

    /** Puts {@code bytes} under {@link #KEY} and returns a pre-signed URL for it on {@code urlEndpoint}. */
    private static URI upload(S3ProxyFixture s3, URI urlEndpoint, byte[] bytes, Path dir) throws IOException {
        S3Location location = s3.location(BUCKET, "fetch");
        try (S3ShardStore store = new S3ShardStore(location, s3.credentials());
                S3ShardStore signer = new S3ShardStore(location.withEndpoint(urlEndpoint), s3.credentials())) {
            store.put(KEY, Files.write(dir.resolve("upload.bin"), bytes));
            return signer.downloadUrl(KEY, "worker-1", Duration.ofMinutes(5));
        }
    }

    @Nested
    class OverPlainHttpOnLoopback {
        private static S3ProxyFixture s3;

        @BeforeAll
        static void start() throws Exception {
            s3 = S3ProxyFixture.start();
            s3.createBucket(BUCKET);
        }

        @AfterAll
        static void stop() throws Exception {
            if (s3 != null) {
                s3.close();
            }
        }

        @Test
        void downloadsAPresignedUrlAndVerifiesIt() throws Exception {
            byte[] bytes = bytes(3 * 1024 * 1024 + 1);
            URI url = upload(s3, s3.endpoint(), bytes, dir);
            ShardFetcher fetcher = new ShardFetcher(clusterCa(dir), "coordinator.example", dir.resolve("data"));

            Path file = fetcher.fetch(grant(url, bytes));

            assertThat(file).isEqualTo(dir.resolve("data/0a1b2c3d4e5f6a7b.duckdb"));
            assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
        }

        @Test
        void bytesThatDoNotMatchTheManifestAreRefusedAndNotKept() throws Exception {
            byte[] bytes = bytes(100_000);
            URI url = upload(s3, s3.endpoint(), bytes, dir);
            ShardFetcher fetcher = new ShardFetcher(clusterCa(dir), "coordinator.example", dir.resolve("data"));
            byte[] other = bytes.clone();
            other[0] ^= 1;

            assertThatThrownBy(() -> fetcher.fetch(grant(url, other)))
                    .isInstanceOfSatisfying(MallardException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.SHARD_VERIFICATION_FAILED))
                    .hasMessageContaining("does not match the catalog");
            try (var files = Files.list(dir.resolve("data"))) {
                assertThat(files).isEmpty();
            }
        }

        @Test
        void aUrlTheStoreRefusesIsAVerificationFailureWithTheStatus() throws Exception {
            byte[] bytes = bytes(1000);
            URI url = upload(s3, s3.endpoint(), bytes, dir);
            URI forged = URI.create(url.toString().replace("X-Amz-Signature=", "X-Amz-Signature=0"));
            ShardFetcher fetcher = new ShardFetcher(clusterCa(dir), "coordinator.example", dir.resolve("data"));

            assertThatThrownBy(() -> fetcher.fetch(grant(forged, bytes)))
                    .isInstanceOfSatisfying(MallardException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.SHARD_VERIFICATION_FAILED))
                    .hasMessageContaining("HTTP 403");
        }
    }

    @Test
    void plaintextToAHostThatIsNotLoopbackIsRefusedBeforeAnyConnection() throws Exception {
        ShardFetcher fetcher = new ShardFetcher(clusterCa(dir), "coordinator.example", dir.resolve("data"));
        for (String url : List.of("http://shards.example.invalid/b/k?X-Amz-Signature=secret",
                "http://coordinator.example/shards/t-000?sig=secret", "ftp://127.0.0.1/k", "file:///etc/passwd")) {
            assertThatThrownBy(() -> fetcher.fetch(grant(URI.create(url), bytes(10))))
                    .as(url)
                    .isInstanceOfSatisfying(MallardException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.SHARD_VERIFICATION_FAILED))
                    .hasMessageContaining("bearer secret")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret=", "Signature"));
        }
    }

    /** s3proxy over HTTPS with a certificate from an "S3" CA; the cluster has a CA of its own. */
    @Nested
    class OverHttps {
        private static Path s3Ca;
        private static Path clusterCa;
        private static S3ProxyFixture s3;

        @BeforeAll
        static void start(@TempDir Path tls) throws Exception {
            TlsMaterial s3Tls = TlsMaterial.generate(tls.resolve("s3"), List.of());
            s3Ca = s3Tls.caCertificate();
            clusterCa = TlsMaterial.generate(tls.resolve("cluster"), List.of()).caCertificate();
            s3 = S3ProxyFixture.start(s3Tls.serverSslContext());
            s3.createBucket(BUCKET);
        }

        @AfterAll
        static void stop() throws Exception {
            if (s3 != null) {
                s3.close();
            }
        }

        @Test
        void anotherHostIsCheckedAgainstTheOtherTrustStore() throws Exception {
            byte[] bytes = bytes(200_000);
            URI url = upload(s3, s3.secureEndpoint(), bytes, dir);
            assertThat(url.getScheme()).isEqualTo("https");
            assertThat(url.getHost()).isEqualTo("127.0.0.1");
            ShardFetcher fetcher = new ShardFetcher(TlsMaterial.clientSslContext(clusterCa), "localhost",
                    TlsMaterial.clientSslContext(s3Ca), dir.resolve("data"));

            assertThat(Files.readAllBytes(fetcher.fetch(grant(url, bytes)))).isEqualTo(bytes);
        }

        @Test
        void theClusterCaIsNotTrustedForAnotherHost() throws Exception {
            byte[] bytes = bytes(1000);
            URI url = upload(s3, s3.secureEndpoint(), bytes, dir);
            // The S3 certificate's CA is the cluster CA here, but 127.0.0.1 is not the coordinator's host, and the
            // JVM's default trust store does not know that CA.
            ShardFetcher fetcher = new ShardFetcher(s3Ca, "localhost", dir.resolve("data"));

            assertThatThrownBy(() -> fetcher.fetch(grant(url, bytes)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("TLS to 127.0.0.1 failed")
                    .hasMessageContaining("JVM's default trust store")
                    .hasMessageContaining("--advertise-host localhost")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("X-Amz-Signature"));
            assertThat(dir.resolve("data/t-000.duckdb")).doesNotExist();
        }

        @Test
        void theCoordinatorsHostTrustsTheClusterCaOnly() throws Exception {
            byte[] bytes = bytes(1000);
            URI url = upload(s3, s3.secureEndpoint(), bytes, dir);
            // Same server, now on the coordinator's host: the other trust store would accept it, the cluster CA does not.
            ShardFetcher strict = new ShardFetcher(TlsMaterial.clientSslContext(clusterCa), "127.0.0.1",
                    TlsMaterial.clientSslContext(s3Ca), dir.resolve("strict"));
            assertThatThrownBy(() -> strict.fetch(grant(url, bytes)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("coordinator's shard server 127.0.0.1")
                    .hasMessageContaining("only the cluster CA");

            // With the server's CA as the cluster CA, the coordinator's host is trusted.
            ShardFetcher clusterOnly = new ShardFetcher(s3Ca, "127.0.0.1", dir.resolve("cluster"));
            assertThat(Files.readAllBytes(clusterOnly.fetch(grant(url, bytes)))).isEqualTo(bytes);
        }
    }

    private static Path clusterCa(Path dir) throws IOException {
        Path tls = dir.resolve("cluster-tls");
        if (!Files.exists(tls.resolve("ca.pem"))) {
            TlsMaterial.generate(tls, List.of());
        }
        return tls.resolve("ca.pem");
    }

}
