package io.mallard.coordinator.scheduling;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.coordinator.cluster.WorkerRegistry;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when an attempt of a task ends without an answer: a failure that is the worker's (it died, was cut off,
 * lost its lease, broke its upload, no longer held the shard) runs the task again on another worker that proved the
 * shard; a failure of the SQL itself fails the query. Only workers that already proved the shard are asked, none twice:
 * when none is left, the query fails with an error naming the shard and every worker tried. Also starts duplicates of
 * tasks that still run (a suspected worker, a straggler); the first attempt to answer wins either way.
 */
final class Retries {
    private static final Logger LOG = LoggerFactory.getLogger(Retries.class);
    /** Failures that say nothing about the SQL: another replica may well answer. Everything else fails the query. */
    private static final Set<ErrorCode> WORKERS_FAULT = EnumSet.of(ErrorCode.WORKER_FAILED,
            ErrorCode.NO_WORKER_FOR_SHARD, ErrorCode.SHARD_VERIFICATION_FAILED);

    private final WorkerRegistry registry;

    Retries(WorkerRegistry registry) {
        this.registry = registry;
    }

    /** Whether a task that failed with {@code e} may run again elsewhere. */
    static boolean isWorkersFault(MallardException e) {
        return WORKERS_FAULT.contains(e.code());
    }

    /**
     * An attempt ended without an answer: unless another attempt still runs or already answered, the task runs again on
     * a worker not tried yet, or the query fails. Failures of attempts that could no longer answer are ignored.
     */
    void attemptFailed(DistributedQuery query, ShardSlot slot, int attempt, String workerId, MallardException cause) {
        if (!slot.attemptFailed(attempt)) {
            return;
        }
        registry.taskFinished(workerId, slot.taskKey(attempt));
        if (query.failure() != null || slot.done()) {
            return;
        }
        if (!isWorkersFault(cause)) {
            query.fail(cause);
            return;
        }
        if (!slot.runningAttempts().isEmpty()) {
            LOG.info("query {} shard {}: attempt {} on {} failed ({}); another attempt still runs", query.id, slot.shardId,
                    attempt, workerId, cause.getMessage());
            return;
        }
        if (!launch(query, slot, false)) {
            MallardException failure = new MallardException(cause.code(), cause.getMessage() + "; no other worker that "
                    + "proved shard " + slot.shardId + " is available (tried: " + tried(slot) + ")", cause);
            if (query.fail(failure)) {
                LOG.warn("query {} failed: {}", query.id, failure.getMessage());
            }
        }
    }

    /**
     * Starts another attempt of the slot's task on the least busy trusted holder of its shard that has not run it yet.
     * Returns false, starting nothing, when there is none. A duplicate runs beside the attempts still running.
     */
    boolean launch(DistributedQuery query, ShardSlot slot, boolean duplicate) {
        if (query.failure() != null || slot.done()) {
            return true; // nothing to run: the query ended or the shard answered meanwhile
        }
        Set<String> tried = slot.workersTried();
        TaskAttempt attempt = slot.newAttempt(duplicate);
        Optional<WorkerRegistry.Assignment> assigned = registry.assignElsewhere(slot.task(attempt), tried,
                id -> attempt.workerId = id);
        if (assigned.isEmpty()) {
            slot.withdraw(attempt);
            return false;
        }
        LOG.info("query {} shard {}: attempt {} on {} ({}; tried {})", query.id, slot.shardId, attempt.number,
                assigned.get().label(), duplicate ? "a duplicate" : "a retry", tried);
        if (query.isFinished()) {
            // the query ended while this attempt was handed out: take it back (finish may not have seen it)
            cancel(slot, List.of(attempt));
        }
        return true;
    }

    /** Stops attempts that can no longer answer on their workers. */
    void cancel(ShardSlot slot, List<TaskAttempt> attempts) {
        for (TaskAttempt attempt : attempts) {
            String worker = attempt.workerId;
            if (worker != null) {
                registry.cancelTask(worker, slot.taskKey(attempt.number));
                registry.taskFinished(worker, slot.taskKey(attempt.number));
            }
        }
    }

    private String tried(ShardSlot slot) {
        return String.join(", ", slot.workersTried().stream().map(registry::label).toList());
    }
}
