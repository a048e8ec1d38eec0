package io.mallard.bench.sim;

import io.mallard.client.MallardClient;
import io.mallard.common.rows.QueryRows;
import io.mallard.common.security.Credentials;
import io.mallard.coordinator.ClusterLayout;
import io.mallard.coordinator.CoordinatorConfig;
import io.mallard.coordinator.bootstrap.Bootstrap;
import io.mallard.coordinator.server.Coordinator;
import io.mallard.oracle.Oracle;
import io.mallard.protocol.Messages;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * A real coordinator (in this process, TLS, port 0) with N simulated workers, one synthetic shard each: the
 * coordinator's side of a 1,000-worker cluster without 1,000 JVMs. Queries go through the coordinator's client
 * endpoint; the coordinator assigns one task per shard, the simulated workers pick them up by long-poll and upload
 * their partial result by DoPut, and the coordinator merges them in DuckDB as it would real ones.
 */
public final class SimulatedCluster implements AutoCloseable {
    /** Rows of the sample the precomputed partial result is aggregated from: enough for every station to appear. */
    static final long SAMPLE_ROWS = 200_000;
    static final long LEASE_MILLIS = 30_000;

    private final Coordinator coordinator;
    private final SimulatedWorkers workers;
    private final MallardClient client;
    private final Oracle sample;
    private final BufferAllocator allocator;
    private final double setupSeconds;
    private final int partialRows;

    private SimulatedCluster(Coordinator coordinator, SimulatedWorkers workers, MallardClient client, Oracle sample,
            BufferAllocator allocator, double setupSeconds, int partialRows) {
        this.coordinator = coordinator;
        this.workers = workers;
        this.client = client;
        this.sample = sample;
        this.allocator = allocator;
        this.setupSeconds = setupSeconds;
        this.partialRows = partialRows;
    }

    /**
     * Creates the directory, starts the coordinator, computes the answer of {@code query}'s worker SQL over a sample,
     * and registers {@code count} simulated workers; returns once every shard is proved by its worker.
     */
    public static SimulatedCluster start(Path dir, int count, String query, PrintStream log) throws Exception {
        long started = System.nanoTime();
        SyntheticCluster.create(dir, count);
        log.printf(Locale.ROOT, "   synthetic cluster directory with %d shards in %.1f s%n", count, (System.nanoTime() - started) / 1e9);
        BufferAllocator allocator = new RootAllocator();
        Coordinator coordinator = null;
        MallardClient client = null;
        Oracle sample = null;
        SimulatedWorkers workers = null;
        try {
            // a 30 s lease instead of 10 s: on a 2-core machine shared with the simulated workers' own threads a
            // long-poll can come back late, and a lost worker fails the query instead of measuring it
            coordinator = Coordinator.start(CoordinatorConfig.defaults(dir).withLease(LEASE_MILLIS, 1_000)
                    .withQueryTimeout(120_000).withShardWait(120_000));
            ClusterLayout layout = new ClusterLayout(dir);
            client = MallardClient.connect("127.0.0.1", coordinator.port(), layout.caCertificate(), SyntheticCluster.ADMIN,
                    Bootstrap.adminPassword(dir));
            String workerSql = client.explain(query).workerSql();
            Path sampleFile = dir.resolve("sample.duckdb");
            PartialBatch answer = PartialBatch.compute(sampleFile, SAMPLE_ROWS, workerSql, allocator);
            int partialRows = answer.rows();
            sample = new Oracle(sampleFile);
            workers = new SimulatedWorkers("127.0.0.1", coordinator.port(), layout.caCertificate(), allocator,
                    layout.store(), Math.min(8, count), answer);
            log.printf(Locale.ROOT, "   coordinator up and partial result computed after %.1f s%n", (System.nanoTime() - started) / 1e9);
            workers.start(count, Credentials.load(dir).joinToken(), 4);
            log.printf(Locale.ROOT, "   %d workers registered after %.1f s%n", count, (System.nanoTime() - started) / 1e9);
            awaitServed(coordinator, count, log);
            double seconds = (System.nanoTime() - started) / 1e9;
            log.printf(Locale.ROOT, "   %d simulated workers registered and proved their shards in %.1f s%n", count, seconds);
            return new SimulatedCluster(coordinator, workers, client, sample, allocator, seconds, partialRows);
        } catch (Exception e) {
            closeAll(client, sample, coordinator, workers, allocator);
            throw e;
        }
    }

    private static void awaitServed(Coordinator coordinator, int count, PrintStream log) throws InterruptedException, IOException {
        long deadline = System.currentTimeMillis() + 600_000;
        while (true) {
            Messages.ClusterStatus status = coordinator.status();
            long served = status.shards().stream().filter(s -> !s.trustedOn().isEmpty()).count();
            if (status.workers().size() >= count && served == status.shards().size()) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IOException("simulated workers not ready after 10 minutes: " + status.workers().size()
                        + " registered, " + served + "/" + status.shards().size() + " shards proved");
            }
            Thread.sleep(500); // status() walks every worker for every shard under the registry's lock
        }
    }

    public MallardClient client() {
        return client;
    }

    public double setupSeconds() {
        return setupSeconds;
    }

    /** Rows in each simulated worker's partial result. */
    public int partialRows() {
        return partialRows;
    }

    /**
     * Every simulated worker sends the same partial result, so min, max and avg per group equal the query's answer over
     * the sample alone: compares with that.
     */
    public Optional<String> difference(String sql, QueryRows answer) throws SQLException {
        return sample.difference(sql, answer);
    }

    public long uploads() {
        return workers.uploads();
    }

    public long failures() {
        return workers.failures();
    }

    @Override
    public void close() {
        // the simulated workers first: a long-poll that reached a coordinator whose executor is already shut down
        // would be rejected with a logged stack trace
        closeAll(workers, client, sample, coordinator, allocator);
    }

    private static void closeAll(AutoCloseable... resources) {
        for (AutoCloseable resource : resources) {
            if (resource != null) {
                try {
                    resource.close();
                } catch (Exception e) {
                    // keep closing the rest
                }
            }
        }
    }
}
