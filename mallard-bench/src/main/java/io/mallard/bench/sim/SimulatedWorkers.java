package io.mallard.bench.sim;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.mallard.common.MallardException;
import io.mallard.protocol.Codec;
import io.mallard.protocol.Message;
import io.mallard.protocol.Messages;
import io.mallard.protocol.Messages.PollReply;
import io.mallard.protocol.Messages.FileGrant;
import io.mallard.protocol.Messages.TaskSpec;
import io.mallard.protocol.Rpc;
import io.mallard.protocol.ShardProofs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.impl.Flight;
import org.apache.arrow.flight.impl.FlightServiceGrpc;
import org.apache.arrow.flight.impl.FlightServiceGrpc.FlightServiceStub;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.message.ArrowBuffer;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;

/**
 * Many worker identities in one process, multiplexed over a few connections. Each one goes through the real worker
 * protocol: registers with the join token, long-polls, answers the coordinator's challenge for every shard it is
 * granted with SHA-256(nonce ‖ shard bytes), and answers each task by a DoPut of a precomputed partial result. What it
 * skips is the worker's own work: downloading shards and running DuckDB.
 *
 * <p>The poll loops and uploads are asynchronous gRPC calls of Flight's own service (the same messages a
 * {@link FlightClient} sends), with the partial result encoded once: 1,000 identities then cost a few threads instead
 * of a blocked thread each, so the machine's two cores go to the coordinator being measured rather than to the
 * simulation. Registration and shard proofs, outside the timed runs, use the ordinary blocking client.
 */
final class SimulatedWorkers implements AutoCloseable {
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private record Identity(String id, FlightClient client, CallOption auth, FlightServiceStub stub,
            Set<String> held) {
    }

    private final List<FlightClient> clients = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<Identity> identities = new ArrayList<>();
    private final Path dataDir;
    private final PartialBatch answer;
    private final Flight.FlightData schemaMessage;
    private final Flight.FlightData batchMessage;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "simulated-retry"));
    private final ExecutorService proofs = Executors.newFixedThreadPool(4, r -> daemon(r, "simulated-proof"));
    private final AtomicLong uploads = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param dataDir the coordinator's store directory: the simulated workers read the files' bytes there for their proofs
     */
    SimulatedWorkers(String host, int port, Path caCertificate, BufferAllocator allocator, Path dataDir, int connections,
            PartialBatch answer) throws IOException {
        this.dataDir = dataDir;
        this.answer = answer;
        this.schemaMessage = Flight.FlightData.newBuilder()
                .setDataHeader(ByteString.copyFrom(MessageSerializer.serializeMetadata(answer.schema(), IpcOption.DEFAULT)))
                .build();
        this.batchMessage = encode(answer.batch());
        byte[] ca = Files.readAllBytes(caCertificate);
        try {
            for (int i = 0; i < connections; i++) {
                clients.add(FlightClient.builder(allocator, Location.forGrpcTls(host, port)).useTls()
                        .trustedCertificates(new ByteArrayInputStream(ca)).maxInboundMessageSize(256 << 20).build());
                // callbacks run on the event loop: each one only decodes a reply or writes precomputed messages
                channels.add(NettyChannelBuilder.forAddress(host, port)
                        .sslContext(GrpcSslContexts.forClient().trustManager(caCertificate.toFile()).build())
                        .maxInboundMessageSize(256 << 20).directExecutor().disableRetry().build());
            }
        } catch (IOException | RuntimeException e) {
            closeConnections();
            throw e;
        }
    }

    /** A record batch as Flight sends it: the IPC message header, and the buffers at the offsets the header names. */
    private static Flight.FlightData encode(ArrowRecordBatch batch) {
        ByteBuffer header = MessageSerializer.serializeMetadata(batch, IpcOption.DEFAULT);
        byte[] body = new byte[Math.toIntExact(batch.computeBodyLength())];
        List<ArrowBuf> buffers = batch.getBuffers();
        List<ArrowBuffer> layout = batch.getBuffersLayout();
        for (int i = 0; i < buffers.size(); i++) {
            ArrowBuf buffer = buffers.get(i);
            buffer.getBytes(0, body, Math.toIntExact(layout.get(i).getOffset()), Math.toIntExact(layout.get(i).getSize()));
        }
        return Flight.FlightData.newBuilder().setDataHeader(ByteString.copyFrom(header)).setDataBody(ByteString.copyFrom(body))
                .build();
    }

    /** Registers {@code count} identities (several at a time) and starts their poll loops. */
    void start(int count, String joinToken, int parallelism) throws Exception {
        ExecutorService registering = Executors.newFixedThreadPool(parallelism);
        try {
            List<Future<Identity>> registered = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                FlightClient client = clients.get(i % clients.size());
                ManagedChannel channel = channels.get(i % channels.size());
                String name = "sim-" + i;
                registered.add(registering.submit(() -> {
                    Messages.WorkerRegistered r = Rpc.call(client, new Messages.RegisterWorker(joinToken, name, "0.1.0", 1,
                            1L << 30, 0), Messages.WorkerRegistered.class);
                    Metadata headers = new Metadata();
                    headers.put(AUTHORIZATION, "Bearer " + r.sessionToken());
                    return new Identity(r.workerId(), client,
                            new CredentialCallOption(new BearerCredentialWriter(r.sessionToken())),
                            FlightServiceGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers)),
                            ConcurrentHashMap.newKeySet());
                }));
            }
            for (Future<Identity> f : registered) {
                Identity identity = f.get();
                identities.add(identity);
                poll(identity);
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

    /** One long-poll; its reply starts the proofs and uploads it asks for, and the next poll once the uploads are done. */
    private void poll(Identity w) {
        if (closed) {
            return;
        }
        w.stub().doAction(action(new Messages.Poll(w.id(), List.copyOf(w.held()))), new StreamObserver<>() {
            private PollReply reply;

            @Override
            public void onNext(Flight.Result result) {
                reply = Codec.decode(result.getBody().toByteArray(), PollReply.class);
            }

            @Override
            public void onError(Throwable t) {
                if (!closed) {
                    failures.incrementAndGet();
                    retries.schedule(() -> poll(w), 100, TimeUnit.MILLISECONDS);
                }
            }

            @Override
            public void onCompleted() {
                if (reply == null) {
                    onError(new IllegalStateException("Poll returned no reply"));
                    return;
                }
                for (FileGrant grant : reply.grants()) {
                    // off the event loop: a proof reads the shard file and makes two blocking calls
                    proofs.submit(() -> {
                        try {
                            prove(w, grant);
                        } catch (MallardException | IOException e) {
                            failures.incrementAndGet();
                        }
                    });
                }
                List<TaskSpec> tasks = reply.tasks();
                if (tasks.isEmpty()) {
                    poll(w);
                    return;
                }
                AtomicInteger left = new AtomicInteger(tasks.size());
                for (TaskSpec task : tasks) {
                    upload(w, task, () -> {
                        if (left.decrementAndGet() == 0) {
                            poll(w);
                        }
                    });
                }
            }
        });
    }

    private static Flight.Action action(Message message) {
        return Flight.Action.newBuilder().setType(message.actionType()).setBody(ByteString.copyFrom(Codec.encode(message)))
                .build();
    }

    private void prove(Identity w, FileGrant grant) throws IOException {
        Messages.Challenge challenge = Rpc.call(w.client(), new Messages.FileReady(w.id(), grant.fileId()),
                Messages.Challenge.class, w.auth());
        // the coordinator's store is on this machine: read the granted file where its URL points, without downloading
        String key = java.net.URI.create(grant.url()).getPath().substring("/store/".length());
        Path file = dataDir.resolve(key);
        Messages.Ack ack = Rpc.call(w.client(), new Messages.FileProof(w.id(), grant.fileId(), challenge.nonce(),
                ShardProofs.digest(challenge.nonce(), file)), Messages.Ack.class, w.auth());
        if (ack.accepted()) {
            w.held().add(grant.fileId());
        }
    }

    /** A DoPut of the schema and the one batch; the partial result is small, so gRPC's buffering is flow control enough. */
    private void upload(Identity w, TaskSpec task, Runnable done) {
        Flight.FlightDescriptor descriptor = Flight.FlightDescriptor.newBuilder().setType(Flight.FlightDescriptor.DescriptorType.CMD)
                .setCmd(ByteString.copyFrom(Codec.encode(Messages.TaskResult.of(w.id(), task)))).build();
        StreamObserver<Flight.FlightData> put = w.stub().doPut(new StreamObserver<>() {
            @Override
            public void onNext(Flight.PutResult result) {
            }

            @Override
            public void onError(Throwable t) {
                failures.incrementAndGet();
                done.run();
            }

            @Override
            public void onCompleted() {
                uploads.incrementAndGet();
                done.run();
            }
        });
        put.onNext(schemaMessage.toBuilder().setFlightDescriptor(descriptor).build());
        put.onNext(batchMessage);
        put.onCompleted();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        // no Leaving messages: the coordinator is stopped with its simulated workers, and 1,000 departures would
        // only measure rebalancing
        closed = true;
        proofs.shutdownNow();
        retries.shutdownNow();
        closeConnections();
        answer.close();
    }

    private void closeConnections() {
        for (ManagedChannel channel : channels) {
            channel.shutdownNow();
        }
        for (ManagedChannel channel : channels) {
            try {
                channel.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (FlightClient client : clients) {
            try {
                client.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
