package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.catalog.Catalog;
import io.mallard.planner.plan.aggregate.PartialAggregateSplitter;
import io.mallard.planner.sql.SqlEngine;
import java.util.List;

/**
 * PUSHDOWN_AGG: an aggregation over shard-local joins: the shards compute partial aggregates per group and the
 * coordinator merges them into the final ones, then applies HAVING, windows, QUALIFY, ORDER BY and LIMIT
 * ({@link PartialAggregateSplitter}).
 */
final class PushdownAggregationStrategy extends PushdownStrategy {
    PushdownAggregationStrategy(Catalog catalog, SqlEngine engine) {
        super(Strategy.PUSHDOWN_AGG, catalog, engine);
    }

    @Override
    Attempt<DistributedPlan> plan(Statement statement, PushdownAnalysis analysis) {
        TableBindings bindings = analysis.bindings();
        List<ObjectNode> groups = ShardLocality.resolvedGroups(analysis.select(), bindings);
        return PartialAggregateSplitter.split(engine, analysis.select(), groups, statement.output(), bindings::canonical,
                        analysis.locality()::isShardKey)
                .map(split -> new DistributedPlan(Strategy.PUSHDOWN_AGG, statement.sql(),
                        List.of(new DistributedPlan.WorkerStream(DistributedPlan.PARTIALS, analysis.dataset(),
                                engine.render(split.worker().node()))),
                        engine.render(split.combine().node()), statement.output(), ""));
    }
}
