package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import io.mallard.planner.ast.Ast;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Classes of columns that an inner-join query forces equal: every top-level {@code a = b} between two columns in the
 * WHERE clause or a join condition. Only conjuncts count; an equality under OR proves nothing.
 */
final class JoinEquivalence {
    private final Map<String, String> parent = new HashMap<>();

    static JoinEquivalence of(TableBindings bindings, JsonNode where) {
        JoinEquivalence result = new JoinEquivalence();
        result.addConjuncts(where, bindings);
        for (JsonNode condition : bindings.joinConditions()) {
            result.addConjuncts(condition, bindings);
        }
        return result;
    }

    private void addConjuncts(JsonNode predicate, TableBindings bindings) {
        if (predicate == null || predicate.isNull()) {
            return;
        }
        if ("CONJUNCTION_AND".equals(Ast.type(predicate))) {
            predicate.path("children").forEach(child -> addConjuncts(child, bindings));
            return;
        }
        if ("COMPARE_EQUAL".equals(Ast.type(predicate))
                && Ast.isColumnRef(predicate.get("left")) && Ast.isColumnRef(predicate.get("right"))) {
            Optional<String> left = bindings.resolve(Ast.columnNames(predicate.get("left")));
            Optional<String> right = bindings.resolve(Ast.columnNames(predicate.get("right")));
            if (left.isPresent() && right.isPresent()) {
                union(left.get(), right.get());
            }
        }
    }

    boolean same(String a, String b) {
        return find(a).equals(find(b));
    }

    boolean allSame(List<String> columns) {
        return columns.stream().allMatch(c -> same(c, columns.get(0)));
    }

    private String find(String x) {
        String p = parent.getOrDefault(x, x);
        if (p.equals(x)) {
            return x;
        }
        String root = find(p);
        parent.put(x, root);
        return root;
    }

    private void union(String a, String b) {
        String ra = find(a);
        String rb = find(b);
        if (!ra.equals(rb)) {
            parent.put(ra, rb);
        }
    }
}
