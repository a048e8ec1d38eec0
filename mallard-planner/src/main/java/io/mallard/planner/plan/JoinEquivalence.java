package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.ColumnEquality;
import io.mallard.planner.ast.ColumnKey;
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
    private final Map<ColumnKey, ColumnKey> parent = new HashMap<>();

    static JoinEquivalence of(TableBindings bindings, JsonNode where) {
        JoinEquivalence result = new JoinEquivalence();
        result.addConjuncts(where, bindings);
        for (JsonNode condition : bindings.joinConditions()) {
            result.addConjuncts(condition, bindings);
        }
        return result;
    }

    private void addConjuncts(JsonNode predicate, TableBindings bindings) {
        for (Pair pair : equalities(predicate, bindings)) {
            union(pair.first(), pair.second());
        }
    }

    /** Two columns said equal, in a fixed order, so that {@code a = b} and {@code b = a} compare equal. */
    private record Pair(ColumnKey first, ColumnKey second) {
        static Pair of(ColumnKey a, ColumnKey b) {
            return a.toString().compareTo(b.toString()) <= 0 ? new Pair(a, b) : new Pair(b, a);
        }
    }

    /**
     * The column equalities a predicate implies: its top-level {@code a = b} conjuncts, and those every branch of an OR
     * implies (TPC-H Q19 repeats {@code p_partkey = l_partkey} in each branch).
     */
    private static Set<Pair> equalities(JsonNode predicate, TableBindings bindings) {
        Set<Pair> pairs = new HashSet<>();
        if (!Ast.isPresent(predicate)) {
            return pairs;
        }
        switch (Ast.type(predicate)) {
            case "CONJUNCTION_AND" -> predicate.path("children").forEach(child -> pairs.addAll(equalities(child, bindings)));
            case "CONJUNCTION_OR" -> {
                boolean first = true;
                for (JsonNode branch : predicate.path("children")) {
                    Set<Pair> implied = equalities(branch, bindings);
                    if (first) {
                        pairs.addAll(implied);
                        first = false;
                    } else {
                        pairs.retainAll(implied);
                    }
                }
            }
            case "COMPARE_EQUAL" -> ColumnEquality.of(predicate).ifPresent(equality -> {
                Optional<ColumnKey> left = bindings.resolve(equality.left());
                Optional<ColumnKey> right = bindings.resolve(equality.right());
                if (left.isPresent() && right.isPresent()) {
                    pairs.add(Pair.of(left.get(), right.get()));
                }
            });
            default -> {
            }
        }
        return pairs;
    }

    boolean same(ColumnKey a, ColumnKey b) {
        return find(a).equals(find(b));
    }

    boolean allSame(List<ColumnKey> columns) {
        return columns.stream().allMatch(c -> same(c, columns.get(0)));
    }

    private ColumnKey find(ColumnKey x) {
        ColumnKey p = parent.getOrDefault(x, x);
        if (p.equals(x)) {
            return x;
        }
        ColumnKey root = find(p);
        parent.put(x, root);
        return root;
    }

    private void union(ColumnKey a, ColumnKey b) {
        ColumnKey ra = find(a);
        ColumnKey rb = find(b);
        if (!ra.equals(rb)) {
            parent.put(ra, rb);
        }
    }
}
