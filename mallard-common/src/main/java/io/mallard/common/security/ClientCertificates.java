package io.mallard.common.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Client certificates for mutual TLS, signed by the cluster CA that {@code mallard bootstrap} made: one per worker
 * ({@code OU=worker}) and per client ({@code OU=client}), the holder's name in the CN. The coordinator tells a worker's
 * certificate from a client's by the OU; both chain to the same CA, which TLS checks.
 */
public final class ClientCertificates {
    /** What a certificate is for: the OU of its subject. */
    public enum Role {
        WORKER, CLIENT;

        /** The OU value and directory name: {@code worker} or {@code client}. */
        public String label() {
            return name().toLowerCase();
        }
    }

    /** Who a certificate names. */
    public record Holder(Role role, String name) {
    }

    /** Where an issued certificate and its private key (0600) were written. */
    public record Issued(Path certificate, Path privateKey) {
    }

    /** Client certificates live as long as the server certificate. */
    public static final Duration VALIDITY = CertificateIssuer.SERVER_VALIDITY;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private ClientCertificates() {
    }

    /**
     * Issues a certificate for {@code name} with the CA in {@code tlsDir} ({@code ca.pem}, {@code ca-key.pem}) into
     * {@code tlsDir/<role>s/<name>.pem} and {@code <name>-key.pem}, valid {@link #VALIDITY} from now. Replaces an
     * earlier one of that name.
     */
    public static Issued issue(Path tlsDir, Role role, String name) throws IOException {
        Instant notBefore = CertificateIssuer.notBefore(Instant.now());
        return issue(tlsDir, role, name, notBefore, notBefore.plus(VALIDITY), tlsDir.resolve(role.label() + "s"));
    }

    /** As {@link #issue(Path, Role, String)}, with an explicit validity and output directory (tests: expired ones). */
    public static Issued issue(Path tlsDir, Role role, String name, Instant notBefore, Instant notAfter, Path outDir)
            throws IOException {
        Objects.requireNonNull(role, "role");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a certificate name is 1 to 64 letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit: " + name);
        }
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("a certificate must end after it starts");
        }
        Path caFile = tlsDir.resolve(TlsMaterial.CA_CERTIFICATE);
        Path caKeyFile = tlsDir.resolve(TlsMaterial.CA_PRIVATE_KEY);
        if (!Files.isRegularFile(caFile) || !Files.isRegularFile(caKeyFile)) {
            throw new NoSuchFileException(tlsDir.toString(), null,
                    "the CA certificate and key (ca.pem, ca-key.pem) are needed to issue certificates");
        }
        X509Certificate caCert = Pem.readCertificates(caFile).get(0);
        PrivateKey caKey = Pem.readPrivateKey(caKeyFile);
        CertificateIssuer.Issued ca = new CertificateIssuer.Issued(caCert, new KeyPair(caCert.getPublicKey(), caKey));
        CertificateIssuer.Issued made = CertificateIssuer.newClient(ca, role.label(), name, notBefore, notAfter);
        Files.createDirectories(outDir);
        Issued issued = new Issued(outDir.resolve(name + ".pem"), outDir.resolve(name + "-key.pem"));
        try {
            SecureFiles.writeOwnerOnly(issued.privateKey(), Pem.encodePrivateKey(made.keyPair().getPrivate()));
            SecureFiles.writeWorldReadable(issued.certificate(),
                    Pem.encodeCertificates(List.of(made.certificate(), caCert)));
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode a certificate just made", e);
        }
        return issued;
    }

    /**
     * What keeps the coordinator from taking the certificate in {@code certificate} (PEM, leaf first), checked locally
     * against the cluster CA in {@code caCertificate}: not signed by it, or not valid at {@code now}. Empty when neither.
     * A worker logs this at start: a certificate of another CA is not even sent (the coordinator's TLS request names
     * the cluster CA), so the coordinator can only say that none was presented.
     */
    public static Optional<String> problem(Path certificate, Path caCertificate, Instant now) throws IOException {
        X509Certificate leaf = Pem.readCertificates(certificate).get(0);
        List<X509Certificate> cas = Pem.readCertificates(caCertificate);
        boolean signed = cas.stream().anyMatch(ca -> {
            try {
                leaf.verify(ca.getPublicKey());
                return true;
            } catch (java.security.GeneralSecurityException e) {
                return false;
            }
        });
        if (!signed) {
            return Optional.of(certificate + " (" + leaf.getSubjectX500Principal().getName()
                    + ") is not issued by the cluster CA in " + caCertificate);
        }
        if (now.isAfter(leaf.getNotAfter().toInstant())) {
            return Optional.of(certificate + " expired on " + leaf.getNotAfter().toInstant());
        }
        if (now.isBefore(leaf.getNotBefore().toInstant())) {
            return Optional.of(certificate + " is valid only from " + leaf.getNotBefore().toInstant());
        }
        return Optional.empty();
    }

    /** The role and name in a certificate's subject ({@code OU}, {@code CN}), or empty when it names neither. */
    public static Optional<Holder> holder(X509Certificate certificate) {
        try {
            String ou = null;
            String cn = null;
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("OU")) {
                    ou = rdn.getValue().toString();
                } else if (rdn.getType().equalsIgnoreCase("CN")) {
                    cn = rdn.getValue().toString();
                }
            }
            if (ou == null || cn == null) {
                return Optional.empty();
            }
            for (Role role : Role.values()) {
                if (role.label().equals(ou)) {
                    return Optional.of(new Holder(role, cn));
                }
            }
            return Optional.empty();
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
    }
}
