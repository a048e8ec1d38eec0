package io.mallard.planner.plan.aggregate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.FunctionCall;
import io.mallard.planner.ast.Nodes;
import io.mallard.planner.plan.Attempt;
import java.util.List;

/**
 * {@code sum(x)}, {@code product(x)}: the same function over the shards' partials (associative and commutative). A sum
 * is NULL only when every partial is; an integer sum arrives from the workers as HUGEINT (an Arrow extension type) and the
 * combine's cast to the single-node type keeps it exact. Both count every input, so neither may stand beside DISTINCT
 * aggregates.
 */
final class SumDecomposition implements AggregateDecomposition {
    @Override
    public Attempt<ObjectNode> combine(FunctionCall aggregate, SplitContext split) {
        return Attempt.success(Nodes.function(aggregate.name(),
                List.of(split.partialRef(Nodes.withAlias(aggregate.node(), "")))));
    }
}
