package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.ColumnRef;
import io.mallard.planner.ast.Nodes;
import io.mallard.planner.ast.SelectNode;
import io.mallard.planner.sql.OutputColumn;
import io.mallard.planner.sql.SqlEngine;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The plan of PUSHDOWN_SCAN and SHARD_LOCAL: a query whose joins stay shard-local and whose rows (for SHARD_LOCAL:
 * groups, distinct rows and window partitions, all keyed by the shard key) are each complete on one shard runs whole on
 * every shard (without its OFFSET; with ORDER BY and LIMIT as a per-shard top-N), and the coordinator concatenates,
 * merge-sorts by the output columns the ORDER BY names, and applies LIMIT and OFFSET.
 */
final class RowPushdown {
    private RowPushdown() {
    }

    static Attempt<DistributedPlan> plan(Statement statement, PushdownAnalysis analysis, Strategy strategy, SqlEngine engine) {
        boolean shardLocal = strategy == Strategy.SHARD_LOCAL;
        SelectNode select = analysis.select();
        List<OutputColumn> output = statement.output();
        Set<String> names = new HashSet<>();
        for (OutputColumn column : output) {
            if (!names.add(column.name().toLowerCase(Locale.ROOT))) {
                return refuse("row scans with two output columns named " + column.name(), null);
            }
        }
        ObjectNode[] refused = {null};
        String[] construct = {null};
        Ast.forEachExpression(select.selectList(), e -> {
            if (refused[0] != null) {
                return;
            }
            if ("WINDOW".equals(Ast.exprClass(e)) && !shardLocal) {
                refused[0] = e;
                construct[0] = "window functions";
            } else if ("SUBQUERY".equals(Ast.exprClass(e)) && !analysis.shardLocalSubquery().test(e)) {
                refused[0] = e;
                construct[0] = "sub-queries";
            }
        });
        if (refused[0] != null) {
            return refuse(construct[0], refused[0]);
        }
        ObjectNode order = null;
        ObjectNode limit = null;
        ObjectNode distinct = null;
        for (ObjectNode modifier : select.modifiers()) {
            switch (Ast.type(modifier)) {
                case "ORDER_MODIFIER" -> order = modifier;
                case "LIMIT_MODIFIER" -> limit = modifier;
                case "DISTINCT_MODIFIER" -> {
                    if (!shardLocal) {
                        return refuse("SELECT DISTINCT over partitioned tables", null);
                    }
                    distinct = modifier;
                }
                default -> {
                    return refuse(Ast.type(modifier).toLowerCase(Locale.ROOT).replace('_', ' '), null);
                }
            }
        }
        long limitRows = -1;
        long offsetRows = 0;
        if (limit != null) {
            Attempt<OptionalLong> count = constant(limit.get("limit"));
            if (!count.succeeded()) {
                return Attempt.refused(count.refusal());
            }
            Attempt<OptionalLong> offset = constant(limit.get("offset"));
            if (!offset.succeeded()) {
                return Attempt.refused(offset.refusal());
            }
            limitRows = count.value().orElse(-1);
            offsetRows = offset.value().orElse(0);
        }

        SelectNode worker = select.copy();
        List<ObjectNode> workerModifiers = new ArrayList<>();
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
            topN.withObjectProperty("limit").withObjectProperty("literal")
                    .put("kind", "INTEGER").put("text", Long.toString(limitRows + offsetRows));
            topN.putNull("offset");
            workerModifiers.add(topN);
        }
        worker.setModifiers(workerModifiers);

        SelectNode combine = new SelectNode(engine.parseSelect("SELECT 1 FROM " + DistributedPlan.PARTIALS));
        List<ObjectNode> list = new ArrayList<>();
        for (OutputColumn column : output) {
            list.add(Nodes.withAlias(Nodes.cast(Nodes.columnRef(column.name()), engine.typeNode(column.type())), column.name()));
        }
        combine.setSelectList(list);
        List<ObjectNode> combineModifiers = new ArrayList<>();
        if (order != null) {
            ObjectNode merged = order.deepCopy();
            for (JsonNode item : merged.withArray("orders")) {
                if ("STAR".equals(Ast.exprClass(item.get("expression")))) {
                    continue; // ORDER BY ALL: the combine selects exactly the output columns, in order
                }
                Optional<Integer> index = outputIndex(item.get("expression"), select, output);
                if (index.isEmpty()) {
                    return refuse("ORDER BY on something the query does not select", item.get("expression"));
                }
                ((ObjectNode) item).set("expression", Nodes.columnRef(output.get(index.get()).name()));
            }
            combineModifiers.add(merged);
        }
        if (limit != null) {
            combineModifiers.add(limit.deepCopy());
        }
        combine.setModifiers(combineModifiers);
        return Attempt.success(new DistributedPlan(strategy, statement.sql(),
                List.of(new DistributedPlan.WorkerStream(DistributedPlan.PARTIALS, analysis.dataset(), engine.render(worker.node()))),
                engine.render(combine.node()), output, ""));
    }

    /** A LIMIT or OFFSET that is an integer literal (or absent: empty); anything else cannot be split. */
    private static Attempt<OptionalLong> constant(JsonNode node) {
        if (!Ast.isPresent(node)) {
            return Attempt.success(OptionalLong.empty());
        }
        String text = node.path("literal").path("text").asText("");
        if (Ast.isConstant(node) && text.matches("\\d+")) {
            return Attempt.success(OptionalLong.of(Long.parseLong(text)));
        }
        return Attempt.refused(Refusal.because("LIMIT or OFFSET that is not a number", node));
    }

    /** The output column an ORDER BY item sorts by: by name or alias, by ordinal, or as a repeated select expression. */
    private static Optional<Integer> outputIndex(JsonNode expression, SelectNode select, List<OutputColumn> output) {
        Optional<ColumnRef> column = ColumnRef.of(expression);
        if (column.isPresent() && column.get().isUnqualified()) {
            for (int i = 0; i < output.size(); i++) {
                if (output.get(i).name().equalsIgnoreCase(column.get().column())) {
                    return Optional.of(i);
                }
            }
        }
        if (Ast.isConstant(expression) && "INTEGER".equals(expression.path("literal").path("kind").asText())) {
            int ordinal = expression.path("literal").path("text").asInt();
            if (ordinal >= 1 && ordinal <= output.size()) {
                return Optional.of(ordinal - 1);
            }
        }
        JsonNode wanted = Ast.withoutPositions(expression);
        List<ObjectNode> items = select.selectList();
        if (items.size() == output.size()) {
            for (int i = 0; i < items.size(); i++) {
                if (Ast.withoutPositions(items.get(i)).equals(wanted)) {
                    return Optional.of(i);
                }
            }
        }
        return Optional.empty();
    }

    private static Attempt<DistributedPlan> refuse(String construct, JsonNode at) {
        return Attempt.refused(Refusal.because(construct, at));
    }
}
