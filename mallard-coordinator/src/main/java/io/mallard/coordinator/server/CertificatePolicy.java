package io.mallard.coordinator.server;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.security.ClientCertificates;
import io.mallard.common.security.ClientCertificates.Holder;
import io.mallard.common.security.ClientCertificates.Role;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * Which client certificates the coordinator's calls need ({@code --worker-mtls}, {@code --client-mtls}). Workers and
 * clients share one Flight port: TLS asks every peer for a certificate (OPTIONAL; REQUIRED under
 * {@code --client-mtls}) and refuses in the handshake one that does not chain to the cluster CA or is not valid now;
 * this policy then runs at each call's headers, before any message of the call is read, and refuses a worker call
 * (registration, or a worker's session token) whose connection presented no certificate naming a worker.
 */
final class CertificatePolicy {
    static final CertificatePolicy NONE = new CertificatePolicy(false, false);

    private final boolean workers;
    private final boolean clients;

    CertificatePolicy(boolean workers, boolean clients) {
        this.workers = workers;
        this.clients = clients;
    }

    /** Whether TLS must ask peers for a certificate at all. */
    boolean asksForCertificates() {
        return workers || clients;
    }

    /** Whether TLS refuses a peer without one (else it lets it through to the per-call check). */
    boolean requiresCertificates() {
        return clients;
    }

    /** Checks a worker's call (anonymous registration or a worker session); returns the certificate's worker name. */
    Optional<String> checkWorker(Optional<X509Certificate> presented) {
        if (!workers) {
            return Optional.empty();
        }
        X509Certificate certificate = presented.orElseThrow(() -> refused(
                "this coordinator requires a worker certificate (--worker-mtls) and the connection presented none; "
                        + "start the worker with --cert and --key (mallard bootstrap --worker-cert NAME issues them)"));
        Holder holder = ClientCertificates.holder(certificate).orElse(null);
        if (holder == null || holder.role() != Role.WORKER) {
            throw refused("this coordinator requires a worker certificate (--worker-mtls); the connection presented "
                    + (holder == null ? "a certificate that names no Mallard role" : "a " + holder.role().label()
                            + " certificate (" + holder.name() + ")"));
        }
        return Optional.of(holder.name());
    }

    /**
     * Under {@code --worker-mtls} a worker registers under the name its certificate carries: a holder of the join token
     * and of another worker's certificate cannot pose as a third.
     */
    boolean checkRegistration(String claimedName, Optional<X509Certificate> presented) {
        Optional<String> certified = checkWorker(presented);
        if (certified.isPresent() && !certified.get().equals(claimedName)) {
            throw refused("the worker calls itself '" + claimedName + "' but its certificate names '"
                    + certified.get() + "'; start it with --name " + certified.get());
        }
        return certified.isPresent();
    }

    /** Checks a user's call under {@code --client-mtls}: its connection must carry a client certificate. */
    void checkUser(Optional<X509Certificate> presented) {
        if (!clients) {
            return;
        }
        Holder holder = presented.flatMap(ClientCertificates::holder).orElse(null);
        if (holder == null || holder.role() != Role.CLIENT) {
            throw refused("this coordinator requires a client certificate (--client-mtls) for users' calls; "
                    + (holder == null ? "the connection presented none" : "it presented a " + holder.role().label()
                            + " certificate"));
        }
    }

    private static MallardException refused(String why) {
        return new MallardException(ErrorCode.AUTHENTICATION_FAILED, why);
    }
}
