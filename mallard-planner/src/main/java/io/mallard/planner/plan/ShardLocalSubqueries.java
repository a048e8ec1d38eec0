package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.catalog.Catalog;
import io.mallard.planner.catalog.TableKind;
import io.mallard.planner.plan.TableBindings.Binding;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether the sub-queries of a WHERE clause can run on each shard with the outer query. A sub-query is
 * shard-local when, for an outer row with shard key k, every row it needs has shard key k too, so it lives on the
 * same shard:
 * <ul>
 *   <li>{@code EXISTS} / {@code NOT EXISTS} whose sub-query equates its partitioned table's shard key with the outer
 *       query's shard key (TPC-H Q4, Q21), with no aggregation inside;</li>
 *   <li>{@code key IN (SELECT key …)} on the shard keys of both sides, as a top-level condition of the WHERE clause,
 *       the sub-query grouped (if at all) by its shard key (TPC-H Q18).</li>
 * </ul>
 * The sub-query itself must obey the join rules (co-partitioned keys, dimension tables on their referenced key), read
 * the outer query's dataset, and contain no further sub-query, window function, ORDER BY or LIMIT. {@code NOT IN} is
 * refused: a NULL found on one shard changes the answer of every other shard.
 */
final class ShardLocalSubqueries {
    private ShardLocalSubqueries() {
    }

    static void check(JsonNode where, TableBindings outer, String dataset, Catalog catalog) {
        if (where == null || where.isNull()) {
            return;
        }
        List<ObjectNode> subqueries = new java.util.ArrayList<>();
        Ast.forEachExpression(where, e -> {
            if ("SUBQUERY".equals(Ast.exprClass(e))) {
                subqueries.add(e);
            }
        });
        if (subqueries.isEmpty()) {
            return;
        }
        JoinEquivalence outerEqual = JoinEquivalence.of(outer, where);
        String outerKey = shardKey(outer).orElseThrow(() -> NotDistributed.because("sub-queries", subqueries.get(0)));
        List<JsonNode> conjuncts = new java.util.ArrayList<>();
        topLevelConjuncts(where, conjuncts);
        // parents come first, so a sub-query nested in another is refused by its parent's check
        for (ObjectNode subquery : subqueries) {
            if ("ANY".equals(subquery.path("subquery_type").asText()) && conjuncts.stream().noneMatch(c -> c == subquery)) {
                // IN is three-valued: a NULL on one shard would turn NOT IN (or IN under OR, IS NULL …) wrong elsewhere
                throw NotDistributed.because("IN sub-queries other than a top-level condition", subquery);
            }
            checkOne(subquery, outer, outerEqual, outerKey, dataset, catalog);
        }
    }

    private static void checkOne(ObjectNode subquery, TableBindings outer, JoinEquivalence outerEqual, String outerKey,
            String dataset, Catalog catalog) {
        String kind = subquery.path("subquery_type").asText("");
        JsonNode inner = subquery.path("subquery").path("node");
        if (!"SELECT_NODE".equals(Ast.type(inner)) || inner.path("cte_map").path("map").size() > 0
                || inner.path("modifiers").size() > 0) {
            throw NotDistributed.because("sub-queries with set operations, WITH, ORDER BY, LIMIT or DISTINCT", subquery);
        }
        boolean[] nested = {false};
        Ast.forEachExpression(inner, e -> {
            String cls = Ast.exprClass(e);
            nested[0] |= e != subquery && ("SUBQUERY".equals(cls) || "WINDOW".equals(cls));
        });
        if (nested[0]) {
            throw NotDistributed.because("nested sub-queries", subquery);
        }
        TableBindings bindings = TableBindings.of(inner.get("from_table"), catalog);
        if (bindings.bindings().stream().noneMatch(b -> b.table().kind() == TableKind.PARTITIONED)) {
            throw NotDistributed.because("sub-queries over dimension tables only", subquery);
        }
        String innerDataset = ShardPlacementCheck.check(bindings, inner.get("where_clause"), subquery);
        if (!innerDataset.equals(dataset)) {
            throw NotDistributed.because("sub-queries over another dataset", subquery);
        }
        JoinEquivalence innerEqual = JoinEquivalence.of(bindings, inner.get("where_clause"));
        String innerKey = shardKey(bindings).orElseThrow(() -> NotDistributed.because("sub-queries", subquery));
        boolean grouped = inner.path("group_expressions").size() > 0;
        switch (kind) {
            case "EXISTS", "NOT_EXISTS" -> {
                if (grouped || inner.path("having").isObject()) {
                    throw NotDistributed.because("EXISTS over an aggregation", subquery);
                }
                if (!correlatedOnKeys(inner.get("where_clause"), bindings, innerEqual, innerKey, outer, outerEqual, outerKey)) {
                    throw NotDistributed.because("EXISTS not correlated on the shard key", subquery);
                }
            }
            case "ANY" -> {
                JsonNode child = subquery.get("child");
                JsonNode selected = inner.path("select_list").path(0);
                boolean keys = "COMPARE_EQUAL".equals(subquery.path("comparison_type").asText())
                        && inner.path("select_list").size() == 1
                        && isKey(child, outer, outerEqual, outerKey) && isKey(selected, bindings, innerEqual, innerKey);
                boolean groupedOnKey = !grouped;
                for (JsonNode group : inner.path("group_expressions")) {
                    groupedOnKey |= isKey(group, bindings, innerEqual, innerKey);
                }
                if (!keys || !groupedOnKey) {
                    throw NotDistributed.because("IN sub-queries that do not match shard key with shard key", subquery);
                }
            }
            default -> throw NotDistributed.because("sub-queries", subquery);
        }
    }

    private static void topLevelConjuncts(JsonNode predicate, List<JsonNode> out) {
        if ("CONJUNCTION_AND".equals(Ast.type(predicate))) {
            predicate.path("children").forEach(child -> topLevelConjuncts(child, out));
        } else {
            out.add(predicate);
        }
    }

    /** A top-level conjunct {@code inner.key = outer.key} in the sub-query's WHERE. */
    private static boolean correlatedOnKeys(JsonNode where, TableBindings inner, JoinEquivalence innerEqual, String innerKey,
            TableBindings outer, JoinEquivalence outerEqual, String outerKey) {
        if (where == null || where.isNull()) {
            return false;
        }
        if ("CONJUNCTION_AND".equals(Ast.type(where))) {
            for (JsonNode child : where.path("children")) {
                if (correlatedOnKeys(child, inner, innerEqual, innerKey, outer, outerEqual, outerKey)) {
                    return true;
                }
            }
            return false;
        }
        if (!"COMPARE_EQUAL".equals(Ast.type(where))) {
            return false;
        }
        JsonNode left = where.get("left");
        JsonNode right = where.get("right");
        return isKey(left, inner, innerEqual, innerKey) && isOuterKey(right, inner, outer, outerEqual, outerKey)
                || isKey(right, inner, innerEqual, innerKey) && isOuterKey(left, inner, outer, outerEqual, outerKey);
    }

    /** A column of {@code bindings} in the class of its shard key. */
    private static boolean isKey(JsonNode expression, TableBindings bindings, JoinEquivalence equal, String key) {
        if (!Ast.isColumnRef(expression)) {
            return false;
        }
        Optional<String> resolved = bindings.resolve(Ast.columnNames(expression));
        return resolved.isPresent() && equal.same(resolved.get(), key);
    }

    /** A column the sub-query cannot resolve itself and the outer query resolves into its shard key's class. */
    private static boolean isOuterKey(JsonNode expression, TableBindings inner, TableBindings outer, JoinEquivalence outerEqual,
            String outerKey) {
        return Ast.isColumnRef(expression) && inner.resolve(Ast.columnNames(expression)).isEmpty()
                && isKey(expression, outer, outerEqual, outerKey);
    }

    private static Optional<String> shardKey(TableBindings bindings) {
        for (Binding b : bindings.bindings()) {
            List<String> key = b.table().shardKey();
            if (b.table().kind() == TableKind.PARTITIONED && key.size() == 1) {
                return Optional.of(TableBindings.key(b.name(), key.get(0)));
            }
        }
        return Optional.empty();
    }
}
