package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.SelectNode;
import io.mallard.planner.ast.SubqueryExpression;
import io.mallard.planner.catalog.Catalog;
import io.mallard.planner.sql.SqlEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What the three pushdown strategies (SHARD_LOCAL, PUSHDOWN_SCAN, PUSHDOWN_AGG) need to know of a statement, found
 * once: it is one SELECT (no set operation, WITH or sample), splittable, its joins and WHERE sub-queries are
 * shard-local, and its shape picks one of them.
 *
 * @param select     the SELECT, with GROUP BY ALL written out
 * @param bindings   its FROM clause's tables (sub-queries in FROM bound as partitioned tables where they split)
 * @param dataset    the dataset whose shards answer it
 * @param locality   which expressions are the shard key
 * @param aggregates whether it groups or aggregates
 * @param shape      the one pushdown strategy whose shape it has
 * @param shardLocalSubquery which sub-queries of the select list every shard computes alike (over replicated tables
 *                   only, in a query that does not aggregate)
 */
record PushdownAnalysis(SelectNode select, TableBindings bindings, String dataset, ShardLocality locality, boolean aggregates,
        Strategy shape, Predicate<ObjectNode> shardLocalSubquery) {

    /** The analysis of a statement that reads partitioned tables, or the first reason it cannot be pushed down. */
    static Attempt<PushdownAnalysis> of(Statement statement, Catalog catalog, SqlEngine engine) {
        Optional<SelectNode> parsed = SelectNode.of(statement.tree());
        if (parsed.isEmpty()) {
            return refuse("set operations (UNION, EXCEPT, INTERSECT) over partitioned tables", null);
        }
        if (!parsed.get().ctes().isEmpty()) {
            return refuse("WITH clauses over partitioned tables", null);
        }
        if (parsed.get().hasSample()) {
            return refuse("USING SAMPLE", null);
        }
        // a select-list sub-query over replicated tables only gives every shard's rows what one node gives them, while
        // no aggregation needs it again in the combine
        boolean grouped = groupsOrAggregatesItself(parsed.get(), engine);
        Predicate<ObjectNode> shardLocalSubquery = e -> !grouped
                && SubqueryExpression.of(e).map(sub -> ShardLocalSubqueries.readsOnlyReplicated(sub, catalog)).orElse(false);
        Optional<Refusal> unsplittable = UnsplittableConstructs.find(parsed.get(), shardLocalSubquery);
        if (unsplittable.isPresent()) {
            return Attempt.refused(unsplittable.get());
        }
        SelectNode select = ShardLocality.expandGroupByAll(parsed.get(), engine);
        JsonNode where = select.where().orElse(null);
        Attempt<TableBindings> bound = TableBindings.of(select.from(), catalog, new DerivedTables(catalog, engine));
        if (!bound.succeeded()) {
            return Attempt.refused(bound.refusal());
        }
        TableBindings bindings = bound.value();
        Attempt<String> dataset = ShardPlacementCheck.check(bindings, where, select.from().node());
        if (!dataset.succeeded()) {
            return Attempt.refused(dataset.refusal());
        }
        Optional<Refusal> subqueries = ShardLocalSubqueries.check(where, bindings, dataset.value(), catalog);
        if (subqueries.isPresent()) {
            return Attempt.refused(subqueries.get());
        }
        boolean aggregates = groupsOrAggregatesItself(select, engine);
        ShardLocality locality = new ShardLocality(bindings, where);
        Strategy shape;
        if (locality.applies(select, aggregates)) {
            shape = Strategy.SHARD_LOCAL;
        } else if (select.isDistinct()) {
            return refuse("SELECT DISTINCT over partitioned tables without the shard key", null);
        } else {
            shape = aggregates ? Strategy.PUSHDOWN_AGG : Strategy.PUSHDOWN_SCAN;
        }
        return Attempt.success(new PushdownAnalysis(select, bindings, dataset.value(), locality, aggregates, shape,
                shardLocalSubquery));
    }

    /** Whether the SELECT groups, or its select list calls an aggregate function. */
    /**
     * Whether the SELECT groups (GROUP BY ALL too) or its select list calls an aggregate function outside its
     * sub-queries (an aggregate inside a sub-query is the sub-query's own).
     */
    private static boolean groupsOrAggregatesItself(SelectNode select, SqlEngine engine) {
        if (select.isGrouped() || "FORCE_AGGREGATES".equals(select.node().path("aggregate_handling").asText())) {
            return true;
        }
        List<ObjectNode> subqueries = new ArrayList<>();
        boolean[] found = {false};
        Ast.forEachExpression(select.selectList(), e -> {
            if (subqueries.stream().anyMatch(q -> Ast.contains(q, e))) {
                return;
            }
            if ("SUBQUERY".equals(Ast.exprClass(e))) {
                subqueries.add(e);
            } else if (Ast.isFunction(e) && engine.aggregateFunctions().contains(Ast.functionName(e))) {
                found[0] = true;
            }
        });
        return found[0];
    }

    static boolean aggregates(SelectNode select, SqlEngine engine) {
        if (select.isGrouped()) {
            return true;
        }
        boolean[] found = {false};
        Ast.forEachExpression(select.selectList(), e -> {
            if (Ast.isFunction(e) && engine.aggregateFunctions().contains(Ast.functionName(e))) {
                found[0] = true;
            }
        });
        return found[0];
    }

    private static Attempt<PushdownAnalysis> refuse(String construct, JsonNode at) {
        return Attempt.refused(Refusal.because(construct, at));
    }
}
