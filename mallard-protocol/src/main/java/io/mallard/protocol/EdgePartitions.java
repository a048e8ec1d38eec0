package io.mallard.protocol;

import java.util.Optional;

/**
 * The ids of edge partitions, which take a shard's place in tasks: {@code edge:<table>@<worker name>}. One partition
 * per worker and local table; only its own worker can answer it, so a task of it is never retried elsewhere.
 */
public final class EdgePartitions {
    private static final String PREFIX = "edge:";

    private EdgePartitions() {
    }

    /** The partition of {@code table} held by the worker named {@code worker}. */
    public static String id(String table, String worker) {
        return PREFIX + table + "@" + worker;
    }

    public static boolean isEdge(String shardId) {
        return shardId != null && shardId.startsWith(PREFIX) && shardId.indexOf('@') > PREFIX.length();
    }

    /** The table of an edge partition id; empty for a shard id. */
    public static Optional<String> table(String shardId) {
        return isEdge(shardId) ? Optional.of(shardId.substring(PREFIX.length(), shardId.indexOf('@'))) : Optional.empty();
    }

    /** How users see a partition: {@code readings@device-1}. */
    public static String label(String shardId) {
        return isEdge(shardId) ? shardId.substring(PREFIX.length()) : shardId;
    }
}
