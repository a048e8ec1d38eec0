package io.mallard.cli;

import io.mallard.worker.Worker;
import io.mallard.worker.WorkerConfig;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mallard worker}: join a cluster by dialing out to its coordinator. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run a worker. It dials out to the coordinator (nothing needs to reach it), downloads and verifies "
                + "its shards, proves possession, and answers tasks. Start any number, in any order.")
final class WorkerCommand implements Callable<Integer> {
    @Option(names = ConfigFile.OPTION, paramLabel = "FILE", description = "Settings file: every option as a key without "
            + "its dashes (port = 31337); options on the command line win; an unknown key is an error.")
    java.nio.file.Path config;

    @Option(names = "--coordinator", required = true, description = "HOST:PORT of the coordinator's Flight endpoint.")
    String coordinator;

    @Option(names = "--token", description = "Join token (or environment MALLARD_JOIN_TOKEN).")
    String token;

    @Option(names = "--ca", required = true, description = "The cluster's CA certificate (tls/ca.pem of the cluster directory).")
    Path ca;

    @Option(names = "--cert", description = "The worker's certificate for mutual TLS (a coordinator with --worker-mtls "
            + "requires one): tls/workers/NAME.pem made by `mallard bootstrap --worker-cert NAME`; with --key.")
    Path cert;

    @Option(names = "--key", description = "The private key of --cert (tls/workers/NAME-key.pem).")
    Path key;

    @Option(names = "--name", description = "Name in logs and errors (default: host name and pid; with --cert, use the "
            + "name the certificate was issued for).")
    String name;

    @Option(names = "--data-dir", description = "Where shards are kept (default: a new temporary directory).")
    Path dataDir;

    @Option(names = "--task-threads", defaultValue = "2", description = "Shard queries run at once; each gets the worker's CPUs divided by this many DuckDB threads (default: ${DEFAULT-VALUE}).")
    int taskThreads;

    @Option(names = "--insecure", description = "Plaintext Flight, only against a coordinator started with --insecure.")
    boolean insecure;

    @Option(names = "--drain-timeout-ms", defaultValue = "60000", description = "On SIGTERM (or when an administrator "
            + "drains it) the worker finishes its running tasks and waits until other workers have taken its shards over, "
            + "at most this long, then leaves (default: ${DEFAULT-VALUE}).")
    long drainTimeoutMillis;

    @Option(names = "--table", paramLabel = "NAME=PATH", description = "A local (edge) table whose files stay on this "
            + "worker: Parquet or CSV files (a path or glob, e.g. readings=/var/sensors/*.parquet) or a DuckDB file and "
            + "table (t=db.duckdb:tbl). Queries read it here; the coordinator learns only its columns, row count and "
            + "fingerprint. Repeatable. See docs/edge.md.")
    java.util.List<String> tables = new java.util.ArrayList<>();

    @Option(names = "--expose", paramLabel = "NAME:COL,…", description = "Only these columns of local table NAME are "
            + "visible to the cluster (default: all). Repeatable.")
    java.util.List<String> exposes = new java.util.ArrayList<>();

    @Option(names = "--task-delay-ms", hidden = true, defaultValue = "0")
    long taskDelayMillis;

    @Mixin
    ParentOption parent;

    @Mixin
    LogOptions log;

    @Override
    public Integer call() throws Exception {
        log.apply();
        parent.apply();
        String joinToken = token != null ? token : System.getenv("MALLARD_JOIN_TOKEN");
        int colon = coordinator.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("--coordinator must be HOST:PORT, got " + coordinator);
        }
        String workerName = name != null ? name : InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid();
        Path dir = dataDir != null ? dataDir : Files.createTempDirectory("mallard-worker-");
        WorkerConfig config = new WorkerConfig(coordinator.substring(0, colon),
                Integer.parseInt(coordinator.substring(colon + 1)), ca, joinToken, workerName, dir, taskThreads,
                taskDelayMillis, insecure).withDrainTimeout(drainTimeoutMillis);
        if (cert != null || key != null) {
            config = config.withClientCertificate(new WorkerConfig.ClientCertificate(cert, key));
        }
        Worker worker = Worker.start(config, io.mallard.worker.LocalTableSpec.parse(tables, exposes));
        // SIGTERM drains: running tasks end and other workers take the shards over before this one leaves
        Runtime.getRuntime().addShutdownHook(new Thread(worker::drain));
        System.out.println("worker " + worker.workerId() + " (" + workerName + ") joined " + coordinator + ", shards in " + dir);
        System.out.flush();
        worker.awaitStopped(); // also when an administrator drained it
        System.out.println("worker " + workerName + " left");
        return 0;
    }
}
