package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.Nodes;
import io.mallard.planner.sql.OutputColumn;
import io.mallard.planner.sql.SqlEngine;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * PUSHDOWN_SCAN and SHARD_LOCAL: a query whose joins stay shard-local and whose rows (for SHARD_LOCAL: groups, distinct
 * rows and window partitions, all keyed by the shard key) are each complete on one shard runs whole on every shard
 * (without its OFFSET; with ORDER BY and LIMIT as a per-shard top-N), and the coordinator concatenates, merge-sorts by
 * the output columns the ORDER BY names, and applies LIMIT and OFFSET.
 */
final class PushdownScanPlanner {
    private PushdownScanPlanner() {
    }

    static DistributedPlan plan(String sql, ObjectNode select, List<OutputColumn> output, String dataset, SqlEngine engine,
            Strategy strategy) {
        boolean shardLocal = strategy == Strategy.SHARD_LOCAL;
        Set<String> names = new HashSet<>();
        for (OutputColumn column : output) {
            if (!names.add(column.name().toLowerCase(Locale.ROOT))) {
                throw NotDistributed.because("row scans with two output columns named " + column.name(), null);
            }
        }
        Ast.forEachExpression(select.get("select_list"), e -> {
            if ("WINDOW".equals(Ast.exprClass(e)) && !shardLocal) {
                throw NotDistributed.because("window functions", e);
            }
            if ("SUBQUERY".equals(Ast.exprClass(e))) {
                throw NotDistributed.because("sub-queries", e);
            }
        });
        JsonNode order = null;
        JsonNode limit = null;
        JsonNode distinct = null;
        for (JsonNode modifier : select.path("modifiers")) {
            switch (Ast.type(modifier)) {
                case "ORDER_MODIFIER" -> order = modifier;
                case "LIMIT_MODIFIER" -> limit = modifier;
                case "DISTINCT_MODIFIER" -> {
                    if (!shardLocal) {
                        throw NotDistributed.because("SELECT DISTINCT over partitioned tables", null);
                    }
                    distinct = modifier;
                }
                default -> throw NotDistributed.because(Ast.type(modifier).toLowerCase(Locale.ROOT).replace('_', ' '), null);
            }
        }
        long limitRows = limit == null ? -1 : constant(limit.get("limit"));
        long offsetRows = limit == null ? 0 : Math.max(0, constant(limit.get("offset")));

        ObjectNode worker = select.deepCopy();
        ArrayNode workerModifiers = worker.putArray("modifiers");
        if (distinct != null) {
            workerModifiers.add(distinct.deepCopy());
        }
        boolean distinctOn = distinct != null && !distinct.path("distinct_on_targets").isEmpty();
        if (order != null && (distinctOn || limit != null && limitRows >= 0)) {
            // DISTINCT ON keeps the first row of each target by the ORDER BY, so the shard must sort too
            workerModifiers.add(order.deepCopy());
        }
        if (limit != null && limitRows >= 0) {
            // per-shard top-N: the global first N rows are among each shard's first N (ties broken either way)
            ObjectNode topN = limit.deepCopy();
            ObjectNode count = topN.with("limit");
            count.with("literal").put("kind", "INTEGER").put("text", Long.toString(limitRows + offsetRows));
            topN.putNull("offset");
            workerModifiers.add(topN);
        }

        ObjectNode combine = engine.parseSelect("SELECT 1 FROM " + DistributedPlan.PARTIALS);
        ArrayNode list = combine.putArray("select_list");
        for (OutputColumn column : output) {
            list.add(Nodes.withAlias(Nodes.cast(Nodes.columnRef(column.name()), engine.typeNode(column.type())), column.name()));
        }
        ArrayNode combineModifiers = combine.putArray("modifiers");
        if (order != null) {
            ObjectNode merged = order.deepCopy();
            for (JsonNode item : merged.withArray("orders")) {
                if ("STAR".equals(Ast.exprClass(item.get("expression")))) {
                    continue; // ORDER BY ALL: the combine selects exactly the output columns, in order
                }
                int index = outputIndex(item.get("expression"), select, output);
                ((ObjectNode) item).set("expression", Nodes.columnRef(output.get(index).name()));
            }
            combineModifiers.add(merged);
        }
        if (limit != null) {
            combineModifiers.add(limit.deepCopy());
        }
        return new DistributedPlan(strategy, sql,
                List.of(new DistributedPlan.WorkerStream(DistributedPlan.PARTIALS, dataset, engine.render(worker))),
                engine.render(combine), output, "");
    }

    /** A LIMIT or OFFSET that is an integer literal (or absent: -1); anything else cannot be split. */
    private static long constant(JsonNode node) {
        if (node == null || node.isNull()) {
            return -1;
        }
        if (Ast.isConstant(node) && node.path("literal").path("text").asText("").matches("\\d+")) {
            return Long.parseLong(node.path("literal").path("text").asText());
        }
        throw NotDistributed.because("LIMIT or OFFSET that is not a number", node);
    }

    /** The output column an ORDER BY item sorts by: by name or alias, by ordinal, or as a repeated select expression. */
    private static int outputIndex(JsonNode expression, ObjectNode select, List<OutputColumn> output) {
        if (Ast.isColumnRef(expression) && Ast.columnNames(expression).size() == 1) {
            String name = Ast.columnNames(expression).get(0);
            for (int i = 0; i < output.size(); i++) {
                if (output.get(i).name().equalsIgnoreCase(name)) {
                    return i;
                }
            }
        }
        if (Ast.isConstant(expression) && "INTEGER".equals(expression.path("literal").path("kind").asText())) {
            int ordinal = expression.path("literal").path("text").asInt();
            if (ordinal >= 1 && ordinal <= output.size()) {
                return ordinal - 1;
            }
        }
        JsonNode wanted = Ast.withoutPositions(expression);
        JsonNode items = select.path("select_list");
        if (items.size() == output.size()) {
            for (int i = 0; i < items.size(); i++) {
                if (Ast.withoutPositions(items.get(i)).equals(wanted)) {
                    return i;
                }
            }
        }
        throw NotDistributed.because("ORDER BY on something the query does not select", expression);
    }
}
