package io.mallard.worker;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.security.ResourceLimits;
import io.mallard.protocol.ConnectionErrors;
import io.mallard.protocol.Messages;
import io.mallard.protocol.Messages.PollReply;
import io.mallard.protocol.Messages.FileGrant;
import io.mallard.protocol.Messages.TaskSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker: dials out to the coordinator (it never listens), registers with the join token, long-polls for work,
 * fetches and verifies the files it is granted, proves possession, and runs tasks on them.
 *
 * <p>It recovers by itself from any coordinator outage: every call has a deadline, a failed call is retried within
 * {@link #MAX_BACKOFF_MILLIS}, and when the coordinator no longer knows this worker (it restarted, or the worker was
 * frozen past its lease) the worker registers again, abandons the old session's tasks and proves the files it still
 * holds without fetching them again.
 */
public final class Worker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    static final String VERSION = "0.1.0";
    /** Longest wait between two attempts to reach the coordinator. */
    static final long MAX_BACKOFF_MILLIS = 2_000;

    private final WorkerConfig config;
    private final ResourceLimits limits = ResourceLimits.detect();
    private final BufferAllocator allocator;
    private final CoordinatorLink link;
    private final WorkerDatabase database;
    private final FileKeeper files;
    private final ExecutorService tasks;
    /** Shard queries running at once: {@code --task-threads} of them, each with its share of the CPUs (TaskRunner). */
    private final ExecutorService queries;
    private final TaskRunner runner;
    private final Thread poller;
    /** This worker's stable identity, kept in its data directory: placement follows it across registrations. */
    private final String instance;
    private volatile Session session;
    private volatile boolean closed;
    /** Handing its shards over and finishing its tasks before it leaves (SIGTERM, or the coordinator asked). */
    private volatile boolean draining;
    /** Groups of tasks handed to the task pool and not yet ended. */
    private final AtomicInteger runningGroups = new AtomicInteger();
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** The worker's local (edge) tables; empty when it declared none. */
    private final LocalTables localTables;
    /** When the local tables' files were last checked for changes (System.nanoTime). */
    private long localTablesChecked = System.nanoTime();

    private Worker(WorkerConfig config, List<LocalTableSpec> declared) throws IOException {
        this.config = config;
        this.instance = instanceIdentity(config.dataDir());
        this.allocator = new RootAllocator(Math.max(256L << 20, limits.memoryBytes() / 4));
        try {
            this.link = new CoordinatorLink(config, allocator);
        } catch (IOException | RuntimeException e) {
            allocator.close();
            throw e;
        }
        // the coordinator's host gets the cluster CA only; other hosts (an S3 endpoint) the JVM's trust store
        ShardFetcher fetcher = new ShardFetcher(config.caCertificate(), config.coordinatorHost(), config.dataDir());
        try {
            this.database = new WorkerDatabase(config.dataDir(), limits, threadsPerQuery(),
                    LocalTables.directories(declared));
        } catch (java.sql.SQLException e) {
            try {
                link.close();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            allocator.close();
            throw new IOException("cannot open the worker's DuckDB: " + e.getMessage(), e);
        }
        try {
            this.localTables = new LocalTables(declared, database, config.name());
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
        database.useLocalTables(localTables);
        this.files = new FileKeeper(fetcher, database, link, () -> session);
        this.tasks = Executors.newFixedThreadPool(config.taskThreads(), daemon("mallard-task"));
        this.queries = Executors.newFixedThreadPool(config.taskThreads(), daemon("mallard-query"));
        this.runner = new TaskRunner(link.client(), allocator, database, files::held, config.taskDelayMillis(),
                config.uploadStallMillis(), queries);
        runner.useFaultHooks(new FaultHooks(null, config.taskDelayMillis(), config.uploadPauseMillis()));
        this.poller = new Thread(this::pollLoop, "mallard-poll");
        this.poller.setDaemon(true);
    }

    /**
     * Registers with the coordinator and starts polling. A coordinator that is not up yet is retried for
     * {@code config.connectTimeoutMillis()} (workers may start first); a wrong join token fails at once.
     */
    public static Worker start(WorkerConfig config) throws IOException {
        return start(config, List.of());
    }

    /**
     * As {@link #start(WorkerConfig)}, with local (edge) tables: their files stay here, the coordinator learns their
     * columns, row counts and fingerprints when the worker joins, and queries read them through this worker's DuckDB.
     * INVALID_ARGUMENT when a table's files cannot be read; EDGE_TABLE_REFUSED when the coordinator refuses one.
     */
    public static Worker start(WorkerConfig config, List<LocalTableSpec> localTables) throws IOException {
        if (config.clientCertificate() != null && config.caCertificate() != null) {
            // said before connecting: the coordinator can only tell that it got no acceptable certificate
            io.mallard.common.security.ClientCertificates.problem(config.clientCertificate().certificate(),
                    config.caCertificate(), java.time.Instant.now()).ifPresent(problem ->
                    LOG.warn("the worker certificate will not be accepted: {}", problem));
        }
        Worker worker = new Worker(config, localTables);
        try {
            worker.registerWithRetry();
        } catch (RuntimeException e) {
            worker.close();
            throw e;
        }
        worker.poller.start();
        return worker;
    }

    /**
     * Fault injection for tests: from now on the task delay and upload pause are read from {@code file} (properties
     * {@code task-delay-ms}, {@code upload-pause-ms}) whenever it changed.
     */
    public void useFaultHooks(Path file) {
        runner.useFaultHooks(new FaultHooks(file, config.taskDelayMillis(), config.uploadPauseMillis()));
    }

    /** Arrow memory held right now; zero when no task runs. */
    public long allocatedBytes() {
        return allocator.getAllocatedMemory();
    }

    public String workerId() {
        Session s = session;
        return s == null ? null : s.workerId();
    }

    private void registerWithRetry() {
        long deadline = System.currentTimeMillis() + config.connectTimeoutMillis();
        long backoff = 200;
        int handshakesFailed = 0;
        while (true) {
            try {
                register();
                return;
            } catch (MallardException failure) {
                MallardException refused = TlsRefusal.of(failure, config.clientCertificate() != null);
                // a refused certificate does not heal; a handshake cut by a coordinator going down might: try thrice
                if (refused != null && ++handshakesFailed >= TlsRefusal.ATTEMPTS) {
                    LOG.error("{}", refused.getMessage());
                    throw refused;
                }
                if (refused != null) {
                    LOG.warn("{}; trying again", refused.getMessage());
                    link.reconnectNow(); // a new handshake, not the channel's remembered failure
                    backoff = pause(backoff);
                    continue;
                }
                handshakesFailed = 0;
                MallardException e = ConnectionErrors.explain(failure, new ConnectionErrors.Target(
                        config.coordinatorHost(), config.coordinatorPort(), config.insecure(), config.caCertificate()));
                // a wrong token or CA does not heal by waiting: say so at once
                if (e.code() == ErrorCode.AUTHENTICATION_FAILED || e.code() == ErrorCode.TLS_FAILED
                        || e.code() == ErrorCode.EDGE_TABLE_REFUSED
                        || System.currentTimeMillis() + backoff > deadline) {
                    LOG.error("cannot join the coordinator at {}:{}: {}", config.coordinatorHost(),
                            config.coordinatorPort(), e.describe());
                    throw e;
                }
                LOG.info("coordinator {}:{} not reachable yet ({}); retrying", config.coordinatorHost(),
                        config.coordinatorPort(), e.getMessage());
                backoff = pause(backoff);
            }
        }
    }

    private void register() {
        Messages.WorkerRegistered registered = link.call(new Messages.RegisterWorker(config.joinToken(), config.name(),
                VERSION, limits.cpus(), limits.memoryBytes(), ProcessHandle.current().pid(), instance,
                localTables.announceAll()),
                Messages.WorkerRegistered.class, config.callTimeoutMillis());
        Session previous = session;
        session = new Session(registered.workerId(),
                new CredentialCallOption(new BearerCredentialWriter(registered.sessionToken())), registered.pollMillis(),
                previous == null ? 1 : previous.generation() + 1);
        LOG.info("registered as {} ({})", registered.workerId(), config.name());
    }

    private void pollLoop() {
        long backoff = 100;
        while (!closed) {
            Session s = session;
            try {
                // the poll waits up to its interval at the coordinator; past that plus the call deadline, it is lost
                PollReply reply = link.call(new Messages.Poll(s.workerId(), files.heldList()), PollReply.class,
                        s.pollMillis() + config.callTimeoutMillis(), s.auth());
                backoff = 100;
                handle(s, reply);
                announceLocalChanges(s);
            } catch (MallardException e) {
                if (closed) {
                    return;
                }
                if (e.code() == ErrorCode.AUTHENTICATION_FAILED) {
                    LOG.warn("the coordinator no longer knows {}: registering again", s.workerId());
                    if (registerAgain(s)) {
                        backoff = 100;
                        continue;
                    }
                } else {
                    LOG.warn("poll failed: {}", e.getMessage());
                }
                backoff = pause(backoff);
            } catch (RuntimeException e) {
                if (closed) {
                    return; // an executor shut down between the check in handle and a submission
                }
                // whatever went wrong with one reply, the loop is the worker's only line to the coordinator: keep it
                LOG.error("handling a poll reply failed", e);
                backoff = pause(backoff);
            }
        }
    }

    /** Closes what the constructor opened before it failed. */
    private void closeQuietly() {
        try {
            database.close();
        } catch (java.sql.SQLException e) {
            LOG.debug("closing the worker's DuckDB: {}", e.getMessage());
        }
        try {
            link.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        allocator.close();
    }

    /**
     * Tells the coordinator about local tables whose files changed (rows appended, files added), at most once a
     * second: mallard.partitions shows the new row count and fingerprint. Queries do not wait for it: each task reads
     * the files as they are when its query first reads them.
     */
    private void announceLocalChanges(Session s) {
        if (localTables.isEmpty() || System.nanoTime() - localTablesChecked < TimeUnit.SECONDS.toNanos(1)) {
            return;
        }
        localTablesChecked = System.nanoTime();
        try {
            for (Messages.LocalTable table : localTables.changed()) {
                link.call(new Messages.LocalTableChanged(s.workerId(), table), Messages.Ack.class,
                        config.callTimeoutMillis(), s.auth());
                LOG.info("local table {} changed: {} rows", table.name(), table.rows());
            }
        } catch (MallardException e) {
            LOG.warn("could not announce a change of a local table: {}", e.getMessage());
        }
    }

    /** A new session: the old one's tasks and uploads are void (their queries are gone). True when registered. */
    private boolean registerAgain(Session old) {
        runner.abandonAll("the coordinator session of " + old.workerId() + " ended");
        try {
            register();
            return true;
        } catch (MallardException again) {
            LOG.warn("registration failed: {}", again.getMessage());
            return false;
        }
    }

    /** Waits before the next attempt to reach the coordinator, and lets the connection retry at once after that. */
    private long pause(long backoff) {
        try {
            Thread.sleep(backoff);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        link.reconnectNow();
        return Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
    }

    private void handle(Session s, PollReply reply) {
        if (closed) {
            // the reply to a poll in flight while this worker leaves: often grants of the shards other leaving
            // workers gave up, for executors that are shut down already
            return;
        }
        for (String queryId : reply.cancelledQueries()) {
            runner.cancel(queryId);
        }
        reply.cancelledTasks().forEach(runner::cancelTask);
        for (String fileId : reply.revoked()) {
            files.revoke(fileId);
        }
        files.forgetIdle(); // revoked files whose last task has ended since
        files.sweepUnclaimed(reply.grants(), s.generation()); // once a session: what a restart left of gone versions
        for (FileGrant grant : reply.grants()) {
            files.grant(grant);
        }
        // the tasks of one query's stream share one upload (TaskRunner.runAll)
        Map<List<String>, List<TaskSpec>> byStream = new LinkedHashMap<>();
        for (TaskSpec task : reply.tasks()) {
            byStream.computeIfAbsent(List.of(task.queryId(), task.stream()), k -> new ArrayList<>()).add(task);
        }
        for (List<TaskSpec> group : byStream.values()) {
            runningGroups.incrementAndGet();
            try {
                tasks.submit(() -> {
                    try {
                        runner.runAll(s.workerId(), group, s.auth());
                    } finally {
                        runningGroups.decrementAndGet();
                    }
                });
            } catch (RejectedExecutionException e) {
                runningGroups.decrementAndGet();
                if (!closed) {
                    throw e;
                }
            }
        }
        if (reply.drain() && !draining) {
            // an administrator drains this worker: it hands its shards over, finishes its tasks, and stops
            Thread drain = new Thread(() -> drain(false), "mallard-drain");
            drain.setDaemon(true);
            drain.start();
        }
    }

    /**
     * A planned departure (SIGTERM, or the coordinator's drain): tells the coordinator, which gives this worker no new
     * tasks but for shards no other worker holds yet and places its shards on the others; keeps polling, so that its
     * running tasks end and each shard is taken back once its new holder proved it; then stops. Gives up waiting after
     * the drain timeout. No query fails because of a drain.
     */
    public void drain() {
        drain(true);
    }

    /**
     * @param tell whether the coordinator must be told first (SIGTERM); when it asked for the drain it knows. Closing
     *             tells it again: a draining worker that says it leaves is gone at once.
     */
    private void drain(boolean tell) {
        if (closed) {
            return;
        }
        draining = true;
        Session s = session;
        boolean told = !tell && s != null;
        if (tell && s != null) {
            try {
                link.call(new Messages.Leaving(s.workerId()), Messages.Ack.class, config.callTimeoutMillis(), s.auth());
                told = true;
            } catch (MallardException e) {
                LOG.warn("could not tell the coordinator that this worker drains: {}", e.getMessage());
            }
        }
        long deadline = System.currentTimeMillis() + config.drainTimeoutMillis();
        // without the coordinator nobody takes the shards over: only the running tasks are waited for
        while (!closed && System.currentTimeMillis() < deadline
                && (runningGroups.get() > 0 || told && !files.held().isEmpty())) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        LOG.info("drained: {} task groups running, {} files held; leaving", runningGroups.get(), files.held().size());
        close();
    }

    /** Waits until this worker stopped (closed, or drained by the coordinator). */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /**
     * The worker's stable identity: read from {@code <data dir>/instance-id}, made (random) on the first start. A worker
     * restarted on the same data directory is the same worker: it is placed on the same shards and keeps its files.
     */
    private static String instanceIdentity(java.nio.file.Path dataDir) throws IOException {
        java.nio.file.Path file = dataDir.resolve("instance-id");
        java.nio.file.Files.createDirectories(dataDir);
        if (java.nio.file.Files.exists(file)) {
            String id = java.nio.file.Files.readString(file).strip();
            if (id.matches("[0-9a-f]{32}")) {
                return id;
            }
        }
        String id = java.util.HexFormat.of().formatHex(io.mallard.common.security.Secrets.randomBytes(16));
        java.nio.file.Path partial = dataDir.resolve("instance-id.new");
        java.nio.file.Files.writeString(partial, id + "\n");
        java.nio.file.Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return id;
    }

    /**
     * DuckDB threads of one shard query: the worker's CPUs shared among the queries it runs at once, so that they never
     * run more threads than it has CPUs. On small shards one thread per query beat two (benchmarks.md, "Threads per
     * shard query").
     */
    private int threadsPerQuery() {
        return Math.max(1, limits.cpus() / config.taskThreads());
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Tells the coordinator this worker is leaving, then stops everything it runs. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Session s = session;
        if (s != null) {
            try {
                link.call(new Messages.Leaving(s.workerId()), Messages.Ack.class, 2_000, s.auth());
            } catch (MallardException e) {
                LOG.debug("leaving: {}", e.getMessage());
            }
        }
        poller.interrupt();
        runner.abandonAll("the worker is stopping");
        tasks.shutdownNow();
        queries.shutdownNow();
        try {
            poller.join(2_000);
            tasks.awaitTermination(5, TimeUnit.SECONDS);
            queries.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        files.close();
        try {
            database.close();
        } catch (java.sql.SQLException e) {
            LOG.debug("closing the worker's DuckDB: {}", e.getMessage());
        }
        try {
            link.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        allocator.close();
        stopped.countDown();
    }
}
