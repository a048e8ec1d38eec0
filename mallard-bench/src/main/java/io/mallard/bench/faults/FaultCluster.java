package io.mallard.bench.faults;

import io.mallard.client.ConnectOptions;
import io.mallard.client.MallardSqlClient;
import io.mallard.common.MallardException;
import io.mallard.common.security.Credentials;
import io.mallard.coordinator.ClusterLayout;
import io.mallard.coordinator.bootstrap.Bootstrap;
import io.mallard.coordinator.bootstrap.BootstrapOptions;
import io.mallard.coordinator.server.CoordinatorMain;
import io.mallard.data.DataParams;
import io.mallard.common.rows.QueryRows;
import io.mallard.worker.WorkerMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A coordinator and N workers, every one a separate process, for fault injection: {@code kill -9} and restart of the
 * coordinator on the same directory and port, SIGSTOP/SIGCONT and {@code kill -9} of workers. Every process is stopped
 * on {@link #close()}, also when a test fails, and exits by itself when the test JVM dies.
 */
public final class FaultCluster implements AutoCloseable {
    /** One row of {@code mallard.workers}, as a test reads it. */
    public record WorkerRow(String id, String name, String state, List<String> trusted, int runningTasks) {
    }

    private final Builder options;
    private final Path dir;
    private final Path metadataFile;
    private final Bootstrap.Result data;
    private final String adminPassword;
    private final int port;
    private final List<Process> workers = new ArrayList<>();
    private final List<String> workerNames = new ArrayList<>();
    /** Each worker's launch arguments, to start it again as it was. */
    private final List<List<String>> workerArgs = new ArrayList<>();
    /** The network namespace each worker runs in, or null. */
    private final List<NetworkNamespace> namespaces = new ArrayList<>();
    private Process coordinator;
    private int coordinatorStarts;

    private FaultCluster(Builder options) throws IOException, SQLException {
        this.options = options;
        DataParams params = new DataParams(options.scaleFactor, options.measurementRows, 42, 0);
        Path cache = options.cacheDir.resolve("sf" + options.scaleFactor + "-rows" + options.measurementRows + "-seed42");
        Files.createDirectories(cache);
        this.dir = Files.createTempDirectory(options.cacheDir, "fault-cluster-");
        try {
            this.data = Bootstrap.run(new BootstrapOptions(dir, params, options.shards, "admin", cache.resolve("oracle"),
                    options.hosts), null);
            this.adminPassword = Bootstrap.adminPassword(dir);
            this.metadataFile = dir.resolve("metadata.duckdb");
            this.port = freePort();
            startCoordinator();
            for (int i = 0; i < options.workers; i++) {
                addWorker(0);
            }
            awaitServed(options.workers, 120_000);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts the coordinator process on this cluster's port and waits until it answers SQL. */
    public void startCoordinator() throws IOException {
        startCoordinator(null);
    }

    /**
     * As {@link #startCoordinator()}, with the coordinator's fault injection set to {@code pauseBeforeCommit} (commits
     * of these kinds, such as {@code "DELETE:events,COMPACT:events"}, stop right before they are recorded and log
     * {@link #PAUSED_BEFORE_COMMIT}; see the coordinator's {@code FaultInjection}); null for none.
     */
    public void startCoordinator(String pauseBeforeCommit) throws IOException {
        startCoordinator(pauseBeforeCommit, 0);
    }

    /**
     * As {@link #startCoordinator(String)}, with the background compaction (default thresholds) running every
     * {@code compactionIntervalMillis}; 0: off.
     */
    public void startCoordinator(String pauseBeforeCommit, long compactionIntervalMillis) throws IOException {
        if (coordinator != null && coordinator.isAlive()) {
            throw new IllegalStateException("the coordinator is running");
        }
        coordinatorStarts++;
        List<String> args = new ArrayList<>(List.of("--dir", dir.toString(), "--port", Integer.toString(port),
                "--http-port", "0", // a free web port: suites run clusters side by side, and 31338 may be taken
                "--lease-ms", Long.toString(options.leaseMillis), "--replicas", Integer.toString(options.replicas),
                "--metadata-file", metadataFile.toString(), "--suspect-ms", Long.toString(options.suspectMillis),
                "--speculation-multiplier", Double.toString(options.speculationMultiplier),
                "--speculation-min-ms", Long.toString(options.speculationMinMillis)));
        if (options.bindHost != null) {
            args.addAll(List.of("--host", options.bindHost, "--advertise-host", options.advertiseHost));
        }
        if (compactionIntervalMillis > 0) {
            args.addAll(List.of("--compaction-interval-ms", Long.toString(compactionIntervalMillis)));
        }
        args.addAll(options.coordinatorArgs);
        List<String> jvm = pauseBeforeCommit == null ? List.of()
                : List.of("-Dmallard.fault.pauseBeforeCommit=" + pauseBeforeCommit);
        coordinator = launch(CoordinatorMain.class, coordinatorLog(), null, jvm, args.toArray(String[]::new));
        await("the coordinator to answer", 60_000, () -> {
            if (!coordinator.isAlive()) {
                throw new IllegalStateException("the coordinator exited with " + coordinator.exitValue() + "; see "
                        + coordinatorLog());
            }
            try (MallardSqlClient client = client()) {
                client.query("SELECT 1");
                return true;
            } catch (MallardException e) {
                return false;
            }
        });
    }

    /** Kills the coordinator and starts it again on the same directory and port with replication factor {@code r}. */
    public void restartCoordinator(int r) throws IOException {
        killCoordinator();
        options.replicas = r;
        startCoordinator();
    }

    /** What the coordinator's fault injection logs when a commit stops before it is recorded. */
    public static final String PAUSED_BEFORE_COMMIT = "fault injection: pausing before commit";

    /** The log of the coordinator process started last. */
    public Path coordinatorLog() {
        return dir.resolve("coordinator-" + coordinatorStarts + ".log");
    }

    /** Waits until the current coordinator's log has a line containing {@code text}; returns that line. */
    public String awaitCoordinatorLog(String text, long timeoutMillis) {
        String[] found = new String[1];
        await("\"" + text + "\" in " + coordinatorLog(), timeoutMillis, () -> {
            if (!coordinator.isAlive()) {
                throw new IllegalStateException("the coordinator exited with " + coordinator.exitValue() + "; see "
                        + coordinatorLog());
            }
            try (Stream<String> lines = Files.lines(coordinatorLog())) {
                found[0] = lines.filter(line -> line.contains(text)).findFirst().orElse(null);
                return found[0] != null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return found[0];
    }

    /** Every file in the shard store's table directories (the embedded store: {@code DIR/data/store/tables}). */
    public List<Path> storeFiles() throws IOException {
        Path tables = new ClusterLayout(dir).store().resolve("tables");
        if (!Files.isDirectory(tables)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(tables)) {
            return paths.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** Files the coordinator was writing and has not put into the store yet ({@code DIR/data/work/out}). */
    public List<Path> workFiles() throws IOException {
        Path out = new ClusterLayout(dir).work().resolve("out");
        if (!Files.isDirectory(out)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(out)) {
            return paths.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** {@code kill -9} of the coordinator: it dies without telling anyone. */
    public void killCoordinator() {
        kill(coordinator);
    }

    /**
     * Starts one more worker process; {@code taskDelayMillis} > 0 makes it wait that long before running each task, so
     * that a test can act while the task is in flight. Returns its index.
     */
    public int addWorker(long taskDelayMillis) throws IOException {
        return addWorker(taskDelayMillis, 0);
    }

    /**
     * As {@link #addWorker(long)}; {@code uploadPauseMillis} > 0 makes the worker pause that long after the first batch
     * of each task's upload, so that a test can act while an upload is half done.
     */
    public int addWorker(long taskDelayMillis, long uploadPauseMillis) throws IOException {
        return addWorker(taskDelayMillis, uploadPauseMillis, null);
    }

    /**
     * As {@link #addWorker(long, long)}, the worker started inside {@code namespace} (null: none), reaching the
     * coordinator at the namespace's host address (the cluster must listen there: {@link Builder#listenOn}). Its task
     * delay and upload pause can be changed while it runs ({@link #setFaultHooks}).
     */
    public int addWorker(long taskDelayMillis, long uploadPauseMillis, NetworkNamespace namespace) throws IOException {
        int index = workers.size();
        String name = "worker-" + (index + 1);
        Path workerDir = Files.createDirectories(dir.resolve("workers").resolve(name));
        // a worker dials the address the coordinator advertises for downloads, so that it trusts only the cluster CA
        // there (a worker trusts another host's certificate only through the JVM's default trust store)
        String host = namespace != null ? namespace.hostAddress()
                : options.advertiseHost != null ? options.advertiseHost : "127.0.0.1";
        List<String> args = List.of("--coordinator", host + ":" + port,
                "--ca", caCertificate().toString(), "--token", Credentials.load(dir).joinToken(), "--name", name,
                "--data-dir", workerDir.toString(), "--task-delay-ms", Long.toString(taskDelayMillis),
                "--upload-pause-ms", Long.toString(uploadPauseMillis),
                "--fault-hooks", workerDir.resolve("fault-hooks.properties").toString());
        workerNames.add(name);
        workerArgs.add(args);
        namespaces.add(namespace);
        workers.add(launchWorker(index));
        return index;
    }

    /** From its next task on, worker {@code index} waits {@code taskDelayMillis} before each task and pauses its upload. */
    public void setFaultHooks(int index, long taskDelayMillis, long uploadPauseMillis) throws IOException {
        Path file = workerDataDir(index).resolve("fault-hooks.properties");
        Path next = workerDataDir(index).resolve("fault-hooks.next");
        Files.writeString(next, "task-delay-ms=" + taskDelayMillis + "\nupload-pause-ms=" + uploadPauseMillis + "\n");
        Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private Process launchWorker(int index) throws IOException {
        Path workerDir = workerDataDir(index);
        return launch(WorkerMain.class, workerDir.resolve("worker.log"), namespaces.get(index), List.of(),
                workerArgs.get(index).toArray(String[]::new));
    }

    /** Starts worker {@code index} again, as it was started, with the same data directory; it must not be running. */
    public void restartWorker(int index) throws IOException {
        if (workers.get(index).isAlive()) {
            throw new IllegalStateException(workerNames.get(index) + " is running");
        }
        workers.set(index, launchWorker(index));
    }

    /**
     * Placement follows the workers' instance identities (kept in their data directories), so with a few shards and
     * R = 1 a worker may be given none. Until worker {@code index} holds shards, it is started again as a new instance
     * (its identity file removed), a few times at most; then {@code n} workers serve every shard.
     */
    public void ensureHoldsShards(int index, int n) throws IOException {
        for (int i = 0; i < 8 && trustedShards(index) == 0; i++) {
            killWorker(index);
            Files.deleteIfExists(workerDataDir(index).resolve("instance-id"));
            restartWorker(index);
            awaitServed(n, 120_000);
        }
        if (trustedShards(index) == 0) {
            throw new IllegalStateException(workerNames.get(index) + " holds no shard after eight new identities");
        }
    }

    /** Whether worker {@code index} is trusted with at least one shard. */
    public boolean holdsShards(int index) {
        return trustedShards(index) > 0;
    }

    private int trustedShards(int index) {
        return workers().stream().filter(w -> w.name().equals(workerNames.get(index)) && !w.state().equals("gone"))
                .mapToInt(w -> w.trusted().size()).max().orElse(0);
    }

    public boolean isWorkerAlive(int index) {
        return workers.get(index).isAlive();
    }

    /** The directory where worker {@code index} keeps its shard files. */
    public Path workerDataDir(int index) {
        return dir.resolve("workers").resolve(workerNames.get(index));
    }

    public String workerName(int index) {
        return workerNames.get(index);
    }

    public long workerPid(int index) {
        return workers.get(index).pid();
    }

    /** SIGSTOP: the worker freezes mid-whatever, its connections open, as a paused VM or laptop does. */
    public void freezeWorker(int index) {
        signal("STOP", workers.get(index));
    }

    /** SIGCONT: the frozen worker carries on where it stopped. */
    public void thawWorker(int index) {
        signal("CONT", workers.get(index));
    }

    /** SIGTERM: the worker drains (finishes its tasks, hands its shards over) and exits. */
    public void terminateWorker(int index) {
        signal("TERM", workers.get(index));
    }

    /** Waits until worker {@code index}'s process exited; fails after the timeout. */
    public void awaitWorkerExit(int index, long timeoutMillis) {
        await(workerNames.get(index) + " to exit", timeoutMillis, () -> !workers.get(index).isAlive());
    }

    public void killWorker(int index) {
        kill(workers.get(index));
    }

    /** An application client (Flight SQL) logged in as the admin user. The caller closes it. */
    public MallardSqlClient client() {
        return MallardSqlClient.connect(ConnectOptions.tls("127.0.0.1", port, "admin", adminPassword, caCertificate()));
    }

    /** The workers as the coordinator sees them now ({@code mallard.workers}). */
    public List<WorkerRow> workers() {
        try (MallardSqlClient client = client()) {
            QueryRows rows = client.query("SELECT worker_id, name, state, trusted_shards, running_tasks FROM mallard.workers "
                    + "ORDER BY worker_id");
            List<WorkerRow> result = new ArrayList<>();
            for (List<Object> row : rows.rows()) {
                @SuppressWarnings("unchecked")
                List<Object> trusted = (List<Object>) row.get(3);
                result.add(new WorkerRow((String) row.get(0), (String) row.get(1), (String) row.get(2),
                        trusted.stream().map(String::valueOf).toList(), ((Number) row.get(4)).intValue()));
            }
            return result;
        }
    }

    /** True when {@code n} live workers are trusted and every shard has a trusted holder. */
    public boolean isServed(int n) {
        List<WorkerRow> rows = workers();
        long trusted = rows.stream().filter(w -> w.state().equals("trusted")).count();
        long served = rows.stream().filter(w -> w.state().equals("trusted")).flatMap(w -> w.trusted().stream()).distinct()
                .count();
        return trusted >= n && served == data.snapshot().shardCount();
    }

    /** Waits until {@code n} workers are trusted and every shard is served; fails after the timeout. */
    public void awaitServed(int n, long timeoutMillis) {
        await(n + " trusted workers serving every shard", timeoutMillis, () -> {
            try {
                return isServed(n);
            } catch (MallardException e) {
                return false; // the coordinator is still starting
            }
        });
    }

    /** Polls {@code condition} every 50 ms until it holds; throws when it still does not after the timeout. */
    public void await(String what, long timeoutMillis, BooleanSupplier condition) {
        String described = what + " (logs in " + dir + ")";
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out after " + timeoutMillis + " ms waiting for " + described);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /** The coordinator's Flight port (the same across restarts). */
    public int port() {
        return port;
    }

    public String adminPassword() {
        return adminPassword;
    }

    /** The catalog's version as bootstrap left it: the generated tables and their files. */
    public io.mallard.data.table.Snapshot snapshot() {
        return data.snapshot();
    }

    public Path caCertificate() {
        return new ClusterLayout(dir).caCertificate();
    }

    /** The unsharded DuckDB file of this cluster's data: the oracle. */
    public Path oracleFile() {
        return data.oracleFile();
    }

    public Path dir() {
        return dir;
    }

    private Process launch(Class<?> main, Path log, NetworkNamespace namespace, List<String> jvmOptions, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "-Xmx512m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        command.addAll(List.of("--exit-with-parent", Long.toString(ProcessHandle.current().pid())));
        List<String> launched = namespace == null ? command : namespace.wrap(command);
        // appended to, so that the log of a process started again on the same file keeps what the first one wrote
        return new ProcessBuilder(launched).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                log.toFile())).start();
    }

    /** The coordinator's process id (for measuring it: its memory, its CPU). */
    public long coordinatorPid() {
        return coordinator.pid();
    }

    private static void signal(String signal, Process process) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void kill(Process process) {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Stops every process (a frozen one is thawed first so that it can exit) and deletes the cluster directory. */
    @Override
    public void close() {
        for (Process worker : workers) {
            if (worker.isAlive()) {
                signal("CONT", worker);
            }
            kill(worker);
        }
        kill(coordinator);
        String keep = System.getProperty("mallard.test.keepLogs");
        if (keep != null) {
            // -Dmallard.test.keepLogs=DIR: the processes' logs outlive the cluster, for a look at a failure
            try (Stream<Path> logs = Files.walk(dir)) {
                Path target = Files.createDirectories(Path.of(keep).resolve(dir.getFileName()));
                for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                    Files.copy(log, target.resolve(dir.relativize(log).toString().replace('/', '-')));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Options of a {@link FaultCluster}. */
    public static final class Builder {
        private int workers = 2;
        private int shards = 4;
        private int replicas = 1;
        private long leaseMillis = 3_000;
        private long suspectMillis = 3_000;
        private double speculationMultiplier;
        private long speculationMinMillis = 1_000;
        private final List<String> coordinatorArgs = new ArrayList<>();
        private List<String> hosts = List.of();
        private String bindHost;
        private String advertiseHost;
        private double scaleFactor = 0.01;
        private long measurementRows = 50_000;
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

        public Builder leaseMillis(long millis) {
            this.leaseMillis = millis;
            return this;
        }

        /** Where generated data is kept and reused (default: the tests' cache under the temporary directory). */
        public Builder cacheDir(Path dir) {
            this.cacheDir = dir;
            return this;
        }

        public Builder scaleFactor(double sf) {
            this.scaleFactor = sf;
            return this;
        }

        /** How long a worker may owe its next poll before it is suspected (default 3 s). */
        public Builder suspectMillis(long millis) {
            this.suspectMillis = millis;
            return this;
        }

        /** Duplicates tasks running {@code multiplier} times their finished siblings' median (default: off). */
        public Builder speculation(double multiplier, long minMillis) {
            this.speculationMultiplier = multiplier;
            this.speculationMinMillis = minMillis;
            return this;
        }

        /**
         * The coordinator listens on {@code bind} (e.g. 0.0.0.0) and workers download shards from {@code advertise}, which
         * its certificate names too (for workers in a {@link NetworkNamespace}).
         */
        public Builder listenOn(String bind, String advertise) {
            this.bindHost = bind;
            this.advertiseHost = advertise;
            this.hosts = List.of(advertise);
            return this;
        }

        /** More arguments of {@code CoordinatorMain} (limits, timeouts). */
        public Builder coordinatorArgs(String... args) {
            this.coordinatorArgs.addAll(List.of(args));
            return this;
        }

        public FaultCluster build() throws IOException, SQLException {
            Files.createDirectories(cacheDir);
            return new FaultCluster(this);
        }
    }
}
