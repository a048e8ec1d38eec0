package io.mallard.coordinator.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The client certificate the TLS handshake of a call's connection verified, for the worker-certificate check of
 * {@link MallardAuthenticator}. TLS already checked that it chains to the cluster CA and is valid now; Flight does not
 * expose the TLS session, so a gRPC interceptor puts the leaf certificate in the call's {@link Context}.
 */
final class PeerCertificate implements ServerInterceptor {
    private static final Context.Key<X509Certificate> LEAF = Context.key("mallard-peer-certificate");

    /** The verified client certificate of the call being handled on this thread, or empty when none was presented. */
    static Optional<X509Certificate> current() {
        return Optional.ofNullable(LEAF.get());
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        SSLSession tls = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        X509Certificate leaf = tls == null ? null : leaf(tls);
        if (leaf == null) {
            return next.startCall(call, headers);
        }
        return Contexts.interceptCall(Context.current().withValue(LEAF, leaf), call, headers, next);
    }

    private static X509Certificate leaf(SSLSession tls) {
        try {
            Certificate[] chain = tls.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x509 ? x509 : null;
        } catch (SSLPeerUnverifiedException e) {
            return null; // the peer presented no certificate (allowed when only workers must)
        }
    }
}
