package io.mallard.coordinator.system;

import io.mallard.coordinator.scheduling.QueryStats;
import java.time.Instant;

/**
 * One client statement as the history keeps it.
 *
 * @param strategy   LOCAL, PUSHDOWN_AGG, …, EXPLAIN, SYSTEM; empty when the statement failed before it was planned
 * @param rows       rows returned to the client
 * @param status     running, finished, failed or cancelled
 * @param errorCode  the error's code when it failed, else null
 * @param warning    what the answer lacks (a partial result's missing edge partitions), else null
 */
public record QueryRecord(String queryId, String sql, String user, String session, Instant started, long durationMillis,
        QueryStats stats, long rows, String status, String errorCode, String error, String warning) {
    public QueryRecord(String queryId, String sql, String user, String session, Instant started, long durationMillis,
            QueryStats stats, long rows, String status, String errorCode, String error) {
        this(queryId, sql, user, session, started, durationMillis, stats, rows, status, errorCode, error, null);
    }
}
