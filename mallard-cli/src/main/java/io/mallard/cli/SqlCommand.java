package io.mallard.cli;

import io.mallard.protocol.client.MallardClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mallard sql}: a SQL prompt (or a script on standard input, or one statement with -c). */
@Command(name = "sql", mixinStandardHelpOptions = true, description = "Run SQL against a coordinator.")
final class SqlCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Coordinator host (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "31337", description = "Coordinator Flight port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--user", defaultValue = "admin", description = "User name (default: ${DEFAULT-VALUE}).")
    String user;

    @Option(names = "--password", description = "Password (or environment MALLARD_PASSWORD).")
    String password;

    @Option(names = "--ca", required = true, description = "The cluster's CA certificate (tls/ca.pem).")
    Path ca;

    @Option(names = "-c", description = "Run this statement and exit.")
    String command;

    @Override
    public Integer call() throws Exception {
        String secret = password != null ? password : System.getenv("MALLARD_PASSWORD");
        try (MallardClient client = MallardClient.connect(host, port, ca, user, secret == null ? "" : secret)) {
            if (command != null) {
                return Shell.execute(client, command.strip().replaceAll(";$", ""), System.out) ? 0 : 1;
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            int failures = Shell.run(client, in, System.out, System.console() != null);
            return failures == 0 ? 0 : 1;
        }
    }
}
