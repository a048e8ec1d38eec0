package io.mallard.coordinator.query;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.planner.plan.DistributedPlan;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A running distributed query: its plan, one slot per shard, and the first failure, which wins. */
final class DistributedQuery {
    final String id;
    final DistributedPlan plan;
    /** Every slot, stream by stream, shards in manifest order. */
    final List<ShardSlot> slots;
    final Map<String, List<ShardSlot>> byStream;
    private final Map<String, ShardSlot> byKey;
    final long startNanos = System.nanoTime();
    /** When every task was handed to a worker (0 until then): EXPLAIN ANALYZE's timeline. */
    volatile long dispatchedNanos;
    private final AtomicReference<MallardException> failure = new AtomicReference<>();
    /** The combine's DuckDB statement once it runs, so a cancel can interrupt DuckDB itself. */
    volatile java.sql.Statement combine;

    /** @param shardsByDataset the shards of every dataset the plan's streams read */
    DistributedQuery(String id, DistributedPlan plan, Map<String, List<String>> shardsByDataset) {
        this.id = id;
        this.plan = plan;
        Map<String, List<ShardSlot>> streams = new LinkedHashMap<>();
        for (DistributedPlan.WorkerStream stream : plan.streams()) {
            List<ShardSlot> slotsOfStream = shardsByDataset.getOrDefault(stream.dataset(), List.of()).stream()
                    .map(shard -> new ShardSlot(id, stream.name(), shard, stream.sql())).toList();
            streams.put(stream.name(), slotsOfStream);
        }
        this.byStream = Map.copyOf(streams);
        this.slots = streams.values().stream().flatMap(List::stream).toList();
        this.byKey = slots.stream().collect(Collectors.toMap(s -> s.stream + "/" + s.shardId, Function.identity()));
    }

    ShardSlot slot(String stream, String shardId) {
        return byKey.get(stream + "/" + shardId);
    }

    /** Records the failure if it is the first; returns true if it was. */
    boolean fail(MallardException e) {
        boolean first = failure.compareAndSet(null, e);
        if (first) {
            slots.forEach(s -> s.schema.completeExceptionally(e));
        }
        return first;
    }

    MallardException failure() {
        return failure.get();
    }

    void checkFailed() {
        MallardException e = failure.get();
        if (e != null) {
            throw e;
        }
    }

    static MallardException cancelled(String why) {
        return new MallardException(ErrorCode.QUERY_CANCELLED, why);
    }

    long rowsShipped() {
        return slots.stream().mapToLong(s -> s.rows).sum();
    }

    /** The query's tasks as they stand now. */
    QueryStats stats() {
        List<QueryStats.TaskStats> tasks = slots.stream().map(s -> new QueryStats.TaskStats(s.shardId, s.stream,
                s.attempt, s.workerId, s.rows, s.bytes, s.done ? "finished" : failure() != null ? "cancelled" : "running",
                ((s.doneNanos == 0 ? System.nanoTime() : s.doneNanos) - startNanos) / 1_000_000)).toList();
        return new QueryStats(plan.strategy().name(), tasks);
    }

    long bytesShipped() {
        return slots.stream().mapToLong(s -> s.bytes).sum();
    }
}
