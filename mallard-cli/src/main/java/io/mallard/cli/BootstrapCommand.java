package io.mallard.cli;

import io.mallard.common.security.ClientCertificates;
import io.mallard.coordinator.ClusterLayout;
import io.mallard.coordinator.bootstrap.Bootstrap;
import io.mallard.coordinator.bootstrap.BootstrapOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mallard bootstrap}: certificates, users, join token, data, shards and manifest into a directory. */
@Command(name = "bootstrap", mixinStandardHelpOptions = true,
        description = "Create a cluster directory: TLS CA and server certificate, admin user, worker join token, "
                + "generated TPC-H and measurements data, shards and manifest. Keeps what already exists.")
final class BootstrapCommand implements Callable<Integer> {
    @Option(names = "--dir", required = true, description = "Cluster directory to create or complete.")
    Path dir;

    @Mixin
    DataOptions data;

    @Option(names = "--admin", defaultValue = "admin", description = "Name of the admin user (default: ${DEFAULT-VALUE}).")
    String admin;

    @Option(names = "--host", description = "Extra host name or IP for the server certificate (repeatable).")
    List<String> hosts = new ArrayList<>();

    @Mixin
    StoreOptions store;

    @Option(names = "--worker-cert", paramLabel = "NAME", description = "Issue a worker certificate for mutual TLS "
            + "(tls/workers/NAME.pem and NAME-key.pem), for a coordinator with --worker-mtls (repeatable; start the "
            + "worker with --name NAME --cert … --key …).")
    List<String> workerCerts = new ArrayList<>();

    @Option(names = "--client-cert", paramLabel = "NAME", description = "Issue a client certificate for mutual TLS "
            + "(tls/clients/NAME.pem and NAME-key.pem), for a coordinator with --client-mtls (repeatable).")
    List<String> clientCerts = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        ClusterLayout layout = new ClusterLayout(dir);
        workerCerts.forEach(BootstrapCommand::requireCertName);
        clientCerts.forEach(BootstrapCommand::requireCertName);
        Bootstrap.Result made = Bootstrap.run(new BootstrapOptions(dir, data.params(), data.shards, admin,
                null, hosts, store.config()), System.out);
        System.out.printf("cluster directory ready: %s%n  catalog:     %s (%d tables, %d shards)%n  files:       %s%n"
                + "  CA:          %s%n  credentials: %s (join token), %s (admin password)%n", dir, layout.catalog(),
                made.snapshot().tables().size(), made.snapshot().shardCount(), store.config().describe(),
                layout.caCertificate(),
                dir.resolve("credentials.json"), layout.adminPassword());
        for (String name : workerCerts) {
            print(ClientCertificates.issue(layout.tls(), ClientCertificates.Role.WORKER, name), "worker " + name);
        }
        for (String name : clientCerts) {
            print(ClientCertificates.issue(layout.tls(), ClientCertificates.Role.CLIENT, name), "client " + name);
        }
        return 0;
    }

    private static void requireCertName(String name) {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new BootstrapCommand()),
                    "a certificate name is 1 to 64 letters, digits, '.', '_' or '-': " + name);
        }
    }

    private static void print(ClientCertificates.Issued issued, String who) {
        System.out.printf("  certificate: %s for %s (key %s)%n", issued.certificate(), who, issued.privateKey());
    }
}
