package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import io.mallard.planner.ast.Ast;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Classes of columns that an inner-join query forces equal: every top-level {@code a = b} between two columns in the
 * WHERE clause or a join condition, and those every branch of an OR repeats; an equality in only some branches of an
 * OR proves nothing.
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
        for (List<String> pair : equalities(predicate, bindings)) {
            union(pair.get(0), pair.get(1));
        }
    }

    /**
     * The column equalities a predicate implies: its top-level {@code a = b} conjuncts, and those every branch of an OR
     * implies (TPC-H Q19 repeats {@code p_partkey = l_partkey} in each branch).
     */
    private static Set<List<String>> equalities(JsonNode predicate, TableBindings bindings) {
        Set<List<String>> pairs = new HashSet<>();
        if (predicate == null || predicate.isNull()) {
            return pairs;
        }
        switch (Ast.type(predicate)) {
            case "CONJUNCTION_AND" -> predicate.path("children").forEach(child -> pairs.addAll(equalities(child, bindings)));
            case "CONJUNCTION_OR" -> {
                boolean first = true;
                for (JsonNode branch : predicate.path("children")) {
                    Set<List<String>> implied = equalities(branch, bindings);
                    if (first) {
                        pairs.addAll(implied);
                        first = false;
                    } else {
                        pairs.retainAll(implied);
                    }
                }
            }
            case "COMPARE_EQUAL" -> {
                if (Ast.isColumnRef(predicate.get("left")) && Ast.isColumnRef(predicate.get("right"))) {
                    Optional<String> left = bindings.resolve(Ast.columnNames(predicate.get("left")));
                    Optional<String> right = bindings.resolve(Ast.columnNames(predicate.get("right")));
                    if (left.isPresent() && right.isPresent()) {
                        pairs.add(left.get().compareTo(right.get()) <= 0
                                ? List.of(left.get(), right.get()) : List.of(right.get(), left.get()));
                    }
                }
            }
            default -> {
            }
        }
        return pairs;
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
