package io.mallard.common.duck;

/** DuckDB settings a worker opens its shards with, shared with the benchmark that measures their effect. */
public final class ShardSettings {
    /**
     * DuckDB optimizers that misjudge a shard. {@code partial_aggregate_pushdown} pre-aggregates below a join when it
     * estimates the join to be tiny; on a hash-partitioned shard it estimates TPC-H Q12's orders-lineitem join at 9
     * rows (187,819 on the whole table), aggregates all of a shard's orders first and loses the join filter that
     * prunes the other side. Without it the eight SF 1 shards of Q12 take 86 instead of 281 ms of DuckDB time, Q3 86
     * instead of 166, Q5 132 instead of 242 ({@code mallard bench shards}, docs/benchmarks.md "Work per shard").
     */
    public static final String DISABLED_OPTIMIZERS = "partial_aggregate_pushdown";

    private ShardSettings() {
    }
}
