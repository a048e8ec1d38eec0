package io.mallard.planner.plan;

import io.mallard.planner.sql.OutputColumn;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A query split for execution.
 *
 * @param streams    what every shard of a stream's dataset runs, one Arrow stream each (none for LOCAL)
 * @param combineSql what the coordinator runs: for PUSHDOWN_AGG over the merged partials, registered as
 *                   {@link #PARTIALS}; for GATHER the original query over the coordinator's full copies with each
 *                   gathered table's merged rows in place of the table; for LOCAL the original query
 * @param output     the result columns, as a single DuckDB would return them
 * @param reason     why the planner chose this strategy, for EXPLAIN (empty when it is the natural one)
 * @param subplans   sub-queries pushed down on their own (their streams are among {@code streams}); the strategy is
 *                   then that of the outer query, which reads their merged results
 */
public record DistributedPlan(Strategy strategy, String sql, List<WorkerStream> streams, String combineSql,
        List<OutputColumn> output, String reason, List<SubPlan> subplans) {
    /** The name under which the workers' partial aggregates are visible to {@link #combineSql}. */
    public static final String PARTIALS = "__mallard_partials";
    /** Streams of sub-queries pushed down on their own are named this prefix and a number. */
    public static final String SUBQUERY_STREAM = "__mallard_sub";

    /**
     * One Arrow stream per shard: {@code sql} runs on every shard of {@code dataset}, and the merged result is visible
     * to the combine under {@code name}. A stream can be scanned once; {@code materialize} says the combine reads it
     * more than once (a table joined with itself), so the coordinator first stores it in a temporary table.
     */
    public record WorkerStream(String name, String dataset, String sql, boolean materialize) {
        public WorkerStream(String name, String dataset, String sql) {
            this(name, dataset, sql, false);
        }
    }

    /**
     * A sub-query planned on its own: {@code workerSql} runs on the shards as the stream {@code name}, and
     * {@code combineSql} (reading {@link #PARTIALS}) took the sub-query's place in the outer query, reading that stream.
     */
    public record SubPlan(String name, Strategy strategy, String workerSql, String combineSql) {
    }

    public DistributedPlan {
        streams = List.copyOf(streams);
        subplans = List.copyOf(subplans);
    }

    public DistributedPlan(Strategy strategy, String sql, List<WorkerStream> streams, String combineSql,
            List<OutputColumn> output, String reason) {
        this(strategy, sql, streams, combineSql, output, reason, List.of());
    }

    public boolean isDistributed() {
        return !streams.isEmpty();
    }

    /** Whether the combine runs next to the coordinator's full copies of dimension and replicated tables. */
    public boolean combinesOnReference() {
        return strategy == Strategy.GATHER || strategy == Strategy.LOCAL;
    }

    /** The worker SQL for display: the one statement, or one line per stream. */
    public String workerSql() {
        if (streams.isEmpty()) {
            return null;
        }
        if (streams.size() == 1 && streams.get(0).name().equals(PARTIALS)) {
            return streams.get(0).sql();
        }
        return streams.stream().map(s -> s.name() + ": " + s.sql()).collect(Collectors.joining("\n"));
    }

    /** The dataset of the first stream, or null for LOCAL. */
    public String dataset() {
        return streams.isEmpty() ? null : streams.get(0).dataset();
    }
}
