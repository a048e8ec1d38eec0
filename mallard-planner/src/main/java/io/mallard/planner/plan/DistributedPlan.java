package io.mallard.planner.plan;

import io.mallard.planner.sql.OutputColumn;
import java.util.List;

/**
 * A query split for execution.
 *
 * @param dataset    whose shards run {@code workerSql} (null for LOCAL)
 * @param workerSql  the query every shard runs (null for LOCAL)
 * @param combineSql the query the coordinator runs over the workers' merged results, registered as
 *                   {@link #PARTIALS}; for LOCAL the whole query over the coordinator's full copies
 * @param output     the result columns, as a single DuckDB would return them
 */
public record DistributedPlan(Strategy strategy, String sql, String dataset, String workerSql, String combineSql,
        List<OutputColumn> output) {
    /** The name under which the workers' results are visible to {@link #combineSql}. */
    public static final String PARTIALS = "__mallard_partials";

    public boolean isDistributed() {
        return strategy != Strategy.LOCAL;
    }
}
