package io.mallard.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.common.security.ResourceLimits;
import io.mallard.protocol.Codec;
import io.mallard.protocol.Messages;
import io.mallard.protocol.Messages.TaskSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.CallOptions;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wedge found by the fault probe: a coordinator that stops reading an upload (frozen, restarted, or cut off) must
 * not hold the worker's task threads forever. Against a stand-in coordinator that accepts uploads but never reads
 * them, every way out ends the upload and frees the query pool: the stall limit, the worker registering again
 * ({@link TaskRunner#abandonAll}), and the coordinator going away. A broken upload is not the SQL's fault, so it is
 * never reported as the task's failure.
 */
class TaskRunnerStallTest {
    private static final int SHARDS = 4;
    /** Several megabytes per shard: far more than gRPC's flow-control windows hold. */
    private static final long ROWS = 400_000;
    /** Only a hang takes this long; every case here ends in seconds. */
    private static final long HANG_SECONDS = 60;

    @TempDir
    static Path dir;
    static TestShards shards;

    private final StalledCoordinator coordinator = new StalledCoordinator();
    private BufferAllocator allocator;
    private FlightServer server;
    private FlightClient client;
    private ExecutorService queries;
    private WorkerDatabase database;

    @BeforeAll
    static void writeShards() throws SQLException {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < SHARDS; i++) {
            values.add("SELECT k, repeat('x', 20) || k AS v FROM range(" + i * ROWS + ", " + (i + 1) * ROWS + ") r(k)");
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
        coordinator.release.countDown();
        queries.shutdownNow();
        queries.awaitTermination(10, TimeUnit.SECONDS);
        database.close();
        client.close();
        server.close();
        allocator.close();
    }

    @Test
    void aSharedUploadNobodyReadsEndsAtTheStallLimit() throws Exception {
        TaskRunner runner = runner(1_500);
        CompletableFuture<Void> run = runAsync(runner, tasks(SHARDS));

        run.get(HANG_SECONDS, TimeUnit.SECONDS);
        assertFreed(runner);
        assertThat(coordinator.failures).as("a stalled upload is not the task's own failure").isEmpty();
    }

    @Test
    void aSingleTaskUploadNobodyReadsEndsAtTheStallLimit() throws Exception {
        TaskRunner runner = runner(1_500);
        CompletableFuture<Void> run = runAsync(runner, tasks(1));

        run.get(HANG_SECONDS, TimeUnit.SECONDS);
        assertFreed(runner);
        assertThat(coordinator.failures).isEmpty();
    }

    @Test
    void registeringAgainAbandonsTheOldSessionsUploads() throws Exception {
        TaskRunner runner = runner(TimeUnit.MINUTES.toMillis(10));
        CompletableFuture<Void> run = runAsync(runner, tasks(SHARDS));
        assertThat(coordinator.entered.await(HANG_SECONDS, TimeUnit.SECONDS)).as("the upload reached the coordinator").isTrue();

        runner.abandonAll("the coordinator session ended");

        run.get(HANG_SECONDS, TimeUnit.SECONDS);
        assertFreed(runner);
        assertThat(coordinator.failures).isEmpty();
    }

    @Test
    void aCoordinatorThatGoesAwayMidUploadFreesTheTaskThreads() throws Exception {
        // the worker reaches the coordinator through a relay whose connections the test cuts, as the kernel does when
        // the coordinator's process dies (closing the Flight server is no such thing: with a call whose handler never
        // returns, it can leave that call's connection open, and then the worker rightly waits for the stall limit)
        try (Relay relay = new Relay(server.getPort());
                FlightClient viaRelay = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", relay.port()))
                        .build()) {
            TaskRunner runner = new TaskRunner(viaRelay, allocator, database, shards::held, 0, TimeUnit.MINUTES.toMillis(10),
                    queries);
            CompletableFuture<Void> run = runAsync(runner, tasks(SHARDS));
            assertThat(coordinator.entered.await(HANG_SECONDS, TimeUnit.SECONDS)).as("the upload reached the coordinator")
                    .isTrue();

            relay.cut();

            run.get(HANG_SECONDS, TimeUnit.SECONDS);
            assertFreed(runner);
        }
    }

    /** A TCP relay to a local port; {@link #cut} resets every connection through it and takes no new ones. */
    static final class Relay implements AutoCloseable {
        private final ServerSocket listener;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final ExecutorService pumps = Executors.newCachedThreadPool();

        Relay(int target) throws IOException {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            pumps.submit(() -> {
                while (!listener.isClosed()) {
                    Socket in = listener.accept();
                    Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
                    sockets.add(in);
                    sockets.add(out);
                    pump(in, out);
                    pump(out, in);
                }
                return null;
            });
        }

        int port() {
            return listener.getLocalPort();
        }

        private void pump(Socket from, Socket to) {
            pumps.submit(() -> {
                from.getInputStream().transferTo(to.getOutputStream());
                return null;
            });
        }

        void cut() throws IOException {
            listener.close();
            for (Socket s : sockets) {
                if (!s.isClosed()) {
                    s.setSoLinger(true, 0); // a reset, not an orderly close
                    s.close();
                }
            }
        }

        @Override
        public void close() throws IOException {
            cut();
            pumps.shutdownNow();
        }
    }

    private TaskRunner runner(long stallMillis) {
        return new TaskRunner(client, allocator, database, shards::held, 0, stallMillis, queries);
    }

    private static CompletableFuture<Void> runAsync(TaskRunner runner, List<TaskSpec> tasks) {
        return CompletableFuture.runAsync(() -> runner.runAll("w-1", tasks, CallOptions.timeout(5, TimeUnit.MINUTES)));
    }

    /** No upload left open, and both query threads take new work again. */
    private void assertFreed(TaskRunner runner) throws Exception {
        assertThat(runner.openUploads()).isZero();
        CompletableFuture<?> first = CompletableFuture.runAsync(() -> { }, queries);
        CompletableFuture<?> second = CompletableFuture.runAsync(() -> { }, queries);
        CompletableFuture.allOf(first, second).get(HANG_SECONDS, TimeUnit.SECONDS);
    }

    private List<TaskSpec> tasks(int count) {
        List<TaskSpec> tasks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            tasks.add(shards.task("q-1", i, "SELECT k, v FROM t"));
        }
        return tasks;
    }

    /** Accepts uploads and never reads them, like a coordinator that froze; records TaskFailed reports. */
    static final class StalledCoordinator extends NoOpFlightProducer {
        final List<Messages.TaskFailed> failures = new CopyOnWriteArrayList<>();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public Runnable acceptPut(CallContext context, FlightStream stream, StreamListener<PutResult> ack) {
            return () -> {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ack.onCompleted();
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
