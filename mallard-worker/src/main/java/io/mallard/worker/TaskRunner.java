package io.mallard.worker;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.protocol.Codec;
import io.mallard.protocol.ErrorInfo;
import io.mallard.protocol.Messages;
import io.mallard.protocol.Messages.TaskSpec;
import io.mallard.protocol.Rpc;
import io.mallard.protocol.TaskKey;
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
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CallOptions;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
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
 *
 * <p>Two kinds of failure, kept apart: the query's own (a DuckDB error, reported to the coordinator as the task's
 * error) and the upload's ({@link Upload.Broken}: the coordinator is gone, cut off, or ended the call; only logged, as
 * the coordinator owns the query and a report would not reach it or would come too late). No wait of a task thread
 * outlives a broken upload, a cancelled query or {@link #abandonAll}.
 */
final class TaskRunner {
    private static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);
    private static final long REPORT_TIMEOUT_MILLIS = 10_000;

    private final FlightClient client;
    private final BufferAllocator allocator;
    private final WorkerDatabase database;
    private final java.util.function.Supplier<Set<String>> held;
    /** Fault injection (tests): a wait before each task and a pause after each task's first batch. */
    private volatile FaultHooks hooks;
    private final long uploadStallMillis;

    private final ExecutorService queries;
    private final Map<String, Set<Statement>> running = new ConcurrentHashMap<>();
    private final Map<TaskKey, Set<Statement>> runningByTask = new ConcurrentHashMap<>();
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    /** Single attempts the coordinator gave up or no longer needs (a duplicate answered first). */
    private final Set<TaskKey> cancelledTasks = ConcurrentHashMap.newKeySet();
    private final Set<Upload> uploads = ConcurrentHashMap.newKeySet();

    TaskRunner(FlightClient client, BufferAllocator allocator, WorkerDatabase database,
            java.util.function.Supplier<Set<String>> held, long delayMillis, ExecutorService queries) {
        this(client, allocator, database, held, delayMillis, WorkerConfig.DEFAULT_UPLOAD_STALL_MILLIS, queries);
    }

    /** @param held the files this worker holds now: a task may read only those */
    TaskRunner(FlightClient client, BufferAllocator allocator, WorkerDatabase database,
            java.util.function.Supplier<Set<String>> held, long delayMillis, long uploadStallMillis, ExecutorService queries) {
        this.client = client;
        this.allocator = allocator;
        this.database = database;
        this.held = held;
        this.hooks = new FaultHooks(null, delayMillis, 0);
        this.uploadStallMillis = uploadStallMillis;
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
        SharedUpload upload = new SharedUpload(workerId, tasks, allocator,
                opening -> open(opening.descriptor(), opening.root(), null, opening.label(), auth));
        List<Future<?>> futures = new ArrayList<>(tasks.size());
        try {
            delay();
            for (int i = 0; i < tasks.size(); i++) {
                int index = i;
                futures.add(queries.submit(() -> {
                    executeInto(upload, index, tasks.get(index), auth);
                    return null;
                }));
            }
            Failure failure = await(futures);
            if (failure == null) {
                upload.complete();
                return;
            }
            TaskSpec task = tasks.get(futures.indexOf(failure.future));
            if (isCancelled(task)) {
                upload.abort(cancelledError(task.queryId()));
            } else {
                handleFailure(workerId, task, failure.cause, auth);
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
        } catch (Upload.Broken e) {
            LOG.warn("upload of query {} stream {} failed: {}", tasks.get(0).queryId(), tasks.get(0).stream(), e.getMessage());
        } finally {
            // after the report: the coordinator must hear the task's own error before the upload breaks off
            upload.close();
            upload.current().ifPresent(uploads::remove);
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
            if (isCancelled(task)) {
                return;
            }
            try (TaskExecution execution = execution(task)) {
                uploadAlone(workerId, execution, auth);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            handleFailure(workerId, task, e, auth);
        } finally {
            runningByTask.remove(task.taskKey());
        }
    }

    /** Reports a task's own failure; a broken upload or a cancelled query is only logged. */
    private void handleFailure(String workerId, TaskSpec task, Throwable e, CallOption auth) {
        if (e instanceof Upload.Broken broken) {
            LOG.warn("upload of task {} failed: {}", task.key(), broken.getMessage());
        } else if (isCancelled(task)) {
            LOG.debug("task {} ended by a cancel", task.key());
        } else if (e instanceof MallardException m) {
            report(workerId, task, m, auth);
        } else {
            report(workerId, task, MallardException.internal("task " + task.key() + " failed: " + e, e), auth);
        }
    }

    /** Fault injection for tests: where the task delay and upload pause come from from now on. */
    void useFaultHooks(FaultHooks faultHooks) {
        this.hooks = faultHooks;
    }

    private void pauseMidUpload() {
        long pause = hooks.uploadPauseMillis();
        if (pause > 0) {
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Upload.Broken("interrupted mid-upload", e);
            }
        }
    }

    /**
     * Waits the task delay, looking at it again while it waits: a test that shortens it releases the tasks already
     * waiting (one that lengthens it holds them), so that a moment between two workers' tasks can be made to last.
     */
    private void delay() throws InterruptedException {
        long start = System.nanoTime();
        for (long left = hooks.taskDelayMillis(); left > 0;
                left = hooks.taskDelayMillis() - (System.nanoTime() - start) / 1_000_000) {
            Thread.sleep(Math.min(left, 20));
        }
    }

    private TaskExecution execution(TaskSpec task) {
        return new TaskExecution(task, database, held.get(),
                running.computeIfAbsent(task.queryId(), k -> ConcurrentHashMap.newKeySet()),
                runningByTask.computeIfAbsent(task.taskKey(), k -> ConcurrentHashMap.newKeySet()), allocator);
    }

    /**
     * Runs task {@code index} and sends its answer on the shared upload, opening the upload with the first answer's
     * schema. An answer with dictionaries (ENUM columns) is sent on a stream of its own instead, since Flight sends
     * dictionaries once per stream; the tasks of one stream share their SQL, so then all of them go alone.
     */
    private void executeInto(SharedUpload upload, int index, TaskSpec task, CallOption auth) {
        try {
            executeIntoUnlessCancelled(upload, index, task, auth);
        } catch (RuntimeException e) {
            if (!cancelledTasks.contains(task.taskKey()) || cancelled.contains(task.queryId())) {
                throw e;
            }
            // only this attempt was cancelled (a duplicate answered first): the stream's other tasks go on
            LOG.debug("task {} cancelled: {}", task.key(), e.getMessage());
            upload.withdraw(index);
        } finally {
            runningByTask.remove(task.taskKey());
        }
    }

    private void executeIntoUnlessCancelled(SharedUpload upload, int index, TaskSpec task, CallOption auth) {
        checkCancelled(task);
        try (TaskExecution execution = execution(task)) {
            boolean more = execution.next();
            VectorSchemaRoot answer = execution.root();
            if (hasDictionaries(answer.getSchema())) {
                sendAlone(upload.workerId, execution, more, auth);
                return;
            }
            Runnable check = () -> checkCancelled(task);
            upload.open(answer.getSchema(), task);
            for (boolean first = true; more; first = false) {
                upload.send(answer, index, check);
                if (first) {
                    pauseMidUpload();
                }
                more = execution.next();
            }
            upload.end(index, check);
            execution.logTimes();
        }
    }

    /**
     * Sends one task's answer on a DoPut of its own. The first batch is loaded before the stream starts: Flight sends
     * dictionaries (DuckDB exports an ENUM as a dictionary-encoded column) once, at the start, and the reader has them
     * only after a batch. Not waiting for the coordinator's acknowledgement: the task thread takes the next task at
     * once, and a refused upload is the coordinator's to act on (it owns the query).
     */
    private void uploadAlone(String workerId, TaskExecution execution, CallOption auth) {
        sendAlone(workerId, execution, execution.next(), auth);
    }

    private void sendAlone(String workerId, TaskExecution execution, boolean loaded, CallOption auth) {
        TaskSpec task = execution.task;
        FlightDescriptor descriptor = FlightDescriptor.command(Codec.encode(Messages.TaskResult.of(workerId, task)));
        Upload upload = open(descriptor, execution.root(), execution.reader(), task.key(), auth);
        try {
            Runnable check = () -> checkCancelled(task);
            for (boolean more = loaded, first = true; more; more = execution.next(), first = false) {
                upload.send(null, check);
                if (first) {
                    pauseMidUpload();
                }
            }
            upload.complete();
            execution.logTimes();
        } catch (RuntimeException e) {
            upload.abort(e);
            throw e;
        } finally {
            uploads.remove(upload);
        }
    }

    private Upload open(FlightDescriptor descriptor, VectorSchemaRoot root,
            org.apache.arrow.vector.dictionary.DictionaryProvider dictionaries, String label, CallOption auth) {
        Upload upload = new Upload(client, allocator, descriptor, root, dictionaries, label, uploadStallMillis, auth);
        uploads.add(upload);
        return upload;
    }

    private static boolean hasDictionaries(Schema schema) {
        return schema.getFields().stream().anyMatch(TaskRunner::hasDictionary);
    }

    private static boolean hasDictionary(Field field) {
        return field.getDictionary() != null || field.getChildren().stream().anyMatch(TaskRunner::hasDictionary);
    }

    private boolean isCancelled(TaskSpec task) {
        return cancelled.contains(task.queryId()) || cancelledTasks.contains(task.taskKey());
    }

    private void checkCancelled(TaskSpec task) {
        if (cancelled.contains(task.queryId())) {
            throw cancelledError(task.queryId());
        }
        if (cancelledTasks.contains(task.taskKey())) {
            throw new MallardException(ErrorCode.QUERY_CANCELLED, "task " + task.key() + " was cancelled");
        }
    }

    private static MallardException cancelledError(String queryId) {
        return new MallardException(ErrorCode.QUERY_CANCELLED, "query " + queryId + " was cancelled");
    }

    private void report(String workerId, TaskSpec task, MallardException error, CallOption auth) {
        try {
            Rpc.call(client, new Messages.TaskFailed(workerId, task, ErrorInfo.of(error)), Messages.Ack.class, auth,
                    CallOptions.timeout(REPORT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
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

    /** Stops one task attempt: the coordinator no longer needs its answer. The query's other tasks go on. */
    void cancelTask(TaskKey task) {
        if (cancelledTasks.size() > 10_000) {
            cancelledTasks.clear(); // keys of long-finished attempts
        }
        cancelledTasks.add(task);
        Set<Statement> statements = runningByTask.get(task);
        if (statements != null) {
            for (Statement statement : List.copyOf(statements)) {
                try {
                    statement.cancel();
                } catch (SQLException e) {
                    LOG.debug("cancel of {} failed", task, e);
                }
            }
        }
    }

    /**
     * The coordinator session these tasks belong to is gone (the worker registered again): their queries no longer
     * exist anywhere, so every running statement is stopped and every upload abandoned, freeing the task threads.
     */
    void abandonAll(String why) {
        for (String queryId : List.copyOf(running.keySet())) {
            cancel(queryId);
        }
        for (Upload upload : List.copyOf(uploads)) {
            upload.abandon(why);
        }
    }

    /** Uploads open now (tests: none may be left after the tasks end). */
    int openUploads() {
        return uploads.size();
    }
}
