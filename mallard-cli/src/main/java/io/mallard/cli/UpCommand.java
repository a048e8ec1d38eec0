package io.mallard.cli;

import io.mallard.coordinator.ClusterLayout;
import io.mallard.coordinator.bootstrap.Bootstrap;
import io.mallard.coordinator.bootstrap.BootstrapOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mallard up}: a coordinator and N workers on the embedded default, running until stopped. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Bootstrap a cluster directory if needed, then run a coordinator and N worker processes on "
                + "loopback until stopped (Ctrl-C), printing how to connect.")
final class UpCommand implements Callable<Integer> {
    @Option(names = "--dir", defaultValue = "mallard-cluster", description = "Cluster directory (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--workers", defaultValue = "3", description = "Worker processes (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--port", defaultValue = "31337", description = "Flight port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--http-port", defaultValue = "31338", description = "Web port: /metrics, /health, /ready; 0 picks "
            + "a free one (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Mixin
    DataOptions data;

    @Mixin
    StoreOptions store;

    @Mixin
    ImportOptions imports;

    @Override
    public Integer call() throws Exception {
        Bootstrap.run(new BootstrapOptions(dir, data.params(), data.shards, "admin", null, List.of(), store.config()),
                System.out);
        imports.config(); // refuse bad import options before starting anything
        List<String> coordinatorArgs = new ArrayList<>(store.args());
        coordinatorArgs.addAll(imports.args());
        try (ProcessCluster cluster = ProcessCluster.start(dir, workers, port, httpPort, System.out, name -> List.of(),
                coordinatorArgs)) {
            ClusterLayout layout = new ClusterLayout(dir);
            System.out.printf("%nMallard is up: coordinator at 127.0.0.1:%d (TLS), %d workers.%n", cluster.port(), workers);
            System.out.printf("  web page:    %s (SQL and cluster, log in as admin; metrics at /metrics, probes at "
                    + "/health and /ready; trust the CA)%n",
                    cluster.webUrl());
            System.out.printf("  user:        admin%n  password:    in %s%n  CA:          %s%n  join token:  in %s%n",
                    layout.adminPassword().toAbsolutePath(), layout.caCertificate().toAbsolutePath(),
                    dir.resolve("credentials.json").toAbsolutePath());
            System.out.printf("  connect:     MALLARD_PASSWORD=$(cat %s) ./mallard sql --port %d --ca %s%n",
                    layout.adminPassword(), cluster.port(), layout.caCertificate());
            System.out.printf("  add worker:  MALLARD_JOIN_TOKEN=... ./mallard worker --coordinator 127.0.0.1:%d --ca %s%n",
                    cluster.port(), layout.caCertificate());
            System.out.println("Press Ctrl-C to stop.");
            new CountDownLatch(1).await();
        }
        return 0;
    }
}
