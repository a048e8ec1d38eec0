package io.mallard.planner.plan.aggregate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.FunctionCall;
import io.mallard.planner.plan.Attempt;

/**
 * How one family of aggregate functions splits into partial aggregates on the workers and a final expression over
 * them on the coordinator (DESIGN.md §4: never an average of averages).
 */
interface AggregateDecomposition {
    /**
     * The combine's expression for {@code aggregate}, over the partials it asks {@code split} for, or why it cannot be
     * split.
     */
    Attempt<ObjectNode> combine(FunctionCall aggregate, SplitContext split);

    /** Whether the function ignores duplicate inputs, so that it may run beside DISTINCT aggregates over distinct rows. */
    default boolean ignoresDuplicates(String function) {
        return false;
    }
}
