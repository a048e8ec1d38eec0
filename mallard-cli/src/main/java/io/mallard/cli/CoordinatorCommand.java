package io.mallard.cli;

import io.mallard.coordinator.CompactionPolicy;
import io.mallard.coordinator.CoordinatorConfig;
import io.mallard.coordinator.security.ClientLimits;
import io.mallard.coordinator.server.Coordinator;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mallard coordinator}: serve a bootstrapped cluster directory. */
@Command(name = "coordinator", mixinStandardHelpOptions = true,
        description = "Run the coordinator over a cluster directory made by `mallard bootstrap`. Runs until stopped.")
final class CoordinatorCommand implements Callable<Integer> {
    @Option(names = ConfigFile.OPTION, paramLabel = "FILE", description = "Settings file: every option as a key without "
            + "its dashes (port = 31337); options on the command line win; an unknown key is an error.")
    java.nio.file.Path config;

    @Option(names = "--dir", required = true, description = "Cluster directory.")
    Path dir;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "31337", description = "Flight port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--shard-port", defaultValue = "0", description = "HTTPS port of the shard store; 0 picks a free one.")
    int shardPort;

    @Option(names = "--http-port", defaultValue = "31338", description = "Web port: /metrics, /health, /ready (HTTPS with "
            + "the cluster's certificate; HTTP with --insecure); 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--otlp-endpoint", description = "Send a trace of every statement (planning, each task attempt, "
            + "the combine) to this OpenTelemetry collector over OTLP/HTTP, e.g. http://collector:4318 (default: none).")
    String otlpEndpoint;

    @Option(names = "--advertise-host", description = "Host workers use to download shards (default: --host).")
    String advertiseHost;

    @Option(names = "--replicas", defaultValue = "1", description = "Replication factor R (default: ${DEFAULT-VALUE}).")
    int replicas;

    @Option(names = "--lease-ms", defaultValue = "10000", description = "Worker heartbeat lease (default: ${DEFAULT-VALUE}).")
    long leaseMillis;

    @Option(names = "--suspect-ms", defaultValue = "3000", description = "A worker that owes its next poll for longer is "
            + "suspected: no new tasks, its running tasks duplicated on other replicas (default: ${DEFAULT-VALUE}).")
    long suspectMillis;

    @Option(names = "--speculation-multiplier", defaultValue = "3", description = "Duplicate a task running longer than "
            + "this many times the median of its finished siblings; 0 turns speculation off (default: ${DEFAULT-VALUE}).")
    double speculationMultiplier;

    @Option(names = "--speculation-min-ms", defaultValue = "1000", description = "… and longer than this (default: "
            + "${DEFAULT-VALUE}).")
    long speculationMinMillis;

    @Option(names = "--query-timeout-ms", defaultValue = "600000", description = "Default query timeout; a session may set "
            + "its own with SET mallard.query_timeout = '30s'; 0: none (default: ${DEFAULT-VALUE}).")
    long queryTimeoutMillis;

    @Option(names = "--max-running-queries", defaultValue = "64", description = "Queries running at once; more wait in a "
            + "first-come, first-served queue, shown as queued in mallard.queries (default: ${DEFAULT-VALUE}).")
    int maxRunningQueries;

    @Option(names = "--memory-bytes", defaultValue = "0", description = "Memory budget for query data on the coordinator "
            + "(received batches spill to disk beyond half of it; each combine database's DuckDB limit); 0: a quarter "
            + "of the machine's or container's memory (default: ${DEFAULT-VALUE}).")
    long memoryBytes;

    @Option(names = "--spill-dir", description = "Where received batches and DuckDB's temporary files spill (default: "
            + "DIR/spill).")
    Path spillDir;

    @Option(names = "--insecure", description = "Serve Flight in plaintext. Never use outside a closed test network.")
    boolean insecure;

    @Option(names = "--no-compaction", description = "Do not compact tables' files in the background.")
    boolean noCompaction;

    @Option(names = "--compaction-interval-ms", defaultValue = "60000",
            description = "How often the background compaction looks (default: ${DEFAULT-VALUE}).")
    long compactionIntervalMillis;

    @Option(names = "--compaction-max-files", defaultValue = "8",
            description = "Merge a table's small files in a shard when there are more than this many "
                    + "(default: ${DEFAULT-VALUE}).")
    int compactionMaxFiles;

    @Option(names = "--compaction-small-rows", defaultValue = "1000000",
            description = "Data files with fewer rows count as small (default: ${DEFAULT-VALUE}).")
    long compactionSmallRows;

    @Option(names = "--compaction-deleted-fraction", defaultValue = "0.2",
            description = "Rewrite a data file whose deleted rows exceed this share (default: ${DEFAULT-VALUE}).")
    double compactionDeletedFraction;

    @Option(names = "--token-ttl-ms", defaultValue = "43200000",
            description = "How long a bearer token issued at login lives (default: ${DEFAULT-VALUE}, 12 h).")
    long tokenTtlMillis;

    @Option(names = "--worker-mtls", description = "Require a worker certificate of the cluster CA "
            + "(`mallard bootstrap --worker-cert NAME`) from every worker; a worker registers under its certificate's name.")
    boolean workerMtls;

    @Option(names = "--client-mtls", description = "Require a certificate of the cluster CA from every connection (TLS "
            + "refuses one without), and a client certificate (`mallard bootstrap --client-cert NAME`) for users' calls; "
            + "workers then need theirs too.")
    boolean clientMtls;

    @Option(names = "--jwt-issuer", description = "Also take JWTs of this identity provider (its exact iss).")
    String jwtIssuer;

    @Option(names = "--jwt-audience", description = "With --jwt-issuer: a value the tokens' aud must include.")
    String jwtAudience;

    @Option(names = "--jwt-jwks", description = "With --jwt-issuer: a JWK set file with the provider's public keys.")
    Path jwtJwks;

    @Option(names = "--jwt-user-claim", defaultValue = "sub",
            description = "With --jwt-issuer: the claim naming the Mallard user (default: ${DEFAULT-VALUE}).")
    String jwtUserClaim;

    @Option(names = "--role-limits", description = "Per-role limits, one option per role: ROLE:queries=N,timeout=D "
            + "(e.g. reader:queries=2,timeout=30s). queries: statements of the role's users running at once, more are "
            + "refused (LIMIT_EXCEEDED); timeout: replaces --query-timeout-ms for the role, a session may set less, "
            + "not more (default: none).")
    List<String> roleLimits = List.of();

    @Option(names = "--max-sessions", defaultValue = "1000", description = "Client sessions (logins) open at once; "
            + "more are refused (default: ${DEFAULT-VALUE}).")
    int maxSessions;

    @Option(names = "--session-idle-timeout-ms", defaultValue = "3600000", description = "A session unused this long "
            + "ends; its client logs in again (default: ${DEFAULT-VALUE}, 1 h).")
    long sessionIdleMillis;

    @Option(names = "--max-sql-bytes", defaultValue = "1048576", description = "Largest statement text taken, in UTF-8 "
            + "bytes; larger ones are refused before they are parsed (default: ${DEFAULT-VALUE}, 1 MiB).")
    long maxSqlBytes;

    @Option(names = "--login-lockout", defaultValue = "5,50,60s,60s", description = "Failed logins: PER_USER,PER_ADDRESS,"
            + "WINDOW,LOCKOUT: that many failures of one user name, or from one address, within WINDOW lock it out for "
            + "LOCKOUT (default: ${DEFAULT-VALUE}).")
    String loginLockout;

    @Mixin
    StoreOptions store;

    @Mixin
    ImportOptions imports;

    @Mixin
    ParentOption parent;

    @Mixin
    LogOptions log;

    @Override
    public Integer call() throws Exception {
        log.apply();
        parent.apply();
        CoordinatorConfig config = new CoordinatorConfig(dir, host, port, shardPort,
                advertiseHost == null ? host : advertiseHost, replicas, leaseMillis, Math.min(1000, leaseMillis / 3),
                60_000, queryTimeoutMillis, insecure).withStore(store.config()).withImports(imports.config())
                .withCompaction(new CompactionPolicy(!noCompaction, compactionMaxFiles, compactionDeletedFraction,
                        compactionSmallRows, compactionIntervalMillis))
                .withFaults(new CoordinatorConfig.Faults(suspectMillis, speculationMultiplier, speculationMinMillis))
                .withLimits(new CoordinatorConfig.Limits(maxRunningQueries, memoryBytes, spillDir))
                .withAuth(new CoordinatorConfig.Auth(tokenTtlMillis, jwtIssuer == null ? null
                        : new CoordinatorConfig.ExternalJwt(jwtIssuer, jwtAudience, jwtJwks, jwtUserClaim),
                        ClientLimits.DEFAULTS.withRoles(ClientLimits.parseRoles(roleLimits))
                                .withSessions(maxSessions, sessionIdleMillis).withMaxSqlBytes(maxSqlBytes)
                                .withLogins(ClientLimits.LoginPolicy.parse(loginLockout)))
                        .withMtls(workerMtls, clientMtls))
                .withHttpPort(httpPort).withOtlpEndpoint(otlpEndpoint);
        Coordinator coordinator = Coordinator.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            coordinator.close();
            stopped.countDown();
        }));
        System.out.println("coordinator listening on " + host + ":" + coordinator.port() + (insecure ? " (PLAINTEXT)" : " (TLS)")
                + ", table files in " + config.store().describe()
                + (coordinator.shardPort() < 0 ? "" : " (served on port " + coordinator.shardPort() + ")"));
        System.out.println("web page (SQL and cluster; log in as a Mallard user) at " + coordinator.webUrl()
                + " (also /metrics, /health, /ready)");
        System.out.flush();
        stopped.await();
        return 0;
    }
}
