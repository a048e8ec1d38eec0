package io.mallard.worker;

import java.nio.file.Path;

/**
 * Worker settings, validated at start-up.
 *
 * @param coordinatorHost  where the coordinator's Flight endpoint is (the worker dials out; nothing dials in)
 * @param caCertificate    the cluster CA (from {@code mallard bootstrap}) the coordinator's certificate must chain to
 * @param joinToken        admits the worker to the cluster
 * @param name             how logs and errors name this worker
 * @param dataDir          where downloaded shards are kept
 * @param taskThreads      shard queries run at once, each on a DuckDB with the worker's CPUs divided by this many
 *                         threads (at least one)
 * @param taskDelayMillis  fault injection for tests: wait this long before running each task (0 in production)
 * @param insecure         plaintext Flight, only against a coordinator started with --insecure
 * @param connectTimeoutMillis how long to keep trying to reach a coordinator that is not up yet
 */
public record WorkerConfig(String coordinatorHost, int coordinatorPort, Path caCertificate, String joinToken, String name,
        Path dataDir, int taskThreads, long taskDelayMillis, boolean insecure, long connectTimeoutMillis) {

    /** The usual settings: retry an absent coordinator for two minutes. */
    public WorkerConfig(String coordinatorHost, int coordinatorPort, Path caCertificate, String joinToken, String name,
            Path dataDir, int taskThreads, long taskDelayMillis, boolean insecure) {
        this(coordinatorHost, coordinatorPort, caCertificate, joinToken, name, dataDir, taskThreads, taskDelayMillis,
                insecure, 120_000);
    }

    public WorkerConfig {
        if (coordinatorPort <= 0 || coordinatorPort > 65535) {
            throw new IllegalArgumentException("coordinator port out of range: " + coordinatorPort);
        }
        if (joinToken == null || joinToken.isBlank()) {
            throw new IllegalArgumentException("a join token is required (see credentials.json of the cluster directory)");
        }
        if (caCertificate == null) {
            throw new IllegalArgumentException("the cluster CA certificate is required (tls/ca.pem of the cluster directory)");
        }
        if (taskThreads < 1) {
            throw new IllegalArgumentException("task threads must be at least 1");
        }
    }

}
