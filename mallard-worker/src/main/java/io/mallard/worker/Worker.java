package io.mallard.worker;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.security.ResourceLimits;
import io.mallard.protocol.Messages;
import io.mallard.protocol.Messages.PollReply;
import io.mallard.protocol.Messages.ShardGrant;
import io.mallard.protocol.Messages.TaskSpec;
import io.mallard.protocol.Rpc;
import io.mallard.protocol.ShardProofs;
import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CallOptions;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker: dials out to the coordinator (it never listens), registers with the join token, long-polls for work,
 * fetches and verifies the shards it is granted, proves possession, and runs tasks on them.
 */
public final class Worker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    static final String VERSION = "0.1.0";

    private final WorkerConfig config;
    private final ResourceLimits limits = ResourceLimits.detect();
    private final BufferAllocator allocator;
    private final FlightClient client;
    private final ShardFetcher fetcher;
    private final Map<String, ShardDatabase> shards = new ConcurrentHashMap<>();
    private final java.util.Set<String> acquiring = ConcurrentHashMap.newKeySet();
    /**
     * Grants that arrived while the same shard was still being acquired (typically under an earlier registration whose
     * token has since expired): acquired again once the running acquisition ends, so no grant is dropped.
     */
    private final Map<String, ShardGrant> queuedGrants = new HashMap<>();
    private final ExecutorService downloads = Executors.newFixedThreadPool(2, daemon("mallard-fetch"));
    private final ExecutorService tasks;
    /** Shard queries running at once: {@code --task-threads} of them, each with its share of the CPUs (TaskRunner). */
    private final ExecutorService queries;
    private final TaskRunner runner;
    private final Thread poller;
    private volatile Session session;
    private volatile boolean closed;

    private record Session(String workerId, CallOption auth, long pollMillis) {
    }

    private Worker(WorkerConfig config) throws IOException {
        this.config = config;
        this.allocator = new RootAllocator(Math.max(256L << 20, limits.memoryBytes() / 4));
        Location location = config.insecure() ? Location.forGrpcInsecure(config.coordinatorHost(), config.coordinatorPort())
                : Location.forGrpcTls(config.coordinatorHost(), config.coordinatorPort());
        FlightClient.Builder builder = FlightClient.builder(allocator, location).maxInboundMessageSize(256 << 20);
        if (!config.insecure()) {
            // the builder reads the stream only in build(), so hand it the bytes, not an open file
            builder.useTls().trustedCertificates(new ByteArrayInputStream(Files.readAllBytes(config.caCertificate())));
        }
        this.client = builder.build();
        this.fetcher = new ShardFetcher(config.caCertificate(), config.dataDir());
        this.tasks = Executors.newFixedThreadPool(config.taskThreads(), daemon("mallard-task"));
        this.queries = Executors.newFixedThreadPool(config.taskThreads(), daemon("mallard-query"));
        this.runner = new TaskRunner(client, allocator, shards, config.taskDelayMillis(), queries);
        this.poller = new Thread(this::pollLoop, "mallard-poll");
        this.poller.setDaemon(true);
    }

    /**
     * Registers with the coordinator and starts polling. A coordinator that is not up yet is retried for
     * {@code config.connectTimeoutMillis()} (workers may start first); a wrong join token fails at once.
     */
    public static Worker start(WorkerConfig config) throws IOException {
        Worker worker = new Worker(config);
        try {
            worker.registerWithRetry();
        } catch (RuntimeException e) {
            worker.close();
            throw e;
        }
        worker.poller.start();
        return worker;
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
        while (true) {
            try {
                register();
                return;
            } catch (MallardException e) {
                if (e.code() == ErrorCode.AUTHENTICATION_FAILED || System.currentTimeMillis() + backoff > deadline) {
                    throw e;
                }
                LOG.info("coordinator {}:{} not reachable yet ({}); retrying", config.coordinatorHost(),
                        config.coordinatorPort(), e.getMessage());
                sleep(backoff);
                backoff = Math.min(5_000, backoff * 2);
            }
        }
    }

    private void register() {
        Messages.WorkerRegistered registered = Rpc.call(client, new Messages.RegisterWorker(config.joinToken(), config.name(),
                VERSION, limits.cpus(), limits.memoryBytes(), ProcessHandle.current().pid()), Messages.WorkerRegistered.class);
        session = new Session(registered.workerId(),
                new CredentialCallOption(new BearerCredentialWriter(registered.sessionToken())), registered.pollMillis());
        LOG.info("registered as {} ({})", registered.workerId(), config.name());
    }

    private void pollLoop() {
        long backoff = 100;
        while (!closed) {
            Session s = session;
            try {
                PollReply reply = Rpc.call(client, new Messages.Poll(s.workerId(), List.copyOf(shards.keySet())),
                        PollReply.class, s.auth());
                backoff = 100;
                handle(s, reply);
            } catch (RejectedExecutionException e) {
                if (closed) {
                    return; // closed between the check in handle and a submission
                }
                throw e;
            } catch (MallardException e) {
                if (closed) {
                    return;
                }
                if (e.code() == ErrorCode.AUTHENTICATION_FAILED) {
                    LOG.warn("the coordinator no longer knows {}: registering again", s.workerId());
                    forgetShards();
                    try {
                        register();
                        continue;
                    } catch (MallardException again) {
                        LOG.warn("registration failed: {}", again.getMessage());
                    }
                } else {
                    LOG.warn("poll failed: {}", e.getMessage());
                }
                sleep(backoff);
                backoff = Math.min(5_000, backoff * 2);
            }
        }
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
        for (String shardId : reply.revoked()) {
            ShardDatabase db = shards.remove(shardId);
            closeQuietly(db);
        }
        for (ShardGrant grant : reply.grants()) {
            // one acquisition per shard at a time: a second would rewrite the file under the first one's proof
            synchronized (queuedGrants) {
                if (acquiring.add(grant.shardId())) {
                    submitAcquisition(grant);
                } else {
                    queuedGrants.put(grant.shardId(), grant);
                }
            }
        }
        // the tasks of one query's stream share one upload (TaskRunner.runAll)
        Map<List<String>, List<TaskSpec>> byStream = new LinkedHashMap<>();
        for (TaskSpec task : reply.tasks()) {
            byStream.computeIfAbsent(List.of(task.queryId(), task.stream()), k -> new ArrayList<>()).add(task);
        }
        for (List<TaskSpec> group : byStream.values()) {
            tasks.submit(() -> runner.runAll(s.workerId(), group, s.auth()));
        }
    }

    /**
     * DuckDB threads of one shard query: the worker's CPUs shared among the queries it runs at once, so that they never
     * run more threads than it has CPUs. On small shards one thread per query beat two (benchmarks.md, "Threads per
     * shard query").
     */
    private int threadsPerQuery() {
        return Math.max(1, limits.cpus() / config.taskThreads());
    }

    private void submitAcquisition(ShardGrant grant) {
        downloads.submit(() -> {
            try {
                acquire(grant);
            } finally {
                synchronized (queuedGrants) {
                    ShardGrant next = queuedGrants.remove(grant.shardId());
                    if (next != null && !closed) {
                        submitAcquisition(next);
                    } else {
                        acquiring.remove(grant.shardId());
                    }
                }
            }
        });
    }

    /**
     * Fetch and verify, open read-only, then prove possession; only a proved shard receives tasks. Every call to the
     * coordinator uses the current registration: the worker may have registered again while the shard downloaded.
     */
    private void acquire(ShardGrant grant) {
        Path file;
        try {
            file = fetcher.fetch(grant);
        } catch (MallardException e) {
            LOG.error("{}", e.getMessage());
            rejected(grant, e.getMessage());
            return;
        } catch (IOException | InterruptedException e) {
            LOG.error("download of shard {} failed: {}", grant.shardId(), e.toString());
            rejected(grant, "download failed: " + e);
            return;
        }
        Session s = session;
        try {
            ShardDatabase db = new ShardDatabase(grant.shardId(), file, limits, threadsPerQuery(), shards.size() + 1);
            ShardDatabase previous = shards.put(grant.shardId(), db);
            closeQuietly(previous);
            Messages.Challenge challenge = Rpc.call(client, new Messages.ShardReady(s.workerId(), grant.shardId()),
                    Messages.Challenge.class, s.auth());
            Messages.Ack verdict = Rpc.call(client, new Messages.ShardProof(s.workerId(), grant.shardId(),
                    challenge.nonce(), ShardProofs.digest(challenge.nonce(), file)), Messages.Ack.class, s.auth());
            if (!verdict.accepted()) {
                LOG.error("coordinator refused the proof for shard {}: {}", grant.shardId(), verdict.message());
                closeQuietly(shards.remove(grant.shardId()));
            } else {
                LOG.info("shard {} verified and proved", grant.shardId());
            }
        } catch (MallardException e) {
            if (e.code() == ErrorCode.PERMISSION_DENIED) {
                // the grant was withdrawn while the shard downloaded: a worker that joined since holds it by placement
                LOG.info("shard {} moved to another worker while it downloaded", grant.shardId());
            } else {
                LOG.error("cannot serve shard {}: {}", grant.shardId(), e.getMessage());
            }
            closeQuietly(shards.remove(grant.shardId()));
        } catch (SQLException | IOException e) {
            LOG.error("cannot serve shard {}: {}", grant.shardId(), e.getMessage());
            closeQuietly(shards.remove(grant.shardId()));
        }
    }

    private void rejected(ShardGrant grant, String why) {
        Session s = session;
        try {
            Rpc.call(client, new Messages.ShardRejected(s.workerId(), grant.shardId(), why), Messages.Ack.class, s.auth());
        } catch (MallardException e) {
            LOG.warn("could not report shard rejection: {}", e.getMessage());
        }
    }

    private void forgetShards() {
        for (String id : List.copyOf(shards.keySet())) {
            closeQuietly(shards.remove(id));
        }
    }

    private static void closeQuietly(ShardDatabase db) {
        if (db != null) {
            try {
                db.close();
            } catch (SQLException e) {
                LOG.debug("closing shard {}", db.shardId, e);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
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
                Rpc.call(client, new Messages.Leaving(s.workerId()), Messages.Ack.class, s.auth(),
                        CallOptions.timeout(2, TimeUnit.SECONDS));
            } catch (MallardException e) {
                LOG.debug("leaving: {}", e.getMessage());
            }
        }
        poller.interrupt();
        downloads.shutdownNow();
        tasks.shutdownNow();
        queries.shutdownNow();
        try {
            poller.join(2_000);
            tasks.awaitTermination(5, TimeUnit.SECONDS);
            queries.awaitTermination(5, TimeUnit.SECONDS);
            downloads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        forgetShards();
        try {
            client.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        allocator.close();
    }
}
