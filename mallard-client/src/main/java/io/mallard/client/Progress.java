package io.mallard.client;

/**
 * How far the session's running query is: tasks (one per shard and stream) done out of all, rows the workers shipped,
 * time since it started.
 */
public record Progress(long tasksDone, long tasks, long rowsShipped, long elapsedMillis) {
}
