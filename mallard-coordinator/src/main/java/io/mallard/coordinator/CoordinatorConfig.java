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
 * @param queryTimeoutMillis the cluster's default query timeout (a session may set its own); 0 for none
 * @param insecure         plaintext Flight (explicit opt-out of TLS; never the default)
 * @param metadataFile     the query history's DuckDB file
 * @param store            where the table files live (must be the store the cluster was bootstrapped with)
 * @param imports          where statements may read files from (nothing by default)
 * @param compaction       when small files are merged in the background
 * @param faults           how worker failures are noticed and worked around
 * @param limits           what the coordinator lets queries use
 * @param auth             bearer tokens' lifetime and the external JWT issuer, if any
 * @param httpPort         the web port: {@code /metrics}, {@code /health}, {@code /ready} (and later the web page); 0 picks
 *                         a free one
 * @param otlpEndpoint     the OpenTelemetry collector that gets a trace of every statement (OTLP/HTTP), or null for none
 */
public record CoordinatorConfig(Path dir, String host, int port, int shardPort, String advertisedHost, int replicas,
        long leaseMillis, long pollMillis, long shardWaitMillis, long queryTimeoutMillis, boolean insecure,
        Path metadataFile, StoreConfig store, ImportConfig imports, CompactionPolicy compaction, Faults faults,
        Limits limits, Auth auth, int httpPort, String otlpEndpoint) {

    /**
     * How clients authenticate beyond user and password.
     *
     * @param tokenTtlMillis how long a bearer token issued at login lives (the client logs in again when it expired)
     * @param externalJwt    the identity provider whose JWTs are taken, or null for none
     * @param clients        what bounds each client: per-role limits, sessions, SQL size, failed logins
     * @param workerMtls     workers must present a certificate of the cluster CA naming a worker ({@code OU=worker})
     * @param clientMtls     every connection must present a certificate of the cluster CA (TLS requires it), and
     *                       users' calls one naming a client ({@code OU=client})
     */
    public record Auth(long tokenTtlMillis, ExternalJwt externalJwt,
            io.mallard.coordinator.security.ClientLimits clients, boolean workerMtls, boolean clientMtls) {
        public static final Auth DEFAULTS = new Auth(12 * 3600_000L, null);

        public Auth(long tokenTtlMillis, ExternalJwt externalJwt) {
            this(tokenTtlMillis, externalJwt, io.mallard.coordinator.security.ClientLimits.DEFAULTS);
        }

        public Auth(long tokenTtlMillis, ExternalJwt externalJwt, io.mallard.coordinator.security.ClientLimits clients) {
            this(tokenTtlMillis, externalJwt, clients, false, false);
        }

        /** These with other client limits. */
        public Auth withClients(io.mallard.coordinator.security.ClientLimits newClients) {
            return new Auth(tokenTtlMillis, externalJwt, newClients, workerMtls, clientMtls);
        }

        /** The same, with the certificates required of workers and clients. */
        public Auth withMtls(boolean workers, boolean clients) {
            return new Auth(tokenTtlMillis, externalJwt, this.clients, workers, clients);
        }

        public Auth {
            clients = clients == null ? io.mallard.coordinator.security.ClientLimits.DEFAULTS : clients;
            if (tokenTtlMillis < 1_000) {
                throw new IllegalArgumentException("a token must live at least a second, got " + tokenTtlMillis + " ms");
            }
        }
    }

    /**
     * An identity provider whose JWTs the coordinator takes.
     *
     * @param issuer    the exact {@code iss} its tokens carry
     * @param audience  a value their {@code aud} must include
     * @param jwks      a JWK set file with the provider's public keys
     * @param userClaim the claim naming the Mallard user (default {@code sub})
     */
    public record ExternalJwt(String issuer, String audience, Path jwks, String userClaim) {
        public ExternalJwt {
            if (issuer == null || issuer.isBlank() || audience == null || audience.isBlank() || jwks == null) {
                throw new IllegalArgumentException("an external JWT issuer needs an issuer, an audience and a JWKS file");
            }
            userClaim = userClaim == null || userClaim.isBlank() ? "sub" : userClaim;
        }
    }

    /**
     * How worker failures are noticed and worked around.
     *
     * @param suspectMillis         a worker that owes its next poll for longer is suspected: no new tasks, and its running
     *                              tasks are duplicated on other holders of their shards (a broken connection: at once)
     * @param speculationMultiplier a task running longer than this many times the median of its finished siblings (at
     *                              least half of them finished) is duplicated on another holder; 0 turns it off
     * @param speculationMinMillis  … and only once it ran this long
     */
    public record Faults(long suspectMillis, double speculationMultiplier, long speculationMinMillis) {
        public static final Faults DEFAULTS = new Faults(3_000, 3.0, 1_000);

        public Faults {
            if (suspectMillis < 1 || speculationMultiplier < 0 || speculationMinMillis < 0) {
                throw new IllegalArgumentException("suspicion limit must be positive, speculation settings at least 0");
            }
        }
    }

    /**
     * What the coordinator lets queries use.
     *
     * @param maxRunningQueries queries running at once; more wait in a first-come, first-served queue
     * @param memoryBytes       the coordinator's memory budget for query data: received batches (beyond half of it they
     *                          spill to disk) and each combine database's DuckDB memory limit; 0: a quarter of the
     *                          machine's (or container's) memory
     * @param spillDir          where received batches and DuckDB's temporary files spill; null: DIR/spill
     */
    public record Limits(int maxRunningQueries, long memoryBytes, Path spillDir) {
        public static final Limits DEFAULTS = new Limits(64, 0, null);

        public Limits {
            if (maxRunningQueries < 1 || memoryBytes < 0) {
                throw new IllegalArgumentException("at least one running query and a memory budget of at least 0");
            }
        }
    }

    public CoordinatorConfig(Path dir, String host, int port, int shardPort, String advertisedHost, int replicas,
            long leaseMillis, long pollMillis, long shardWaitMillis, long queryTimeoutMillis, boolean insecure) {
        this(dir, host, port, shardPort, advertisedHost, replicas, leaseMillis, pollMillis, shardWaitMillis,
                queryTimeoutMillis, insecure, new ClusterLayout(dir).metadata(), StoreConfig.local(), ImportConfig.none(),
                CompactionPolicy.DEFAULTS, Faults.DEFAULTS, Limits.DEFAULTS, Auth.DEFAULTS, 0, null);
    }

    public CoordinatorConfig {
        if (replicas < 1) {
            throw new IllegalArgumentException("replication factor must be at least 1, got " + replicas);
        }
        if (leaseMillis <= pollMillis) {
            throw new IllegalArgumentException("the lease (" + leaseMillis + " ms) must be longer than the poll interval ("
                    + pollMillis + " ms)");
        }
        if (port < 0 || shardPort < 0 || httpPort < 0) {
            throw new IllegalArgumentException("ports must be >= 0");
        }
        if (queryTimeoutMillis < 0) {
            throw new IllegalArgumentException("the query timeout must be >= 0 (0: none)");
        }
        store = store == null ? StoreConfig.local() : store;
        imports = imports == null ? ImportConfig.none() : imports;
        auth = auth == null ? Auth.DEFAULTS : auth;
        if (compaction == null || faults == null || limits == null) {
            throw new IllegalArgumentException("compaction, faults and limits are required (CompactionPolicy.OFF, "
                    + "Faults.DEFAULTS, Limits.DEFAULTS)");
        }
    }

    /** Defaults for a cluster directory: loopback, free ports, R = 1, 10 s lease, 10 min query timeout. */
    public static CoordinatorConfig defaults(Path dir) {
        return new CoordinatorConfig(dir, "127.0.0.1", 0, 0, "127.0.0.1", 1, 10_000, 1_000, 60_000, 600_000, false);
    }

    /** The memory budget for query data in bytes: {@code limits.memoryBytes()}, or a quarter of the machine's memory. */
    public long memoryBudgetBytes() {
        return limits.memoryBytes() > 0 ? limits.memoryBytes()
                : Math.max(256L << 20, io.mallard.common.security.ResourceLimits.detect().memoryBytes() / 4);
    }

    /** Where spilled batches and DuckDB's temporary files go. */
    public Path spillDir() {
        return limits.spillDir() != null ? limits.spillDir() : dir.resolve("spill");
    }

    public CoordinatorConfig withLease(long newLeaseMillis, long newPollMillis) {
        return new CoordinatorConfig(dir, host, port, shardPort, advertisedHost, replicas, newLeaseMillis,
                newPollMillis, shardWaitMillis, queryTimeoutMillis, insecure, metadataFile, store, imports, compaction,
                faults, limits, auth, httpPort, otlpEndpoint);
    }

    public CoordinatorConfig withShardWait(long millis) {
        return new CoordinatorConfig(dir, host, port, shardPort, advertisedHost, replicas, leaseMillis, pollMillis,
                millis, queryTimeoutMillis, insecure, metadataFile, store, imports, compaction, faults, limits, auth, httpPort, otlpEndpoint);
    }

    public CoordinatorConfig withQueryTimeout(long millis) {
        return new CoordinatorConfig(dir, host, port, shardPort, advertisedHost, replicas, leaseMillis, pollMillis,
                shardWaitMillis, millis, insecure, metadataFile, store, imports, compaction, faults, limits, auth, httpPort, otlpEndpoint);
    }

    /** Keeps the query history in another file than DIR/metadata.duckdb (test clusters share a data directory). */
    public CoordinatorConfig withMetadataFile(Path file) {
        return new CoordinatorConfig(dir, host, port, shardPort, advertisedHost, replicas, leaseMillis, pollMillis,
                shardWaitMillis, queryTimeoutMillis, insecure, file, store, imports, compaction, faults, limits, auth, httpPort, otlpEndpoint);
    }

    public CoordinatorConfig withPort(int newPort) {
        return new CoordinatorConfig(dir, host, newPort, shardPort, advertisedHost, replicas, leaseMillis, pollMillis,
                shardWaitMillis, queryTimeoutMillis, insecure, metadataFile, store, imports, compaction, faults,
                limits, auth, httpPort, otlpEndpoint);
    }

    /** Listens on {@code newHost} and tells workers to download shards from {@code newAdvertisedHost}. */
    public CoordinatorConfig withHost(String newHost, String newAdvertisedHost) {
        return new CoordinatorConfig(dir, newHost, port, shardPort, newAdvertisedHost, replicas, leaseMillis,
                pollMillis, shardWaitMillis, queryTimeoutMillis, insecure, metadataFile, store, imports, compaction,
                faults, limits, auth, httpPort, otlpEndpoint);
    }

    public CoordinatorConfig withReplicas(int r) {
        return new CoordinatorConfig(dir, host, port, shardPort, advertisedHost, r, leaseMillis, pollMillis,
                shardWaitMillis, queryTimeoutMillis, insecure, metadataFile, store, imports, compaction, faults,
                limits, auth, httpPort, otlpEndpoint);
    }

    /** Keeps the table files in {@code newStore} (which must be the one the cluster was bootstrapped with). */
    public CoordinatorConfig withStore(StoreConfig newStore) {
        return new CoordinatorConfig(dir, host, port, shardPort, advertisedHost, replicas, leaseMillis, pollMillis,
                shardWaitMillis, queryTimeoutMillis, insecure, metadataFile, newStore, imports, compaction, faults,
                limits, auth, httpPort, otlpEndpoint);
    }

    /** Lets statements read files from the import directory and the S3 import source of {@code newImports}. */
    public CoordinatorConfig withImports(ImportConfig newImports) {
        return new CoordinatorConfig(dir, host, port, shardPort, advertisedHost, replicas, leaseMillis, pollMillis,
                shardWaitMillis, queryTimeoutMillis, insecure, metadataFile, store, newImports, compaction, faults,
                limits, auth, httpPort, otlpEndpoint);
    }

    /** When small files are merged in the background ({@link CompactionPolicy#OFF}: never on its own). */
    public CoordinatorConfig withCompaction(CompactionPolicy policy) {
        return new CoordinatorConfig(dir, host, port, shardPort, advertisedHost, replicas, leaseMillis, pollMillis,
                shardWaitMillis, queryTimeoutMillis, insecure, metadataFile, store, imports, policy, faults, limits, auth, httpPort, otlpEndpoint);
    }

    public CoordinatorConfig withFaults(Faults newFaults) {
        return new CoordinatorConfig(dir, host, port, shardPort, advertisedHost, replicas, leaseMillis, pollMillis,
                shardWaitMillis, queryTimeoutMillis, insecure, metadataFile, store, imports, compaction, newFaults,
                limits, auth, httpPort, otlpEndpoint);
    }

    /** Serves {@code /metrics}, {@code /health} and {@code /ready} on {@code newHttpPort} (0: a free one). */
    public CoordinatorConfig withHttpPort(int newHttpPort) {
        return new CoordinatorConfig(dir, host, port, shardPort, advertisedHost, replicas, leaseMillis, pollMillis,
                shardWaitMillis, queryTimeoutMillis, insecure, metadataFile, store, imports, compaction, faults, limits,
                auth, newHttpPort, otlpEndpoint);
    }

    /** Sends a trace of every statement to the OpenTelemetry collector at {@code endpoint} (null: none). */
    public CoordinatorConfig withOtlpEndpoint(String endpoint) {
        return new CoordinatorConfig(dir, host, port, shardPort, advertisedHost, replicas, leaseMillis, pollMillis,
                shardWaitMillis, queryTimeoutMillis, insecure, metadataFile, store, imports, compaction, faults, limits,
                auth, httpPort, endpoint == null || endpoint.isBlank() ? null : endpoint);
    }

    public CoordinatorConfig withLimits(Limits newLimits) {
        return new CoordinatorConfig(dir, host, port, shardPort, advertisedHost, replicas, leaseMillis, pollMillis,
                shardWaitMillis, queryTimeoutMillis, insecure, metadataFile, store, imports, compaction, faults,
                newLimits, auth, httpPort, otlpEndpoint);
    }

    /** Issues tokens living {@code newAuth.tokenTtlMillis()} and takes the external issuer's JWTs, if any. */
    public CoordinatorConfig withAuth(Auth newAuth) {
        return new CoordinatorConfig(dir, host, port, shardPort, advertisedHost, replicas, leaseMillis, pollMillis,
                shardWaitMillis, queryTimeoutMillis, insecure, metadataFile, store, imports, compaction, faults, limits,
                newAuth, httpPort, otlpEndpoint);
    }
}
