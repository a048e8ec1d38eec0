package io.mallard.coordinator.catalog;

import java.util.Map;

/**
 * What is fixed for a cluster's life: its shard count (rows are hashed modulo it) and free-form properties, such as the
 * parameters the generated data was made with and the store that holds the files.
 */
public record ClusterInfo(int shardCount, Map<String, String> properties) {
    /** The property naming the cluster's store ({@code StoreConfig.identity()}: "local" or "s3://bucket/prefix/"). */
    public static final String STORE = "store";

    public ClusterInfo {
        if (shardCount < 1 || shardCount > 4096) {
            throw new IllegalArgumentException("shards must be between 1 and 4096, got " + shardCount);
        }
        properties = Map.copyOf(properties);
    }

    /** The store recorded at bootstrap; "local" for clusters made before stores were recorded (they had no other). */
    public String store() {
        return properties.getOrDefault(STORE, "local");
    }
}
