package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.catalog.Catalog;
import io.mallard.planner.sql.SqlEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The statement as a whole cannot be pushed down: push down what of its sub-queries can be, each on its own
 * ({@link SubqueryPlanner}), and gather the partitioned rows the rest still reads (nothing, when only the sub-queries
 * read them). The plan is then LOCAL or GATHER, with the sub-plans listed. Refuses when no sub-query can be pushed down
 * on its own.
 */
final class SubqueryPushdown implements DistributionStrategy {
    private final Catalog catalog;
    private final SqlEngine engine;
    private final Function<String, Attempt<DistributedPlan>> pushdown;
    private final GatherStrategy gather;

    /** @param pushdown plans a query, given as SQL text, as a whole on the shards, or says why it cannot */
    SubqueryPushdown(Catalog catalog, SqlEngine engine, Function<String, Attempt<DistributedPlan>> pushdown,
            GatherStrategy gather) {
        this.catalog = catalog;
        this.engine = engine;
        this.pushdown = pushdown;
        this.gather = gather;
    }

    @Override
    public boolean appliesTo(Statement statement) {
        return statement.readsPartitioned();
    }

    @Override
    public Attempt<DistributedPlan> plan(Statement statement) {
        SubqueryPlanner subqueries = new SubqueryPlanner(engine, catalog, pushdown);
        ObjectNode rewritten = subqueries.rewrite(statement.tree());
        if (rewritten == null) {
            return Attempt.refused(Refusal.because("no sub-query that can be pushed down on its own", null));
        }
        String outer = engine.render(rewritten);
        List<DistributedPlan.WorkerStream> streams = new ArrayList<>(subqueries.streams());
        Strategy strategy = Strategy.LOCAL;
        String combine = outer;
        int count = subqueries.subplans().size();
        String why = count == 1 ? "1 sub-query pushed down on its own; the outer query runs on the coordinator over its merged result"
                : count + " sub-queries pushed down on their own; the outer query runs on the coordinator over their merged results";
        if (PartitionedReads.any(rewritten, catalog)) {
            String reason = statement.refusal().map(Refusal::reason).orElseThrow(
                    () -> new IllegalStateException("sub-queries are pushed down alone when the statement was refused"));
            DistributedPlan gathered = gather.gather(outer, rewritten, statement.output(), reason);
            streams.addAll(gathered.streams());
            combine = gathered.combineSql();
            strategy = Strategy.GATHER;
            why = gathered.reason() + "; " + why + " and the gathered rows";
        }
        return Attempt.success(new DistributedPlan(strategy, statement.sql(), streams, combine, statement.output(), why,
                subqueries.subplans()));
    }
}
