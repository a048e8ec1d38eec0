package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.sql.OutputColumn;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A statement being planned: its text, DuckDB's tree of it, the columns it returns, whether it reads partitioned
 * tables, and what the strategies tried so far found out about it: the analysis the pushdown strategies share, and the
 * first refusal, which a fallback names as its reason.
 */
final class Statement {
    private final String sql;
    private final ObjectNode tree;
    private final List<OutputColumn> output;
    private final boolean readsPartitioned;
    private Attempt<PushdownAnalysis> pushdown;
    private Refusal refusal;

    Statement(String sql, ObjectNode tree, List<OutputColumn> output, boolean readsPartitioned) {
        this.sql = sql;
        this.tree = tree;
        this.output = List.copyOf(output);
        this.readsPartitioned = readsPartitioned;
    }

    String sql() {
        return sql;
    }

    /** DuckDB's tree of the statement, as parsed; strategies rewrite copies of it. */
    ObjectNode tree() {
        return tree;
    }

    List<OutputColumn> output() {
        return output;
    }

    /** Whether any table the statement reads is partitioned (CTE names respected in their scope). */
    boolean readsPartitioned() {
        return readsPartitioned;
    }

    /** The analysis the pushdown strategies share, made by {@code analyze} on first use. */
    Attempt<PushdownAnalysis> pushdown(Supplier<Attempt<PushdownAnalysis>> analyze) {
        if (pushdown == null) {
            pushdown = analyze.get();
        }
        return pushdown;
    }

    /** Why the statement could not be pushed down as a whole: the first refusal of a strategy tried on it. */
    Optional<Refusal> refusal() {
        return Optional.ofNullable(refusal);
    }

    /** Records a strategy's refusal; the first one stays the statement's reason. */
    void refused(Refusal why) {
        if (refusal == null) {
            refusal = why;
        }
    }
}
