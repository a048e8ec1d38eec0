package io.mallard.coordinator;

import java.nio.file.Path;

/**
 * Coordinator settings, validated at start-up.
 *
 * @param dir              the cluster directory written by {@code mallard bootstrap}
 * @param host             address to bind (loopback by default)
 * @param port             Flight port (0 picks a free one)
 * @param shardPort        HTTPS port of the embedded shard store (0 picks a free one)
 * @param advertisedHost   host name workers use to reach the shard store
 * @param replicas         replication factor R: each shard goes to its top-R workers
 * @param leaseMillis      a worker silent for longer is out of rotation
 * @param pollMillis       longest a worker's long-poll waits for work
 * @param shardWaitMillis  longest a query waits for some trusted worker to hold a shard
 * @param queryTimeoutMillis longest a distributed query may wait for its workers
 * @param insecure         plaintext Flight (explicit opt-out of TLS; never the default)
 * @param metadataFile     the query history's DuckDB file
 * @param store            where the table files live (must be the store the cluster was bootstrapped with)
 * @param imports          where statements may read files from (nothing by default)
 * @param compaction       when small files are merged in the background
 */
public record CoordinatorConfig(Path dir, String host, int port, int shardPort, String advertisedHost, int replicas,
        long leaseMillis, long pollMillis, long shardWaitMillis, long queryTimeoutMillis, boolean insecure,
        Path metadataFile, StoreConfig store, ImportConfig imports, CompactionPolicy compaction) {

    public CoordinatorConfig(Path dir, String host, int port, int shardPort, String advertisedHost, int replicas,
            long leaseMillis, long pollMillis, long shardWaitMillis, long queryTimeoutMillis, boolean insecure) {
        this(dir, host, port, shardPort, advertisedHost, replicas, leaseMillis, pollMillis, shardWaitMillis,
                queryTimeoutMillis, insecure, new ClusterLayout(dir).metadata(), StoreConfig.local(), ImportConfig.none(),
                CompactionPolicy.DEFAULTS);
    }

    public CoordinatorConfig {
        if (replicas < 1) {
            throw new IllegalArgumentException("replication factor must be at least 1, got " + replicas);
        }
        if (leaseMillis <= pollMillis) {
            throw new IllegalArgumentException("the lease (" + leaseMillis + " ms) must be longer than the poll interval ("
                    + pollMillis + " ms)");
        }
        if (port < 0 || shardPort < 0) {
            throw new IllegalArgumentException("ports must be >= 0");
        }
        store = store == null ? StoreConfig.local() : store;
        imports = imports == null ? ImportConfig.none() : imports;
        if (compaction == null) {
            throw new IllegalArgumentException("a compaction policy is required (CompactionPolicy.OFF for none)");
        }
    }

    /** Defaults for a cluster directory: loopback, free ports, R = 1, 10 s lease. */
    public static CoordinatorConfig defaults(Path dir) {
        return new CoordinatorConfig(dir, "127.0.0.1", 0, 0, "127.0.0.1", 1, 10_000, 1_000, 60_000, 600_000, false);
    }

    public CoordinatorConfig withLease(long newLeaseMillis, long newPollMillis) {
        return new CoordinatorConfig(dir, host, port, shardPort, advertisedHost, replicas, newLeaseMillis, newPollMillis,
                shardWaitMillis, queryTimeoutMillis, insecure, metadataFile, store, imports, compaction);
    }

    public CoordinatorConfig withShardWait(long millis) {
        return new CoordinatorConfig(dir, host, port, shardPort, advertisedHost, replicas, leaseMillis, pollMillis,
                millis, queryTimeoutMillis, insecure, metadataFile, store, imports, compaction);
    }

    public CoordinatorConfig withQueryTimeout(long millis) {
        return new CoordinatorConfig(dir, host, port, shardPort, advertisedHost, replicas, leaseMillis, pollMillis,
                shardWaitMillis, millis, insecure, metadataFile, store, imports, compaction);
    }

    /** Keeps the query history in another file than DIR/metadata.duckdb (test clusters share a data directory). */
    public CoordinatorConfig withMetadataFile(Path file) {
        return new CoordinatorConfig(dir, host, port, shardPort, advertisedHost, replicas, leaseMillis, pollMillis,
                shardWaitMillis, queryTimeoutMillis, insecure, file, store, imports, compaction);
    }

    public CoordinatorConfig withPort(int newPort) {
        return new CoordinatorConfig(dir, host, newPort, shardPort, advertisedHost, replicas, leaseMillis, pollMillis,
                shardWaitMillis, queryTimeoutMillis, insecure, metadataFile, store, imports, compaction);
    }

    public CoordinatorConfig withReplicas(int r) {
        return new CoordinatorConfig(dir, host, port, shardPort, advertisedHost, r, leaseMillis, pollMillis,
                shardWaitMillis, queryTimeoutMillis, insecure, metadataFile, store, imports, compaction);
    }

    /** Keeps the table files in {@code newStore} (which must be the one the cluster was bootstrapped with). */
    public CoordinatorConfig withStore(StoreConfig newStore) {
        return new CoordinatorConfig(dir, host, port, shardPort, advertisedHost, replicas, leaseMillis, pollMillis,
                shardWaitMillis, queryTimeoutMillis, insecure, metadataFile, newStore, imports, compaction);
    }

    /** Lets statements read files from the import directory and the S3 import source of {@code newImports}. */
    public CoordinatorConfig withImports(ImportConfig newImports) {
        return new CoordinatorConfig(dir, host, port, shardPort, advertisedHost, replicas, leaseMillis, pollMillis,
                shardWaitMillis, queryTimeoutMillis, insecure, metadataFile, store, newImports, compaction);
    }

    /** When small files are merged in the background ({@link CompactionPolicy#OFF}: never on its own). */
    public CoordinatorConfig withCompaction(CompactionPolicy policy) {
        return new CoordinatorConfig(dir, host, port, shardPort, advertisedHost, replicas, leaseMillis, pollMillis,
                shardWaitMillis, queryTimeoutMillis, insecure, metadataFile, store, imports, policy);
    }
}
