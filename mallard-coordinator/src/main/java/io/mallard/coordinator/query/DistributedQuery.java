package io.mallard.coordinator.query;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.planner.plan.DistributedPlan;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A running distributed query: its plan, one slot per shard, and the first failure, which wins. */
final class DistributedQuery {
    final String id;
    final DistributedPlan plan;
    final List<ShardSlot> slots;
    final Map<String, ShardSlot> byShard;
    final long startNanos = System.nanoTime();
    private final AtomicReference<MallardException> failure = new AtomicReference<>();

    DistributedQuery(String id, DistributedPlan plan, List<String> shardIds) {
        this.id = id;
        this.plan = plan;
        this.slots = shardIds.stream().map(ShardSlot::new).toList();
        this.byShard = slots.stream().collect(Collectors.toMap(s -> s.shardId, Function.identity()));
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

    long bytesShipped() {
        return slots.stream().mapToLong(s -> s.bytes).sum();
    }
}
