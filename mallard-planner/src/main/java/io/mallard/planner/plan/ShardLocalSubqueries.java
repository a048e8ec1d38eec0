package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.ColumnKey;
import io.mallard.planner.ast.ColumnRef;
import io.mallard.planner.ast.Conjuncts;
import io.mallard.planner.ast.SelectNode;
import io.mallard.planner.ast.SubqueryExpression;
import io.mallard.planner.catalog.Catalog;
import io.mallard.planner.catalog.TableKind;
import io.mallard.planner.plan.TableBindings.Binding;
import java.util.ArrayList;
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
    /** The outer query a sub-query is checked against: its bindings, its join equalities and its shard key. */
    private record Outer(TableBindings bindings, JoinEquivalence equal, ColumnKey key) {
    }

    private ShardLocalSubqueries() {
    }

    /** Why some sub-query of {@code where} cannot run on each shard with its outer query, if one cannot. */
    static Optional<Refusal> check(JsonNode where, TableBindings outer, String dataset, Catalog catalog) {
        List<SubqueryExpression> all = new ArrayList<>();
        Ast.forEachExpression(where, e -> SubqueryExpression.of(e).ifPresent(all::add));
        // a sub-query over replicated tables only reads the same complete rows on every shard, so it answers as on one
        // node, also as NOT IN, under OR or correlated with anything; the sub-queries nested in it were checked with it
        List<SubqueryExpression> subqueries = new ArrayList<>();
        List<JsonNode> replicatedOnly = new ArrayList<>();
        for (SubqueryExpression subquery : all) {
            boolean inside = false;
            for (JsonNode parent : replicatedOnly) {
                inside |= Ast.contains(parent, subquery.node());
            }
            if (inside) {
                continue;
            }
            if (readsOnlyReplicated(subquery, catalog)) {
                replicatedOnly.add(subquery.node());
            } else {
                subqueries.add(subquery);
            }
        }
        if (subqueries.isEmpty()) {
            return Optional.empty();
        }
        Optional<ColumnKey> outerKey = shardKey(outer);
        if (outerKey.isEmpty()) {
            return Optional.of(Refusal.because("sub-queries", subqueries.get(0).node()));
        }
        Outer context = new Outer(outer, JoinEquivalence.of(outer, where), outerKey.get());
        List<JsonNode> conjuncts = Conjuncts.of(where);
        // parents come first, so a sub-query nested in another is refused by its parent's check
        for (SubqueryExpression subquery : subqueries) {
            if ("ANY".equals(subquery.kind()) && conjuncts.stream().noneMatch(c -> c == subquery.node())) {
                // IN is three-valued: a NULL on one shard would turn NOT IN (or IN under OR, IS NULL …) wrong elsewhere
                return Optional.of(Refusal.because("IN sub-queries other than a top-level condition", subquery.node()));
            }
            Optional<Refusal> refusal = checkOne(subquery, context, dataset, catalog);
            if (refusal.isPresent()) {
                return refusal;
            }
        }
        return Optional.empty();
    }

    private static Optional<Refusal> checkOne(SubqueryExpression subquery, Outer outer, String dataset, Catalog catalog) {
        ObjectNode at = subquery.node();
        Optional<SelectNode> select = subquery.select();
        if (select.isEmpty() || !select.get().ctes().isEmpty() || !select.get().modifiers().isEmpty()) {
            return Optional.of(Refusal.because("sub-queries with set operations, WITH, ORDER BY, LIMIT or DISTINCT", at));
        }
        SelectNode inner = select.get();
        boolean[] nested = {false};
        Ast.forEachExpression(inner.node(), e -> {
            String cls = Ast.exprClass(e);
            nested[0] |= e != at && ("SUBQUERY".equals(cls) || "WINDOW".equals(cls));
        });
        if (nested[0]) {
            return Optional.of(Refusal.because("nested sub-queries", at));
        }
        Attempt<TableBindings> bound = TableBindings.of(inner.from(), catalog);
        if (!bound.succeeded()) {
            return Optional.of(bound.refusal());
        }
        TableBindings bindings = bound.value();
        if (bindings.bindings().stream().noneMatch(b -> b.table().kind() == TableKind.PARTITIONED)) {
            return Optional.of(Refusal.because("sub-queries over dimension tables only", at));
        }
        JsonNode where = inner.where().orElse(null);
        Attempt<String> innerDataset = ShardPlacementCheck.check(bindings, where, at);
        if (!innerDataset.succeeded()) {
            return Optional.of(innerDataset.refusal());
        }
        if (!innerDataset.value().equals(dataset)) {
            return Optional.of(Refusal.because("sub-queries over another dataset", at));
        }
        JoinEquivalence innerEqual = JoinEquivalence.of(bindings, where);
        Optional<ColumnKey> innerKey = shardKey(bindings);
        if (innerKey.isEmpty()) {
            return Optional.of(Refusal.because("sub-queries", at));
        }
        Outer self = new Outer(bindings, innerEqual, innerKey.get());
        switch (subquery.kind()) {
            case "EXISTS", "NOT_EXISTS" -> {
                if (inner.isGrouped() || inner.having().isPresent()) {
                    return Optional.of(Refusal.because("EXISTS over an aggregation", at));
                }
                if (!correlatedOnKeys(inner.whereConjuncts(), self, outer)) {
                    return Optional.of(Refusal.because("EXISTS not correlated on the shard key", at));
                }
                return Optional.empty();
            }
            case "ANY" -> {
                List<ObjectNode> selected = inner.selectList();
                boolean keys = "COMPARE_EQUAL".equals(subquery.comparison()) && selected.size() == 1
                        && isKey(subquery.child(), outer) && isKey(selected.get(0), self);
                boolean groupedOnKey = !inner.isGrouped();
                for (ObjectNode group : inner.groupExpressions()) {
                    groupedOnKey |= isKey(group, self);
                }
                if (!keys || !groupedOnKey) {
                    return Optional.of(Refusal.because("IN sub-queries that do not match shard key with shard key", at));
                }
                return Optional.empty();
            }
            default -> {
                return Optional.of(Refusal.because("sub-queries", at));
            }
        }
    }

    /**
     * Whether the sub-query reads replicated tables only (one or more, joined in any way), every sub-query nested in it
     * too, and nothing in it depends on the order of rows or on chance (no LIMIT, window function or sample): then every
     * shard holds all the rows it reads, and it gives every shard the answer it gives one node.
     */
    static boolean readsOnlyReplicated(SubqueryExpression subquery, Catalog catalog) {
        Optional<SelectNode> select = subquery.select();
        if (select.isEmpty() || !select.get().ctes().isEmpty() || select.get().modifier("LIMIT_MODIFIER").isPresent()
                || select.get().modifier("LIMIT_PERCENT_MODIFIER").isPresent()) {
            return false;
        }
        SelectNode inner = select.get();
        if (inner.hasSample()) {
            return false;
        }
        Attempt<TableBindings> bound = TableBindings.of(inner.from(), catalog);
        if (!bound.succeeded() || bound.value().bindings().isEmpty()
                || bound.value().bindings().stream().anyMatch(b -> b.table().kind() != TableKind.REPLICATED)) {
            return false;
        }
        boolean[] allowed = {true};
        Ast.forEachExpression(inner.node(), e -> {
            if (e == subquery.node()) {
                return;
            }
            if ("WINDOW".equals(Ast.exprClass(e))) {
                allowed[0] = false;
            }
            Optional<SubqueryExpression> nested = SubqueryExpression.of(e);
            if (nested.isPresent() && !readsOnlyReplicated(nested.get(), catalog)) {
                allowed[0] = false;
            }
        });
        return allowed[0];
    }

    /** A top-level conjunct {@code inner.key = outer.key} in the sub-query's WHERE. */
    private static boolean correlatedOnKeys(List<JsonNode> conjuncts, Outer inner, Outer outer) {
        for (JsonNode conjunct : conjuncts) {
            if (!"COMPARE_EQUAL".equals(Ast.type(conjunct))) {
                continue;
            }
            JsonNode left = conjunct.get("left");
            JsonNode right = conjunct.get("right");
            if (isKey(left, inner) && isOuterKey(right, inner, outer) || isKey(right, inner) && isOuterKey(left, inner, outer)) {
                return true;
            }
        }
        return false;
    }

    /** A column of the query's bindings in the class of its shard key. */
    private static boolean isKey(JsonNode expression, Outer query) {
        Optional<ColumnKey> resolved = query.bindings().resolve(expression);
        return resolved.isPresent() && query.equal().same(resolved.get(), query.key());
    }

    /** A column the sub-query cannot resolve itself and the outer query resolves into its shard key's class. */
    private static boolean isOuterKey(JsonNode expression, Outer inner, Outer outer) {
        Optional<ColumnRef> column = ColumnRef.of(expression);
        return column.isPresent() && inner.bindings().resolve(column.get()).isEmpty() && isKey(expression, outer);
    }

    private static Optional<ColumnKey> shardKey(TableBindings bindings) {
        for (Binding b : bindings.bindings()) {
            List<String> key = b.table().shardKey();
            if (b.table().kind() == TableKind.PARTITIONED && key.size() == 1) {
                return Optional.of(new ColumnKey(b.name(), key.get(0)));
            }
        }
        return Optional.empty();
    }
}
