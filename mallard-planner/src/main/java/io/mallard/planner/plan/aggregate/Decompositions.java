package io.mallard.planner.plan.aggregate;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The aggregate families the planner can split, by function name (lower case). */
final class Decompositions {
    private final Map<String, AggregateDecomposition> byFunction = new HashMap<>();
    private final AggregateDecomposition distinctInputs = new DistinctInputsDecomposition(this);

    Decompositions() {
        register(new CountDecomposition(), "count_star", "count");
        register(new AverageDecomposition(), "avg", "mean");
        register(new SumDecomposition(), "sum", "product");
        register(new SelfMergingDecomposition(), "min", "max", "bool_and", "bool_or", "bit_and", "bit_or", "bit_xor", "any_value");
        register(new ArgExtremeDecomposition(), "arg_min", "arg_max", "min_by", "max_by", "argmin", "argmax");
        register(new MomentsDecomposition(), "var_pop", "var_samp", "variance", "stddev_pop", "stddev_samp", "stddev");
    }

    private void register(AggregateDecomposition family, String... functions) {
        for (String function : List.of(functions)) {
            byFunction.put(function, family);
        }
    }

    /** The family of a function, if the planner can split it. */
    Optional<AggregateDecomposition> of(String function) {
        return Optional.ofNullable(byFunction.get(function));
    }

    /** The decomposition of every aggregate of a query that has DISTINCT aggregates: over the distinct input rows. */
    AggregateDecomposition distinctInputs() {
        return distinctInputs;
    }

    /** Whether the function ignores duplicate inputs (min, max, bool_and, …), so it may stand beside DISTINCT aggregates. */
    boolean ignoresDuplicates(String function) {
        return of(function).map(f -> f.ignoresDuplicates(function)).orElse(false);
    }
}
