package io.mallard.cli;

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

    @Override
    public Integer call() throws Exception {
        Bootstrap.Result made = Bootstrap.run(new BootstrapOptions(dir, data.params(), data.shards, admin,
                null, hosts, store.config()), System.out);
        ClusterLayout layout = new ClusterLayout(dir);
        System.out.printf("cluster directory ready: %s%n  catalog:     %s (%d tables, %d shards)%n  files:       %s%n"
                + "  CA:          %s%n  credentials: %s (join token), %s (admin password)%n", dir, layout.catalog(),
                made.snapshot().tables().size(), made.snapshot().shardCount(), store.config().describe(),
                layout.caCertificate(),
                dir.resolve("credentials.json"), layout.adminPassword());
        return 0;
    }
}
