package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.ColumnKey;
import io.mallard.planner.ast.ColumnRef;
import io.mallard.planner.ast.Nodes;
import io.mallard.planner.ast.SelectNode;
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
    private final ColumnKey shardKey;

    ShardLocality(TableBindings bindings, JsonNode where) {
        this.bindings = bindings;
        this.equal = JoinEquivalence.of(bindings, where);
        ColumnKey key = null;
        boolean allKeyed = true;
        for (TableBindings.Binding b : bindings.bindings()) {
            if (b.table().kind() == TableKind.PARTITIONED) {
                if (b.table().shardKey().size() != 1) {
                    allKeyed = false;
                } else if (key == null) {
                    key = new ColumnKey(b.name(), b.table().shardKey().get(0));
                }
            }
        }
        this.shardKey = allKeyed ? key : null;
    }

    /** Whether the expression is a column the join forces equal to the shard key. */
    boolean isShardKey(JsonNode expression) {
        if (shardKey == null) {
            return false;
        }
        Optional<ColumnKey> column = bindings.resolve(expression);
        return column.isPresent() && equal.same(column.get(), shardKey);
    }

    /**
     * True when grouping, DISTINCT and windows keep every group, distinct row and partition on one shard, and the query
     * uses at least one of them (a plain row scan is PUSHDOWN_SCAN).
     */
    boolean applies(SelectNode select, boolean aggregates) {
        boolean keyed = false;
        if (aggregates) {
            if (select.hasGroupingSets() || !select.isGrouped()) {
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
        for (ObjectNode modifier : select.modifiers()) {
            if ("DISTINCT_MODIFIER".equals(Ast.type(modifier))) {
                boolean covered = false;
                JsonNode targets = modifier.path("distinct_on_targets");
                List<? extends JsonNode> candidates = targets.isEmpty() ? select.selectList() : list(targets);
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
        Ast.forEachExpression(select.selectList(), e -> checkWindow(e, windows));
        Ast.forEachExpression(select.qualify().orElse(null), e -> checkWindow(e, windows));
        Ast.forEachExpression(select.modifiers(), e -> checkWindow(e, windows));
        if (!windows[1]) {
            return false;
        }
        return keyed || windows[0];
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
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
    static List<ObjectNode> resolvedGroups(SelectNode select, TableBindings bindings) {
        List<ObjectNode> groups = new ArrayList<>();
        for (ObjectNode raw : select.groupExpressions()) {
            groups.add(resolveGroup(select, bindings, raw));
        }
        return groups;
    }

    private static ObjectNode resolveGroup(SelectNode select, TableBindings bindings, ObjectNode group) {
        List<ObjectNode> selectList = select.selectList();
        Optional<ColumnRef> column = ColumnRef.of(group);
        if (Ast.isConstant(group) && "INTEGER".equals(group.path("literal").path("kind").asText())) {
            int ordinal = group.path("literal").path("text").asInt();
            if (ordinal >= 1 && ordinal <= selectList.size()) {
                return Nodes.withAlias(selectList.get(ordinal - 1), "");
            }
        } else if (column.isPresent() && column.get().isUnqualified() && bindings.resolve(column.get()).isEmpty()) {
            String alias = column.get().column();
            for (ObjectNode item : selectList) {
                if (item.path("alias").asText("").equalsIgnoreCase(alias)) {
                    return Nodes.withAlias(item, "");
                }
            }
        }
        return group;
    }

    /**
     * {@code GROUP BY ALL} written out: the select-list items that contain no aggregate and no window function, as
     * DuckDB groups them. Returns the query unchanged when it does not use GROUP BY ALL.
     */
    static SelectNode expandGroupByAll(SelectNode select, SqlEngine engine) {
        if (!"FORCE_AGGREGATES".equals(select.aggregateHandling()) || select.isGrouped()) {
            return select;
        }
        Set<String> aggregates = engine.aggregateFunctions();
        SelectNode expanded = select.copy();
        List<ObjectNode> groups = new ArrayList<>();
        for (ObjectNode item : select.selectList()) {
            boolean[] aggregated = {false};
            Ast.forEachExpression(item, e -> aggregated[0] |= "WINDOW".equals(Ast.exprClass(e))
                    || Ast.isFunction(e) && aggregates.contains(Ast.functionName(e)));
            if (!aggregated[0]) {
                groups.add(Nodes.withAlias(item, ""));
            }
        }
        expanded.setGroupBy(groups);
        expanded.node().put("aggregate_handling", "STANDARD_HANDLING");
        return expanded;
    }
}
