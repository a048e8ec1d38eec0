package io.mallard.planner.plan;

import io.mallard.planner.catalog.Catalog;
import io.mallard.planner.sql.SqlEngine;

/**
 * PUSHDOWN_SCAN: a statement without aggregation whose joins stay shard-local: the shards return their filtered,
 * projected rows (a per-shard top-N under ORDER BY … LIMIT) and the coordinator concatenates or merge-sorts them
 * ({@link RowPushdown}).
 */
final class PushdownScanStrategy extends PushdownStrategy {
    PushdownScanStrategy(Catalog catalog, SqlEngine engine) {
        super(Strategy.PUSHDOWN_SCAN, catalog, engine);
    }

    @Override
    Attempt<DistributedPlan> plan(Statement statement, PushdownAnalysis analysis) {
        if (analysis.select().qualify().isPresent()) {
            // QUALIFY filters by windows over all rows, which no shard sees
            return Attempt.refused(Refusal.because("QUALIFY", analysis.select().qualify().get()));
        }
        return RowPushdown.plan(statement, analysis, Strategy.PUSHDOWN_SCAN, engine);
    }
}
