package io.mallard.cli;

import io.mallard.client.ConnectOptions;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * How a client command reaches the coordinator ({@code mallard sql}, {@code mallard load}): options, else the
 * environment's {@code MALLARD_PASSWORD}, else the config file, else defaults.
 */
final class ConnectionOptions {
    static final Path DEFAULT_CONFIG = Path.of(System.getProperty("user.home"), ".mallard", "config.properties");

    @Option(names = "--host", description = "Coordinator host (default: 127.0.0.1, or host= in the config file).")
    String host;

    @Option(names = "--port", description = "Coordinator Flight port (default: 31337, or port= in the config file).")
    Integer port;

    @Option(names = "--user", description = "User name (default: admin, or user= in the config file).")
    String user;

    @Option(names = "--password", description = "Password (else environment MALLARD_PASSWORD, else password= in the "
            + "config file, else asked for on a terminal).")
    String password;

    @Option(names = "--ca", description = "The cluster's CA certificate, tls/ca.pem (or ca= in the config file).")
    Path ca;

    @Option(names = "--cert", description = "A client certificate for a coordinator with --client-mtls "
            + "(tls/clients/NAME.pem from `mallard bootstrap --client-cert NAME`; or cert= in the config file).")
    Path cert;

    @Option(names = "--key", description = "The private key of --cert (tls/clients/NAME-key.pem; or key= in the config file).")
    Path key;

    @Option(names = "--insecure", description = "Plaintext, for a coordinator started with --insecure.")
    boolean insecure;

    @Option(names = "--config", description = "Connection settings file: host=, port=, user=, password=, ca= "
            + "(default: ~/.mallard/config.properties if it exists).")
    Path config;

    /** @param askPassword whether a missing password is asked for on the console (else it is empty) */
    ConnectOptions resolve(boolean askPassword) throws IOException {
        Properties file = loadConfig();
        String secret = first(password, System.getenv("MALLARD_PASSWORD"), file.getProperty("password"));
        if (secret == null) {
            secret = askPassword && System.console() != null ? askPassword() : "";
        }
        String caFile = first(ca == null ? null : ca.toString(), file.getProperty("ca"));
        if (caFile == null && !insecure) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "--ca is required with TLS: the cluster's tls/ca.pem "
                    + "(or ca= in the config file, or --insecure for a plaintext coordinator)");
        }
        String certFile = first(cert == null ? null : cert.toString(), file.getProperty("cert"));
        String keyFile = first(key == null ? null : key.toString(), file.getProperty("key"));
        return new ConnectOptions(
                first(host, file.getProperty("host"), "127.0.0.1"),
                Integer.parseInt(first(port == null ? null : port.toString(), file.getProperty("port"), "31337")),
                first(user, file.getProperty("user"), "admin"), secret, insecure ? null : Path.of(caFile), insecure,
                certFile == null ? null : Path.of(certFile), keyFile == null ? null : Path.of(keyFile));
    }

    /** The keys a connection file may hold; any other is a typo and an error. */
    static final java.util.List<String> KEYS = java.util.List.of("host", "port", "user", "password", "ca");

    private Properties loadConfig() throws IOException {
        Properties properties = new Properties();
        Path file = config != null ? config : DEFAULT_CONFIG;
        if (config != null && !Files.exists(file)) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "no config file " + file);
        }
        if (Files.exists(file)) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            }
        }
        for (String key : properties.stringPropertyNames()) {
            if (!KEYS.contains(key)) {
                throw new MallardException(ErrorCode.INVALID_ARGUMENT, "unknown key " + key + " in " + file + " (keys: "
                        + String.join(", ", KEYS) + ")");
            }
        }
        return properties;
    }

    private static String askPassword() {
        char[] typed = System.console().readPassword("password: ");
        return typed == null ? "" : new String(typed);
    }

    private static String first(String... values) {
        for (String value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }
}
