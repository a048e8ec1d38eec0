package io.mallard.coordinator.server;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.security.Credentials;
import io.mallard.common.security.ResourceLimits;
import io.mallard.common.security.TlsMaterial;
import io.mallard.common.security.UrlSigner;
import io.mallard.coordinator.ClusterLayout;
import io.mallard.coordinator.CoordinatorConfig;
import io.mallard.coordinator.StoreConfig;
import io.mallard.coordinator.audit.AuditLog;
import io.mallard.coordinator.imports.ImportSources;
import io.mallard.coordinator.catalog.Catalog;
import io.mallard.coordinator.catalog.GarbageCollector;
import io.mallard.coordinator.catalog.PlannerCatalog;
import io.mallard.coordinator.catalog.ReferenceConnections;
import io.mallard.coordinator.catalog.ReferenceCopy;
import io.mallard.coordinator.edge.EdgeTables;
import io.mallard.coordinator.catalog.TableWriter;
import io.mallard.coordinator.tables.Compactor;
import io.mallard.coordinator.tables.TableChanges;
import io.mallard.coordinator.cluster.WorkerRegistry;
import io.mallard.coordinator.combine.Combiner;
import io.mallard.coordinator.combine.SpillArea;
import io.mallard.coordinator.flightsql.MallardFlightSqlProducer;
import io.mallard.coordinator.flightsql.StatementExecutor;
import io.mallard.coordinator.query.QueryManager;
import io.mallard.coordinator.security.AccessControl;
import io.mallard.coordinator.security.ExternalIssuer;
import io.mallard.coordinator.security.LoginThrottle;
import io.mallard.coordinator.security.TokenService;
import io.mallard.coordinator.security.UserStore;
import io.mallard.coordinator.system.CoordinatorStats;
import io.mallard.coordinator.system.MetadataStore;
import io.mallard.coordinator.system.SystemTables;
import io.mallard.coordinator.telemetry.QueryTraces;
import io.mallard.coordinator.web.CoordinatorMetrics;
import io.mallard.coordinator.web.Probes;
import io.mallard.coordinator.web.WebRouter;
import io.mallard.coordinator.web.WebApi;
import io.mallard.coordinator.web.WebLogins;
import io.mallard.coordinator.web.WebServer;
import io.mallard.data.store.ShardStore;
import java.time.Duration;
import io.mallard.planner.plan.DistributedPlanner;
import io.mallard.planner.sql.DuckDbSqlEngine;
import io.mallard.protocol.Messages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import io.mallard.common.duck.DuckLockdown;
import io.mallard.coordinator.combine.SharedDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
    /**
     * How long a file's download URL works: long enough for a worker's download queue (grants are sent as the worker
     * polls, and it fetches them at once), short for a leaked URL. The local store also refuses a URL of a worker that
     * is gone; an S3 pre-signed URL is a bearer secret until it expires (docs/security.md).
     */
    static final Duration DOWNLOAD_URL_TTL = Duration.ofMinutes(5);
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
    private final CoordinatorMetrics metrics;
    private final WebServer web;
    private volatile boolean started;
    private Catalog catalog;
    private Compactor compactor;
    private ReferenceCopy reference;

    private Coordinator(CoordinatorConfig config) throws IOException, SQLException {
        this.config = config;
        ClusterLayout layout = new ClusterLayout(config.dir());
        if (!Files.exists(layout.catalog())) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "no catalog at " + layout.catalog()
                    + ": run `mallard bootstrap --dir " + config.dir() + "` first");
        }
        Credentials credentials = Credentials.load(config.dir());
        TlsMaterial tls = TlsMaterial.load(layout.tls());
        // the Arrow memory of query data (received batches, combine results, answers) is bounded by the budget;
        // received batches go to disk beyond half of it, or whenever an allocation would pass it
        SpillArea spill = new SpillArea(config.memoryBudgetBytes() / 2, config.spillDir().resolve("batches"));
        allocator = new RootAllocator(spill, config.memoryBudgetBytes());
        spill.attach(allocator);
        resources.add(allocator);
        metrics = new CoordinatorMetrics();
        resources.add(metrics);
        AtomicReference<WorkerRegistry> registryRef = new AtomicReference<>();
        try {
            // the web port answers from the start: /health while the catalog and the reference copy load, /ready
            // (503) until the coordinator is started and every shard has a trusted worker
            WebRouter router = new WebRouter();
            metrics.addTo(router);
            new Probes(() -> started, () -> {
                WorkerRegistry r = registryRef.get();
                return r == null ? new Messages.ClusterStatus(List.of(), List.of()) : r.status();
            }).addTo(router);
            web = new WebServer(config.host(), config.httpPort(), config.insecure() ? null : tls.serverSslContext(),
                    router);
            resources.add(0, web);
            StoreConfig storeConfig = config.store();
            // the local store's files are served by the coordinator; an S3 store's are downloaded from S3 itself
            shards = storeConfig.isLocal() ? new ShardServer(config.host(), config.shardPort(), config.advertisedHost(),
                    tls.serverSslContext(), layout.store(), new UrlSigner(credentials.urlSigningKey())) : null;
            if (shards != null) {
                resources.add(0, shards);
            }
            ShardStore store = storeConfig.open(layout, shards == null ? Coordinator::noLocalUrls : shards::signedUrl);
            resources.add(0, store);
            catalog = Catalog.open(layout.catalog(), store, layout.cache());
            resources.add(0, catalog);
            // before anything touches the store: another cluster's files must never be garbage-collected
            storeConfig.requireRecorded(catalog.info().store(), config.dir());
            GarbageCollector.sweep(catalog); // before any query: what no version names is left from a crash or a failure
            DuckDBConnection parser = openScratch();
            resources.add(0, parser);
            ImportSources imports = new ImportSources(config.imports(), config.dir(), layout.importDownloads(),
                    storeConfig.s3(), DuckDbSqlEngine.perCall(parser::duplicate));
            resources.add(0, imports);
            List<Path> readable = new ArrayList<>(imports.readableDirectories());
            if (storeConfig.isLocal()) {
                readable.add(layout.store());
            }
            TableWriter writer = new TableWriter(catalog, layout.work(), readable);
            resources.add(0, writer);
            // GATHER combines and LOCAL queries run in the reference copy: bounded, spilling to disk beyond the budget
            java.nio.file.Files.deleteIfExists(layout.formerReference());
            java.nio.file.Files.deleteIfExists(layout.formerReference().resolveSibling("reference.duckdb.wal"));
            ReferenceCopy referenceCopy = ReferenceCopy.build(layout.reference(), catalog.snapshot(), writer, allocator,
                    ResourceLimits.detect().cpus(), config.memoryBudgetBytes(), config.spillDir().resolve("duckdb-reference"));
            resources.add(0, referenceCopy);
            reference = referenceCopy;
            catalog.onCommit(snapshot -> {
                try {
                    referenceCopy.apply(snapshot);
                } catch (SQLException | IOException e) {
                    throw new MallardException(ErrorCode.INTERNAL_ERROR, "the reference copy of version "
                            + snapshot.version() + " failed: " + e.getMessage(), e);
                }
            });
            AtomicReference<QueryManager> queriesRef = new AtomicReference<>();
            // workers come back one by one after a restart: for a few polls, grant each only what it holds already
            registry = new WorkerRegistry(catalog.snapshot(), catalog::localCopy, credentials.joinToken(), config.replicas(),
                    new WorkerRegistry.Liveness(config.leaseMillis(), config.pollMillis(), config.faults().suspectMillis()),
                    Math.min(config.leaseMillis(), 3 * config.pollMillis()),
                    (file, worker) -> store.downloadUrl(file.storeKey(), worker, DOWNLOAD_URL_TTL).toString(), id -> {
                        QueryManager q = queriesRef.get();
                        if (q != null) {
                            q.workerLost(id);
                        }
                    }, id -> {
                        QueryManager q = queriesRef.get();
                        if (q != null) {
                            q.workerSuspected(id);
                        }
                    }, catalog::pinnedByOldVersion);
            resources.add(0, registry);
            if (shards != null) {
                shards.admitOnly(registry::isMember);
            }
            catalog.onCommit(registry::onSnapshot);
            // edge tables: rows on the workers that declared them, only their schemas here (docs/edge.md)
            // a new edge table is also news for the Flight SQL metadata (GetTables), which caches the table list
            AtomicReference<Runnable> tablesChanged = new AtomicReference<>(() -> { });
            EdgeTables edge = new EdgeTables(name -> catalog.snapshot().table(name).isPresent(), registry::isMember,
                    (name, columns) -> {
                        referenceCopy.defineEdgeTable(name, columns);
                        tablesChanged.get().run();
                    });
            edge.useLastSeen(registry::lastSeenMillis);
            registry.useEdgePartitions(edge::holder, new WorkerRegistry.MemberHook() {
                @Override
                public void admit(Messages.RegisterWorker request) {
                    edge.admit(request);
                }

                @Override
                public void joined(String workerId, Messages.RegisterWorker request) {
                    edge.joined(workerId, request);
                }
            });
            DistributedPlanner planner = new DistributedPlanner(new PlannerCatalog(catalog::snapshot, edge::tableInfo),
                    new DuckDbSqlEngine(referenceCopy.planning()));
            queries = new QueryManager(planner, registry, catalog::snapshot, catalog::pin, referenceCopy, allocator, spill,
                    config);
            queries.useEdgeTables(edge);
            queriesRef.set(queries);
            resources.add(0, queries);
            MetadataStore metadata = MetadataStore.open(config.metadataFile());
            resources.add(0, metadata);
            // replaced when DuckDB invalidates it: clients' answers pass through it (ResultPresentation)
            SharedDatabase scratch = new SharedDatabase("scratch", Coordinator::openScratch);
            resources.add(0, scratch);
            AtomicReference<StatementExecutor> statementsRef = new AtomicReference<>();
            SystemTables system = new SystemTables(metadata, registry::status,
                    () -> statementsRef.get() == null ? List.of() : statementsRef.get().running(),
                    new SystemTables.CatalogSource(catalog::tableSummaries, catalog::commitsAfter, edge::rows), allocator,
                    this::stats);
            TableChanges tables = new TableChanges(writer, queries, referenceCopy, allocator, imports, config.compaction());
            tables.useEdgeTables(edge::has);
            compactor = tables.compactor();
            resources.add(0, compactor);
            // users live in the metadata database; the credentials file's users (the bootstrap admin) are copied in
            UserStore users = UserStore.open(metadata::newConnection, credentials.users());
            AccessControl access = new AccessControl(users, DuckDbSqlEngine.perCall(parser::duplicate),
                    table -> catalog.snapshot().table(table).isPresent() || edge.has(table));
            TokenService tokens = TokenService.open(config.dir(), config.auth().tokenTtlMillis());
            Optional<ExternalIssuer> external = config.auth().externalJwt() == null ? Optional.empty()
                    : Optional.of(ExternalIssuer.open(config.auth().externalJwt()));
            // next to the metadata file, like the history it extends: DIR/audit/audit.log unless --metadata-file moves both
            AuditLog audit = AuditLog.open(AuditLog.besideMetadata(config.metadataFile()), metadata.auditIndex());
            resources.add(0, audit);
            system.beforeEachRead(audit::flushIndex);
            java.util.function.Consumer<io.mallard.coordinator.system.QueryRecord> recorded = metrics::statementRecorded;
            if (config.otlpEndpoint() != null) {
                QueryTraces traces = QueryTraces.open(config.otlpEndpoint(), config.advertisedHost(), VERSION);
                resources.add(0, traces); // closed before the allocator: the last spans are sent on the way down
                recorded = recorded.andThen(traces);
                LOG.info("a trace of every statement goes to {}", QueryTraces.traceUri(config.otlpEndpoint()));
            }
            statements = new StatementExecutor(queries, tables, system, metadata, allocator, scratch, registry::drain, access,
                    audit, config.auth().clients(), recorded);
            statementsRef.set(statements);
            MallardAuthenticator authenticator = new MallardAuthenticator(users, tokens, external, registry, audit,
                    new LoginThrottle(config.auth().clients().logins(), System::currentTimeMillis));
            // the web page: the same users, logins and statement path as Flight SQL clients
            WebApi webApi = new WebApi(statements, webLogins(authenticator), !config.insecure(),
                    config.auth().tokenTtlMillis(), allocator, config.spillDir().resolve("web-downloads"));
            resources.add(0, webApi);
            webApi.addTo(router);
            MallardFlightSqlProducer flightSql = new MallardFlightSqlProducer(statements, system, referenceCopy, scratch,
                    allocator, config.auth().tokenTtlMillis(), config.auth().clients(), VERSION);
            resources.add(0, flightSql);
            catalog.onCommit(snapshot -> flightSql.tablesChanged());
            tablesChanged.set(flightSql::tablesChanged);
            Location location = config.insecure() ? Location.forGrpcInsecure(config.host(), config.port())
                    : Location.forGrpcTls(config.host(), config.port());
            CertificatePolicy certificates = new CertificatePolicy(config.auth().workerMtls(), config.auth().clientMtls());
            if (certificates.asksForCertificates() && config.insecure()) {
                throw new MallardException(ErrorCode.INVALID_ARGUMENT,
                        "--worker-mtls and --client-mtls need TLS: they cannot be combined with --insecure");
            }
            io.netty.handler.ssl.SslContext mutualTls = certificates.asksForCertificates()
                    ? MutualTls.serverContext(tls, certificates.requiresCertificates()) : null;
            FlightServer.Builder builder = FlightServer.builder(allocator, location,
                            new EndpointRouter(new CoordinatorProducer(registry, queries, statements)
                                    .requireCertificates(certificates).useEdgeTables(edge), flightSql))
                    .headerAuthenticator(authenticator)
                    .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                    .transportHint("grpc.builderConsumer", (java.util.function.Consumer<io.grpc.netty.NettyServerBuilder>)
                            // workers ping idle connections every 10 s to notice a vanished peer (CoordinatorLink)
                            netty -> mutualTls(netty, mutualTls).intercept(new PeerAddress())
                                    .addStreamTracerFactory(PeerAddress.tracer())
                                    .intercept(new PeerCertificate(certificates,
                                            token -> registry.workerForToken(token).isPresent()))
                                    .permitKeepAliveTime(5, TimeUnit.SECONDS)
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
            compactor.start();
            metrics.bindScheduler(queries.schedulerTotals()).bindTrust(registry.trustTotals())
                    .bindLogins(authenticator::failedLogins).bindCluster(registry::status)
                    .bindMemory(allocator, spill, queries::activeQueries, queries::queuedQueries);
            if (shards != null) {
                metrics.bindShardDownloads(shards::filesServed, shards::bytesServed, shards::downloadsRefused);
            }
            registryRef.set(registry);
            resources.remove(web);
            resources.add(0, web); // stops answering first when the coordinator stops
            started = true;
            LOG.info("coordinator listening on {}:{}; web page (SQL, cluster, metrics, health) at {}; table files in {}{}",
                    config.host(), server.getPort(), web.url(config.advertisedHost()), storeConfig.describe(),
                    shards == null ? "" : " (served on port " + shards.port() + ")");
        } catch (IOException | SQLException | RuntimeException | java.security.GeneralSecurityException e) {
            close();
            if (e instanceof MallardException refused) {
                throw refused; // a configuration the coordinator refuses, with its code
            }
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    /** The web page's logins: a Flight login's checks, throttle and audit, with the browser's address. */
    private static WebLogins webLogins(MallardAuthenticator authenticator) {
        return new WebLogins() {
            @Override
            public Login login(String user, char[] password, String address) {
                MallardAuthenticator.Login login = authenticator.login(user, password, address);
                return new Login(login.identity(), login.token());
            }

            @Override
            public Identity verify(String token, String address) {
                return authenticator.user(token, address);
            }
        };
    }

    /** Replaces the TLS context Flight made from the server certificate with one that also asks for client certificates. */
    private static io.grpc.netty.NettyServerBuilder mutualTls(io.grpc.netty.NettyServerBuilder netty,
            io.netty.handler.ssl.SslContext context) {
        return context == null ? netty : netty.sslContext(context);
    }

    /** Starts a coordinator over a bootstrapped cluster directory. */
    public static Coordinator start(CoordinatorConfig config) throws IOException, SQLException {
        return new Coordinator(config);
    }

    /** The local store's URL signer where there is no local store: never called, since the S3 store signs its own. */
    private static java.net.URI noLocalUrls(String key, String worker, Duration ttl) {
        throw new IllegalStateException("the local store is not in use");
    }

    /**
     * A private in-memory DuckDB for Arrow type probes, parameter binding and presenting answers to clients
     * ({@code ResultPresentation}: one thread, so an answer's rows keep their order), locked like the others.
     */
    private static DuckDBConnection openScratch() throws SQLException {
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("threads", "1");
        DuckDBConnection connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", properties);
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

    /** The web port: {@code /metrics}, {@code /health}, {@code /ready}. */
    public int webPort() {
        return web.port();
    }

    /** The web address, {@code https://HOST:PORT/} ({@code http://} when insecure), for the advertised host. */
    public String webUrl() {
        return web.url(config.advertisedHost());
    }

    /** The web port's router, to serve more pages from. */
    public WebRouter webRouter() {
        return web.router();
    }

    /** The coordinator's metrics, as {@code /metrics} shows them. */
    public CoordinatorMetrics metrics() {
        return metrics;
    }

    /** The port the local store's files are served on; -1 when the store is S3 (workers download from S3). */
    public int shardPort() {
        return shards == null ? -1 : shards.port();
    }

    public CoordinatorConfig config() {
        return config;
    }

    /** The catalog: tables, their files, versions. */
    public Catalog catalog() {
        return catalog;
    }

    /** The reference database: LOCAL queries and GATHER combines run on it, the planner binds against it. */
    public ReferenceConnections reference() {
        return reference;
    }

    /** The background compaction (a test or an operator may run a round at once). */
    public Compactor compactor() {
        return compactor;
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
