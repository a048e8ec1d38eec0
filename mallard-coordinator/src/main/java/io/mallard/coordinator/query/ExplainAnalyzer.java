package io.mallard.coordinator.query;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.coordinator.scheduling.DistributedQuery;
import io.mallard.protocol.QuerySettings;
import java.util.Locale;
import java.util.Optional;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * {@code EXPLAIN ANALYZE}: runs the query to its end, drops the answer, and describes what it cost: tasks, workers, rows
 * and bytes the workers shipped, and when each phase ended, counted from the moment the statement arrived.
 */
final class ExplainAnalyzer {
    private ExplainAnalyzer() {
    }

    /**
     * The figures as plan lines ({@code analyze:}, {@code timeline:}, then a {@code task:} line per task of a
     * distributed query), each ending with a newline.
     */
    static String run(QueryManager queries, String sql, QuerySettings settings) {
        long start = System.nanoTime();
        long resultRows = 0;
        try (QueryResult result = queries.execute(sql, settings)) {
            Optional<DistributedQuery> query = queries.running(result.queryId()); // LOCAL: none
            try {
                ArrowReader reader = result.reader();
                while (reader.loadNextBatch()) {
                    resultRows += reader.getVectorSchemaRoot().getRowCount();
                }
            } catch (Exception e) {
                throw result.failure().orElseGet(() -> translate(e));
            }
            return describe(query.map(DistributedQuery::timeline).orElse(null), start, System.nanoTime(), resultRows)
                    + perTask(result.stats());
        }
    }

    private static String describe(DistributedQuery.Timeline query, long start, long end, long resultRows) {
        if (query == null) {
            return String.format(Locale.ROOT, "analyze:  0 tasks on 0 workers, 0 rows and 0 bytes shipped, %d result rows%n"
                    + "timeline: done %s%n", resultRows, millis(start, end));
        }
        return String.format(Locale.ROOT, "analyze:  %d tasks on %d workers, %d rows and %d bytes shipped, %d result rows%n"
                + "timeline: planned %s, dispatched %s, first batch %s, last shard done %s, done %s%n",
                query.tasks(), query.workers(), query.rows(), query.bytes(), resultRows,
                millis(start, query.startNanos()), millis(start, query.dispatchedNanos()),
                millis(start, query.firstBatchNanos()), millis(start, query.lastEndNanos()), millis(start, end));
    }

    /** One {@code task:} line per task that answered: its shard, worker, rows, bytes and time since the start. */
    private static String perTask(io.mallard.coordinator.scheduling.QueryStats stats) {
        if (stats == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (io.mallard.coordinator.scheduling.QueryStats.TaskStats task : stats.tasks()) {
            out.append(String.format(Locale.ROOT, "task:     %s%s on %s%s: %d rows, %d bytes, %d ms, %s%n",
                    task.shardId(), task.stream() == null || task.stream().isEmpty() ? "" : " (" + task.stream() + ")",
                    task.workerId(), task.attempt() > 1 ? " (attempt " + task.attempt() + ")" : "", task.rows(),
                    task.bytes(), task.elapsedMillis(), task.state()));
        }
        return out.toString();
    }

    private static String millis(long start, long at) {
        return at == 0 ? "-" : String.format(Locale.ROOT, "%.1f ms", (at - start) / 1e6);
    }

    private static MallardException translate(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MallardException m) {
                return m;
            }
            if (t instanceof java.sql.SQLException sql) {
                return io.mallard.common.duck.DuckErrors.translate(sql);
            }
        }
        return new MallardException(ErrorCode.INTERNAL_ERROR, e.getMessage() == null ? e.toString() : e.getMessage(), e);
    }
}
