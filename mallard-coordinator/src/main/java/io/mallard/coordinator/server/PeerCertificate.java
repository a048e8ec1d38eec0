package io.mallard.coordinator.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.mallard.common.MallardException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.function.Predicate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the client certificate of each call against the {@link CertificatePolicy} when the call starts — its headers
 * are in, none of its messages has been read — and keeps the certificate in the call's {@link Context} for the
 * registration (whose name must be the certificate's). TLS already checked that the certificate chains to the cluster
 * CA and is valid now. A worker call is one without credentials (only a registration may be that) or with a worker's
 * session token; Basic credentials and JWTs are users' calls. Flight exposes neither the TLS session nor a hook before
 * its own authentication middleware, so this is a gRPC interceptor that runs right after that middleware.
 */
final class PeerCertificate implements ServerInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(PeerCertificate.class);
    private static final Context.Key<X509Certificate> LEAF = Context.key("mallard-peer-certificate");
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "Bearer ";

    private final CertificatePolicy policy;
    private final Predicate<String> isWorkerToken;

    PeerCertificate(CertificatePolicy policy, Predicate<String> isWorkerToken) {
        this.policy = policy;
        this.isWorkerToken = isWorkerToken;
    }

    /** The verified client certificate of the call being handled on this thread, or empty when none was presented. */
    static Optional<X509Certificate> current() {
        return Optional.ofNullable(LEAF.get());
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        SSLSession tls = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        X509Certificate leaf = tls == null ? null : leaf(tls);
        if (policy.asksForCertificates()) {
            try {
                if (isWorkerCall(headers.get(AUTHORIZATION))) {
                    policy.checkWorker(Optional.ofNullable(leaf));
                } else {
                    policy.checkUser(Optional.ofNullable(leaf));
                }
            } catch (MallardException e) {
                LOG.warn("refused a call from {}: {}", call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR),
                        e.getMessage());
                call.close(Status.UNAUTHENTICATED.withDescription(e.code().wireName() + ": " + e.getMessage()),
                        new Metadata());
                return new ServerCall.Listener<>() {
                };
            }
        }
        if (leaf == null) {
            return next.startCall(call, headers);
        }
        return Contexts.interceptCall(Context.current().withValue(LEAF, leaf), call, headers, next);
    }

    private boolean isWorkerCall(String authorization) {
        if (authorization == null || authorization.isEmpty()) {
            return true; // without credentials a call may only register a worker
        }
        return authorization.startsWith(BEARER) && isWorkerToken.test(authorization.substring(BEARER.length()));
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
