package io.mallard.planner.plan;

/** How a query is split between workers and the coordinator (DESIGN.md §4). */
public enum Strategy {
    /** No partitioned table: the coordinator answers from its full copies. */
    LOCAL,
    /** Workers compute partial aggregates per group; the coordinator merges them. */
    PUSHDOWN_AGG,
    /** Workers return their filtered, projected rows (top-N for ORDER BY … LIMIT); the coordinator merges them. */
    PUSHDOWN_SCAN,
    /**
     * Every group, distinct row and window partition holds the shard key: each shard answers its part of the query
     * whole, and the coordinator concatenates (and orders and limits).
     */
    SHARD_LOCAL,
    /**
     * The fallback that is always correct: workers ship the filtered, projected rows of each partitioned table the
     * query reads, and the coordinator runs the original query over them and its full copies.
     */
    GATHER
}
