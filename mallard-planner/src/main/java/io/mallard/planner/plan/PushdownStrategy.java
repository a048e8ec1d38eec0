package io.mallard.planner.plan;

import io.mallard.planner.catalog.Catalog;
import io.mallard.planner.sql.SqlEngine;

/**
 * A strategy that runs the statement as a whole on the shards (SHARD_LOCAL, PUSHDOWN_SCAN, PUSHDOWN_AGG). The three
 * share one {@link PushdownAnalysis}; each applies to the statements of its shape, and all of them to a statement the
 * analysis refuses, so that the first one asked reports why.
 */
abstract class PushdownStrategy implements DistributionStrategy {
    private final Strategy shape;
    private final Catalog catalog;
    final SqlEngine engine;

    PushdownStrategy(Strategy shape, Catalog catalog, SqlEngine engine) {
        this.shape = shape;
        this.catalog = catalog;
        this.engine = engine;
    }

    @Override
    public final boolean appliesTo(Statement statement) {
        if (!statement.readsPartitioned()) {
            return false;
        }
        Attempt<PushdownAnalysis> analysis = analysis(statement);
        return !analysis.succeeded() || analysis.value().shape() == shape;
    }

    @Override
    public final Attempt<DistributedPlan> plan(Statement statement) {
        return analysis(statement).then(analysis -> plan(statement, analysis));
    }

    /** The plan of a statement of this strategy's shape, or why it cannot be pushed down after all. */
    abstract Attempt<DistributedPlan> plan(Statement statement, PushdownAnalysis analysis);

    private Attempt<PushdownAnalysis> analysis(Statement statement) {
        return statement.pushdown(() -> PushdownAnalysis.of(statement, catalog, engine));
    }
}
