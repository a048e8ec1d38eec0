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
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks: the worker SQL on the shard's DuckDB, its Arrow result streamed to the coordinator by DoPut. The tasks of
 * one query's stream that arrive in one poll reply share one DoPut, each batch tagged with its task
 * ({@link Messages.TaskResult}): opening a stream per shard cost more CPU than a small task's query.
 *
 * <p>Shard queries run on {@code queries}, a fixed pool: its size is how many run at once on this worker, and each
 * shard's DuckDB has the worker's CPUs divided by that many threads, so the worker never runs more DuckDB threads than
 * it has CPUs. The tasks of one stream spread over the pool; their batches interleave on the shared upload.
 */
final class TaskRunner {
    private static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);

    private final FlightClient client;
    private final BufferAllocator allocator;
    private final Map<String, ShardDatabase> shards;
    private final long delayMillis;
    private final ExecutorService queries;
    private final Map<String, Set<Statement>> running = new ConcurrentHashMap<>();
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();

    TaskRunner(FlightClient client, BufferAllocator allocator, Map<String, ShardDatabase> shards, long delayMillis,
            ExecutorService queries) {
        this.client = client;
        this.allocator = allocator;
        this.shards = shards;
        this.delayMillis = delayMillis;
        this.queries = queries;
    }

    /**
     * Runs the tasks of one query's stream, all given to this worker at once, on the query pool and uploads their
     * answers on one DoPut. Returns when all have ended; the first failure is reported and breaks off the upload.
     */
    void runAll(String workerId, List<TaskSpec> tasks, CallOption auth) {
        if (tasks.size() == 1) {
            await(List.of(queries.submit(() -> run(workerId, tasks.get(0), auth))));
            return;
        }
        SharedUpload upload = new SharedUpload(workerId, tasks, auth);
        List<Future<?>> futures = new ArrayList<>(tasks.size());
        try {
            delay();
            for (int i = 0; i < tasks.size(); i++) {
                int index = i;
                futures.add(queries.submit(() -> {
                    executeInto(upload, index, tasks.get(index));
                    return null;
                }));
            }
            Failure failure = await(futures);
            if (failure == null) {
                upload.complete();
                return;
            }
            TaskSpec task = tasks.get(futures.indexOf(failure.future));
            Throwable e = failure.cause;
            if (cancelled.contains(task.queryId())) {
                upload.abort(new MallardException(ErrorCode.QUERY_CANCELLED, "query " + task.queryId() + " was cancelled"));
            } else if (e instanceof SQLException sql) {
                report(workerId, task, DuckErrors.translate(sql), auth);
            } else if (e instanceof MallardException m) {
                report(workerId, task, m, auth);
            } else if (e instanceof FlightRuntimeException f) {
                LOG.warn("upload of query {} stream {} failed: {}", task.queryId(), task.stream(),
                        WireErrors.fromFlight(f).getMessage());
            } else {
                report(workerId, task, MallardException.internal("task " + task.key() + " failed: " + e, e), auth);
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
        } finally {
            // after the report: the coordinator must hear the task's own error before the upload breaks off
            upload.close();
        }
    }

    private record Failure(Future<?> future, Throwable cause) {
    }

    /**
     * Waits for every task; after the first failure the tasks that have not started are dropped. Returns that failure,
     * or null. The group's thread is interrupted only when the worker stops, and then so are the query threads.
     */
    private static Failure await(List<Future<?>> running) {
        Failure first = null;
        for (Future<?> future : running) {
            try {
                future.get();
            } catch (CancellationException e) {
                // dropped after an earlier failure
            } catch (ExecutionException e) {
                if (first == null) {
                    first = new Failure(future, e.getCause());
                    running.forEach(f -> f.cancel(false));
                }
            } catch (InterruptedException e) {
                running.forEach(f -> f.cancel(true));
                Thread.currentThread().interrupt();
                return first;
            }
        }
        return first;
    }

    /** Runs one task on a DoPut of its own. */
    void run(String workerId, TaskSpec task, CallOption auth) {
        try {
            delay();
            if (cancelled.contains(task.queryId())) {
                return;
            }
            execute(workerId, task, auth);
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

    private void delay() throws InterruptedException {
        if (delayMillis > 0) {
            Thread.sleep(delayMillis);
        }
    }

    /** A task's query on its shard, open while its answer is read. */
    private final class Execution implements AutoCloseable {
        final TaskSpec task;
        final long startNanos = System.nanoTime();
        final Connection connection;
        final Statement statement;
        long executedNanos;
        ResultSet resultSet;
        ArrowReader reader;

        Execution(TaskSpec task) throws SQLException {
            this.task = task;
            ShardDatabase shard = shards.get(task.shardId());
            if (shard == null) {
                throw new MallardException(ErrorCode.NO_WORKER_FOR_SHARD, "worker does not hold shard " + task.shardId());
            }
            this.connection = shard.connect();
            Statement created = null;
            try {
                created = connection.createStatement();
                running.computeIfAbsent(task.queryId(), k -> ConcurrentHashMap.newKeySet()).add(created);
                this.statement = created;
                resultSet = statement.executeQuery(task.sql());
                reader = DuckArrow.export(resultSet, allocator);
                executedNanos = System.nanoTime();
            } catch (SQLException | RuntimeException e) {
                close(created);
                throw e;
            }
        }

        void logTimes(long uploadedNanos) {
            LOG.debug("task {}: execute {} us, upload {} us", task.key(), (executedNanos - startNanos) / 1000,
                    (uploadedNanos - executedNanos) / 1000);
        }

        @Override
        public void close() throws SQLException {
            close(statement);
        }

        private void close(Statement created) throws SQLException {
            Set<Statement> statements = running.get(task.queryId());
            if (statements != null && created != null) {
                statements.remove(created);
            }
            try (Connection c = connection; Statement s = created; ResultSet r = resultSet; ArrowReader a = reader) {
                // closed in reverse order
            } catch (IOException e) {
                throw new SQLException(e.getMessage(), e);
            }
        }
    }

    private void execute(String workerId, TaskSpec task, CallOption auth) throws SQLException {
        try (Execution execution = new Execution(task)) {
            // The first batch is loaded before the stream starts: Flight sends dictionaries (DuckDB exports an ENUM
            // as a dictionary-encoded column) once, at the start, and the reader has them only after a batch.
            uploadAlone(workerId, task, execution.reader, execution.reader.loadNextBatch(), auth);
            execution.logTimes(System.nanoTime());
        } catch (IOException e) {
            throw new SQLException(e.getMessage(), e);
        }
    }

    /**
     * Runs task {@code index} and sends its answer on the shared upload, opening the upload with the first answer's
     * schema. An answer with dictionaries (ENUM columns) is sent on a stream of its own instead, since Flight sends
     * dictionaries once per stream; the tasks of one stream share their SQL, so then all of them go alone.
     */
    private void executeInto(SharedUpload upload, int index, TaskSpec task) throws SQLException {
        if (cancelled.contains(task.queryId())) {
            throw new MallardException(ErrorCode.QUERY_CANCELLED, "query " + task.queryId() + " was cancelled");
        }
        try (Execution execution = new Execution(task)) {
            ArrowReader reader = execution.reader;
            boolean more = reader.loadNextBatch();
            VectorSchemaRoot answer = reader.getVectorSchemaRoot();
            if (hasDictionaries(answer.getSchema())) {
                uploadAlone(upload.workerId, task, reader, more, upload.auth);
                execution.logTimes(System.nanoTime());
                return;
            }
            upload.open(answer.getSchema(), task);
            while (more) {
                upload.send(answer, index);
                more = reader.loadNextBatch();
            }
            upload.end(index);
            execution.logTimes(System.nanoTime());
        } catch (IOException e) {
            throw new SQLException(e.getMessage(), e);
        }
    }

    /**
     * Sends one task's answer on a DoPut of its own, the reader's first batch already loaded ({@code loaded}: whether
     * there was one). Not waiting for the coordinator's acknowledgement: the task thread takes the next task at once,
     * and a refused upload is the coordinator's to act on (it owns the query), so the listener only logs it.
     */
    private void uploadAlone(String workerId, TaskSpec task, ArrowReader reader, boolean loaded, CallOption auth)
            throws SQLException, IOException {
        FlightDescriptor descriptor = FlightDescriptor.command(Codec.encode(Messages.TaskResult.of(workerId, task)));
        FlightClient.ClientStreamListener put = client.startPut(descriptor, reader.getVectorSchemaRoot(), reader,
                new Acknowledgement(task.key()), auth);
        try {
            for (boolean more = loaded; more; more = reader.loadNextBatch()) {
                awaitReady(put, task.queryId());
                put.putNext();
            }
            put.completed();
        } catch (IOException | RuntimeException e) {
            put.error(e);
            throw new SQLException(e.getMessage(), e);
        }
    }

    private static boolean hasDictionaries(Schema schema) {
        return schema.getFields().stream().anyMatch(TaskRunner::hasDictionary);
    }

    private static boolean hasDictionary(Field field) {
        return field.getDictionary() != null || field.getChildren().stream().anyMatch(TaskRunner::hasDictionary);
    }

    /** One DoPut carrying the answers of several tasks of one query's stream, each batch tagged with its task. */
    private final class SharedUpload implements AutoCloseable {
        final String workerId;
        final CallOption auth;
        final List<TaskSpec> tasks;
        VectorSchemaRoot root;
        FlightClient.ClientStreamListener put;
        private boolean finished;
        private boolean closed;

        SharedUpload(String workerId, List<TaskSpec> tasks, CallOption auth) {
            this.workerId = workerId;
            this.tasks = tasks;
            this.auth = auth;
        }

        /** Opens the upload with the first answer's schema; a later answer must have the same. */
        synchronized void open(Schema schema, TaskSpec task) {
            checkOpen();
            if (put != null) {
                if (!schema.equals(root.getSchema())) {
                    throw new MallardException(ErrorCode.INTERNAL_ERROR, "shard " + task.shardId() + " answered with schema "
                            + schema + ", unlike the other shards' " + root.getSchema());
                }
                return;
            }
            TaskSpec first = tasks.get(0);
            Messages.TaskResult header = new Messages.TaskResult(workerId, first.queryId(), first.stream(),
                    tasks.stream().map(t -> new Messages.TaskRef(t.shardId(), t.attempt())).toList());
            root = VectorSchemaRoot.create(schema, allocator);
            put = client.startPut(FlightDescriptor.command(Codec.encode(header)), root,
                    new Acknowledgement(first.queryId() + "/" + first.stream()), auth);
        }

        /** Sends the batch loaded in {@code answer} as task {@code index}'s. */
        synchronized void send(VectorSchemaRoot answer, int index) {
            checkOpen();
            try (ArrowRecordBatch batch = new VectorUnloader(answer).getRecordBatch()) {
                new VectorLoader(root).load(batch);
            }
            awaitReady(put, tasks.get(index).queryId());
            put.putNext(tag(io.mallard.protocol.BatchTag.batch(index).encode()));
        }

        /** An empty batch that ends task {@code index}. */
        synchronized void end(int index) {
            checkOpen();
            root.clear();
            root.setRowCount(0);
            awaitReady(put, tasks.get(index).queryId());
            put.putNext(tag(io.mallard.protocol.BatchTag.end(index).encode()));
        }

        private ArrowBuf tag(byte[] bytes) {
            ArrowBuf buf = allocator.buffer(bytes.length);
            buf.writeBytes(bytes);
            return buf; // Flight takes it over
        }

        synchronized void complete() {
            if (put != null) {
                put.completed();
            }
            finished = true;
        }

        synchronized void abort(MallardException why) {
            if (put != null) {
                put.error(why);
            }
            finished = true;
        }

        /** A task still running after the group broke off (an earlier task failed) must not write to a closed root. */
        private void checkOpen() {
            if (finished || closed) {
                throw new MallardException(ErrorCode.WORKER_FAILED, "the upload of this stream has ended");
            }
        }

        @Override
        public synchronized void close() {
            closed = true;
            if (!finished && put != null) {
                put.error(new MallardException(ErrorCode.WORKER_FAILED, "the worker stopped sending its answers"));
            }
            if (root != null) {
                root.close();
            }
        }
    }

    /** Logs the coordinator's answer to an upload; the task thread does not wait for it. */
    private static final class Acknowledgement implements FlightClient.PutListener {
        private final String upload;

        Acknowledgement(String upload) {
            this.upload = upload;
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
            LOG.warn("upload of {} failed: {}", upload, t instanceof FlightRuntimeException f
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
    private void awaitReady(FlightClient.ClientStreamListener put, String queryId) {
        long parkNanos = 20_000;
        while (!put.isReady()) {
            if (cancelled.contains(queryId)) {
                throw new MallardException(ErrorCode.QUERY_CANCELLED, "query " + queryId + " was cancelled");
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
