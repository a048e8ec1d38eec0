package io.mallard.planner.plan.aggregate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.FunctionCall;
import io.mallard.planner.ast.Nodes;
import io.mallard.planner.plan.Attempt;
import io.mallard.planner.plan.Refusal;
import java.util.List;

/**
 * {@code arg_min(x, k)}, {@code arg_max(x, k)} and their aliases ({@code min_by}, {@code max_by}, {@code argmin},
 * {@code argmax}): each shard ships its winner with its extreme key, and the combine picks the winner of those pairs.
 */
final class ArgExtremeDecomposition implements AggregateDecomposition {
    @Override
    public Attempt<ObjectNode> combine(FunctionCall aggregate, SplitContext split) {
        String name = aggregate.name();
        List<ObjectNode> args = aggregate.arguments();
        if (args.size() != 2) {
            return Attempt.refused(Refusal.because("aggregate function " + name + " with " + args.size() + " arguments",
                    aggregate.node()));
        }
        ObjectNode value = split.partialRef(Nodes.withAlias(aggregate.node(), ""));
        boolean minimum = name.startsWith("arg_min") || name.equals("min_by") || name.equals("argmin");
        // arg_min/arg_max skip rows whose value is NULL: the shard's extreme key must skip them too
        ObjectNode keyPartial = SplitContext.withArguments(aggregate, minimum ? "min" : "max", List.of(args.get(1)));
        ObjectNode notNull = split.fill("__x IS NOT NULL", args.get(0));
        keyPartial.set("filter", aggregate.filter().map(f -> Nodes.and(f.deepCopy(), notNull)).orElse(notNull));
        ObjectNode key = split.partialRef(keyPartial);
        return Attempt.success(Nodes.function(name, List.of(value, key)));
    }
}
