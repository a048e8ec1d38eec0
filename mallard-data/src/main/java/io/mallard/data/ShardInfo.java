package io.mallard.data;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One shard file of a dataset.
 *
 * @param id        shard id, {@code <dataset>-NNN}, e.g. {@code "tpch-003"}
 * @param dataset   dataset name
 * @param index     shard index {@code i} in {@code [0, shardCount)}; rows with {@code hash % shardCount = i} live here
 * @param file      path relative to the manifest's directory, with forward slashes, e.g. {@code "shards/tpch-003.duckdb"}
 * @param size      file size in bytes
 * @param sha256    SHA-256 of the file, lowercase hex
 * @param rowCounts rows per table of this dataset in this shard, sorted by table name
 */
public record ShardInfo(String id, String dataset, int index, String file, long size, String sha256,
                        Map<String, Long> rowCounts) {

    /** Sorts and freezes the row counts so that equal shards compare and serialize equal. */
    public ShardInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sha256, "sha256");
        rowCounts = Collections.unmodifiableSortedMap(new TreeMap<>(rowCounts == null ? Map.of() : rowCounts));
    }
}
