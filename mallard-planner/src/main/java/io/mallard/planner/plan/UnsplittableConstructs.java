package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.SelectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Constructs no split can keep exact: a sub-query outside WHERE would run on every shard over that shard's rows only
 * (WHERE sub-queries are checked by {@link ShardLocalSubqueries}); {@code COLUMNS(…)} expands to several columns the
 * split cannot follow; a COLLATE compares, groups and sorts differently from the plain partial columns the combine
 * sees. The planner then tries the sub-queries on their own, or gathers.
 */
final class UnsplittableConstructs {
    private static final List<String> PARTS = List.of("select_list", "group_expressions", "having", "qualify", "modifiers");

    private UnsplittableConstructs() {
    }

    /** The first such construct of the SELECT, in the order its parts are read, if it has one. */
    static Optional<Refusal> find(SelectNode select) {
        return find(select, e -> false);
    }

    /**
     * As {@link #find(SelectNode)}, but a sub-query of the select list that {@code shardLocal} accepts (with everything
     * inside it) is no such construct: each shard computes it alike.
     */
    static Optional<Refusal> find(SelectNode select, Predicate<ObjectNode> shardLocal) {
        List<ObjectNode> accepted = new ArrayList<>();
        Ast.forEachExpression(select.node().get("select_list"), e -> {
            if ("SUBQUERY".equals(Ast.exprClass(e)) && accepted.stream().noneMatch(a -> Ast.contains(a, e))
                    && shardLocal.test(e)) {
                accepted.add(e);
            }
        });
        Refusal[] found = {null};
        for (String part : PARTS) {
            Ast.forEachExpression(select.node().get(part), e -> {
                if (found[0] == null && accepted.stream().noneMatch(a -> Ast.contains(a, e))) {
                    found[0] = refusal(e);
                }
            });
        }
        return Optional.ofNullable(found[0]);
    }

    private static Refusal refusal(ObjectNode e) {
        String cls = Ast.exprClass(e);
        if ("SUBQUERY".equals(cls)) {
            return Refusal.because("sub-queries outside WHERE", e);
        }
        if ("STAR".equals(cls) && e.path("columns").asBoolean(false) && Ast.isPresent(e.get("expr"))) {
            return Refusal.because("COLUMNS(…) expressions", e);
        }
        if ("COLLATE".equals(cls)) {
            return Refusal.because("COLLATE outside WHERE", e);
        }
        return null;
    }
}
