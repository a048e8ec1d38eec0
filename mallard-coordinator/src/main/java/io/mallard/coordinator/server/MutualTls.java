package io.mallard.coordinator.server;

import io.grpc.netty.GrpcSslContexts;
import io.mallard.common.security.TlsMaterial;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;

/**
 * The coordinator's TLS context under {@code --worker-mtls} / {@code --client-mtls}: its server certificate, and a
 * request for a client certificate that must chain to the cluster CA (and only to it: the JVM's trust store is not
 * used). Flight's own {@code useMTlsClientVerification} always requires one; workers and clients share the port, so
 * with only {@code --worker-mtls} a certificate is asked for (OPTIONAL) and {@link CertificatePolicy} decides per call.
 * A certificate from another CA, expired or not yet valid fails the TLS handshake whether required or optional.
 */
final class MutualTls {
    private MutualTls() {
    }

    static SslContext serverContext(TlsMaterial tls, boolean required) throws IOException {
        return GrpcSslContexts.configure(SslContextBuilder.forServer(tls.serverCertificateChain().toFile(),
                        tls.serverPrivateKey().toFile()))
                .clientAuth(required ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL)
                .trustManager(tls.caCertificate().toFile())
                .build();
    }
}
