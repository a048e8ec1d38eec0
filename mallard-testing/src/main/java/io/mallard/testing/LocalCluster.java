package io.mallard.testing;

import io.mallard.client.ConnectOptions;
import io.mallard.client.MallardClient;
import io.mallard.client.MallardSqlClient;
import io.mallard.common.security.ClientCertificates;
import io.mallard.common.security.Credentials;
import io.mallard.coordinator.ClusterLayout;
import io.mallard.coordinator.CompactionPolicy;
import io.mallard.coordinator.CoordinatorConfig;
import io.mallard.coordinator.ImportConfig;
import io.mallard.coordinator.StoreConfig;
import io.mallard.coordinator.bootstrap.Bootstrap;
import io.mallard.coordinator.bootstrap.BootstrapOptions;
import io.mallard.coordinator.server.Coordinator;
import io.mallard.data.DataParams;
import io.mallard.data.table.Snapshot;
import io.mallard.protocol.Messages;
import io.mallard.worker.Worker;
import io.mallard.worker.WorkerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A coordinator and N workers on loopback, always over the real Flight protocol with TLS:
 * {@code LocalCluster.builder().workers(3).shards(8).build()}. Workers run in this JVM or, when a test needs to kill
 * them, as separate processes. Data is generated once per parameter set under a cache directory and reused.
 */
public final class LocalCluster implements AutoCloseable {
    private final Builder options;
    private final Path dir;
    private final Bootstrap.Result data;
    private final CoordinatorConfig config;
    private Coordinator coordinator;
    private final List<WorkerHandle> workers = new ArrayList<>();
    private final String adminPassword;
    private int nextWorker = 1;

    private Path metadataDir;

    private LocalCluster(Builder options) throws IOException, SQLException {
        this.options = options;
        if (!options.store.isLocal() && !options.privateData) {
            throw new IllegalArgumentException("a cluster with an S3 store needs privateData(true): the shared cluster "
                    + "directories of the test cache keep their files in the local store");
        }
        DataParams params = new DataParams(options.scaleFactor, options.measurementRows, options.seed, options.edgeRows);
        // A cache directory per parameter set: clusters with and without the edge dataset never regenerate each other's data.
        Path cache = options.cacheDir.resolve("sf" + options.scaleFactor + "-rows" + options.measurementRows + "-seed" + options.seed
                + (options.edgeRows > 0 ? "-edge" + options.edgeRows : ""));
        this.dir = options.privateData
                ? Files.createTempDirectory(options.cacheDir, "cluster-")
                : cache.resolve("cluster-" + options.shards + "-shards");
        this.data = Bootstrap.run(new BootstrapOptions(dir, params, options.shards, "admin", cache.resolve("oracle"),
                List.of(), options.store), null);
        this.adminPassword = Bootstrap.adminPassword(dir);
        // the query history belongs to this cluster, not to the data directory that test clusters share
        this.metadataDir = Files.createTempDirectory(options.cacheDir, "metadata-");
        this.config = CoordinatorConfig.defaults(dir).withMetadataFile(metadataDir.resolve("metadata.duckdb"))
                .withLease(options.leaseMillis, Math.min(1000, options.leaseMillis / 3))
                .withShardWait(options.shardWaitMillis).withReplicas(options.replicas)
                .withQueryTimeout(options.queryTimeoutMillis)
                .withStore(options.store).withImports(options.imports).withCompaction(options.compaction)
                // a spill directory of its own: test clusters share their data directory, and DuckDB its temp files
                .withLimits(new CoordinatorConfig.Limits(options.maxRunningQueries, options.memoryBytes,
                        options.spillDir != null ? options.spillDir : metadataDir.resolve("spill")))
                .withAuth(options.auth).withOtlpEndpoint(options.otlpEndpoint);
        this.coordinator = Coordinator.start(config);
        try {
            for (int i = 0; i < options.workers; i++) {
                addWorker(options.workerProcesses, 0);
            }
            if (options.workers > 0) {
                awaitAllShardsServed(120_000);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The data directories of the workers this cluster started, deleted when it closes. */
    private final List<Path> workerDirs = new ArrayList<>();

    public static Builder builder() {
        return new Builder();
    }

    /** Starts one more worker; {@code taskDelayMillis} > 0 makes it wait before each task (fault injection). */
    public WorkerHandle addWorker(boolean asProcess, long taskDelayMillis) throws IOException {
        String name = "worker-" + nextWorker++;
        Path workerDir = workerDir(name);
        // a coordinator that requires worker certificates gets workers with one issued by the cluster CA
        WorkerConfig.ClientCertificate certificate = config.auth().workerMtls()
                ? issueWorkerCertificate(name, workerDir) : null;
        WorkerHandle handle;
        if (asProcess) {
            handle = startWorkerProcess(name, workerDir, certificate, taskDelayMillis);
        } else {
            WorkerConfig workerConfig = new WorkerConfig("127.0.0.1", coordinator.port(), caCertificate(),
                    Credentials.load(dir).joinToken(), name, workerDir, 2, taskDelayMillis, false);
            Worker worker = Worker.start(certificate == null ? workerConfig : workerConfig.withClientCertificate(certificate));
            handle = new WorkerHandle(name, worker, null);
        }
        workers.add(handle);
        return handle;
    }

    /**
     * Starts a worker in this JVM named {@code name} with local (edge) tables ({@code mallard worker --table …}); returns
     * once it registered. A refused one throws its error (EDGE_TABLE_REFUSED, INVALID_ARGUMENT).
     */
    public WorkerHandle addEdgeWorker(String name, List<io.mallard.worker.LocalTableSpec> tables) throws IOException {
        WorkerConfig workerConfig = new WorkerConfig("127.0.0.1", coordinator.port(), caCertificate(),
                Credentials.load(dir).joinToken(), name, workerDir(name), 2, 0, false);
        WorkerHandle handle = new WorkerHandle(name, Worker.start(workerConfig, tables), null);
        workers.add(handle);
        return handle;
    }

    /**
     * Starts a worker process named {@code name} presenting {@code certificate} (null: none), without waiting for it to
     * join: a test of refusals reads its log ({@link WorkerHandle#log()}) and waits for it to exit. Closed with the
     * cluster.
     */
    public WorkerHandle startWorkerProcess(String name, WorkerConfig.ClientCertificate certificate) throws IOException {
        WorkerHandle handle = startWorkerProcess(name, workerDir(name), certificate, 0);
        workers.add(handle);
        return handle;
    }

    /** A new directory for a worker's data (and its log, and certificates a test issues for it). */
    public Path workerDir(String name) throws IOException {
        Path workerDir = dir.resolve("workers").resolve(name + "-" + System.nanoTime());
        Files.createDirectories(workerDir);
        workerDirs.add(workerDir); // deleted when the cluster closes
        return workerDir;
    }

    /** A worker certificate for {@code name} from the cluster CA, valid now, written into {@code into}. */
    public WorkerConfig.ClientCertificate issueWorkerCertificate(String name, Path into) throws IOException {
        java.time.Instant now = java.time.Instant.now();
        ClientCertificates.Issued issued = ClientCertificates.issue(new ClusterLayout(dir).tls(),
                ClientCertificates.Role.WORKER, name, now.minus(java.time.Duration.ofHours(1)),
                now.plus(java.time.Duration.ofDays(1)), into);
        return new WorkerConfig.ClientCertificate(issued.certificate(), issued.privateKey());
    }

    /**
     * Starts a worker process named {@code name} with extra command-line options (local tables: {@code --table
     * readings=/dir/*.parquet}, {@code --expose …}), without waiting for it to join: a refused one exits with its error
     * in {@link WorkerHandle#log()}. Closed with the cluster.
     */
    public WorkerHandle startWorkerWithOptions(String name, List<String> options) throws IOException {
        WorkerHandle handle = startWorkerProcess(name, workerDir(name), null, 0, options);
        workers.add(handle);
        return handle;
    }

    private WorkerHandle startWorkerProcess(String name, Path workerDir, WorkerConfig.ClientCertificate certificate,
            long taskDelayMillis) throws IOException {
        return startWorkerProcess(name, workerDir, certificate, taskDelayMillis, List.of());
    }

    private WorkerHandle startWorkerProcess(String name, Path workerDir, WorkerConfig.ClientCertificate certificate,
            long taskDelayMillis, List<String> options) throws IOException {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), "io.mallard.worker.WorkerMain",
                "--coordinator", "127.0.0.1:" + coordinator.port(), "--ca", caCertificate().toString(),
                "--token", Credentials.load(dir).joinToken(),
                "--name", name, "--data-dir", workerDir.toString(), "--task-delay-ms", Long.toString(taskDelayMillis),
                "--exit-with-parent", Long.toString(ProcessHandle.current().pid())));
        if (certificate != null) {
            command.addAll(List.of("--cert", certificate.certificate().toString(),
                    "--key", certificate.privateKey().toString()));
        }
        command.addAll(options);
        Path log = workerDir.resolve("worker.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new WorkerHandle(name, null, process, log);
    }

    /**
     * Stops the coordinator and starts a new one over the same cluster directory, on the same port, so that the workers
     * register again with it (keeping the files they hold); waits until every shard is served again.
     */
    public void restartCoordinator() throws IOException, SQLException {
        int port = coordinator.port();
        coordinator.close();
        coordinator = null;
        coordinator = Coordinator.start(config.withPort(port));
        if (!workers.isEmpty()) {
            awaitAllShardsServed(120_000);
        }
    }

    /** Polls {@code condition} every 50 ms until it holds; throws when it still does not after the timeout. */
    public void await(String what, long timeoutMillis, java.util.function.BooleanSupplier condition) {
        Await.until(what, java.time.Duration.ofMillis(timeoutMillis), condition);
    }

    /** Waits until every shard is proved on at least one live worker. */
    public void awaitAllShardsServed(long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!coordinator.status().allShardsServed()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("shards not served after " + timeoutMillis + " ms: " + coordinator.status());
            }
            sleep(50);
        }
    }

    /** Waits until the coordinator counts {@code n} live workers that are trusted for all their shards. */
    public void awaitTrustedWorkers(int n, long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (coordinator.status().workers().stream().filter(w -> w.state().equals("trusted")).count() < n
                || !coordinator.status().allShardsServed()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("not " + n + " trusted workers after " + timeoutMillis + " ms: "
                        + coordinator.status());
            }
            sleep(50);
        }
    }

    /**
     * Waits until no query is active on the coordinator and no task is running on any worker; returns false if that
     * does not happen within the timeout. Suites end by asserting this.
     */
    public boolean awaitQuiescent(long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (coordinator.activeQueries() > 0
                || coordinator.status().workers().stream().anyMatch(w -> w.runningTasks() > 0)) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            sleep(20);
        }
        return true;
    }

    /**
     * Asserts the end state every suite must reach: no query active, no task running, and every Arrow allocator of the
     * coordinator and of in-process workers back to zero.
     */
    public void assertClean() {
        if (!awaitQuiescent(10_000)) {
            throw new AssertionError("queries or tasks still running: " + coordinator.activeQueries() + " active, " + status());
        }
        long deadline = System.currentTimeMillis() + 5_000;
        while (leakedBytes() > 0 && System.currentTimeMillis() < deadline) {
            sleep(20);
        }
        if (leakedBytes() > 0) {
            throw new AssertionError("Arrow memory still allocated: coordinator " + coordinator.allocatedBytes()
                    + " bytes, workers " + workers.stream().mapToLong(WorkerHandle::allocatedBytes).sum() + " bytes");
        }
    }

    private long leakedBytes() {
        return coordinator.allocatedBytes() + workers.stream().mapToLong(WorkerHandle::allocatedBytes).sum();
    }

    /** A client logged in as the admin user. The caller closes it. */
    public MallardClient client() {
        return MallardClient.connect("127.0.0.1", coordinator.port(), caCertificate(), "admin", adminPassword);
    }

    /** An application client (Flight SQL) logged in as the admin user. The caller closes it. */
    public MallardSqlClient sqlClient() {
        return MallardSqlClient.connect(ConnectOptions.tls("127.0.0.1", coordinator.port(), "admin", adminPassword,
                caCertificate()));
    }

    /** An application client (Flight SQL) logged in as {@code user}. The caller closes it. */
    public MallardSqlClient sqlClient(String user, String password) {
        return MallardSqlClient.connect(ConnectOptions.tls("127.0.0.1", coordinator.port(), user, password,
                caCertificate()));
    }

    public Path caCertificate() {
        return new ClusterLayout(dir).caCertificate();
    }

    public String adminPassword() {
        return adminPassword;
    }

    public Path dir() {
        return dir;
    }

    /** The catalog as the coordinator holds it now. */
    public Snapshot snapshot() {
        return coordinator.catalog().snapshot();
    }

    /** The unsharded DuckDB file of this cluster's data: the oracle. */
    public Path oracleFile() {
        return data.oracleFile();
    }

    public Coordinator coordinator() {
        return coordinator;
    }

    public List<WorkerHandle> workers() {
        return workers;
    }

    public Messages.ClusterStatus status() {
        return coordinator.status();
    }

    @Override
    public void close() {
        for (WorkerHandle worker : workers) {
            try {
                worker.close();
            } catch (RuntimeException e) {
                // keep stopping the others
            }
        }
        workers.clear();
        if (coordinator != null) {
            coordinator.close();
        }
        if (options.privateData) {
            deleteTree(dir);
        } else {
            // the data directory is shared by the test classes; the workers' downloaded files are this cluster's own
            workerDirs.stream().filter(Files::exists).forEach(LocalCluster::deleteTree);
        }
        if (metadataDir != null) {
            deleteTree(metadataDir);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Options of a {@link LocalCluster}. */
    public static final class Builder {
        private int workers = 3;
        private int shards = 8;
        private int replicas = 1;
        private double scaleFactor = 0.01;
        private long measurementRows = 50_000;
        private long seed = 42;
        private long edgeRows;
        private boolean workerProcesses;
        private boolean privateData;
        // long enough that a loaded 2-core machine (GC, JIT, other tests) does not drop live workers; failure tests set 3 s
        private long leaseMillis = 10_000;
        private long shardWaitMillis = 30_000;
        private StoreConfig store = StoreConfig.local();
        private ImportConfig imports = ImportConfig.none();
        private CompactionPolicy compaction = CompactionPolicy.OFF;
        private long queryTimeoutMillis = 60_000; // a stuck test fails in a minute, not ten
        private int maxRunningQueries = CoordinatorConfig.Limits.DEFAULTS.maxRunningQueries();
        private long memoryBytes;
        private Path spillDir;
        private CoordinatorConfig.Auth auth = CoordinatorConfig.Auth.DEFAULTS;
        private String otlpEndpoint;
        private Path cacheDir = io.mallard.data.TestDataCache.directory();

        public Builder workers(int n) {
            this.workers = n;
            return this;
        }

        public Builder shards(int n) {
            this.shards = n;
            return this;
        }

        public Builder replicas(int r) {
            this.replicas = r;
            return this;
        }

        public Builder scaleFactor(double sf) {
            this.scaleFactor = sf;
            return this;
        }

        public Builder measurementRows(long rows) {
            this.measurementRows = rows;
            return this;
        }

        /** Adds the edge-case dataset {@code edge} with this many rows in {@code edge_facts} (default 0: none). */
        public Builder edgeRows(long rows) {
            this.edgeRows = rows;
            return this;
        }

        /** Workers as separate JVM processes (needed to kill one). */
        public Builder workerProcesses(boolean processes) {
            this.workerProcesses = processes;
            return this;
        }

        /** A cluster directory of its own (deleted on close), for tests that tamper with files. */
        public Builder privateData(boolean isPrivate) {
            this.privateData = isPrivate;
            return this;
        }

        public Builder leaseMillis(long millis) {
            this.leaseMillis = millis;
            return this;
        }

        public Builder shardWaitMillis(long millis) {
            this.shardWaitMillis = millis;
            return this;
        }

        /** Where the table files live (an S3 store needs {@link #privateData}); the local store by default. */
        public Builder store(StoreConfig newStore) {
            this.store = newStore;
            return this;
        }

        /** The coordinator's import directory and S3 import source; none by default. */
        public Builder imports(ImportConfig newImports) {
            this.imports = newImports;
            return this;
        }

        /** Background compaction (off by default; {@code coordinator().compactor().compactNow()} runs a round). */
        public Builder compaction(CompactionPolicy policy) {
            this.compaction = policy;
            return this;
        }

        /** The coordinator's default query timeout (default 60 s). */
        public Builder queryTimeoutMillis(long millis) {
            this.queryTimeoutMillis = millis;
            return this;
        }

        /** Queries running at once on the coordinator; more wait in its queue. */
        public Builder maxRunningQueries(int n) {
            this.maxRunningQueries = n;
            return this;
        }

        /** The coordinator's memory budget for query data, and where it spills (null: DIR/spill). */
        public Builder memory(long bytes, Path spill) {
            this.memoryBytes = bytes;
            this.spillDir = spill;
            return this;
        }

        /** Bearer tokens' lifetime and the external JWT issuer the coordinator takes tokens of. */
        public Builder auth(CoordinatorConfig.Auth newAuth) {
            this.auth = newAuth;
            return this;
        }

        /** The OpenTelemetry collector the coordinator sends a trace of every statement to. */
        public Builder otlpEndpoint(String endpoint) {
            this.otlpEndpoint = endpoint;
            return this;
        }

        public Builder cacheDir(Path dir) {
            this.cacheDir = dir;
            return this;
        }

        public LocalCluster build() throws IOException, SQLException {
            Files.createDirectories(cacheDir);
            return new LocalCluster(this);
        }
    }
}
