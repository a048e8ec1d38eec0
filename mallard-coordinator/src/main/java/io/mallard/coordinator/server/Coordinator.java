package io.mallard.coordinator.server;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.security.Credentials;
import io.mallard.common.security.ResourceLimits;
import io.mallard.common.security.TlsMaterial;
import io.mallard.common.security.UrlSigner;
import io.mallard.coordinator.ClusterLayout;
import io.mallard.coordinator.CoordinatorConfig;
import io.mallard.coordinator.cluster.ManifestCatalog;
import io.mallard.coordinator.cluster.WorkerRegistry;
import io.mallard.coordinator.combine.Combiner;
import io.mallard.coordinator.combine.SpillArea;
import io.mallard.coordinator.flightsql.MallardFlightSqlProducer;
import io.mallard.coordinator.flightsql.StatementExecutor;
import io.mallard.coordinator.query.QueryManager;
import io.mallard.coordinator.system.CoordinatorStats;
import io.mallard.coordinator.system.MetadataStore;
import io.mallard.coordinator.system.SystemTables;
import io.mallard.data.Manifest;
import io.mallard.planner.plan.DistributedPlanner;
import io.mallard.planner.sql.DuckDbSqlEngine;
import io.mallard.protocol.Messages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import io.mallard.common.duck.DuckLockdown;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running coordinator: Flight endpoint, shard store, worker registry and query manager. */
public final class Coordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);
    /** The version reported to clients (Flight SQL server info). */
    public static final String VERSION = "0.1.0";
    /** Lifetime of a user's bearer token, and so of an idle client session. */
    static final long TOKEN_TTL_MILLIS = 12 * 3600_000L;
    /** Largest message a peer may send: 256 MiB (an Arrow batch of partial results stays far below). */
    static final int MAX_MESSAGE_BYTES = 256 << 20;
    /** How often the coordinator pings an idle connection, and how long a ping may go unanswered. */
    static final long KEEPALIVE_SECONDS = 5;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final FlightServer server;
    private final WorkerRegistry registry;
    private final QueryManager queries;
    private final StatementExecutor statements;
    private final ShardServer shards;
    private final CoordinatorConfig config;
    private final BufferAllocator allocator;

    private Coordinator(CoordinatorConfig config) throws IOException, SQLException {
        this.config = config;
        ClusterLayout layout = new ClusterLayout(config.dir());
        if (!Files.exists(layout.manifest())) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "no manifest at " + layout.manifest()
                    + ": run `mallard bootstrap --dir " + config.dir() + "` first");
        }
        Manifest manifest = Manifest.read(layout.manifest());
        Credentials credentials = Credentials.load(config.dir());
        TlsMaterial tls = TlsMaterial.load(layout.tls());
        // the Arrow memory of query data (received batches, combine results, answers) is bounded by the budget;
        // received batches go to disk beyond half of it, or whenever an allocation would pass it
        SpillArea spill = new SpillArea(config.memoryBudgetBytes() / 2, config.spillDir().resolve("batches"));
        allocator = new RootAllocator(spill, config.memoryBudgetBytes());
        spill.attach(allocator);
        resources.add(allocator);
        try {
            DuckDBConnection reference = openReference(layout.data().resolve(manifest.referenceFile()),
                    config.memoryBudgetBytes(), config.spillDir().resolve("duckdb-reference"));
            resources.add(0, reference);
            shards = new ShardServer(config.host(), config.shardPort(), config.advertisedHost(), tls.serverSslContext(),
                    manifest, layout.data(), new UrlSigner(credentials.urlSigningKey()), 600);
            resources.add(0, shards);
            AtomicReference<QueryManager> queriesRef = new AtomicReference<>();
            registry = new WorkerRegistry(manifest, layout.data(), credentials.joinToken(), config.replicas(),
                    new WorkerRegistry.Liveness(config.leaseMillis(), config.pollMillis(), config.faults().suspectMillis()),
                    shards::signedUrl, id -> {
                        QueryManager q = queriesRef.get();
                        if (q != null) {
                            q.workerLost(id);
                        }
                    }, id -> {
                        QueryManager q = queriesRef.get();
                        if (q != null) {
                            q.workerSuspected(id);
                        }
                    });
            resources.add(0, registry);
            DistributedPlanner planner = new DistributedPlanner(new ManifestCatalog(manifest),
                    new DuckDbSqlEngine(reference.duplicate()));
            queries = new QueryManager(planner, registry, manifest, reference, allocator, spill, config);
            queriesRef.set(queries);
            resources.add(0, queries);
            MetadataStore metadata = MetadataStore.open(config.metadataFile());
            resources.add(0, metadata);
            DuckDBConnection scratch = openScratch();
            resources.add(0, scratch);
            AtomicReference<StatementExecutor> statementsRef = new AtomicReference<>();
            SystemTables system = new SystemTables(metadata, registry::status,
                    () -> statementsRef.get() == null ? List.of() : statementsRef.get().running(), allocator, this::stats);
            statements = new StatementExecutor(queries, system, metadata, allocator, registry::drain);
            statementsRef.set(statements);
            MallardFlightSqlProducer flightSql = new MallardFlightSqlProducer(statements, system, reference, scratch,
                    allocator, TOKEN_TTL_MILLIS, VERSION);
            resources.add(0, flightSql);
            Location location = config.insecure() ? Location.forGrpcInsecure(config.host(), config.port())
                    : Location.forGrpcTls(config.host(), config.port());
            FlightServer.Builder builder = FlightServer.builder(allocator, location,
                            new EndpointRouter(new CoordinatorProducer(registry, queries, statements), flightSql))
                    .headerAuthenticator(new MallardAuthenticator(credentials, registry, TOKEN_TTL_MILLIS))
                    .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                    .transportHint("grpc.builderConsumer", (java.util.function.Consumer<io.grpc.netty.NettyServerBuilder>)
                            // workers ping idle connections every 10 s to notice a vanished peer (CoordinatorLink)
                            netty -> netty.intercept(new PeerAddress()).permitKeepAliveTime(5, TimeUnit.SECONDS)
                                    .permitKeepAliveWithoutCalls(true)
                                    // and the coordinator pings its peers: a call from a worker that was cut off or
                                    // frozen (an upload it never finishes) ends within seconds, not at TCP's timeout
                                    .keepAliveTime(KEEPALIVE_SECONDS, TimeUnit.SECONDS)
                                    .keepAliveTimeout(KEEPALIVE_SECONDS, TimeUnit.SECONDS));
            if (!config.insecure()) {
                builder.useTls(tls.serverCertificateChain().toFile(), tls.serverPrivateKey().toFile());
            }
            server = builder.build().start();
            resources.add(0, () -> {
                registry.close(); // wakes long-polls so the server drains at once
                server.shutdown();
                if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                    server.close();
                }
            });
            LOG.info("coordinator listening on {}:{} (shard store on port {})", config.host(), server.getPort(), shards.port());
        } catch (IOException | SQLException | RuntimeException | java.security.GeneralSecurityException e) {
            close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    /** Starts a coordinator over a bootstrapped cluster directory. */
    public static Coordinator start(CoordinatorConfig config) throws IOException, SQLException {
        return new Coordinator(config);
    }

    /** The coordinator's full copies (dimension and replicated tables) and the schemas of all tables, read-only. */
    private static DuckDBConnection openReference(Path file, long memoryLimitBytes, Path tempDirectory) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("duckdb.read_only", "true");
        properties.setProperty("threads", Integer.toString(ResourceLimits.detect().cpus()));
        // GATHER combines and LOCAL queries run here: bounded, spilling to disk beyond the budget
        Combiner.bound(properties, memoryLimitBytes, tempDirectory);
        DuckDBConnection connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file, properties);
        // clients' SQL runs here for LOCAL queries: no files, no extensions, no setting changes
        DuckLockdown.apply(connection);
        return connection;
    }

    /** A private in-memory DuckDB for Arrow type probes and parameter binding, locked like the others. */
    private static DuckDBConnection openScratch() throws SQLException {
        DuckDBConnection connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
        try {
            DuckLockdown.apply(connection);
            return connection;
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }

    public int port() {
        return server.getPort();
    }

    public int shardPort() {
        return shards.port();
    }

    public CoordinatorConfig config() {
        return config;
    }

    public Messages.ClusterStatus status() {
        return registry.status();
    }

    /** Arrow memory held right now (received batches, results in flight); zero when the coordinator is idle. */
    public long allocatedBytes() {
        return allocator.getAllocatedMemory();
    }

    public int activeQueries() {
        return queries.activeQueries();
    }

    /** The coordinator's own figures, as {@code mallard.coordinator} shows them. */
    public CoordinatorStats stats() {
        Runtime runtime = Runtime.getRuntime();
        return new CoordinatorStats(allocator.getAllocatedMemory(), allocator.getPeakMemoryAllocation(),
                allocator.getLimit(), queries.spillArea().openFiles(), queries.spillArea().spilledBytes(),
                queries.activeQueries(), queries.queuedQueries(),
                statements == null ? 0 : statements.waitingForClients(), runtime.totalMemory() - runtime.freeMemory());
    }

    /** Answers held back now because their clients do not read fast enough (back-pressure). */
    public int answersWaitingForClients() {
        return statements.waitingForClients();
    }

    /** Spill files that exist now; zero when no query runs. */
    public int spillFiles() {
        return queries.spillArea().openFiles();
    }

    /** Bytes of received batches written to spill files since start. */
    public long spilledBytes() {
        return queries.spillArea().spilledBytes();
    }

    @Override
    public void close() {
        List<AutoCloseable> toClose = new ArrayList<>(resources);
        resources.clear();
        for (AutoCloseable resource : toClose) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("while stopping the coordinator: {}", e.toString());
            }
        }
    }

}
