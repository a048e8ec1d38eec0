package io.mallard.worker;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.duck.DuckArrow;
import io.mallard.common.duck.DuckErrors;
import io.mallard.protocol.Codec;
import io.mallard.protocol.ErrorInfo;
import io.mallard.protocol.Messages;
import io.mallard.protocol.Messages.TaskSpec;
import io.mallard.protocol.Rpc;
import io.mallard.protocol.WireErrors;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one task: the worker SQL on the shard's DuckDB, its Arrow result streamed to the coordinator by DoPut. */
final class TaskRunner {
    private static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);

    private final FlightClient client;
    private final BufferAllocator allocator;
    private final Map<String, ShardDatabase> shards;
    private final long delayMillis;
    private final Map<String, Set<Statement>> running = new ConcurrentHashMap<>();
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();

    TaskRunner(FlightClient client, BufferAllocator allocator, Map<String, ShardDatabase> shards, long delayMillis) {
        this.client = client;
        this.allocator = allocator;
        this.shards = shards;
        this.delayMillis = delayMillis;
    }

    void run(String workerId, TaskSpec task, CallOption auth) {
        try {
            if (delayMillis > 0) {
                Thread.sleep(delayMillis);
            }
            if (cancelled.contains(task.queryId())) {
                return;
            }
            ShardDatabase shard = shards.get(task.shardId());
            if (shard == null) {
                throw new MallardException(ErrorCode.NO_WORKER_FOR_SHARD, "worker does not hold shard " + task.shardId());
            }
            execute(workerId, task, shard, auth);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            report(workerId, task, cancelled.contains(task.queryId()) ? null : DuckErrors.translate(e), auth);
        } catch (MallardException e) {
            report(workerId, task, e, auth);
        } catch (FlightRuntimeException e) {
            LOG.warn("upload of task {} failed: {}", task.key(), WireErrors.fromFlight(e).getMessage());
        } catch (RuntimeException e) {
            report(workerId, task, MallardException.internal("task " + task.key() + " failed: " + e, e), auth);
        }
    }

    private void execute(String workerId, TaskSpec task, ShardDatabase shard, CallOption auth) throws SQLException {
        long start = System.nanoTime();
        try (Connection connection = shard.connect(); Statement statement = connection.createStatement()) {
            running.computeIfAbsent(task.queryId(), k -> ConcurrentHashMap.newKeySet()).add(statement);
            long connected = System.nanoTime();
            try (ResultSet rs = statement.executeQuery(task.sql()); ArrowReader reader = DuckArrow.export(rs, allocator)) {
                long executed = System.nanoTime();
                FlightDescriptor descriptor = FlightDescriptor.command(Codec.encode(
                        new Messages.TaskResult(workerId, task.queryId(), task.shardId(), task.stream(), task.attempt())));
                // The first batch is loaded before the stream starts: Flight sends dictionaries (DuckDB exports an ENUM
                // as a dictionary-encoded column) once, at the start, and the reader has them only after a batch.
                boolean more = reader.loadNextBatch();
                FlightClient.ClientStreamListener put = client.startPut(descriptor, reader.getVectorSchemaRoot(), reader,
                        new Acknowledgement(task), auth);
                try {
                    while (more) {
                        awaitReady(put, task);
                        put.putNext();
                        more = reader.loadNextBatch();
                    }
                    put.completed();
                } catch (java.io.IOException | RuntimeException e) {
                    put.error(e);
                    throw new SQLException(e.getMessage(), e);
                }
                // not waiting for the coordinator's acknowledgement: the task thread takes the next task at once, and a
                // refused upload is the coordinator's to act on (it owns the query), so the listener only logs it
                LOG.debug("task {}: connect {} us, execute {} us, upload {} us", task.key(), (connected - start) / 1000,
                        (executed - connected) / 1000, (System.nanoTime() - executed) / 1000);
            } catch (java.io.IOException e) {
                throw new SQLException(e.getMessage(), e);
            } finally {
                Set<Statement> statements = running.get(task.queryId());
                if (statements != null) {
                    statements.remove(statement);
                }
            }
        }
    }

    /** Logs the coordinator's answer to an upload; the task thread does not wait for it. */
    private static final class Acknowledgement implements FlightClient.PutListener {
        private final TaskSpec task;

        Acknowledgement(TaskSpec task) {
            this.task = task;
        }

        @Override
        public void getResult() {
            // nobody waits: see execute
        }

        @Override
        public void onNext(org.apache.arrow.flight.PutResult result) {
            result.close();
        }

        @Override
        public void onError(Throwable t) {
            LOG.warn("upload of task {} failed: {}", task.key(), t instanceof FlightRuntimeException f
                    ? WireErrors.fromFlight(f).getMessage() : t.toString());
        }

        @Override
        public void onCompleted() {
        }
    }

    /**
     * Flight's client-side putNext busy-spins until gRPC can take more data, which on a small machine steals the CPU
     * the coordinator needs; waiting here with short parks makes that spin exit at once.
     */
    private void awaitReady(FlightClient.ClientStreamListener put, TaskSpec task) {
        long parkNanos = 20_000;
        while (!put.isReady()) {
            if (cancelled.contains(task.queryId())) {
                throw new MallardException(ErrorCode.QUERY_CANCELLED, "query " + task.queryId() + " was cancelled");
            }
            LockSupport.parkNanos(parkNanos);
            parkNanos = Math.min(1_000_000, parkNanos * 2);
        }
    }

    private void report(String workerId, TaskSpec task, MallardException error, CallOption auth) {
        if (error == null) {
            return;
        }
        try {
            Rpc.call(client, new Messages.TaskFailed(workerId, task, ErrorInfo.of(error)), Messages.Ack.class, auth);
        } catch (MallardException e) {
            LOG.warn("could not report the failure of task {}: {}", task.key(), e.getMessage());
        }
    }

    /** Stops every statement of a query the coordinator gave up on. */
    void cancel(String queryId) {
        if (cancelled.size() > 10_000) {
            cancelled.clear(); // ids of long-finished queries; a late task of one of them fails its upload harmlessly
        }
        cancelled.add(queryId);
        Set<Statement> statements = running.remove(queryId);
        if (statements != null) {
            for (Statement statement : statements) {
                try {
                    statement.cancel();
                } catch (SQLException e) {
                    LOG.debug("cancel of {} failed", queryId, e);
                }
            }
        }
    }
}
