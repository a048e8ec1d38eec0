package io.mallard.common.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS material made by {@code mallard bootstrap}: a CA and a server certificate signed by it, as
 * PEM files in one directory ({@code ca.pem}, {@code ca-key.pem}, {@code server.pem},
 * {@code server-key.pem}).
 */
public final class TlsMaterial {
    private static final Logger LOG = LoggerFactory.getLogger(TlsMaterial.class);
    static final String CA_CERTIFICATE = "ca.pem";
    static final String CA_PRIVATE_KEY = "ca-key.pem";
    static final String SERVER_CHAIN = "server.pem";
    static final String SERVER_PRIVATE_KEY = "server-key.pem";

    private final Path caCertificate;
    private final Path serverCertificateChain;
    private final Path serverPrivateKey;

    private TlsMaterial(Path dir) {
        this.caCertificate = dir.resolve(CA_CERTIFICATE);
        this.serverCertificateChain = dir.resolve(SERVER_CHAIN);
        this.serverPrivateKey = dir.resolve(SERVER_PRIVATE_KEY);
    }

    /**
     * Generates into {@code dir}: {@code ca.pem} (the CA certificate), {@code ca-key.pem},
     * {@code server.pem} (server certificate then CA certificate: a chain) and
     * {@code server-key.pem} (unencrypted PKCS#8 "BEGIN PRIVATE KEY", which Netty/gRPC accept).
     * EC P-256 keys signed with SHA256withECDSA; the CA is valid 10 years, the server certificate
     * 825 days, for serverAuth and clientAuth. Its SubjectAltNames are {@code extraHostsOrIps}
     * (DNS names or IP literals) plus localhost, 127.0.0.1 and ::1. Private key files get mode
     * 0600 where POSIX permissions exist. Existing files are replaced.
     *
     * @throws IllegalArgumentException if an entry is neither a DNS name nor an IP address
     */
    public static TlsMaterial generate(Path dir, List<String> extraHostsOrIps) throws IOException {
        Objects.requireNonNull(dir, "dir");
        GeneralNames altNames = SubjectAltNames.of(Objects.requireNonNull(extraHostsOrIps, "extraHostsOrIps"));
        Instant now = Instant.now();
        CertificateIssuer.Issued ca = CertificateIssuer.newCa(now);
        CertificateIssuer.Issued server = CertificateIssuer.newServer(ca, altNames, now);
        Files.createDirectories(dir);
        TlsMaterial material = new TlsMaterial(dir);
        try {
            SecureFiles.writeOwnerOnly(dir.resolve(CA_PRIVATE_KEY), Pem.encodePrivateKey(ca.keyPair().getPrivate()));
            SecureFiles.writeOwnerOnly(material.serverPrivateKey, Pem.encodePrivateKey(server.keyPair().getPrivate()));
            SecureFiles.writeWorldReadable(material.caCertificate, Pem.encodeCertificates(List.of(ca.certificate())));
            SecureFiles.writeWorldReadable(material.serverCertificateChain,
                    Pem.encodeCertificates(List.of(server.certificate(), ca.certificate())));
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode a certificate just made", e);
        }
        return material;
    }

    /**
     * Loads the material in {@code dir}: {@code ca.pem}, {@code server.pem} and
     * {@code server-key.pem} must exist ({@code ca-key.pem} is needed only to issue
     * certificates). Fails with {@link NoSuchFileException} naming the missing files, or with an
     * {@link IOException} when a file is unreadable or the key does not match the certificate.
     */
    public static TlsMaterial load(Path dir) throws IOException {
        TlsMaterial material = new TlsMaterial(dir);
        List<String> missing = Stream.of(material.caCertificate, material.serverCertificateChain, material.serverPrivateKey)
                .filter(file -> !Files.isRegularFile(file))
                .map(file -> file.getFileName().toString())
                .toList();
        if (!missing.isEmpty()) {
            throw new NoSuchFileException(dir.toString(), null,
                    "TLS material incomplete, missing " + String.join(", ", missing)
                            + "; run `mallard bootstrap` to create it");
        }
        Pem.readCertificates(material.caCertificate);
        material.checkServerMaterial();
        return material;
    }

    /** The CA certificate (PEM) that clients trust. */
    public Path caCertificate() {
        return caCertificate;
    }

    /** The server certificate followed by the CA certificate (PEM). */
    public Path serverCertificateChain() {
        return serverCertificateChain;
    }

    /** The server's unencrypted PKCS#8 private key (PEM). */
    public Path serverPrivateKey() {
        return serverPrivateKey;
    }

    /** An SSLContext for a JDK HTTPS server ({@code com.sun.net.httpserver.HttpsServer}) with the server key and chain. */
    public SSLContext serverSslContext() throws GeneralSecurityException, IOException {
        List<X509Certificate> chain = Pem.readCertificates(serverCertificateChain);
        PrivateKey key = Pem.readPrivateKey(serverPrivateKey);
        char[] password = Secrets.randomToken(16).toCharArray(); // protects the in-memory entry only
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setKeyEntry("server", key, password, chain.toArray(X509Certificate[]::new));
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("PKIX");
        keyManagers.init(keyStore, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);
        return context;
    }

    /** An SSLContext for clients ({@code java.net.http.HttpClient}) that trusts only the CA certificate(s) in {@code caCertificatePem}. */
    public static SSLContext clientSslContext(Path caCertificatePem) throws GeneralSecurityException, IOException {
        List<X509Certificate> cas = Pem.readCertificates(caCertificatePem);
        KeyStore trustStore = KeyStore.getInstance("PKCS12");
        trustStore.load(null, null);
        for (int i = 0; i < cas.size(); i++) {
            trustStore.setCertificateEntry("ca-" + i, cas.get(i));
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
        trustManagers.init(trustStore);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        return context;
    }

    private void checkServerMaterial() throws IOException {
        X509Certificate leaf = Pem.readCertificates(serverCertificateChain).get(0);
        PrivateKey key = Pem.readPrivateKey(serverPrivateKey);
        if (!keyMatches(key, leaf)) {
            throw new IOException(serverPrivateKey + " is not the key of the first certificate in " + serverCertificateChain);
        }
        try {
            leaf.checkValidity();
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            LOG.warn("server certificate {} is not valid now ({}); rerun `mallard bootstrap`", serverCertificateChain, e.getMessage());
        }
    }

    // Sign a challenge and verify it with the certificate's public key: works for any key type.
    private static boolean keyMatches(PrivateKey key, X509Certificate certificate) throws IOException {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new IOException("unsupported private key algorithm " + key.getAlgorithm());
        };
        try {
            byte[] challenge = Secrets.randomBytes(32);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // e.g. an EC key against an RSA certificate
        }
    }
}
