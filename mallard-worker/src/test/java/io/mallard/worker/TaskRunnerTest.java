package io.mallard.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.common.ErrorCode;
import io.mallard.common.security.ResourceLimits;
import io.mallard.protocol.BatchTag;
import io.mallard.protocol.Codec;
import io.mallard.protocol.Messages;
import io.mallard.protocol.Messages.TaskSpec;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.CallOptions;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tasks of one query stream run side by side on the query pool and share one upload: against a Flight server
 * that stands in for the coordinator, each task's answer must arrive whole under its own tag, and a failing task must
 * be reported before the shared upload breaks off.
 */
class TaskRunnerTest {
    private static final int SHARDS = 4;
    private static final long ROWS = 150_000; // more than two of the export's batches per shard

    @TempDir
    static Path dir;
    static TestShards shards;

    private final Coordinator coordinator = new Coordinator();
    private BufferAllocator allocator;
    private FlightServer server;
    private FlightClient client;
    private ExecutorService queries;
    private WorkerDatabase database;

    /** Shard i holds keys [i × ROWS, (i + 1) × ROWS); its text column is numeric except on shard 2. */
    @BeforeAll
    static void writeShards() throws SQLException {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < SHARDS; i++) {
            values.add("SELECT k, CASE WHEN " + i + " = 2 AND k % 1000 = 7 THEN 'x' ELSE k::VARCHAR END"
                        + " AS v FROM range(" + i * ROWS + ", " + (i + 1) * ROWS + ") r(k)");
        }
        shards = new TestShards(dir, values);
    }

    @BeforeEach
    void start() throws Exception {
        allocator = new RootAllocator();
        server = FlightServer.builder(allocator, Location.forGrpcInsecure("127.0.0.1", 0), coordinator).build().start();
        client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", server.getPort())).build();
        queries = Executors.newFixedThreadPool(2);
        database = shards.open();
    }

    @AfterEach
    void stop() throws Exception {
        queries.shutdownNow();
        queries.awaitTermination(10, TimeUnit.SECONDS);
        database.close();
        client.close();
        server.shutdown();
        server.awaitTermination(10, TimeUnit.SECONDS);
        server.close();
        allocator.close();
    }

    @Test
    void eachTaskOfASharedUploadArrivesWholeUnderItsOwnTag() throws Exception {
        List<TaskSpec> tasks = tasks("SELECT k FROM t");
        new TaskRunner(client, allocator, database, shards::held, 0, queries).runAll("w-1", tasks, CallOptions.timeout(30, TimeUnit.SECONDS));

        Upload upload = coordinator.awaitUpload();
        assertThat(upload.header.tasks()).extracting(Messages.TaskRef::shardId).containsExactly("s-0", "s-1", "s-2", "s-3");
        assertThat(upload.error).isNull();
        for (int i = 0; i < SHARDS; i++) {
            long first = i * ROWS;
            long last = first + ROWS - 1;
            assertThat(upload.rows.get(i)).as("rows of task %d", i).isEqualTo(ROWS);
            assertThat(upload.sums.get(i)).as("sum of task %d's keys", i).isEqualTo((first + last) * ROWS / 2);
            assertThat(upload.ends.get(i)).as("ends of task %d", i).isEqualTo(1);
        }
        assertThat(coordinator.failures).isEmpty();
    }

    @Test
    void aFailingTaskIsReportedBeforeTheSharedUploadBreaksOff() throws Exception {
        List<TaskSpec> tasks = tasks("SELECT CAST(v AS BIGINT) AS k FROM t");
        new TaskRunner(client, allocator, database, shards::held, 0, queries).runAll("w-1", tasks, CallOptions.timeout(30, TimeUnit.SECONDS));

        Upload upload = coordinator.awaitUpload();
        assertThat(coordinator.failures).singleElement().satisfies(failed -> {
            assertThat(failed.task().shardId()).isEqualTo("s-2");
            assertThat(failed.error().message()).startsWith("Conversion Error");
        });
        assertThat(upload.error).as("the upload must break off after the report").isNotNull();
        assertThat(upload.failuresSeenAtError).isEqualTo(1);
        assertThat(upload.ends).doesNotContainKey(2);
    }

    @Test
    void aQueryThatFailsWhileItsRowsStreamIsReportedWithDuckDbsKind() throws Exception {
        // the error is raised by a row far past the first batch, so the query has started to stream when it fails
        List<TaskSpec> tasks = List.of(shards.task("q-1", 1,
                "SELECT CASE WHEN k >= " + (ROWS + ROWS - 10) + " THEN error('boom at ' || k) ELSE k END AS k FROM t"));
        // runAll returns after the report was answered
        new TaskRunner(client, allocator, database, shards::held, 0, queries).runAll("w-1", tasks, CallOptions.timeout(30, TimeUnit.SECONDS));

        assertThat(coordinator.failures).singleElement().satisfies(failed -> {
            assertThat(failed.error().toException().code()).as(failed.error().message()).isEqualTo(ErrorCode.EXECUTION_ERROR);
            assertThat(failed.error().message()).contains("boom at");
        });
    }

    private List<TaskSpec> tasks(String sql) {
        List<TaskSpec> tasks = new ArrayList<>();
        for (int i = 0; i < SHARDS; i++) {
            tasks.add(shards.task("q-1", i, sql));
        }
        return tasks;
    }

    /** What the stand-in coordinator saw of one upload. */
    static final class Upload {
        Messages.TaskResult header;
        final Map<Integer, Long> rows = new ConcurrentHashMap<>();
        final Map<Integer, Long> sums = new ConcurrentHashMap<>();
        final Map<Integer, Integer> ends = new ConcurrentHashMap<>();
        volatile Throwable error;
        volatile int failuresSeenAtError = -1;
    }

    /** Reads tagged uploads like the coordinator does and records TaskFailed reports. */
    static final class Coordinator extends NoOpFlightProducer {
        final List<Messages.TaskFailed> failures = new CopyOnWriteArrayList<>();
        private final CountDownLatch uploaded = new CountDownLatch(1);
        private final Upload upload = new Upload();

        Upload awaitUpload() throws InterruptedException {
            assertThat(uploaded.await(30, TimeUnit.SECONDS)).as("the upload ended").isTrue();
            return upload;
        }

        @Override
        public Runnable acceptPut(CallContext context, FlightStream stream, StreamListener<PutResult> ackStream) {
            return () -> {
                try {
                    FlightDescriptor descriptor = stream.getDescriptor();
                    upload.header = Codec.decode(descriptor.getCommand(), Messages.TaskResult.class);
                    while (stream.next()) {
                        ArrowBuf tag = stream.getLatestMetadata();
                        byte[] bytes = new byte[(int) tag.readableBytes()];
                        tag.getBytes(0, bytes);
                        BatchTag decoded = BatchTag.decode(bytes);
                        if (decoded.end()) {
                            upload.ends.merge(decoded.taskIndex(), 1, Integer::sum);
                            continue;
                        }
                        int index = decoded.taskIndex();
                        BigIntVector k = (BigIntVector) stream.getRoot().getVector(0);
                        long sum = 0;
                        for (int row = 0; row < k.getValueCount(); row++) {
                            sum += k.isNull(row) ? 0 : k.get(row);
                        }
                        upload.rows.merge(index, (long) k.getValueCount(), Long::sum);
                        upload.sums.merge(index, sum, Long::sum);
                    }
                    ackStream.onCompleted();
                } catch (RuntimeException e) {
                    upload.failuresSeenAtError = failures.size();
                    upload.error = e;
                    ackStream.onError(e);
                } finally {
                    uploaded.countDown();
                }
            };
        }

        @Override
        public void doAction(CallContext context, Action action, StreamListener<Result> listener) {
            failures.add(Codec.decode(action.getBody(), Messages.TaskFailed.class));
            listener.onNext(new Result(Codec.encode(new Messages.Ack(true, ""))));
            listener.onCompleted();
        }
    }
}
