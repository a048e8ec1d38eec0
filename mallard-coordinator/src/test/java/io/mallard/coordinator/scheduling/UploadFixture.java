package io.mallard.coordinator.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.common.MallardException;
import io.mallard.coordinator.cluster.WorkerRegistry;
import io.mallard.coordinator.server.ServerErrors;
import io.mallard.planner.plan.DistributedPlan;
import io.mallard.planner.plan.Strategy;
import io.mallard.protocol.BatchTag;
import io.mallard.protocol.Codec;
import io.mallard.protocol.Messages;
import io.mallard.protocol.WireErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.arrow.flight.AsyncPutListener;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A scheduler taking workers' DoPuts over a real Flight server on port 0, and a client that uploads as a worker would,
 * to the end or breaking off. Closing it closes the allocator, which throws if a batch was leaked.
 */
final class UploadFixture implements AutoCloseable {
    static final String STREAM = DistributedPlan.PARTIALS;
    static final Schema SCHEMA = new Schema(List.of(Field.nullable("k", new ArrowType.Int(64, true))));

    final BufferAllocator allocator = new RootAllocator();
    final WorkerRegistry registry;
    final Scheduler scheduler;
    private final FlightServer server;
    private final FlightClient client;

    UploadFixture(WorkerRegistry registry) throws Exception {
        this(registry, 0, 0);
    }

    /** With speculation: a task running {@code multiplier} times its siblings' median and {@code minMillis} is duplicated. */
    UploadFixture(WorkerRegistry registry, double multiplier, long minMillis) throws Exception {
        this.registry = registry;
        this.scheduler = new Scheduler(registry, 1_000, multiplier, minMillis, io.mallard.coordinator.combine.SpillArea.never());
        this.server = FlightServer.builder(allocator, Location.forGrpcInsecure("127.0.0.1", 0), new NoOpFlightProducer() {
            @Override
            public Runnable acceptPut(CallContext context, FlightStream stream, StreamListener<PutResult> ack) {
                return () -> {
                    try {
                        Messages.TaskResult header = Codec.decode(stream.getDescriptor().getCommand(), Messages.TaskResult.class);
                        scheduler.acceptResult(header.workerId(), header, stream);
                        ack.onCompleted();
                    } catch (RuntimeException e) {
                        ack.onError(WireErrors.toFlight(ServerErrors.translate(e)));
                    }
                };
            }
        }).build().start();
        this.client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", server.getPort())).build();
    }

    /** One batch to send: its app metadata (null for none) and its values. */
    record Batch(byte[] tag, long... values) {
        Batch(BatchTag tag, long... values) {
            this(tag.encode(), values);
        }

        static Batch untagged(long... values) {
            return new Batch((byte[]) null, values);
        }
    }

    /** A scan of the shards {@code shard-000} and {@code shard-001}, registered and dispatched. */
    DistributedQuery dispatch(String queryId) throws InterruptedException {
        DistributedPlan plan = new DistributedPlan(Strategy.PUSHDOWN_SCAN, "SELECT k FROM t",
                List.of(new DistributedPlan.WorkerStream(STREAM, "measurements", "SELECT k FROM t")),
                "SELECT * FROM " + STREAM, List.of(), "");
        DistributedQuery query = scheduler.register(queryId, plan, Map.of("measurements", List.of("shard-000", "shard-001")),
                (stream, shard) -> io.mallard.coordinator.cluster.RegistryFixture.task(registry, queryId, shard).tables());
        scheduler.dispatch(query);
        return query;
    }

    /** Each shard's task of the first attempt, by the worker it went to (read from the workers' poll replies). */
    Map<String, String> handedOut(List<String> workers) throws InterruptedException {
        Map<String, String> holder = new java.util.HashMap<>();
        for (String worker : workers) {
            for (Messages.TaskSpec task : registry.poll(worker).tasks()) {
                holder.put(task.shardId(), worker);
            }
        }
        assertThat(holder).containsOnlyKeys("shard-000", "shard-001");
        return holder;
    }

    void finish(DistributedQuery query) {
        scheduler.finish(query);
        assertThat(scheduler.activeQueries()).isZero();
    }

    static Messages.TaskResult header(String queryId, String workerId, int attempt, String... shards) {
        List<Messages.TaskRef> tasks = new ArrayList<>();
        for (String shard : shards) {
            tasks.add(new Messages.TaskRef(shard, attempt));
        }
        return new Messages.TaskResult(workerId, queryId, STREAM, tasks);
    }

    /** Uploads the batches as a worker would; returns the coordinator's refusal, or null when it accepted. */
    MallardException upload(Messages.TaskResult header, List<Batch> batches) {
        return upload(header, batches, null);
    }

    /**
     * Uploads the batches, waits until {@code received} holds on the coordinator's side, then breaks the call off as a
     * worker that dies would; returns the error seen.
     */
    MallardException uploadAndBreak(Messages.TaskResult header, List<Batch> batches, BooleanSupplier received) {
        return upload(header, batches, received);
    }

    private MallardException upload(Messages.TaskResult header, List<Batch> batches, BooleanSupplier breakOffWhen) {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
            FlightClient.ClientStreamListener put = client.startPut(FlightDescriptor.command(Codec.encode(header)), root,
                    new AsyncPutListener());
            try {
                for (Batch batch : batches) {
                    BigIntVector k = (BigIntVector) root.getVector(0);
                    k.allocateNew(batch.values().length);
                    for (int i = 0; i < batch.values().length; i++) {
                        k.set(i, batch.values()[i]);
                    }
                    root.setRowCount(batch.values().length);
                    if (batch.tag() == null) {
                        put.putNext();
                    } else {
                        ArrowBuf tag = allocator.buffer(batch.tag().length);
                        tag.writeBytes(batch.tag());
                        put.putNext(tag);
                    }
                }
                if (breakOffWhen != null) {
                    awaitCondition(breakOffWhen);
                    put.error(new IllegalStateException("the worker died"));
                } else {
                    put.completed();
                }
                put.getResult();
                return null;
            } catch (FlightRuntimeException e) {
                return WireErrors.fromFlight(e);
            }
        }
    }

    /** Waits up to ten seconds for {@code condition}; fails the test if it does not come. */
    static void awaitCondition(BooleanSupplier condition) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited ten seconds for a condition").isLessThan(deadline);
            LockSupport.parkNanos(1_000_000);
        }
    }

    int runningTasks() {
        return registry.status().workers().stream().mapToInt(Messages.WorkerView::runningTasks).sum();
    }

    @Override
    public void close() throws Exception {
        scheduler.close();
        client.close();
        server.close();
        registry.close();
        // a refused upload's last messages may still be on their way into a stream Flight is closing
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (allocator.getAllocatedMemory() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(10_000_000);
        }
        allocator.close(); // throws if a batch was leaked
    }
}
