package io.mallard.planner.plan.aggregate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.FunctionCall;
import io.mallard.planner.ast.Nodes;
import io.mallard.planner.plan.Attempt;
import java.util.List;

/** {@code avg(x)}, {@code mean(x)}: each shard ships {@code sum(x)} and {@code count(x)}; the combine divides Σsum by Σcount. */
final class AverageDecomposition implements AggregateDecomposition {
    @Override
    public Attempt<ObjectNode> combine(FunctionCall aggregate, SplitContext split) {
        // never an average of averages
        ObjectNode sum = split.partialRef(SplitContext.sameInputs(aggregate, "sum"));
        ObjectNode count = split.partialRef(SplitContext.sameInputs(aggregate, "count"));
        return Attempt.success(Nodes.operator("/",
                Nodes.cast(Nodes.function("sum", List.of(sum)), split.doubleType()),
                Nodes.cast(Nodes.function("sum", List.of(count)), split.doubleType())));
    }
}
