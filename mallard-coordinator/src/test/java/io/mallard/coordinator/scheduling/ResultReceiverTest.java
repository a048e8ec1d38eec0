package io.mallard.coordinator.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.coordinator.cluster.RegistryFixture;
import io.mallard.coordinator.cluster.WorkerRegistry;
import io.mallard.coordinator.combine.ShardStream;
import io.mallard.coordinator.server.ServerErrors;
import io.mallard.planner.plan.DistributedPlan;
import io.mallard.planner.plan.Strategy;
import io.mallard.protocol.BatchTag;
import io.mallard.protocol.Codec;
import io.mallard.protocol.Messages;
import io.mallard.protocol.WireErrors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker's DoPut as the scheduler takes it, over a real Flight server on port 0: batches of a shared upload go to
 * their tasks by their {@link BatchTag}, each task is accepted once and only from its worker, junk is refused, and
 * nothing is left allocated.
 */
class ResultReceiverTest {
    private static final String STREAM = DistributedPlan.PARTIALS;
    private static final Schema SCHEMA = new Schema(List.of(Field.nullable("k", new ArrowType.Int(64, true))));

    @TempDir
    Path dir;

    private final BufferAllocator allocator = new RootAllocator();
    private WorkerRegistry registry;
    private Scheduler scheduler;
    private FlightServer server;
    private FlightClient client;
    private String worker;

    @BeforeEach
    void start() throws Exception {
        registry = RegistryFixture.registry(dir, 2, 1, 60_000, 60_000);
        worker = RegistryFixture.join(registry, dir, "a");
        scheduler = new Scheduler(registry, 1_000);
        server = FlightServer.builder(allocator, Location.forGrpcInsecure("127.0.0.1", 0), new NoOpFlightProducer() {
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
        client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", server.getPort())).build();
    }

    @AfterEach
    void stop() throws Exception {
        scheduler.close();
        client.close();
        server.close();
        registry.close();
        allocator.close(); // throws if a batch was leaked
    }

    @Test
    void aSharedUploadRoutesEachBatchToItsTaskByItsTag() throws Exception {
        DistributedQuery query = dispatch("q1");
        List<Batch> batches = List.of(new Batch(BatchTag.batch(1), 10, 20), new Batch(BatchTag.batch(0), 1),
                new Batch(BatchTag.end(0)), new Batch(BatchTag.batch(1), 30), new Batch(BatchTag.end(1)));
        assertThat(upload(header("q1", worker, 1, "shard-000", "shard-001"), batches)).isNull();

        List<ShardStream> answers = query.answers(STREAM);
        assertThat(answers).extracting(ShardStream::shardId).containsExactly("shard-000", "shard-001");
        assertThat(answers).extracting(ShardStream::rows).containsExactly(1L, 3L);
        assertThat(answers).allMatch(ShardStream::ended);
        assertThat(query.stats().tasksFinished()).isEqualTo(2);
        assertThat(query.failure()).isNull();
        assertThat(runningTasks()).as("the worker has no task left").isZero();
        finish(query);
    }

    @Test
    void aTagThatIsNotACodecTagFailsTheQueryAsAProtocolError() throws Exception {
        DistributedQuery query = dispatch("q2");
        List<Batch> batches = List.of(new Batch(BatchTag.batch(0), 1), new Batch("0:END".getBytes(StandardCharsets.US_ASCII)));
        MallardException refused = upload(header("q2", worker, 1, "shard-000", "shard-001"), batches);
        assertThat(refused).isNotNull();
        assertThat(refused.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(query.failure().code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        finish(query);
    }

    @Test
    void anUploadForAnotherAttemptOrWorkerIsRefusedWithoutHarmingTheQuery() throws Exception {
        DistributedQuery query = dispatch("q3");
        assertThat(upload(header("q3", worker, 2, "shard-000"), List.of(Batch.untagged(1))).code())
                .isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(upload(header("q3", "w-other", 1, "shard-000"), List.of(Batch.untagged(1))).code())
                .isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(query.failure()).isNull();

        // the right attempt is still accepted, once
        assertThat(upload(header("q3", worker, 1, "shard-000"), List.of(Batch.untagged(1, 2)))).isNull();
        assertThat(upload(header("q3", worker, 1, "shard-000"), List.of(Batch.untagged(3))).code())
                .isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(query.answers(STREAM).get(0).rows()).isEqualTo(2);
        finish(query);
    }

    @Test
    void aSharedUploadThatEndsBeforeItsTasksDidFailsAsWorkerFailed() throws Exception {
        DistributedQuery query = dispatch("q4");
        MallardException refused = upload(header("q4", worker, 1, "shard-000", "shard-001"),
                List.of(new Batch(BatchTag.batch(0), 1), new Batch(BatchTag.end(0)), new Batch(BatchTag.batch(1), 2)));
        assertThat(refused.code()).isEqualTo(ErrorCode.WORKER_FAILED);
        assertThat(refused.getMessage()).contains("shard-001").contains(worker);
        assertThat(query.failure().code()).isEqualTo(ErrorCode.WORKER_FAILED);
        assertThat(runningTasks()).isZero();
        finish(query);
    }

    /** One batch to send: its app metadata (null for none) and its values. */
    private record Batch(byte[] tag, long... values) {
        Batch(BatchTag tag, long... values) {
            this(tag.encode(), values);
        }

        static Batch untagged(long... values) {
            return new Batch((byte[]) null, values);
        }
    }

    private DistributedQuery dispatch(String queryId) throws InterruptedException {
        DistributedPlan plan = new DistributedPlan(Strategy.PUSHDOWN_SCAN, "SELECT k FROM t",
                List.of(new DistributedPlan.WorkerStream(STREAM, "measurements", "SELECT k FROM t")),
                "SELECT * FROM " + STREAM, List.of(), "");
        DistributedQuery query = scheduler.register(queryId, plan, Map.of("measurements", List.of("shard-000", "shard-001")),
                (stream, shard) -> RegistryFixture.task(registry, queryId, shard).tables());
        scheduler.dispatch(query);
        return query;
    }

    private void finish(DistributedQuery query) {
        scheduler.finish(query);
        assertThat(scheduler.activeQueries()).isZero();
    }

    private static Messages.TaskResult header(String queryId, String workerId, int attempt, String... shards) {
        List<Messages.TaskRef> tasks = new ArrayList<>();
        for (String shard : shards) {
            tasks.add(new Messages.TaskRef(shard, attempt));
        }
        return new Messages.TaskResult(workerId, queryId, STREAM, tasks);
    }

    /** Uploads the batches as a worker would; returns the coordinator's refusal, or null when it accepted. */
    private MallardException upload(Messages.TaskResult header, List<Batch> batches) {
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
                put.completed();
                put.getResult();
                return null;
            } catch (FlightRuntimeException e) {
                return WireErrors.fromFlight(e);
            }
        }
    }

    private int runningTasks() {
        return registry.status().workers().stream().mapToInt(Messages.WorkerView::runningTasks).sum();
    }
}
