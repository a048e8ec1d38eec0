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
 * @param connectTimeoutMillis how long to keep trying to reach a coordinator that is not up yet at start-up
 * @param callTimeoutMillis deadline of every request/response call to the coordinator (a poll: its interval plus this)
 * @param uploadStallMillis an upload the coordinator takes no data from for this long is abandoned
 * @param uploadPauseMillis fault injection for tests: pause this long after each task's first batch is sent, so that
 *                         a test can act while an upload is half done (0 in production)
 * @param drainTimeoutMillis longest a draining worker waits for its tasks to end and its shards to be taken over
 *                         before it leaves anyway
 * @param clientCertificate the worker's certificate and key for mutual TLS (a coordinator with --worker-mtls requires
 *                         one), or null
 */
public record WorkerConfig(String coordinatorHost, int coordinatorPort, Path caCertificate, String joinToken, String name,
        Path dataDir, int taskThreads, long taskDelayMillis, boolean insecure, long connectTimeoutMillis,
        long callTimeoutMillis, long uploadStallMillis, long uploadPauseMillis, long drainTimeoutMillis,
        ClientCertificate clientCertificate) {

    /** A PEM certificate chain ({@code mallard bootstrap --worker-cert NAME}: tls/workers/NAME.pem) and its key. */
    public record ClientCertificate(Path certificate, Path privateKey) {
        public ClientCertificate {
            if (certificate == null || privateKey == null) {
                throw new IllegalArgumentException("a client certificate needs both --cert and --key");
            }
        }
    }

    public WorkerConfig(String coordinatorHost, int coordinatorPort, Path caCertificate, String joinToken, String name,
            Path dataDir, int taskThreads, long taskDelayMillis, boolean insecure, long connectTimeoutMillis,
            long callTimeoutMillis, long uploadStallMillis, long uploadPauseMillis, long drainTimeoutMillis) {
        this(coordinatorHost, coordinatorPort, caCertificate, joinToken, name, dataDir, taskThreads, taskDelayMillis,
                insecure, connectTimeoutMillis, callTimeoutMillis, uploadStallMillis, uploadPauseMillis,
                drainTimeoutMillis, null);
    }

    /** Default drain limit: 60 s. */
    public static final long DEFAULT_DRAIN_TIMEOUT_MILLIS = 60_000;

    /** Default call deadline: 30 s. */
    public static final long DEFAULT_CALL_TIMEOUT_MILLIS = 30_000;
    /** Default upload stall limit: 60 s. */
    public static final long DEFAULT_UPLOAD_STALL_MILLIS = 60_000;

    /** The usual settings: retry an absent coordinator for two minutes at start-up, default deadlines. */
    public WorkerConfig(String coordinatorHost, int coordinatorPort, Path caCertificate, String joinToken, String name,
            Path dataDir, int taskThreads, long taskDelayMillis, boolean insecure) {
        this(coordinatorHost, coordinatorPort, caCertificate, joinToken, name, dataDir, taskThreads, taskDelayMillis,
                insecure, 120_000, DEFAULT_CALL_TIMEOUT_MILLIS, DEFAULT_UPLOAD_STALL_MILLIS, 0, DEFAULT_DRAIN_TIMEOUT_MILLIS);
    }

    public WorkerConfig {
        if (coordinatorPort <= 0 || coordinatorPort > 65535) {
            throw new IllegalArgumentException("coordinator port out of range: " + coordinatorPort);
        }
        if (joinToken == null || joinToken.isBlank()) {
            throw new IllegalArgumentException("a join token is required (see credentials.json of the cluster directory)");
        }
        if (caCertificate == null && !insecure) {
            throw new IllegalArgumentException("the cluster CA certificate is required (tls/ca.pem of the cluster directory)");
        }
        if (taskThreads < 1) {
            throw new IllegalArgumentException("task threads must be at least 1");
        }
        if (uploadPauseMillis < 0 || taskDelayMillis < 0 || drainTimeoutMillis < 0) {
            throw new IllegalArgumentException("fault-injection delays must be >= 0");
        }
        if (callTimeoutMillis < 1 || uploadStallMillis < 1) {
            throw new IllegalArgumentException("call timeout and upload stall limit must be positive");
        }
    }

    public WorkerConfig withConnectTimeout(long millis) {
        return new WorkerConfig(coordinatorHost, coordinatorPort, caCertificate, joinToken, name, dataDir, taskThreads,
                taskDelayMillis, insecure, millis, callTimeoutMillis, uploadStallMillis, uploadPauseMillis, drainTimeoutMillis, clientCertificate);
    }

    public WorkerConfig withUploadStall(long millis) {
        return new WorkerConfig(coordinatorHost, coordinatorPort, caCertificate, joinToken, name, dataDir, taskThreads,
                taskDelayMillis, insecure, connectTimeoutMillis, callTimeoutMillis, millis, uploadPauseMillis,
                drainTimeoutMillis, clientCertificate);
    }

    public WorkerConfig withUploadPause(long millis) {
        return new WorkerConfig(coordinatorHost, coordinatorPort, caCertificate, joinToken, name, dataDir, taskThreads,
                taskDelayMillis, insecure, connectTimeoutMillis, callTimeoutMillis, uploadStallMillis, millis,
                drainTimeoutMillis, clientCertificate);
    }

    /** The same, presenting {@code certificate} to the coordinator (mutual TLS). */
    public WorkerConfig withClientCertificate(ClientCertificate certificate) {
        return new WorkerConfig(coordinatorHost, coordinatorPort, caCertificate, joinToken, name, dataDir, taskThreads,
                taskDelayMillis, insecure, connectTimeoutMillis, callTimeoutMillis, uploadStallMillis, uploadPauseMillis,
                drainTimeoutMillis, certificate);
    }

    public WorkerConfig withDrainTimeout(long millis) {
        return new WorkerConfig(coordinatorHost, coordinatorPort, caCertificate, joinToken, name, dataDir, taskThreads,
                taskDelayMillis, insecure, connectTimeoutMillis, callTimeoutMillis, uploadStallMillis, uploadPauseMillis,
                millis, clientCertificate);
    }
}
