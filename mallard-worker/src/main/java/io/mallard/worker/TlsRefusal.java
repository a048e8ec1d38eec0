package io.mallard.worker;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import javax.net.ssl.SSLException;

/**
 * Tells a failed TLS handshake with the coordinator from a coordinator that is not up yet: a handshake failure (the
 * coordinator refused this worker's certificate, or presented one the cluster CA did not sign) does not heal by
 * retrying, so after {@link #ATTEMPTS} in a row (a single one may be a connection cut mid-handshake) the worker stops
 * with an error that says what to check. A coordinator that is not up yet refuses the connection: no handshake.
 */
final class TlsRefusal {
    /** Handshake failures in a row after which a worker stops trying to register. */
    static final int ATTEMPTS = 3;

    private TlsRefusal() {
    }

    /** The refusal to report for {@code failure}, or null when it was no TLS handshake failure. */
    static MallardException of(MallardException failure, boolean presentedCertificate) {
        SSLException tls = null;
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SSLException ssl) {
                tls = ssl;
            }
        }
        if (tls == null || distrusts(failure)) {
            return null; // not a handshake failure, or this worker does not trust the coordinator: ConnectionErrors says
        }
        String hint = presentedCertificate
                ? "the coordinator refused this worker's certificate (--cert/--key): it must be issued by the cluster's "
                        + "CA (mallard bootstrap --worker-cert NAME) and valid now"
                : "the coordinator may require a worker certificate (--worker-mtls): start the worker with --cert and "
                        + "--key, or check that --ca is the cluster's CA";
        return new MallardException(ErrorCode.TLS_FAILED,
                "TLS handshake with the coordinator failed (" + tls.getMessage() + "): " + hint, failure);
    }

    /** Whether the handshake failed on this side: the coordinator's certificate is not one the worker's CA signed. */
    private static boolean distrusts(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof java.security.cert.CertificateException || t instanceof java.security.cert.CertPathBuilderException
                    || t instanceof java.security.cert.CertPathValidatorException) {
                return true;
            }
        }
        return false;
    }
}
