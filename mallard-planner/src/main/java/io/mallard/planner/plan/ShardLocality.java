package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.Nodes;
import io.mallard.planner.catalog.TableKind;
import io.mallard.planner.sql.SqlEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * SHARD_LOCAL: a query whose every GROUP BY, DISTINCT and window PARTITION BY includes the shard key (of co-partitioned
 * tables joined on it) finds each group, distinct row and window partition whole on one shard. Each shard then answers
 * its part of the query completely and the coordinator only concatenates (and orders and limits).
 */
final class ShardLocality {
    private final TableBindings bindings;
    private final JoinEquivalence equal;
    /** The shard key column of one partitioned binding (all others are equated with it), or null if there is none. */
    private final String shardKey;

    ShardLocality(TableBindings bindings, JsonNode where) {
        this.bindings = bindings;
        this.equal = JoinEquivalence.of(bindings, where);
        String key = null;
        boolean allKeyed = true;
        for (TableBindings.Binding b : bindings.bindings()) {
            if (b.table().kind() == TableKind.PARTITIONED) {
                if (b.table().shardKey().size() != 1) {
                    allKeyed = false;
                } else if (key == null) {
                    key = TableBindings.key(b.name(), b.table().shardKey().get(0));
                }
            }
        }
        this.shardKey = allKeyed ? key : null;
    }

    /** Whether the expression is a column the join forces equal to the shard key. */
    boolean isShardKey(JsonNode expression) {
        if (shardKey == null || !Ast.isColumnRef(expression)) {
            return false;
        }
        Optional<String> column = bindings.resolve(Ast.columnNames(expression));
        return column.isPresent() && equal.same(column.get(), shardKey);
    }

    /**
     * True when grouping, DISTINCT and windows keep every group, distinct row and partition on one shard, and the query
     * uses at least one of them (a plain row scan is PUSHDOWN_SCAN).
     */
    boolean applies(ObjectNode select, boolean aggregates) {
        boolean keyed = false;
        if (aggregates) {
            JsonNode sets = select.path("group_sets");
            if (sets.size() > 1 || select.path("group_expressions").isEmpty()) {
                return false;
            }
            boolean grouped = false;
            for (ObjectNode group : resolvedGroups(select, bindings)) {
                grouped |= isShardKey(group);
            }
            if (!grouped) {
                return false;
            }
            keyed = true;
        }
        for (JsonNode modifier : select.path("modifiers")) {
            if ("DISTINCT_MODIFIER".equals(Ast.type(modifier))) {
                boolean covered = false;
                JsonNode targets = modifier.path("distinct_on_targets");
                JsonNode candidates = targets.isEmpty() ? select.path("select_list") : targets;
                for (JsonNode target : candidates) {
                    covered |= isShardKey(target);
                }
                if (!covered) {
                    return false;
                }
                keyed = true;
            }
        }
        boolean[] windows = {false, true};
        Ast.forEachExpression(select.path("select_list"), e -> checkWindow(e, windows));
        Ast.forEachExpression(select.get("qualify"), e -> checkWindow(e, windows));
        Ast.forEachExpression(select.path("modifiers"), e -> checkWindow(e, windows));
        if (!windows[1]) {
            return false;
        }
        return keyed || windows[0];
    }

    private void checkWindow(ObjectNode e, boolean[] state) {
        if (!"WINDOW".equals(Ast.exprClass(e))) {
            return;
        }
        state[0] = true;
        boolean partitioned = false;
        for (JsonNode partition : e.path("partitions")) {
            partitioned |= isShardKey(partition);
        }
        state[1] &= partitioned;
    }

    /** GROUP BY items with ordinals and select-list aliases replaced by the expressions they name. */
    static List<ObjectNode> resolvedGroups(ObjectNode select, TableBindings bindings) {
        List<ObjectNode> groups = new ArrayList<>();
        for (JsonNode raw : select.path("group_expressions")) {
            groups.add(resolveGroup(select, bindings, (ObjectNode) raw));
        }
        return groups;
    }

    static ObjectNode resolveGroup(ObjectNode select, TableBindings bindings, ObjectNode group) {
        JsonNode selectList = select.path("select_list");
        if (Ast.isConstant(group) && "INTEGER".equals(group.path("literal").path("kind").asText())) {
            int ordinal = group.path("literal").path("text").asInt();
            if (ordinal >= 1 && ordinal <= selectList.size()) {
                return Nodes.withAlias((ObjectNode) selectList.get(ordinal - 1), "");
            }
        } else if (Ast.isColumnRef(group) && Ast.columnNames(group).size() == 1
                && bindings.resolve(Ast.columnNames(group)).isEmpty()) {
            String alias = Ast.columnNames(group).get(0);
            for (JsonNode item : selectList) {
                if (item.path("alias").asText("").equalsIgnoreCase(alias)) {
                    return Nodes.withAlias((ObjectNode) item, "");
                }
            }
        }
        return group;
    }

    /**
     * {@code GROUP BY ALL} written out: the select-list items that contain no aggregate and no window function, as
     * DuckDB groups them. Returns the query unchanged when it does not use GROUP BY ALL.
     */
    static ObjectNode expandGroupByAll(ObjectNode select, SqlEngine engine) {
        if (!"FORCE_AGGREGATES".equals(select.path("aggregate_handling").asText())
                || !select.path("group_expressions").isEmpty()) {
            return select;
        }
        Set<String> aggregates = engine.aggregateFunctions();
        ObjectNode expanded = select.deepCopy();
        ArrayNode groups = expanded.putArray("group_expressions");
        for (JsonNode item : select.path("select_list")) {
            boolean[] aggregated = {false};
            Ast.forEachExpression(item, e -> aggregated[0] |= "WINDOW".equals(Ast.exprClass(e))
                    || Ast.isFunction(e) && aggregates.contains(Ast.functionName(e)));
            if (!aggregated[0]) {
                groups.add(Nodes.withAlias((ObjectNode) item, ""));
            }
        }
        ArrayNode sets = expanded.putArray("group_sets");
        if (!groups.isEmpty()) {
            ArrayNode set = sets.addArray();
            for (int i = 0; i < groups.size(); i++) {
                set.add(i);
            }
        }
        expanded.put("aggregate_handling", "STANDARD_HANDLING");
        return expanded;
    }
}
