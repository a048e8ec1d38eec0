package io.mallard.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientCertificatesTest {
    @TempDir
    Path dir;

    @Test
    void issuesWorkerAndClientCertificatesThatNameTheirHolder() throws Exception {
        Path tls = dir.resolve("tls");
        TlsMaterial.generate(tls, List.of());
        ClientCertificates.Issued worker = ClientCertificates.issue(tls, ClientCertificates.Role.WORKER, "edge-7");
        ClientCertificates.Issued client = ClientCertificates.issue(tls, ClientCertificates.Role.CLIENT, "alice");

        assertThat(worker.certificate()).isEqualTo(tls.resolve("workers/edge-7.pem"));
        assertThat(client.privateKey()).isEqualTo(tls.resolve("clients/alice-key.pem"));
        X509Certificate leaf = Pem.readCertificates(worker.certificate()).get(0);
        assertThat(ClientCertificates.holder(leaf))
                .contains(new ClientCertificates.Holder(ClientCertificates.Role.WORKER, "edge-7"));
        assertThat(ClientCertificates.holder(Pem.readCertificates(client.certificate()).get(0)))
                .contains(new ClientCertificates.Holder(ClientCertificates.Role.CLIENT, "alice"));
        assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2"); // clientAuth only
        assertThat(ClientCertificates.holder(Pem.readCertificates(tls.resolve("server.pem")).get(0)))
                .as("the server certificate names no client role").isEmpty();
        assertThat(ClientCertificates.problem(worker.certificate(), tls.resolve("ca.pem"), Instant.now())).isEmpty();
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(worker.privateKey())))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void saysWhyACertificateWillNotBeTaken() throws Exception {
        Path tls = dir.resolve("tls");
        Path other = dir.resolve("other");
        TlsMaterial.generate(tls, List.of());
        TlsMaterial.generate(other, List.of());
        Path ca = tls.resolve("ca.pem");
        ClientCertificates.Issued foreign = ClientCertificates.issue(other, ClientCertificates.Role.WORKER, "x");
        assertThat(ClientCertificates.problem(foreign.certificate(), ca, Instant.now()))
                .hasValueSatisfying(p -> assertThat(p).contains("is not issued by the cluster CA"));
        Instant now = Instant.now();
        ClientCertificates.Issued expired = ClientCertificates.issue(tls, ClientCertificates.Role.WORKER, "old",
                now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(1)), dir.resolve("old"));
        assertThat(ClientCertificates.problem(expired.certificate(), ca, now))
                .hasValueSatisfying(p -> assertThat(p).contains("expired on"));
        assertThatThrownBy(() -> ClientCertificates.issue(tls, ClientCertificates.Role.WORKER, "../evil"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientCertificates.issue(dir.resolve("none"), ClientCertificates.Role.WORKER, "w"))
                .hasMessageContaining("ca-key.pem");
    }
}
