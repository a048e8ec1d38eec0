package io.mallard.coordinator.catalog;

import java.util.Map;

/**
 * What is fixed for a cluster's life: its shard count (rows are hashed modulo it) and free-form properties, such as the
 * parameters the generated data was made with.
 */
public record ClusterInfo(int shardCount, Map<String, String> properties) {
    public ClusterInfo {
        if (shardCount < 1 || shardCount > 4096) {
            throw new IllegalArgumentException("shards must be between 1 and 4096, got " + shardCount);
        }
        properties = Map.copyOf(properties);
    }
}
