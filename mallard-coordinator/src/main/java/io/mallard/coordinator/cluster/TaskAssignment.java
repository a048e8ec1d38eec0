package io.mallard.coordinator.cluster;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.coordinator.cluster.WorkerRegistry.Assignment;
import io.mallard.protocol.Messages.TaskSpec;
import io.mallard.protocol.TaskKey;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Hands tasks to workers: each to a live worker that proved the task's shard, the least busy first. A worker's running
 * tasks are counted here until the scheduler reports them finished, so a shard it still serves is not taken back.
 */
final class TaskAssignment {
    private final ClusterState state;
    private final Mailbox mailbox;

    TaskAssignment(ClusterState state, Mailbox mailbox) {
        this.state = state;
        this.mailbox = mailbox;
    }

    /**
     * Hands out all of a query's tasks under one acquisition of the lock. Each chosen worker's long-poll is woken once,
     * after all of its tasks are queued, so it takes them in one poll reply. When some shard has no trusted holder,
     * waits up to {@code waitMillis} for one (the tasks handed out so far are sent first) and then fails with
     * NO_WORKER_FOR_SHARD.
     */
    void assignAll(List<TaskSpec> tasks, long waitMillis, BiConsumer<TaskSpec, String> chosen,
            BiConsumer<TaskSpec, Assignment> assigned) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        Set<WorkerSession> woken = new LinkedHashSet<>();
        state.lock();
        try {
            for (TaskSpec task : tasks) {
                while (true) {
                    WorkerSession best = leastBusyHolder(task, Set.of());
                    if (best != null) {
                        chosen.accept(task, best.id);
                        best.tasks.add(task);
                        best.running.put(task.taskKey(), task.fileIds());
                        woken.add(best);
                        assigned.accept(task, new Assignment(best.id, best.label()));
                        break;
                    }
                    if (io.mallard.protocol.EdgePartitions.isEdge(task.shardId()) && !edgeHolderLive(task)) {
                        // only its own worker has an edge partition's rows: no other can take it, so no waiting
                        throw new MallardException(ErrorCode.PARTITIONS_OFFLINE, "edge partition "
                                + io.mallard.protocol.EdgePartitions.label(task.shardId()) + " is offline: its worker is "
                                + "not connected");
                    }
                    long left = deadline - System.nanoTime();
                    if ((left <= 0 || state.closed) && io.mallard.protocol.EdgePartitions.isEdge(task.shardId())) {
                        throw new MallardException(ErrorCode.PARTITIONS_OFFLINE, "the worker of edge partition "
                                + io.mallard.protocol.EdgePartitions.label(task.shardId()) + " has not proved the files of "
                                + "the replicated tables the query joins with it");
                    }
                    if (left <= 0 || state.closed) {
                        throw new MallardException(ErrorCode.NO_WORKER_FOR_SHARD, "no trusted worker holds shard "
                                + task.shardId() + " (" + placementNote(task.shardId()) + ")");
                    }
                    wakeOnce(woken); // what is handed out already need not wait for this shard
                    state.awaitChange(left);
                }
            }
        } finally {
            wakeOnce(woken);
            state.unlock();
        }
    }

    /**
     * Hands one task to the least busy live worker that proved the files it reads, other than {@code excluded} (the
     * workers that already ran it), at once or not at all: a retry goes only to a worker that proved them already.
     */
    Optional<Assignment> assignElsewhere(TaskSpec task, Set<String> excluded, Consumer<String> chosen) {
        Assignment assigned;
        state.lock();
        try {
            WorkerSession best = leastBusyHolder(task, excluded);
            if (best == null) {
                return Optional.empty();
            }
            chosen.accept(best.id);
            best.tasks.add(task);
            best.running.put(task.taskKey(), task.fileIds());
            assigned = new Assignment(best.id, best.label());
            mailbox.wake(best);
        } finally {
            state.unlock();
        }
        return Optional.of(assigned);
    }

    /**
     * The live worker not in {@code excluded} that proved every file the task reads and runs the fewest tasks (a holder
     * by placement first), or null; a draining worker only when no other has them (it serves its shards until their new
     * holders proved them: no query waits for a handover). The task reads the version its query pinned, which a worker
     * of the shard may hold although a newer commit gave the shard files it has not proved yet.
     */
    private WorkerSession leastBusyHolder(TaskSpec task, Set<String> excluded) {
        if (io.mallard.protocol.EdgePartitions.isEdge(task.shardId())) {
            return edgeHolder(task, excluded);
        }
        WorkerSession best = leastBusyHolder(task, excluded, false);
        return best != null ? best : leastBusyHolder(task, excluded, true);
    }

    private WorkerSession leastBusyHolder(TaskSpec task, Set<String> excluded, boolean draining) {
        String shardId = task.shardId();
        List<String> files = task.fileIds();
        Set<WorkerSession> candidates = new LinkedHashSet<>(state.provedBy(shardId));
        for (WorkerSession w : state.workers.values()) {
            if (w.assigned.contains(shardId)) {
                candidates.add(w);
            }
        }
        WorkerSession best = null;
        for (WorkerSession w : candidates) {
            boolean eligible = draining ? w.state == WorkerState.DRAINING && !w.suspected : w.takesTasks();
            if (!eligible || !w.proved.containsAll(files) || excluded.contains(w.id)) {
                continue;
            }
            if (best == null || w.running.size() < best.running.size() || w.running.size() == best.running.size()
                    && w.assigned.contains(shardId) && !best.assigned.contains(shardId)) {
                best = w;
            }
        }
        return best;
    }

    /**
     * The one worker of an edge partition, if it is not gone, not excluded and proved the files of the central tables the
     * task reads with it (replicated tables); a suspected worker too, since no other can answer.
     */
    private WorkerSession edgeHolder(TaskSpec task, Set<String> excluded) {
        String id = state.edgeHolder.apply(task.shardId());
        WorkerSession w = id == null ? null : state.workers.get(id);
        // a draining worker still answers its own partitions: no other worker can
        if (w == null || w.state == WorkerState.GONE || excluded.contains(w.id) || !w.proved.containsAll(task.fileIds())) {
            return null;
        }
        return w;
    }

    /** Whether the worker of an edge partition is registered and not gone (it may still be proving files). */
    private boolean edgeHolderLive(TaskSpec task) {
        String id = state.edgeHolder.apply(task.shardId());
        WorkerSession w = id == null ? null : state.workers.get(id);
        return w != null && w.state != WorkerState.GONE;
    }

    /** Wakes each worker's long-poll once (only theirs: waking all of them costs O(workers) per query). */
    private void wakeOnce(Set<WorkerSession> workers) {
        workers.forEach(mailbox::wake);
        workers.clear();
    }

    private String placementNote(String shardId) {
        List<String> holders = state.workers.values().stream().filter(w -> w.assigned.contains(shardId))
                .map(w -> w.label() + " is " + w.state.name().toLowerCase()
                        + (state.filesOf(shardId).stream().anyMatch(w.rejected::contains) ? ", shard rejected" : ""))
                .toList();
        return holders.isEmpty() ? "no live worker is assigned to it" : "assigned: " + String.join("; ", holders);
    }

    /** The task's attempt ended (answered, failed or cancelled): the worker has one task less. */
    void taskFinished(String workerId, TaskKey task) {
        state.locked(() -> {
            WorkerSession w = state.workers.get(workerId);
            if (w != null) {
                w.running.remove(task);
            }
        });
    }

    /** Takes one task attempt back if the worker has not picked it up yet, else tells the worker to cancel it. */
    void cancelTask(String workerId, TaskKey task) {
        state.locked(() -> {
            WorkerSession w = state.workers.get(workerId);
            if (w != null && w.state != WorkerState.GONE) {
                if (!w.tasks.removeIf(t -> t.taskKey().equals(task))) {
                    w.cancelledTasks.add(task);
                    mailbox.wake(w);
                }
            }
        });
    }

    /** Takes the query's tasks that the worker has not picked up yet back and tells it to cancel the rest. */
    void cancelQuery(String workerId, String queryId) {
        state.locked(() -> {
            WorkerSession w = state.workers.get(workerId);
            if (w != null && w.state.isLive()) {
                w.tasks.removeIf(t -> t.queryId().equals(queryId));
                w.cancels.add(queryId);
                mailbox.wake(w);
            }
        });
    }
}
