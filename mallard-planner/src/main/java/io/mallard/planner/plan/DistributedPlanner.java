package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.catalog.Catalog;
import io.mallard.planner.catalog.TableInfo;
import io.mallard.planner.catalog.TableKind;
import io.mallard.planner.sql.OutputColumn;
import io.mallard.planner.sql.SqlEngine;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses, per query, the cheapest strategy that is provably correct and produces the worker and combine SQL.
 * Queries it cannot yet distribute correctly fail with a NOT_DISTRIBUTED_YET error naming the construct.
 */
public final class DistributedPlanner {
    private final Catalog catalog;
    private final SqlEngine engine;

    public DistributedPlanner(Catalog catalog, SqlEngine engine) {
        this.catalog = catalog;
        this.engine = engine;
    }

    public DistributedPlan plan(String sql) {
        ObjectNode select = engine.parseSelect(sql);
        List<OutputColumn> output = engine.describe(sql);
        if (!touchesPartitionedTable(select)) {
            return new DistributedPlan(Strategy.LOCAL, sql, null, null, sql, output);
        }
        return planAggregation(sql, select, output);
    }

    private DistributedPlan planAggregation(String sql, ObjectNode select, List<OutputColumn> output) {
        if (!"SELECT_NODE".equals(Ast.type(select))) {
            throw NotDistributed.because("set operations (UNION, EXCEPT, INTERSECT) over partitioned tables", null);
        }
        if (select.path("cte_map").path("map").size() > 0) {
            throw NotDistributed.because("WITH clauses over partitioned tables", null);
        }
        for (JsonNode modifier : select.path("modifiers")) {
            if ("DISTINCT_MODIFIER".equals(Ast.type(modifier))) {
                throw NotDistributed.because("SELECT DISTINCT over partitioned tables", null);
            }
        }
        if (!select.path("qualify").isNull() && !select.path("qualify").isMissingNode()) {
            throw NotDistributed.because("QUALIFY", select.get("qualify"));
        }
        if (!select.path("sample").isNull() && !select.path("sample").isMissingNode()) {
            throw NotDistributed.because("USING SAMPLE", null);
        }
        rejectNested(select.get("where_clause"));
        TableBindings bindings = TableBindings.of(select.get("from_table"), catalog);
        String dataset = ShardPlacementCheck.check(bindings, select.get("where_clause"), select.get("from_table"));
        if (!aggregates(select)) {
            throw NotDistributed.because("queries over partitioned tables without aggregates or GROUP BY (row scans)", null);
        }
        PartialAggregateSplitter.Split split = PartialAggregateSplitter.split(engine, bindings, select, output);
        return new DistributedPlan(Strategy.PUSHDOWN_AGG, sql, dataset, engine.render(split.worker()),
                engine.render(split.combine()), output);
    }

    private boolean aggregates(ObjectNode select) {
        if (select.path("group_expressions").size() > 0) {
            return true;
        }
        boolean[] found = {false};
        Ast.forEachExpression(select.get("select_list"), e -> {
            if (Ast.isFunction(e) && engine.aggregateFunctions().contains(Ast.functionName(e))) {
                found[0] = true;
            }
        });
        return found[0];
    }

    private static void rejectNested(JsonNode where) {
        Ast.forEachExpression(where, e -> {
            if ("SUBQUERY".equals(Ast.exprClass(e))) {
                throw NotDistributed.because("sub-queries", e);
            }
        });
    }

    /** True when any table the statement reads (outside its own CTE names) is partitioned. */
    private boolean touchesPartitionedTable(ObjectNode select) {
        Set<String> cteNames = new HashSet<>();
        Ast.forEachObject(select, o -> {
            if (o.has("cte_map")) {
                o.path("cte_map").path("map").forEach(e -> cteNames.add(e.path("key").asText().toLowerCase(Locale.ROOT)));
            }
        });
        boolean[] found = {false};
        Ast.forEachObject(select, o -> {
            if ("BASE_TABLE".equals(Ast.type(o)) && !o.has("class")) {
                String name = o.path("table_name").asText();
                if (!cteNames.contains(name.toLowerCase(Locale.ROOT))) {
                    Optional<TableInfo> table = catalog.table(name);
                    if (table.isPresent() && table.get().kind() == TableKind.PARTITIONED) {
                        found[0] = true;
                    }
                }
            }
        });
        return found[0];
    }
}
