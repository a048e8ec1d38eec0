package io.mallard.coordinator.scheduling;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a query cost the cluster: its strategy, one entry per task, and its timed steps.
 *
 * @param strategy LOCAL, PUSHDOWN_AGG, … or EXPLAIN
 * @param tasks    one per (shard, stream) of a distributed query; empty otherwise
 * @param phases   the query's steps with their times (planning, each task attempt, the combine), as traces show them
 */
public record QueryStats(String strategy, List<TaskStats> tasks, List<Phase> phases) {
    public QueryStats {
        tasks = List.copyOf(tasks);
        phases = List.copyOf(phases);
    }

    public QueryStats(String strategy, List<TaskStats> tasks) {
        this(strategy, tasks, List.of());
    }

    /** These figures with {@code first} before the phases they have. */
    public QueryStats withPhaseFirst(Phase first) {
        List<Phase> all = new ArrayList<>(phases.size() + 1);
        all.add(first);
        all.addAll(phases);
        return new QueryStats(strategy, tasks, all);
    }

    /**
     * One timed step of a query.
     *
     * @param name       plan, task, combine or local
     * @param startNanos when it started, in nanoseconds since the epoch
     * @param endNanos   when it ended (or the moment the figures were read, for a step still running)
     * @param attributes what identifies it (shard, worker, attempt…) and what it did, for a trace's span
     */
    public record Phase(String name, long startNanos, long endNanos, Map<String, Object> attributes) {
        private static final long EPOCH_NANOS_AT_BASE = java.time.Instant.now().toEpochMilli() * 1_000_000L;
        private static final long BASE = System.nanoTime();

        public Phase {
            attributes = Map.copyOf(attributes);
        }

        /** A phase between two {@link System#nanoTime()} readings. */
        public static Phase between(String name, long startNanoTime, long endNanoTime, Map<String, Object> attributes) {
            return new Phase(name, epochNanos(startNanoTime), epochNanos(Math.max(startNanoTime, endNanoTime)), attributes);
        }

        /** A {@link System#nanoTime()} reading as nanoseconds since the epoch (to the millisecond this JVM started it). */
        static long epochNanos(long nanoTime) {
            return EPOCH_NANOS_AT_BASE + (nanoTime - BASE);
        }
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
