package io.mallard.planner.plan.aggregate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.FunctionCall;
import io.mallard.planner.ast.Nodes;
import io.mallard.planner.plan.Attempt;
import java.util.List;

/**
 * {@code min}, {@code max}, {@code bool_and}, {@code bool_or}, {@code bit_and}, {@code bit_or}, {@code bit_xor},
 * {@code any_value}: the final step is the same function over the shards' results. All but {@code bit_xor} also ignore
 * duplicate inputs, so they may run beside DISTINCT aggregates over deduplicated rows.
 */
final class SelfMergingDecomposition implements AggregateDecomposition {
    @Override
    public Attempt<ObjectNode> combine(FunctionCall aggregate, SplitContext split) {
        return Attempt.success(Nodes.function(aggregate.name(),
                List.of(split.partialRef(Nodes.withAlias(aggregate.node(), "")))));
    }

    @Override
    public boolean ignoresDuplicates(String function) {
        return !function.equals("bit_xor");
    }
}
