package io.mallard.planner.plan;

import java.util.List;

/** Renders a plan for people: EXPLAIN output and the demo's report. */
public final class PlanPrinter {
    private PlanPrinter() {
    }

    public static String print(DistributedPlan plan, List<String> shards) {
        StringBuilder out = new StringBuilder();
        out.append("strategy: ").append(plan.strategy()).append('\n');
        if (!plan.reason().isEmpty()) {
            out.append("because:  ").append(plan.reason()).append('\n');
        }
        if (plan.isDistributed()) {
            out.append("shards:   ").append(shards.size()).append('\n');
            for (DistributedPlan.SubPlan sub : plan.subplans()) {
                out.append("sub-query ").append(sub.name()).append(": ").append(sub.strategy()).append('\n');
                out.append("  worker:  ").append(sub.workerSql()).append('\n');
                out.append("  combine: ").append(sub.combineSql()).append('\n');
            }
            for (DistributedPlan.WorkerStream stream : plan.streams()) {
                if (stream.name().startsWith(DistributedPlan.SUBQUERY_STREAM)) {
                    continue;
                }
                out.append("worker:   ").append(stream.name().equals(DistributedPlan.PARTIALS) ? "" : stream.name() + " ← ")
                        .append(stream.sql()).append('\n');
            }
            out.append("combine:  ").append(plan.combineSql()).append('\n');
        } else {
            out.append("local:    ").append(plan.combineSql()).append('\n');
        }
        return out.toString();
    }
}
