package io.mallard.coordinator.scheduling;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.coordinator.cluster.WorkerRegistry;
import io.mallard.coordinator.combine.SpillArea;
import io.mallard.planner.plan.DistributedPlan;
import io.mallard.protocol.Messages;
import io.mallard.protocol.Messages.TaskSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.apache.arrow.flight.FlightStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the worker side of distributed queries: one task per (stream, shard), each handed to a worker that proved its
 * shard; takes their uploads ({@link ResultReceiver}) and accepts exactly one attempt per shard. A task whose worker
 * fails it (dies, is lost, breaks its upload) runs again on another holder of the shard ({@link Retries}); a failing
 * SQL, or a shard no other worker holds, fails the whole query, naming shard and workers — never a partial answer.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    private final WorkerRegistry registry;
    private final long shardWaitMillis;
    private final Map<String, DistributedQuery> active = new ConcurrentHashMap<>();
    private final ResultReceiver receiver;
    private final Retries retries;
    private final Speculation speculation;
    private final SpillArea spill;
    private final SchedulerTotals totals = new SchedulerTotals();

    /** @param shardWaitMillis how long a task waits for a worker that proved its shard */
    public Scheduler(WorkerRegistry registry, long shardWaitMillis) {
        this(registry, shardWaitMillis, 0, 0, SpillArea.never());
    }

    /**
     * @param speculationMultiplier a task running longer than this many times its finished siblings' median is
     *                              duplicated on another holder; 0 turns speculation off
     * @param speculationMinMillis  … once it ran at least this long
     * @param spill                 where received batches go beyond the coordinator's spill threshold
     */
    public Scheduler(WorkerRegistry registry, long shardWaitMillis, double speculationMultiplier,
            long speculationMinMillis, SpillArea spill) {
        this.registry = registry;
        this.spill = spill;
        this.shardWaitMillis = shardWaitMillis;
        this.retries = new Retries(registry);
        this.receiver = new ResultReceiver(registry, retries);
        this.speculation = new Speculation(new Speculation.Policy(speculationMultiplier, speculationMinMillis), retries,
                active::values);
    }

    /**
     * A new query with one slot per (stream, shard), known to the scheduler until {@link #finish} ends it.
     *
     * @param tables what the task of a stream on a shard reads: the tables and their files at the pinned version
     */
    public DistributedQuery register(String queryId, DistributedPlan plan, Map<String, List<String>> shardsByDataset,
            BiFunction<DistributedPlan.WorkerStream, String, List<Messages.TableScan>> tables) {
        DistributedQuery query = new DistributedQuery(queryId, plan, shardsByDataset, tables, spill);
        active.put(queryId, query);
        return query;
    }

    /** Hands every task to a worker in one go, so that each worker takes all of its tasks in one poll reply. */
    public void dispatch(DistributedQuery query) throws InterruptedException {
        query.checkFailed();
        Map<TaskSpec, TaskAttempt> attempts = new IdentityHashMap<>();
        List<TaskSpec> tasks = new ArrayList<>(query.slots.size());
        for (ShardSlot slot : query.slots) {
            TaskAttempt attempt = slot.newAttempt(false);
            TaskSpec task = slot.task(attempt);
            attempts.put(task, attempt);
            tasks.add(task);
        }
        // the worker may answer before assignAll returns: record it first
        registry.assignAll(tasks, shardWaitMillis, (task, id) -> attempts.get(task).workerId = id, (task, assigned) -> { });
        query.dispatchedNanos = System.nanoTime();
    }

    /** Ends a query: cancels whatever still runs on workers, frees what arrived, and forgets it. */
    public void finish(DistributedQuery query) {
        if (!query.finish()) {
            return;
        }
        active.remove(query.id);
        totals.queryEnded(query);
        MallardException failure = query.failure();
        LOG.info("query {} {} {} in {} ms: {} tasks ({} attempts), {} rows and {} bytes shipped{}", query.id,
                query.plan.strategy(), failure == null ? "finished" : "failed",
                (System.nanoTime() - query.startNanos) / 1_000_000, query.slots.size(),
                query.slots.stream().mapToInt(ShardSlot::attemptCount).sum(), query.rowsShipped(), query.bytesShipped(),
                failure == null ? "" : " (" + failure.code() + ": " + failure.getMessage() + ")");
        if (failure == null) {
            query.fail(DistributedQuery.cancelled("query " + query.id + " finished"));
        }
        Set<String> cancelledOn = new HashSet<>();
        for (ShardSlot slot : query.slots) {
            for (TaskAttempt attempt : slot.runningAttempts()) {
                String worker = attempt.workerId;
                if (worker != null && slot.attemptFailed(attempt.number)) {
                    if (cancelledOn.add(worker)) {
                        registry.cancelQuery(worker, query.id);
                    }
                    registry.taskFinished(worker, slot.taskKey(attempt.number));
                }
            }
            slot.answer.discard();
        }
        receiver.abandon(query);
    }

    /**
     * Cancels a running query: it fails with QUERY_CANCELLED, its combine is interrupted, and its tasks are cancelled
     * on the workers when it ends. Returns false when no such query runs.
     */
    public boolean cancel(String queryId, String reason) {
        return stop(queryId, DistributedQuery.cancelled("query " + queryId + " was cancelled: " + reason));
    }

    /**
     * Stops a running query with {@code why} (cancelled, timed out): it fails with that error, its combine is
     * interrupted, and its tasks are cancelled on the workers when it ends. Returns false when no such query runs.
     */
    public boolean stop(String queryId, MallardException why) {
        DistributedQuery query = active.get(queryId);
        if (query == null) {
            return false;
        }
        if (query.fail(why)) {
            LOG.info("query {} stopped: {}", queryId, why.getMessage());
        }
        query.interrupt(); // the combine may be busy in DuckDB, not waiting for workers
        return true;
    }

    /** Stops every running distributed query with {@code why} (the coordinator's memory is used up). */
    public void stopAll(MallardException why) {
        for (String queryId : List.copyOf(active.keySet())) {
            stop(queryId, why);
        }
    }

    /** Takes a worker's DoPut of one or more tasks of one query's stream. Runs until the stream ends. */
    public void acceptResult(String workerId, Messages.TaskResult header, FlightStream stream) {
        receiver.accept(active.get(header.queryId()), workerId, header, stream);
    }

    /**
     * A worker reports that its task failed: a failure that is the worker's runs the task on another holder of its
     * shard; any other (the SQL's) fails the query with the worker's own error code and message.
     */
    public void taskFailed(String workerId, Messages.TaskFailed failed) {
        DistributedQuery query = active.get(failed.task().queryId());
        if (query == null) {
            return;
        }
        ShardSlot slot = query.slot(failed.task().stream(), failed.task().shardId());
        TaskAttempt attempt = slot == null ? null : slot.running(failed.task().attempt());
        if (attempt != null && workerId.equals(attempt.workerId)) {
            retries.attemptFailed(query, slot, attempt.number, workerId, failed.error().toException());
        }
    }

    /** A worker missed its lease: its unfinished tasks run on other holders of their shards, or their queries fail. */
    public void workerLost(String workerId) {
        for (DistributedQuery query : active.values()) {
            for (ShardSlot slot : query.slots) {
                for (TaskAttempt attempt : slot.runningAttempts()) {
                    if (workerId.equals(attempt.workerId)) {
                        retries.attemptFailed(query, slot, attempt.number, workerId, new MallardException(
                                ErrorCode.WORKER_FAILED, "worker " + registry.label(workerId)
                                        + " was lost (missed its heartbeat lease) while running shard " + slot.shardId));
                    }
                }
            }
        }
    }

    /**
     * A worker is suspected (silent, or its connection broke): each task it runs that no other attempt runs gets a
     * duplicate on another holder of its shard. Its own attempts go on: if it comes back first, it still answers.
     */
    public void workerSuspected(String workerId) {
        for (DistributedQuery query : active.values()) {
            for (ShardSlot slot : query.slots) {
                List<TaskAttempt> running = slot.runningAttempts();
                if (running.stream().anyMatch(a -> workerId.equals(a.workerId))
                        && running.stream().allMatch(a -> workerId.equals(a.workerId))) {
                    retries.launch(query, slot, true);
                }
            }
        }
    }

    /** Duplicates the stragglers of the running queries now (tests; a timer does it a few times a second). */
    int speculate() {
        long now = System.nanoTime();
        return active.values().stream().mapToInt(query -> speculation.check(query, now)).sum();
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

    /** Tasks, retries, duplicates, rows and bytes of the queries that ended since start. */
    public SchedulerTotals totals() {
        return totals;
    }

    /** Fails and ends every running query. */
    @Override
    public void close() {
        speculation.close();
        for (DistributedQuery query : active.values()) {
            query.fail(DistributedQuery.cancelled("the coordinator is shutting down"));
            finish(query);
        }
    }
}
