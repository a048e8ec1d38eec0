package io.mallard.planner.plan;

import java.util.List;

/** Renders a plan for people: EXPLAIN output and the demo's report. */
public final class PlanPrinter {
    private PlanPrinter() {
    }

    public static String print(DistributedPlan plan, List<String> shards) {
        StringBuilder out = new StringBuilder();
        out.append("strategy: ").append(plan.strategy()).append('\n');
        if (plan.isDistributed()) {
            out.append("dataset:  ").append(plan.dataset()).append(" (").append(shards.size()).append(" shards)\n");
            out.append("worker:   ").append(plan.workerSql()).append('\n');
            out.append("combine:  ").append(plan.combineSql()).append('\n');
        } else {
            out.append("local:    ").append(plan.combineSql()).append('\n');
        }
        return out.toString();
    }
}
