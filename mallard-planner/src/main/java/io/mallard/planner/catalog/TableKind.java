package io.mallard.planner.catalog;

/** How a table's rows are spread over shards; decides which plans are correct. */
public enum TableKind {
    /** Rows split disjointly across shards by hash of the shard key. */
    PARTITIONED,
    /** Each shard holds only the rows its partitioned rows reference; rows overlap and no shard is complete. */
    DIMENSION,
    /** Every shard holds the full table. */
    REPLICATED
}
