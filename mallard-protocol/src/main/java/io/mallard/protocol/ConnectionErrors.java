package io.mallard.protocol;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.netty.handler.ssl.NotSslRecordException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;

/**
 * Why a connection to the coordinator failed, told by the kind of the failure gRPC reports (the exception types in its
 * cause chain), for clients and workers alike: an unknown host and a refused connection are CONNECTION_FAILED; a
 * certificate the CA does not vouch for, a plaintext server met with TLS and a TLS server met in plaintext are
 * TLS_FAILED. Each with a message that says what to check.
 */
public final class ConnectionErrors {
    /**
     * The coordinator a connection was for.
     *
     * @param caCertificate the CA the connection trusts; null when insecure
     */
    public record Target(String host, int port, boolean insecure, Path caCertificate) {
        String address() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    private ConnectionErrors() {
    }

    /**
     * The failure of a call to {@code target} as a connection error with its own code and an explanation; the failure
     * itself when it is not a connection problem (an error the coordinator sent, a refused login).
     */
    public static MallardException explain(MallardException failure, Target target) {
        return classify(failure, target).orElse(failure);
    }

    /** As {@link #explain}, for a Flight failure that has not been decoded yet. */
    public static MallardException explain(FlightRuntimeException failure, Target target) {
        return classify(failure, target).orElseGet(() -> WireErrors.fromFlight(failure));
    }

    static Optional<MallardException> classify(Throwable failure, Target target) {
        if (failure instanceof MallardException m && m.code() != ErrorCode.CONNECTION_FAILED) {
            return Optional.empty(); // the coordinator answered: its error stands
        }
        String at = target.address();
        // the most telling kind first: a certificate problem arrives wrapped in an SSLException
        Optional<Throwable> found;
        if ((found = find(failure, UnknownHostException.class)).isPresent()) {
            return error(ErrorCode.CONNECTION_FAILED, "unknown host '" + target.host() + "': the name does not "
                    + "resolve; check the coordinator's address", failure);
        }
        if ((found = find(failure, ConnectException.class)).isPresent()) {
            return error(ErrorCode.CONNECTION_FAILED, "nothing accepts connections at " + at + " (connection "
                    + "refused): is the coordinator running, and is " + target.port() + " its SQL (Flight) port?",
                    failure);
        }
        if ((found = find(failure, CertificateException.class, CertPathBuilderException.class,
                CertPathValidatorException.class)).isPresent()) {
            return error(ErrorCode.TLS_FAILED, "the certificate of " + at + " is not trusted: it is not signed by "
                    + "the CA in " + target.caCertificate() + " (use the cluster's ca.pem, as `mallard bootstrap` "
                    + "wrote it) or does not name this host (" + rootMessage(found.get()) + ")", failure);
        }
        if ((found = find(failure, NotSslRecordException.class)).isPresent()) {
            return error(ErrorCode.TLS_FAILED, at + " does not answer in TLS: a coordinator started with "
                    + "--insecure needs --insecure here too (or is this another service's port?)", failure);
        }
        if ((found = find(failure, SSLException.class)).isPresent()) {
            return error(ErrorCode.TLS_FAILED, "the TLS handshake with " + at + " failed: "
                    + rootMessage(found.get()), failure);
        }
        if (target.insecure() && closedWithoutCause(failure)) {
            return error(ErrorCode.TLS_FAILED, at + " closed the plaintext connection: the coordinator requires TLS "
                    + "(leave out --insecure and trust the cluster's CA with --ca)", failure);
        }
        return Optional.empty();
    }

    /** gRPC's "network closed" after connecting: the peer hung up without a word (a TLS server reading plaintext). */
    private static boolean closedWithoutCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = next(t)) {
            if (t instanceof FlightRuntimeException f) {
                return f.status().code() == FlightStatusCode.UNAVAILABLE && f.status().cause() == null
                        && f.getCause() == null;
            }
        }
        return false;
    }

    /** The first throwable in {@code failure}'s cause chain of one of {@code kinds}. */
    @SafeVarargs
    private static Optional<Throwable> find(Throwable failure, Class<? extends Throwable>... kinds) {
        for (Throwable t = failure; t != null; t = next(t)) {
            for (Class<? extends Throwable> kind : kinds) {
                if (kind.isInstance(t)) {
                    return Optional.of(t);
                }
            }
        }
        return Optional.empty();
    }

    private static Throwable next(Throwable t) {
        if (t instanceof FlightRuntimeException f && f.status().cause() != null && f.status().cause() != t) {
            return f.status().cause();
        }
        return t.getCause() == t ? null : t.getCause();
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static Optional<MallardException> error(ErrorCode code, String message, Throwable cause) {
        return Optional.of(new MallardException(code, message, cause));
    }
}
