package io.mallard.coordinator.catalog;

import io.mallard.data.TableRole;
import java.time.Instant;
import java.util.List;

/**
 * One table as {@code mallard.tables} shows it, at the current version.
 *
 * @param shardCount the shards its rows are spread over (a replicated or dimension table is on every shard)
 * @param rows       rows less deleted rows
 * @param bytes      bytes of all its files in the store (data and delete files, a dimension's full copy too)
 * @param files      how many files hold it
 * @param version    the version of the last commit that changed it
 * @param lastCommit when that commit was made
 */
public record TableSummary(String name, TableRole role, List<String> shardKey, int shardCount, long rows, long bytes,
        int files, long version, Instant lastCommit) {

    public TableSummary {
        shardKey = List.copyOf(shardKey);
    }
}
