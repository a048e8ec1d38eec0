package io.mallard.planner.plan.aggregate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.FunctionCall;
import io.mallard.planner.ast.Nodes;
import io.mallard.planner.plan.Attempt;
import io.mallard.planner.plan.Refusal;
import java.util.ArrayList;
import java.util.List;

/**
 * DISTINCT aggregates ({@code count(DISTINCT x)}, {@code sum(DISTINCT x)}, …): the workers ship the distinct
 * (group keys, aggregate inputs) rows, {@code GROUP BY keys, x}, and the combine runs each aggregate as written over
 * those rows' input columns. Once one aggregate of the query needs this, every other one is computed this way too, and
 * only aggregates that ignore duplicate inputs may stand beside the DISTINCT ones.
 */
final class DistinctInputsDecomposition implements AggregateDecomposition {
    private final Decompositions families;

    DistinctInputsDecomposition(Decompositions families) {
        this.families = families;
    }

    @Override
    public Attempt<ObjectNode> combine(FunctionCall aggregate, SplitContext split) {
        String name = aggregate.name();
        if (!aggregate.isDistinct() && !families.ignoresDuplicates(name)) {
            return refuse("DISTINCT aggregates beside " + name, aggregate);
        }
        if (aggregate.filter().isPresent()) {
            return refuse("DISTINCT aggregates with FILTER", aggregate);
        }
        if (aggregate.isOrdered()) {
            return refuse("aggregate function " + name + " with ORDER BY", aggregate);
        }
        List<ObjectNode> columns = new ArrayList<>();
        for (ObjectNode argument : aggregate.arguments()) {
            columns.add(Ast.isConstant(argument) ? argument : Nodes.columnRef(split.partial(argument)));
        }
        return Attempt.success(SplitContext.withArguments(aggregate, name, columns));
    }

    private static Attempt<ObjectNode> refuse(String construct, FunctionCall aggregate) {
        return Attempt.refused(Refusal.because(construct, aggregate.node()));
    }
}
