package io.mallard.coordinator.scheduling;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.coordinator.combine.CombineInput;
import io.mallard.coordinator.combine.ShardStream;
import io.mallard.coordinator.combine.SpillArea;
import io.mallard.planner.plan.DistributedPlan;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A running distributed query: its plan, one slot per (stream, shard), and the first failure, which wins. It is what
 * the combine reads ({@link CombineInput}); the {@link Scheduler} hands its tasks out, takes their uploads and ends it.
 */
public final class DistributedQuery implements CombineInput {
    final String id;
    final DistributedPlan plan;
    /** Every slot, stream by stream, shards in manifest order. */
    final List<ShardSlot> slots;
    private final Map<String, List<ShardSlot>> byStream;
    private final Map<String, ShardSlot> byKey;
    final long startNanos = System.nanoTime();
    /** When every task was handed to a worker (0 until then): EXPLAIN ANALYZE's timeline. */
    volatile long dispatchedNanos;
    private final AtomicReference<MallardException> failure = new AtomicReference<>();
    /** Set once the scheduler ended the query (its result closed): its failure is no longer the client's business. */
    private volatile boolean finished;
    /** Stops the combine in DuckDB on a cancel; set once the combine runs. */
    private volatile Runnable interrupt = () -> { };

    /**
     * @param shardsByDataset the shards of every dataset the plan's streams read
     * @param tables          what the task of a stream on a shard reads
     * @param spill           where its received batches go when the coordinator's memory runs short
     */
    DistributedQuery(String id, DistributedPlan plan, Map<String, List<String>> shardsByDataset,
            java.util.function.BiFunction<DistributedPlan.WorkerStream, String, List<io.mallard.protocol.Messages.TableScan>> tables,
            SpillArea spill) {
        this.id = id;
        this.plan = plan;
        Map<String, List<ShardSlot>> streams = new LinkedHashMap<>();
        for (DistributedPlan.WorkerStream stream : plan.streams()) {
            List<ShardSlot> slotsOfStream = shardsByDataset.getOrDefault(stream.dataset(), List.of()).stream()
                    .map(shard -> new ShardSlot(id, stream.name(), shard, stream.sql(), tables.apply(stream, shard), spill))
                    .toList();
            streams.put(stream.name(), slotsOfStream);
        }
        this.byStream = Map.copyOf(streams);
        this.slots = streams.values().stream().flatMap(List::stream).toList();
        this.byKey = slots.stream().collect(Collectors.toMap(s -> s.stream + "/" + s.shardId, Function.identity()));
    }

    @Override
    public String queryId() {
        return id;
    }

    @Override
    public List<ShardStream> answers(String stream) {
        return byStream.get(stream).stream().map(s -> s.answer).toList();
    }

    /** The slots, stream by stream. */
    java.util.Collection<List<ShardSlot>> slotsByStream() {
        return byStream.values();
    }

    ShardSlot slot(String stream, String shardId) {
        return byKey.get(stream + "/" + shardId);
    }

    /** The first slot of a stream: the shard whose schema the others must match. */
    ShardSlot firstOf(String stream) {
        return byStream.get(stream).get(0);
    }

    @Override
    public boolean fail(MallardException e) {
        boolean first = failure.compareAndSet(null, e);
        if (first) {
            slots.forEach(s -> s.answer.fail(e));
        }
        return first;
    }

    @Override
    public MallardException failure() {
        return failure.get();
    }

    /** Why the query failed while it ran, or null: what to report instead of DuckDB's view of a broken stream. */
    public MallardException failureWhileRunning() {
        return finished ? null : failure.get();
    }

    void checkFailed() {
        MallardException e = failure.get();
        if (e != null) {
            throw e;
        }
    }

    /** Whether the scheduler ended the query (its result closed). */
    boolean isFinished() {
        return finished;
    }

    /** Marks the query ended; returns false if it already was. */
    synchronized boolean finish() {
        boolean first = !finished;
        finished = true;
        return first;
    }

    /** What a cancel runs, besides failing the query: interrupting the combine in DuckDB. */
    public void onCancel(Runnable interrupt) {
        this.interrupt = Objects.requireNonNull(interrupt);
    }

    void interrupt() {
        interrupt.run();
    }

    static MallardException cancelled(String why) {
        return new MallardException(ErrorCode.QUERY_CANCELLED, why);
    }

    long rowsShipped() {
        return slots.stream().mapToLong(s -> s.answer.rows()).sum();
    }

    long bytesShipped() {
        return slots.stream().mapToLong(s -> s.answer.bytes()).sum();
    }

    /** The query's tasks as they stand now. */
    public QueryStats stats() {
        List<QueryStats.TaskStats> tasks = slots.stream().map(s -> {
            TaskAttempt current = s.current();
            return new QueryStats.TaskStats(s.shardId, s.stream, current == null ? 0 : current.number,
                    current == null ? null : current.workerId, s.answer.rows(), s.answer.bytes(),
                    s.done() ? "finished" : failure() != null ? "cancelled" : "running",
                    ((s.answer.endNanos() == 0 ? System.nanoTime() : s.answer.endNanos()) - startNanos) / 1_000_000);
        }).toList();
        return new QueryStats(plan.strategy().name(), tasks, phases());
    }

    /**
     * Each task attempt as a phase (worker, shard, attempt, whether it answered), then the combine: from the dispatch
     * to now, or to the end of the last answer if the query failed.
     */
    private List<QueryStats.Phase> phases() {
        long now = System.nanoTime();
        List<QueryStats.Phase> phases = new java.util.ArrayList<>();
        for (ShardSlot slot : slots) {
            for (TaskAttempt attempt : slot.attempts()) {
                boolean answered = slot.answeredBy(attempt);
                java.util.Map<String, Object> attributes = new java.util.LinkedHashMap<>();
                attributes.put("mallard.shard", slot.shardId);
                attributes.put("mallard.stream", slot.stream);
                attributes.put("mallard.attempt", (long) attempt.number);
                attributes.put("mallard.duplicate", attempt.duplicate);
                attributes.put("mallard.outcome", answered ? "answered" : attempt.endNanos == 0 ? "running" : "abandoned");
                if (attempt.workerId != null) {
                    attributes.put("mallard.worker", attempt.workerId);
                }
                if (answered) {
                    attributes.put("mallard.rows", slot.answer.rows());
                    attributes.put("mallard.bytes", slot.answer.bytes());
                }
                phases.add(QueryStats.Phase.between("task", attempt.startNanos,
                        attempt.endNanos == 0 ? now : attempt.endNanos, attributes));
            }
        }
        if (dispatchedNanos > 0) {
            phases.add(QueryStats.Phase.between("combine", dispatchedNanos, now, java.util.Map.of(
                    "mallard.rows_received", rowsShipped(), "mallard.bytes_received", bytesShipped())));
        }
        return phases;
    }

    /**
     * When the query's phases ended, for EXPLAIN ANALYZE ({@link System#nanoTime()} values; 0 for a phase not reached).
     *
     * @param firstBatchNanos when the first batch of any shard arrived
     * @param lastEndNanos    when the last shard's answer ended
     */
    public record Timeline(int tasks, long workers, long rows, long bytes, long startNanos, long dispatchedNanos,
            long firstBatchNanos, long lastEndNanos) {
    }

    public Timeline timeline() {
        return new Timeline(slots.size(), slots.stream().map(ShardSlot::current).filter(Objects::nonNull)
                .map(a -> a.workerId).filter(Objects::nonNull).distinct().count(),
                rowsShipped(), bytesShipped(), startNanos, dispatchedNanos,
                slots.stream().mapToLong(s -> s.answer.firstBatchNanos()).filter(t -> t > 0).min().orElse(0),
                slots.stream().mapToLong(s -> s.answer.endNanos()).max().orElse(0));
    }
}
