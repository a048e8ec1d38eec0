package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.Cte;
import io.mallard.planner.ast.TableRef;
import io.mallard.planner.catalog.Catalog;
import io.mallard.planner.sql.SqlEngine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Plans the sub-queries of a statement that cannot be pushed down whole: every CTE body, sub-query in FROM and
 * uncorrelated sub-query expression that reads partitioned tables and can itself be pushed down (PUSHDOWN_AGG,
 * PUSHDOWN_SCAN or SHARD_LOCAL) becomes a worker stream of its own, and its place in the statement is taken by its
 * combine query over that stream's merged rows. What still reads partitioned tables afterwards is gathered.
 *
 * <p>A sub-query is planned from its own SQL text, so it must mean the same on its own: one that names a CTE of an
 * enclosing query is skipped, and a correlated one fails to bind alone (an outer column is unknown there) and is
 * skipped too.
 */
final class SubqueryPlanner {
    private final SqlEngine engine;
    private final Catalog catalog;
    private final Function<String, Attempt<DistributedPlan>> pushdown;
    private final List<DistributedPlan.WorkerStream> streams = new ArrayList<>();
    private final List<DistributedPlan.SubPlan> subplans = new ArrayList<>();

    /** @param pushdown plans a query, given as SQL text, as a whole on the shards, or says why it cannot */
    SubqueryPlanner(SqlEngine engine, Catalog catalog, Function<String, Attempt<DistributedPlan>> pushdown) {
        this.engine = engine;
        this.catalog = catalog;
        this.pushdown = pushdown;
    }

    /** The statement with its pushable sub-queries replaced by their combines, or null when there was none. */
    ObjectNode rewrite(ObjectNode statement) {
        ObjectNode copy = statement.deepCopy();
        visitFields(copy, Set.of());
        return streams.isEmpty() ? null : copy;
    }

    List<DistributedPlan.WorkerStream> streams() {
        return streams;
    }

    List<DistributedPlan.SubPlan> subplans() {
        return subplans;
    }

    private void visit(JsonNode node, Set<String> ctes) {
        if (node == null || node.isNull()) {
            return;
        }
        if (node.isArray()) {
            node.forEach(child -> visit(child, ctes));
            return;
        }
        if (!node.isObject()) {
            return;
        }
        ObjectNode object = (ObjectNode) node;
        if ("SUBQUERY".equals(Ast.type(object)) && object.path("subquery").isObject()) {
            ObjectNode holder = (ObjectNode) object.get("subquery");
            if (!replace(holder, "node", ctes)) {
                visit(holder.get("node"), ctes);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!field.getKey().equals("subquery")) {
                    visit(field.getValue(), ctes);
                }
            }
            return;
        }
        visitFields(object, ctes);
    }

    /** Visits a query node's parts: its CTEs in order (each sees the ones before it), then everything else. */
    private void visitFields(ObjectNode object, Set<String> ctes) {
        Set<String> scope = ctes;
        List<Cte> defined = Cte.of(object);
        if (!defined.isEmpty()) {
            Set<String> visible = new HashSet<>(ctes);
            for (Cte cte : defined) {
                if (!replace(cte.holder(), "query_node", Set.copyOf(visible))) {
                    visit(cte.query(), Set.copyOf(visible));
                }
                visible.add(cte.name().toLowerCase(Locale.ROOT));
            }
            scope = Set.copyOf(visible);
        }
        if ("SET_OPERATION_NODE".equals(Ast.type(object))) {
            // each branch of a UNION, EXCEPT or INTERSECT is a query of its own
            for (String side : List.of("left", "right")) {
                if (object.path(side).isObject() && !replace(object, side, scope)) {
                    visit(object.get(side), scope);
                }
            }
            JsonNode children = object.path("children");
            for (int i = 0; i < children.size(); i++) {
                if (!replace((ArrayNode) children, i, scope)) {
                    visit(children.get(i), scope);
                }
            }
            visit(object.get("modifiers"), scope);
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getKey().equals("cte_map")) {
                visit(field.getValue(), scope);
            }
        }
    }

    /**
     * Replaces {@code holder.field} (a query node) by its combine when it can be pushed down on its own. Returns true
     * when nothing below it needs visiting: it was replaced, or it reads no partitioned table.
     */
    private boolean replace(ObjectNode holder, String field, Set<String> ctes) {
        ObjectNode combine = planAlone(holder.get(field), ctes);
        if (combine != null) {
            holder.set(field, combine);
        }
        return combine != null || !readsPartitioned(holder.get(field), ctes);
    }

    private boolean replace(ArrayNode holder, int index, Set<String> ctes) {
        ObjectNode combine = planAlone(holder.get(index), ctes);
        if (combine != null) {
            holder.set(index, combine);
        }
        return combine != null || !readsPartitioned(holder.get(index), ctes);
    }

    private boolean readsPartitioned(JsonNode query, Set<String> ctes) {
        Map<String, Integer> reads = new HashMap<>();
        PartitionedReads.count(query, ctes, catalog, reads);
        return !reads.isEmpty();
    }

    /** The combine that takes the query's place when it can be pushed down on its own, else null. */
    private ObjectNode planAlone(JsonNode inner, Set<String> ctes) {
        if (inner == null || !inner.isObject() || !readsPartitioned(inner, ctes) || namesAny(inner, ctes)) {
            return null;
        }
        Attempt<DistributedPlan> attempt = pushdown.apply(engine.render((ObjectNode) inner));
        if (!attempt.succeeded()) {
            return null; // correlated, or not pushable as a whole: its own sub-queries may still be
        }
        DistributedPlan plan = attempt.value();
        if (plan.strategy() != Strategy.PUSHDOWN_AGG && plan.strategy() != Strategy.PUSHDOWN_SCAN
                && plan.strategy() != Strategy.SHARD_LOCAL) {
            return null;
        }
        String name = DistributedPlan.SUBQUERY_STREAM + streams.size();
        DistributedPlan.WorkerStream stream = plan.streams().get(0);
        // materialized: a CTE may be read more than once, and an Arrow stream can be scanned only once
        streams.add(new DistributedPlan.WorkerStream(name, stream.dataset(), stream.sql(), true));
        subplans.add(new DistributedPlan.SubPlan(name, plan.strategy(), stream.sql(), plan.combineSql()));
        ObjectNode combine = engine.parseSelect(plan.combineSql());
        Ast.forEachObject(combine, o -> TableRef.of(o).filter(TableRef::isBaseTable)
                .filter(ref -> DistributedPlan.PARTIALS.equals(ref.tableName())).ifPresent(ref -> {
                    o.put("table_name", name);
                    o.putObject("qualified_name").putArray("path").add(name);
                }));
        return combine;
    }

    /** Whether the query names a table that is, where it stands, one of the enclosing CTEs. */
    private static boolean namesAny(JsonNode query, Set<String> ctes) {
        boolean[] found = {false};
        Ast.forEachObject(query, o -> TableRef.of(o).filter(TableRef::isBaseTable).ifPresent(ref -> found[0] |=
                ref.schema().isEmpty() && ctes.contains(ref.tableName().toLowerCase(Locale.ROOT))));
        return found[0];
    }
}
