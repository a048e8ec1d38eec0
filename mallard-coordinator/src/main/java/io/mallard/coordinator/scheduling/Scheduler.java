package io.mallard.coordinator.scheduling;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.coordinator.cluster.WorkerRegistry;
import io.mallard.planner.plan.DistributedPlan;
import io.mallard.protocol.Messages;
import io.mallard.protocol.Messages.TaskSpec;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.apache.arrow.flight.FlightStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the worker side of distributed queries: one task per (stream, shard), attempt 1, each handed to a worker that
 * proved its shard; takes their uploads ({@link ResultReceiver}) and accepts exactly one attempt per shard; fails the
 * whole query, naming worker and shard, when any task fails or its worker is lost — never a partial answer.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    private final WorkerRegistry registry;
    private final long shardWaitMillis;
    private final Map<String, DistributedQuery> active = new ConcurrentHashMap<>();
    private final ResultReceiver receiver;

    /** @param shardWaitMillis how long a task waits for a worker that proved its shard */
    public Scheduler(WorkerRegistry registry, long shardWaitMillis) {
        this.registry = registry;
        this.shardWaitMillis = shardWaitMillis;
        this.receiver = new ResultReceiver(registry);
    }

    /**
     * A new query with one slot per (stream, shard), known to the scheduler until {@link #finish} ends it.
     *
     * @param tables what the task of a stream on a shard reads: the tables and their files at the pinned version
     */
    public DistributedQuery register(String queryId, DistributedPlan plan, Map<String, List<String>> shardsByDataset,
            BiFunction<DistributedPlan.WorkerStream, String, List<Messages.TableScan>> tables) {
        DistributedQuery query = new DistributedQuery(queryId, plan, shardsByDataset, tables);
        active.put(queryId, query);
        return query;
    }

    /** Hands every task to a worker in one go, so that each worker takes all of its tasks in one poll reply. */
    public void dispatch(DistributedQuery query) throws InterruptedException {
        query.checkFailed();
        Map<TaskSpec, ShardSlot> slots = new IdentityHashMap<>();
        List<TaskSpec> tasks = new ArrayList<>(query.slots.size());
        for (ShardSlot slot : query.slots) {
            slot.attempt = 1;
            TaskSpec task = slot.task();
            slots.put(task, slot);
            tasks.add(task);
        }
        // the worker may answer before assignAll returns: record it first
        registry.assignAll(tasks, shardWaitMillis, (task, id) -> slots.get(task).workerId = id, (task, assigned) -> { });
        query.dispatchedNanos = System.nanoTime();
    }

    /** Ends a query: cancels whatever still runs on workers, frees what arrived, and forgets it. */
    public void finish(DistributedQuery query) {
        if (!query.finish()) {
            return;
        }
        active.remove(query.id);
        MallardException failure = query.failure();
        LOG.info("query {} {} {} in {} ms: {} tasks, {} rows and {} bytes shipped{}", query.id, query.plan.strategy(),
                failure == null ? "finished" : "failed", (System.nanoTime() - query.startNanos) / 1_000_000,
                query.slots.size(), query.rowsShipped(), query.bytesShipped(),
                failure == null ? "" : " (" + failure.code() + ": " + failure.getMessage() + ")");
        if (failure == null) {
            query.fail(DistributedQuery.cancelled("query " + query.id + " finished"));
        }
        for (ShardSlot slot : query.slots) {
            if (slot.workerId != null && !slot.done()) {
                registry.cancelQuery(slot.workerId, query.id);
                registry.taskFinished(slot.workerId, slot.taskKey());
            }
            slot.answer.discard();
        }
    }

    /**
     * Cancels a running query: it fails with QUERY_CANCELLED, its combine is interrupted, and its tasks are cancelled
     * on the workers when it ends. Returns false when no such query runs.
     */
    public boolean cancel(String queryId, String reason) {
        DistributedQuery query = active.get(queryId);
        if (query == null) {
            return false;
        }
        if (query.fail(DistributedQuery.cancelled("query " + queryId + " was cancelled: " + reason))) {
            LOG.info("query {} cancelled: {}", queryId, reason);
        }
        query.interrupt(); // the combine may be busy in DuckDB, not waiting for workers
        return true;
    }

    /** Takes a worker's DoPut of one or more tasks of one query's stream. Runs until the stream ends. */
    public void acceptResult(String workerId, Messages.TaskResult header, FlightStream stream) {
        receiver.accept(active.get(header.queryId()), workerId, header, stream);
    }

    /** A worker reports that its task failed: the query fails with the worker's own error code and message. */
    public void taskFailed(String workerId, Messages.TaskFailed failed) {
        DistributedQuery query = active.get(failed.task().queryId());
        if (query == null) {
            return;
        }
        ShardSlot slot = query.slot(failed.task().stream(), failed.task().shardId());
        if (slot != null && workerId.equals(slot.workerId) && slot.attempt == failed.task().attempt()) {
            query.fail(failed.error().toException());
            registry.taskFinished(workerId, failed.task().taskKey());
        }
    }

    /** A worker missed its lease: every query with a task on it fails, naming worker and shard. */
    public void workerLost(String workerId) {
        for (DistributedQuery query : active.values()) {
            for (ShardSlot slot : query.slots) {
                if (workerId.equals(slot.workerId) && !slot.done()) {
                    query.fail(new MallardException(ErrorCode.WORKER_FAILED, "worker " + registry.label(workerId)
                            + " was lost (missed its heartbeat lease) while running shard " + slot.shardId));
                }
            }
        }
    }

    /** A distributed query still running (its result not yet closed). */
    public Optional<DistributedQuery> query(String queryId) {
        return Optional.ofNullable(active.get(queryId));
    }

    /** The strategy and tasks of a running query, also while it is still being dispatched. */
    public Optional<QueryStats> stats(String queryId) {
        return query(queryId).map(DistributedQuery::stats);
    }

    /** The ids, strategies and task progress of the queries running now. */
    public Map<String, QueryStats> running() {
        Map<String, QueryStats> running = new LinkedHashMap<>();
        active.forEach((id, query) -> running.put(id, query.stats()));
        return running;
    }

    public int activeQueries() {
        return active.size();
    }

    /** Fails and ends every running query. */
    @Override
    public void close() {
        for (DistributedQuery query : active.values()) {
            query.fail(DistributedQuery.cancelled("the coordinator is shutting down"));
            finish(query);
        }
    }
}
