package io.mallard.data;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One dataset of a {@link Manifest}: its tables and its shards.
 *
 * @param name         dataset name, e.g. {@code "tpch"}
 * @param shardCount   number of shards (all partitioned tables of the dataset use it, which makes
 *                     tables with the same key type co-partitioned)
 * @param hashFunction how a row's shard is chosen, e.g. {@code "duckdb:hash(key) % shard_count"}
 *                     (DuckDB's {@code hash()} of the shard key columns, at the pinned DuckDB version) or
 *                     {@code "duckdb:hash(rowid) % shard_count"} (by row position in the oracle table)
 * @param tables       table definitions
 * @param shards       shards in index order
 */
public record DatasetManifest(String name, int shardCount, String hashFunction, List<TableSpec> tables,
                              List<ShardInfo> shards) {

    /** Copies the lists. */
    public DatasetManifest {
        Objects.requireNonNull(name, "name");
        tables = tables == null ? List.of() : List.copyOf(tables);
        shards = shards == null ? List.of() : List.copyOf(shards);
    }

    /**
     * Looks up a table of this dataset, ignoring case.
     *
     * @param name table name
     * @return the table, or empty
     */
    public Optional<TableSpec> table(String name) {
        return tables.stream().filter(t -> t.name().equalsIgnoreCase(name)).findFirst();
    }
}
