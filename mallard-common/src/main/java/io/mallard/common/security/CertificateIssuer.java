package io.mallard.common.security;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Issues the bootstrap CA and server certificates: EC P-256 keys signed with SHA256withECDSA. */
final class CertificateIssuer {
    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    // 825 days is the longest lifetime Apple's TLS clients accept for a server certificate.
    static final Duration SERVER_VALIDITY = Duration.ofDays(825);
    // Start a little in the past so a peer whose clock lags accepts a certificate made just now.
    private static final Duration BACKDATE = Duration.ofHours(1);
    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

    /** A certificate and its key pair. */
    record Issued(X509Certificate certificate, KeyPair keyPair) {}

    private CertificateIssuer() {}

    /** A self-signed CA that may sign end-entity certificates only (path length 0). */
    static Issued newCa(Instant now) throws IOException {
        KeyPair keys = newKeyPair();
        X500Name name = name("Mallard CA " + Secrets.randomToken(6));
        Instant notBefore = now.minus(BACKDATE);
        JcaX509ExtensionUtils utils = extensionUtils();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                Date.from(notBefore), Date.from(notBefore.plus(CA_VALIDITY)), name, keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
        return new Issued(sign(builder, keys.getPrivate()), keys);
    }

    /** A server certificate for {@code altNames}, usable for serverAuth and clientAuth. */
    static Issued newServer(Issued ca, GeneralNames altNames, Instant now) throws IOException {
        KeyPair keys = newKeyPair();
        Instant notBefore = now.minus(BACKDATE);
        JcaX509ExtensionUtils utils = extensionUtils();
        X509Certificate caCert = ca.certificate();
        X509v3CertificateBuilder builder;
        try {
            builder = new JcaX509v3CertificateBuilder(caCert, serial(),
                    Date.from(notBefore), Date.from(notBefore.plus(SERVER_VALIDITY)), name("mallard-server"), keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectAlternativeName, false, altNames)
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(caCert));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the CA certificate just made", e);
        }
        return new Issued(sign(builder, ca.keyPair().getPrivate()), keys);
    }

    /**
     * A client certificate (clientAuth only) for {@code role} ("worker" or "client") named {@code commonName}: subject
     * {@code O=Mallard, OU=role, CN=commonName}, valid from {@code notBefore} to {@code notAfter}.
     */
    static Issued newClient(Issued ca, String role, String commonName, Instant notBefore, Instant notAfter)
            throws IOException {
        KeyPair keys = newKeyPair();
        JcaX509ExtensionUtils utils = extensionUtils();
        X509Certificate caCert = ca.certificate();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "Mallard")
                .addRDN(BCStyle.OU, role)
                .addRDN(BCStyle.CN, commonName)
                .build();
        X509v3CertificateBuilder builder;
        try {
            builder = new JcaX509v3CertificateBuilder(caCert, serial(), Date.from(notBefore), Date.from(notAfter),
                    subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(caCert));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the CA certificate", e);
        }
        return new Issued(sign(builder, ca.keyPair().getPrivate()), keys);
    }

    /** The backdated start of a certificate made at {@code now}. */
    static Instant notBefore(Instant now) {
        return now.minus(BACKDATE);
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks EC P-256", e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey) {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(issuerKey)));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + SIGNATURE_ALGORITHM, e);
        }
    }

    private static JcaX509ExtensionUtils extensionUtils() {
        try {
            return new JcaX509ExtensionUtils();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks SHA-1 for key identifiers", e);
        }
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "Mallard")
                .addRDN(BCStyle.CN, commonName)
                .build();
    }

    // 127 random bits: unpredictable and unique without a registry of issued serials; never 0.
    private static BigInteger serial() {
        byte[] bytes = Secrets.randomBytes(16);
        bytes[0] &= 0x7f;
        return new BigInteger(1, bytes).max(BigInteger.ONE);
    }
}
