package io.mallard.planner.plan;

import java.util.List;

/** LOCAL: the statement reads no partitioned table, so the coordinator answers it from its full copies. */
final class LocalStrategy implements DistributionStrategy {
    @Override
    public boolean appliesTo(Statement statement) {
        return !statement.readsPartitioned();
    }

    @Override
    public Attempt<DistributedPlan> plan(Statement statement) {
        return Attempt.success(new DistributedPlan(Strategy.LOCAL, statement.sql(), List.of(), statement.sql(),
                statement.output(), ""));
    }
}
