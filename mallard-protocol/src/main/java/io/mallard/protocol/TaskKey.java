package io.mallard.protocol;

import java.util.Objects;

/**
 * Names one attempt of one task: a query reads each (shard, stream) once, and a retry is a new attempt. Worker and
 * coordinator compare keys by their parts, never by their text; {@link #toString()} is for logs and error messages.
 */
public record TaskKey(String queryId, String shardId, String stream, int attempt) {
    public TaskKey {
        Objects.requireNonNull(queryId, "queryId");
        Objects.requireNonNull(shardId, "shardId");
        Objects.requireNonNull(stream, "stream");
    }

    /** Whether this is an attempt of a task that reads {@code shardId}. */
    public boolean reads(String shardId) {
        return this.shardId.equals(shardId);
    }

    /** {@code query/shard/stream/attempt}, as logs have always shown a task. */
    @Override
    public String toString() {
        return queryId + "/" + shardId + "/" + stream + "/" + attempt;
    }
}
