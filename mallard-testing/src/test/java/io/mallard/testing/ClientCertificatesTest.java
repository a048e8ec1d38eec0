package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.client.ConnectOptions;
import io.mallard.client.MallardClient;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.security.ClientCertificates;
import io.mallard.coordinator.ClusterLayout;
import io.mallard.coordinator.CoordinatorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator with {@code --client-mtls} (no workers needed): TLS refuses a client without a certificate in the
 * handshake, a worker's certificate is no user's, and a client certificate of the cluster CA plus a password works.
 */
class ClientCertificatesTest {
    private static LocalCluster cluster;

    @TempDir
    Path temp;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.builder().shards(3).workers(0)
                .auth(CoordinatorConfig.Auth.DEFAULTS.withMtls(false, true)).build();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void onlyAClientCertificateOfTheClusterCaLetsAUserIn() throws Exception {
        ConnectOptions plain = ConnectOptions.tls("127.0.0.1", cluster.coordinator().port(), "admin",
                cluster.adminPassword(), cluster.caCertificate());
        MallardException without = catchThrowableOfType(MallardException.class, () -> MallardClient.connect(plain));
        assertThat(without).as("refused in the TLS handshake").isNotNull();
        assertThat(without.code()).as(without.getMessage()).isEqualTo(ErrorCode.TLS_FAILED);

        Path tls = new ClusterLayout(cluster.dir()).tls();
        Instant now = Instant.now();
        ClientCertificates.Issued worker = ClientCertificates.issue(tls, ClientCertificates.Role.WORKER, "w-cert",
                now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), temp);
        MallardException asWorker = catchThrowableOfType(MallardException.class, () -> MallardClient.connect(
                plain.withClientCertificate(worker.certificate(), worker.privateKey())));
        assertThat(asWorker.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
        assertThat(asWorker.getMessage()).contains("requires a client certificate (--client-mtls)");

        ClientCertificates.Issued alice = ClientCertificates.issue(tls, ClientCertificates.Role.CLIENT, "alice",
                now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), temp);
        try (MallardClient client = MallardClient.connect(
                plain.withClientCertificate(alice.certificate(), alice.privateKey()))) {
            assertThat(client.query("SELECT 42 AS answer").rows()).isEqualTo(List.of(List.of(42L)));
        }
    }
}
