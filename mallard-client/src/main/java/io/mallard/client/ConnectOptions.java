package io.mallard.client;

import java.nio.file.Path;

/**
 * Where and how to connect.
 *
 * @param caCertificate the cluster's CA certificate (PEM) that signed the coordinator's certificate; required with TLS
 * @param insecure      plaintext, only for a coordinator started with {@code --insecure}
 * @param clientCertificate a client certificate (PEM chain) for mutual TLS, for a coordinator with
 *                      {@code --client-mtls} ({@code mallard bootstrap --client-cert NAME}), or null
 * @param clientKey     the private key of {@code clientCertificate}
 */
public record ConnectOptions(String host, int port, String user, String password, Path caCertificate, boolean insecure,
        Path clientCertificate, Path clientKey) {
    public ConnectOptions(String host, int port, String user, String password, Path caCertificate, boolean insecure) {
        this(host, port, user, password, caCertificate, insecure, null, null);
    }

    public ConnectOptions {
        if ((clientCertificate == null) != (clientKey == null)) {
            throw new IllegalArgumentException("a client certificate needs both --cert and --key");
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("a coordinator host is required");
        }
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535, got " + port);
        }
        if (!insecure && caCertificate == null) {
            throw new IllegalArgumentException("TLS needs the cluster's CA certificate (tls/ca.pem)");
        }
        user = user == null ? "" : user;
        password = password == null ? "" : password;
    }

    /** TLS to {@code host:port}, trusting {@code caCertificate}. */
    public static ConnectOptions tls(String host, int port, String user, String password, Path caCertificate) {
        return new ConnectOptions(host, port, user, password, caCertificate, false);
    }

    /** The same, presenting a client certificate (mutual TLS). */
    public ConnectOptions withClientCertificate(Path certificate, Path key) {
        return new ConnectOptions(host, port, user, password, caCertificate, insecure, certificate, key);
    }
}
