package io.mallard.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMaterialTest {
    private static final int DNS = 2;
    private static final int IP = 7;
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    @TempDir Path dir;

    @Test
    void writesTheFourPemFiles() throws IOException {
        TlsMaterial material = TlsMaterial.generate(dir, List.of());
        assertThat(material.caCertificate()).isEqualTo(dir.resolve("ca.pem"));
        assertThat(material.serverCertificateChain()).isEqualTo(dir.resolve("server.pem"));
        assertThat(material.serverPrivateKey()).isEqualTo(dir.resolve("server-key.pem"));
        assertThat(Files.readString(dir.resolve("server-key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(Files.readString(dir.resolve("ca-key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(Files.readString(dir.resolve("ca.pem"))).startsWith("-----BEGIN CERTIFICATE-----\n");
        try (var files = Files.list(dir)) {
            assertThat(files).as("no temporary files left").hasSize(4);
        }
    }

    @Test
    void privateKeysAreOwnerOnly() throws IOException {
        assumeTrue(Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class));
        TlsMaterial.generate(dir, List.of());
        for (String key : List.of("ca-key.pem", "server-key.pem")) {
            assertThat(Files.getPosixFilePermissions(dir.resolve(key))).as(key)
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        assertThat(Files.getPosixFilePermissions(dir.resolve("ca.pem")))
                .isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
    }

    @Test
    void serverChainIsLeafThenCaAndTheLeafIsSignedByTheCa() throws Exception {
        TlsMaterial material = TlsMaterial.generate(dir, List.of());
        List<X509Certificate> chain = Pem.readCertificates(material.serverCertificateChain());
        X509Certificate ca = Pem.readCertificates(material.caCertificate()).get(0);
        assertThat(chain).hasSize(2);
        assertThat(chain.get(1)).isEqualTo(ca);
        chain.get(0).verify(ca.getPublicKey());
        ca.verify(ca.getPublicKey());
        assertThat(chain.get(0).getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(chain.get(0).getPublicKey().getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void caIsACaValidForTenYears() throws Exception {
        X509Certificate ca = Pem.readCertificates(TlsMaterial.generate(dir, List.of()).caCertificate()).get(0);
        assertThat(ca.getBasicConstraints()).isEqualTo(0);
        assertThat(ca.getKeyUsage()[5]).as("keyCertSign").isTrue();
        assertThat(lifetime(ca)).isEqualTo(Duration.ofDays(3650));
        ca.checkValidity();
    }

    @Test
    void serverCertificateIsAnEndEntityForServersAndClientsValid825Days() throws Exception {
        X509Certificate leaf = leaf(TlsMaterial.generate(dir, List.of()));
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(leaf.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(leaf.getExtendedKeyUsage()).containsExactlyInAnyOrder(SERVER_AUTH, CLIENT_AUTH);
        assertThat(lifetime(leaf)).isEqualTo(Duration.ofDays(825));
        leaf.checkValidity();
    }

    @Test
    void subjectAltNamesHoldTheGivenHostsAndLoopback() throws Exception {
        X509Certificate leaf = leaf(TlsMaterial.generate(dir,
                List.of("Coordinator.Example.com", "10.1.2.3", "[fd00::7]", " ", "worker_1", "127.0.0.1")));
        List<String> dns = new ArrayList<>();
        List<InetAddress> ips = new ArrayList<>();
        for (List<?> name : leaf.getSubjectAlternativeNames()) {
            int type = (Integer) name.get(0);
            if (type == DNS) {
                dns.add((String) name.get(1));
            } else if (type == IP) {
                ips.add(InetAddress.getByName((String) name.get(1)));
            }
        }
        assertThat(dns).containsExactly("localhost", "coordinator.example.com", "worker_1");
        assertThat(ips).containsExactly(
                InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1"),
                InetAddress.getByName("10.1.2.3"), InetAddress.getByName("fd00::7"));
    }

    @Test
    void rejectsEntriesThatAreNeitherHostNorIp() {
        assertThatThrownBy(() -> TlsMaterial.generate(dir, List.of("bad host")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad host");
        assertThatThrownBy(() -> TlsMaterial.generate(dir, List.of("10.0.0.0/8")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void loadFindsGeneratedMaterial() throws IOException {
        TlsMaterial generated = TlsMaterial.generate(dir, List.of());
        TlsMaterial loaded = TlsMaterial.load(dir);
        assertThat(loaded.serverCertificateChain()).isEqualTo(generated.serverCertificateChain());
        Files.delete(dir.resolve("ca-key.pem"));
        assertThat(TlsMaterial.load(dir).caCertificate()).isEqualTo(generated.caCertificate());
    }

    @Test
    void loadNamesMissingFiles() throws IOException {
        TlsMaterial.generate(dir, List.of());
        Files.delete(dir.resolve("server-key.pem"));
        assertThatThrownBy(() -> TlsMaterial.load(dir))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("server-key.pem")
                .hasMessageContaining("mallard bootstrap");
        assertThatThrownBy(() -> TlsMaterial.load(dir.resolve("nowhere")))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("ca.pem, server.pem, server-key.pem");
    }

    @Test
    void loadRejectsAKeyThatDoesNotMatchTheCertificate(@TempDir Path other) throws IOException {
        TlsMaterial.generate(dir, List.of());
        TlsMaterial.generate(other, List.of());
        Files.copy(other.resolve("server-key.pem"), dir.resolve("server-key.pem"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> TlsMaterial.load(dir)).isInstanceOf(IOException.class).hasMessageContaining("not the key");
    }

    @Test
    void loadRejectsGarbage() throws IOException {
        TlsMaterial.generate(dir, List.of());
        Files.writeString(dir.resolve("server.pem"), "garbage");
        assertThatThrownBy(() -> TlsMaterial.load(dir)).isInstanceOf(IOException.class).hasMessageContaining("server.pem");
        TlsMaterial.generate(dir, List.of());
        Files.writeString(dir.resolve("server-key.pem"), "garbage");
        assertThatThrownBy(() -> TlsMaterial.load(dir)).isInstanceOf(IOException.class).hasMessageContaining("server-key.pem");
    }

    private static X509Certificate leaf(TlsMaterial material) throws IOException {
        return Pem.readCertificates(material.serverCertificateChain()).get(0);
    }

    private static Duration lifetime(X509Certificate certificate) {
        return Duration.between(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant());
    }
}
