package io.mallard.coordinator.scheduling;

import java.util.List;
import java.util.Objects;

/**
 * What a query cost the cluster: its strategy and one entry per task.
 *
 * @param strategy LOCAL, PUSHDOWN_AGG, … or EXPLAIN
 * @param tasks    one per (shard, stream) of a distributed query; empty otherwise
 */
public record QueryStats(String strategy, List<TaskStats> tasks) {
    public QueryStats {
        tasks = List.copyOf(tasks);
    }

    /**
     * One task: the shard it read, the worker that ran it, and what it shipped.
     *
     * @param state         running, finished or cancelled
     * @param elapsedMillis from the query's start to the end of this task's upload (or to now)
     */
    public record TaskStats(String shardId, String stream, int attempt, String workerId, long rows, long bytes,
            String state, long elapsedMillis) {
    }

    public long rowsShipped() {
        return tasks.stream().mapToLong(TaskStats::rows).sum();
    }

    public long bytesShipped() {
        return tasks.stream().mapToLong(TaskStats::bytes).sum();
    }

    /** The distinct workers that ran a task. */
    public List<String> workers() {
        return tasks.stream().map(TaskStats::workerId).filter(Objects::nonNull).distinct().sorted().toList();
    }

    public long tasksFinished() {
        return tasks.stream().filter(t -> t.state().equals("finished")).count();
    }
}
