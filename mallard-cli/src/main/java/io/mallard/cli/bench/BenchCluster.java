package io.mallard.cli.bench;

import io.mallard.bench.SingleDuckDb;
import io.mallard.cli.ProcessCluster;
import io.mallard.client.MallardClient;
import io.mallard.coordinator.bootstrap.Bootstrap;
import io.mallard.coordinator.bootstrap.BootstrapOptions;
import io.mallard.data.DataParams;
import io.mallard.data.Datasets;
import io.mallard.data.table.Snapshot;
import io.mallard.oracle.Oracle;
import io.mallard.protocol.Messages;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * A benchmark's cluster: data generated (or reused) under the bench directory, a coordinator and N worker processes
 * with TLS, a client, the oracle, and the single-DuckDB baseline with as many threads as the workers have together.
 */
final class BenchCluster implements AutoCloseable {
    final Path clusterDir;
    final Snapshot snapshot;
    final double dataSeconds;
    final int workerThreads;
    final MallardClient client;
    final Oracle oracle;
    final SingleDuckDb duckdb;
    private final ProcessCluster processes;

    private BenchCluster(Path clusterDir, Snapshot snapshot, double dataSeconds, ProcessCluster processes,
            MallardClient client, Oracle oracle, SingleDuckDb duckdb, int workerThreads) {
        this.clusterDir = clusterDir;
        this.snapshot = snapshot;
        this.dataSeconds = dataSeconds;
        this.processes = processes;
        this.client = client;
        this.oracle = oracle;
        this.duckdb = duckdb;
        this.workerThreads = workerThreads;
    }

    /** A benchmark's data under the bench directory: the unsharded oracle file and a bootstrapped cluster directory. */
    record Data(Path oracleFile, Path clusterDir, Snapshot snapshot, double seconds) {
    }

    /** Generates or reuses the data of {@code params} cut into {@code shards}; progress goes to {@code log}. */
    static Data data(BenchOptions options, DataParams params, int shards, PrintStream log) throws IOException, SQLException {
        return data(options, params, shards, log, "");
    }

    /**
     * As above, in a cluster directory of its own named with {@code suffix} (for a benchmark that changes tables; the
     * generated oracle data is still shared).
     */
    static Data data(BenchOptions options, DataParams params, int shards, PrintStream log, String suffix)
            throws IOException, SQLException {
        Path base = options.dir.resolve(String.format(Locale.ROOT, "sf%s-rows%d", params.scaleFactor(), params.measurementRows()));
        Path clusterDir = base.resolve("cluster-" + shards + "-shards" + suffix);
        long started = System.nanoTime();
        log.println("== data: TPC-H SF " + params.scaleFactor() + ", " + params.measurementRows() + " measurements, "
                + shards + " shards, under " + base);
        Bootstrap.Result made = Bootstrap.run(new BootstrapOptions(clusterDir, params, shards, "admin", base.resolve("oracle"),
                List.of()), log);
        double seconds = (System.nanoTime() - started) / 1e9;
        log.printf(Locale.ROOT, "   data ready in %.1f s%n", seconds);
        return new Data(made.oracleFile(), clusterDir, made.snapshot(), seconds);
    }

    /** Generates or reuses the data, then starts the processes; progress goes to {@code log}. */
    static BenchCluster start(BenchOptions options, DataParams params, int shards, int workers, PrintStream log)
            throws IOException, InterruptedException, SQLException {
        Data data = data(options, params, shards, log);
        Path clusterDir = data.clusterDir();
        Snapshot snapshot = data.snapshot();
        double dataSeconds = data.seconds();
        log.println("== cluster: coordinator and " + workers + " worker processes (TLS)"
                + (options.profile ? ", profiling with JFR" : ""));
        Path logs = clusterDir.resolve("logs");
        ProcessCluster processes = ProcessCluster.start(clusterDir, workers, 0, log, name -> options.jvmOptions(logs, name));
        MallardClient client = null;
        Oracle oracle = null;
        try {
            client = processes.client();
            int threads = client.status().workers().stream().mapToInt(Messages.WorkerView::cpus).sum();
            Path oracleFile = data.oracleFile();
            oracle = new Oracle(oracleFile);
            SingleDuckDb duckdb = new SingleDuckDb(oracleFile, threads);
            log.println("   single DuckDB baseline with " + threads + " threads (the workers' total)");
            return new BenchCluster(clusterDir, snapshot, dataSeconds, processes, client, oracle, duckdb, threads);
        } catch (IOException | SQLException | RuntimeException e) {
            closeQuietly(client);
            closeQuietly(oracle);
            processes.close();
            throw e;
        }
    }

    /** CPU time used so far by the cluster's processes, not counting this one (the client and the baseline). */
    java.time.Duration clusterCpuTime() {
        return processes.cpuTime();
    }

    Path logs() {
        return clusterDir.resolve("logs");
    }

    private static void closeQuietly(AutoCloseable resource) {
        if (resource != null) {
            try {
                resource.close();
            } catch (Exception e) {
                // closing after a failed start: the start's own error is the one to report
            }
        }
    }

    @Override
    public void close() {
        closeQuietly(duckdb);
        closeQuietly(oracle);
        closeQuietly(client);
        processes.close();
    }
}
