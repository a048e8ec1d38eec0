package io.mallard.cli.bench;

import io.mallard.client.MallardClient;
import io.mallard.common.security.Credentials;
import io.mallard.coordinator.ClusterLayout;
import io.mallard.coordinator.CoordinatorConfig;
import io.mallard.coordinator.bootstrap.Bootstrap;
import io.mallard.coordinator.server.Coordinator;
import io.mallard.worker.Worker;
import io.mallard.worker.WorkerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A coordinator and N workers in this JVM (one process, one JIT) over a bootstrapped cluster directory, talking the real
 * protocol with TLS on loopback: {@code bench overhead --in-process}. The same classes {@code mallard up} runs as
 * processes.
 */
final class InProcessCluster implements AutoCloseable {
    private final Path dir;
    private final Coordinator coordinator;
    private final List<Worker> workers = new ArrayList<>();

    private InProcessCluster(Path dir, Coordinator coordinator) {
        this.dir = dir;
        this.coordinator = coordinator;
    }

    /** Starts the coordinator and {@code workers} workers, and waits until every shard is proved on one of them. */
    static InProcessCluster start(Path dir, int workers, long timeoutMillis) throws IOException, SQLException,
            InterruptedException {
        InProcessCluster cluster = new InProcessCluster(dir, Coordinator.start(CoordinatorConfig.defaults(dir)));
        try {
            Path ca = new ClusterLayout(dir).caCertificate();
            String joinToken = Credentials.load(dir).joinToken();
            for (int i = 1; i <= workers; i++) {
                String name = "worker-" + i;
                Path data = Files.createDirectories(dir.resolve("workers").resolve(name));
                cluster.workers.add(Worker.start(new WorkerConfig("127.0.0.1", cluster.coordinator.port(), ca, joinToken,
                        name, data, 2, 0, false)));
            }
            cluster.awaitAllShardsServed(timeoutMillis);
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void awaitAllShardsServed(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!coordinator.status().allShardsServed()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("shards not served after " + timeoutMillis + " ms: " + coordinator.status());
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /** A client logged in as the admin user; the caller closes it. */
    MallardClient client() throws IOException {
        return MallardClient.connect("127.0.0.1", coordinator.port(), new ClusterLayout(dir).caCertificate(), "admin",
                Bootstrap.adminPassword(dir));
    }

    /** Workers first (they tell the coordinator they leave), then the coordinator. */
    @Override
    public void close() {
        for (Worker worker : workers) {
            worker.close();
        }
        workers.clear();
        coordinator.close();
    }
}
