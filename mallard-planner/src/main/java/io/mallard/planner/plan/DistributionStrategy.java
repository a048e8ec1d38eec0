package io.mallard.planner.plan;

/**
 * One way to distribute a statement (DESIGN.md §4), in the spirit of Trino's {@code Rule}: {@link #appliesTo} is its
 * pattern, a test of the statement's shape, and {@link #plan} returns the plan or a {@link Refusal} saying why
 * the statement cannot be distributed this way after all. {@link DistributedPlanner} asks the strategies in order and
 * takes the first plan; a refusal is a value it weighs, never an exception.
 */
interface DistributionStrategy {
    /** Whether the statement has the shape this strategy distributes; only then is {@link #plan} asked. */
    boolean appliesTo(Statement statement);

    /** The plan, or why this strategy cannot distribute the statement. */
    Attempt<DistributedPlan> plan(Statement statement);
}
