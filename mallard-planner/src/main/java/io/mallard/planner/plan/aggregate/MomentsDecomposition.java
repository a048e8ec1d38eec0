package io.mallard.planner.plan.aggregate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.ColumnRef;
import io.mallard.planner.ast.FunctionCall;
import io.mallard.planner.ast.Nodes;
import io.mallard.planner.plan.Attempt;
import io.mallard.planner.plan.DistributedPlan;
import io.mallard.planner.plan.Refusal;
import java.util.List;

/**
 * Variance and standard deviation ({@code var_pop}, {@code var_samp}/{@code variance}, {@code stddev_pop},
 * {@code stddev_samp}/{@code stddev}), merged with Chan et al.'s parallel formula: each shard ships n, mean and
 * M2 = var_pop·n; the combine computes each group's grand mean (a window over the partials) and
 * M2 = ΣM2ᵢ + Σnᵢ(meanᵢ − mean)², never the cancellation-prone Σx² − n·mean². Refused under grouping sets, where the
 * window would need one partition per set.
 */
final class MomentsDecomposition implements AggregateDecomposition {
    @Override
    public Attempt<ObjectNode> combine(FunctionCall aggregate, SplitContext split) {
        String name = aggregate.name();
        if (split.groupingSets()) {
            return Attempt.refused(Refusal.because(name + " with GROUPING SETS, ROLLUP or CUBE", aggregate.node()));
        }
        List<ObjectNode> args = aggregate.arguments();
        ObjectNode doubleType = split.doubleType();
        String n = split.partial(SplitContext.withArguments(aggregate, "count", args));
        String mean = split.partial(Nodes.cast(SplitContext.withArguments(aggregate, "avg", args), doubleType));
        String m2 = split.partial(Nodes.operator("*", SplitContext.withArguments(aggregate, "var_pop", args),
                Nodes.cast(SplitContext.withArguments(aggregate, "count", args), doubleType)));
        String grand = split.window(grandMean(split, n, mean));
        ObjectNode deviation = Nodes.operator("-", Nodes.columnRef(mean), Nodes.columnRef(grand));
        ObjectNode total = Nodes.operator("+", Nodes.function("sum", List.of(Nodes.columnRef(m2))),
                Nodes.function("sum", List.of(Nodes.operator("*", Nodes.columnRef(n),
                        Nodes.operator("*", deviation, deviation.deepCopy())))));
        // clamp rounding below zero, but keep NULL (no rows): greatest() skips NULLs, and 0·NULL is NULL
        ObjectNode m2Total = Nodes.function("greatest", List.of(total,
                Nodes.operator("*", split.doubleConstant("0"), total.deepCopy())));
        ObjectNode count = Nodes.cast(Nodes.function("sum", List.of(Nodes.columnRef(n))), doubleType);
        boolean sample = !name.endsWith("_pop");
        // one row gives NULL for the sample forms, as on one node
        ObjectNode divisor = Nodes.function("nullif", List.of(
                sample ? Nodes.operator("-", count, split.doubleConstant("1")) : count, split.doubleConstant("0")));
        ObjectNode variance = Nodes.operator("/", m2Total, divisor);
        return Attempt.success(name.startsWith("stddev") ? Nodes.function("sqrt", List.of(variance)) : variance);
    }

    /** Σ(nᵢ·meanᵢ) / Σnᵢ over the partials of the row's group: a window partitioned by the group columns. */
    private static ObjectNode grandMean(SplitContext split, String n, String mean) {
        ObjectNode template = split.engine().parseSelect(
                "SELECT sum(__n * __m) OVER (PARTITION BY __g) / sum(__n) OVER (PARTITION BY __g) FROM " + DistributedPlan.PARTIALS);
        ObjectNode window = (ObjectNode) Ast.rewrite(template.path("select_list").get(0), e -> {
            String placeholder = ColumnRef.of(e).filter(ColumnRef::isUnqualified).map(ColumnRef::column).orElse("");
            return switch (placeholder) {
                case "__n" -> Nodes.columnRef(n);
                case "__m" -> Nodes.columnRef(mean);
                default -> null;
            };
        });
        Ast.forEachObject(window, o -> {
            if ("WINDOW".equals(Ast.exprClass(o))) {
                ArrayNode partitions = o.putArray("partitions");
                split.groupColumns().forEach(g -> partitions.add(Nodes.columnRef(g)));
            }
        });
        return window;
    }
}
