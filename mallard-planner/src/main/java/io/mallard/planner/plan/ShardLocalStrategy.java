package io.mallard.planner.plan;

import io.mallard.planner.catalog.Catalog;
import io.mallard.planner.sql.SqlEngine;

/**
 * SHARD_LOCAL: every GROUP BY, DISTINCT and window PARTITION BY of the statement includes the shard key
 * ({@link ShardLocality}), so each shard answers its part whole and the coordinator concatenates, merge-sorts and
 * limits ({@link RowPushdown}).
 */
final class ShardLocalStrategy extends PushdownStrategy {
    ShardLocalStrategy(Catalog catalog, SqlEngine engine) {
        super(Strategy.SHARD_LOCAL, catalog, engine);
    }

    @Override
    Attempt<DistributedPlan> plan(Statement statement, PushdownAnalysis analysis) {
        return RowPushdown.plan(statement, analysis, Strategy.SHARD_LOCAL, engine);
    }
}
