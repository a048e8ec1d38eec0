package io.mallard.bench.sim;

import io.mallard.common.MallardException;
import io.mallard.protocol.Codec;
import io.mallard.protocol.Messages;
import io.mallard.protocol.Messages.PollReply;
import io.mallard.protocol.Messages.ShardGrant;
import io.mallard.protocol.Messages.TaskSpec;
import io.mallard.protocol.Rpc;
import io.mallard.protocol.ShardProofs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.arrow.flight.AsyncPutListener;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Many worker identities in one process, multiplexed over a few Flight connections. Each one goes through the real
 * worker protocol: registers with the join token, long-polls, answers the coordinator's challenge for every shard it
 * is granted with SHA-256(nonce ‖ shard bytes), and answers each task by DoPut of a precomputed partial result. What
 * it skips is the worker's own work: downloading shards and running DuckDB.
 */
final class SimulatedWorkers implements AutoCloseable {
    private record Identity(String id, CallOption auth, FlightClient client, Set<String> held) {
    }

    private final List<FlightClient> clients = new ArrayList<>();
    private final List<Identity> identities = new ArrayList<>();
    private final BufferAllocator allocator;
    private final Path dataDir;
    private final PartialBatch answer;
    private final ExecutorService pollers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "simulated-worker");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService proofs = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "simulated-proof");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong uploads = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param dataDir the cluster's data directory: the simulated workers read the shard bytes there for their proofs
     */
    SimulatedWorkers(String host, int port, Path caCertificate, BufferAllocator allocator, Path dataDir, int connections,
            PartialBatch answer) throws IOException {
        this.allocator = allocator;
        this.dataDir = dataDir;
        this.answer = answer;
        byte[] ca = Files.readAllBytes(caCertificate);
        for (int i = 0; i < connections; i++) {
            clients.add(FlightClient.builder(allocator, Location.forGrpcTls(host, port)).useTls()
                    .trustedCertificates(new ByteArrayInputStream(ca)).maxInboundMessageSize(256 << 20).build());
        }
    }

    /** Registers {@code count} identities (several at a time) and starts their poll loops. */
    void start(int count, String joinToken, int parallelism) throws Exception {
        ExecutorService registering = Executors.newFixedThreadPool(parallelism);
        try {
            List<Future<Identity>> registered = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                FlightClient client = clients.get(i % clients.size());
                String name = "sim-" + i;
                registered.add(registering.submit(() -> {
                    Messages.WorkerRegistered r = Rpc.call(client, new Messages.RegisterWorker(joinToken, name, "0.1.0", 1,
                            1L << 30, 0), Messages.WorkerRegistered.class);
                    return new Identity(r.workerId(), new CredentialCallOption(new BearerCredentialWriter(r.sessionToken())),
                            client, ConcurrentHashMap.newKeySet());
                }));
            }
            for (Future<Identity> f : registered) {
                Identity identity = f.get();
                identities.add(identity);
                pollers.submit(() -> pollLoop(identity));
            }
        } finally {
            registering.shutdown();
        }
    }

    long uploads() {
        return uploads.get();
    }

    long failures() {
        return failures.get();
    }

    private void pollLoop(Identity w) {
        while (!closed) {
            try {
                PollReply reply = Rpc.call(w.client(), new Messages.Poll(w.id(), List.copyOf(w.held())), PollReply.class, w.auth());
                for (ShardGrant grant : reply.grants()) {
                    // off the poll loop, as a real worker fetches off it: a worker granted hundreds of shards at
                    // first must keep renewing its lease while it proves them
                    proofs.submit(() -> {
                        try {
                            prove(w, grant);
                        } catch (MallardException | IOException e) {
                            failures.incrementAndGet();
                        }
                    });
                }
                for (TaskSpec task : reply.tasks()) {
                    upload(w, task);
                }
            } catch (MallardException e) {
                if (!closed) {
                    failures.incrementAndGet();
                    sleep(100);
                }
            }
        }
    }

    private void prove(Identity w, ShardGrant grant) throws IOException {
        Messages.Challenge challenge = Rpc.call(w.client(), new Messages.ShardReady(w.id(), grant.shardId()),
                Messages.Challenge.class, w.auth());
        Path file = dataDir.resolve("shards").resolve(grant.shardId() + ".bin");
        Messages.Ack ack = Rpc.call(w.client(), new Messages.ShardProof(w.id(), grant.shardId(), challenge.nonce(),
                ShardProofs.digest(challenge.nonce(), file)), Messages.Ack.class, w.auth());
        if (ack.accepted()) {
            w.held().add(grant.shardId());
        }
    }

    private void upload(Identity w, TaskSpec task) {
        FlightDescriptor descriptor = FlightDescriptor.command(Codec.encode(
                Messages.TaskResult.of(w.id(), task)));
        try (VectorSchemaRoot root = answer.load(allocator)) {
            FlightClient.ClientStreamListener put = w.client().startPut(descriptor, root, new AsyncPutListener(), w.auth());
            awaitReady(put);
            put.putNext();
            put.completed();
            put.getResult();
            uploads.incrementAndGet();
        } catch (RuntimeException e) {
            failures.incrementAndGet();
        }
    }

    /** As the real worker does: Flight's putNext busy-spins until gRPC is ready, which would starve the coordinator. */
    private static void awaitReady(FlightClient.ClientStreamListener put) {
        long parkNanos = 20_000;
        while (!put.isReady()) {
            LockSupport.parkNanos(parkNanos);
            parkNanos = Math.min(1_000_000, parkNanos * 2);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops polling; the coordinator's shutdown then ends the long-polls in flight. */
    void stop() {
        closed = true;
    }

    @Override
    public void close() {
        // no Leaving messages: the coordinator is stopped with its simulated workers, and 1,000 departures would
        // only measure rebalancing
        closed = true;
        proofs.shutdownNow();
        pollers.shutdownNow();
        try {
            // uploads in flight hold roots over the shared batch: let them end before the batch is freed
            pollers.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (FlightClient client : clients) {
            try {
                client.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        answer.close();
    }
}
