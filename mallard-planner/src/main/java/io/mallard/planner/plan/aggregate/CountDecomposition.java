package io.mallard.planner.plan.aggregate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.FunctionCall;
import io.mallard.planner.ast.Nodes;
import io.mallard.planner.plan.Attempt;
import java.util.List;

/**
 * {@code count(*)}, {@code count(x)}: each shard counts, the combine adds the counts up as BIGINT. Under grouping sets
 * the sum is {@code coalesce(…, 0)}: the grand-total set of a ROLLUP over no rows at all still counts 0, not NULL.
 * {@code count(DISTINCT k)} over the shard key counts per shard too: a key value lives on one shard only.
 */
final class CountDecomposition implements AggregateDecomposition {
    @Override
    public Attempt<ObjectNode> combine(FunctionCall aggregate, SplitContext split) {
        ObjectNode total = Nodes.function("sum", List.of(split.partialRef(Nodes.withAlias(aggregate.node(), ""))));
        if (split.groupingSets()) {
            total = split.fill("coalesce(__x, 0)", total);
        }
        return Attempt.success(Nodes.cast(total, split.engine().typeNode("BIGINT")));
    }
}
