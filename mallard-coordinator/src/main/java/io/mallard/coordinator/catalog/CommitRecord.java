package io.mallard.coordinator.catalog;

import java.time.Instant;

/** One line of the commit log ({@code mallard.commits}). */
public record CommitRecord(long version, Instant committedAt, String user, String kind, String tableName, String statement,
        long rowsAdded, long rowsRemoved) {
}
