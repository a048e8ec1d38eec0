package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.catalog.Catalog;
import io.mallard.planner.catalog.TableInfo;
import io.mallard.planner.catalog.TableKind;
import io.mallard.planner.sql.OutputColumn;
import io.mallard.planner.sql.SqlEngine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
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
        List<OutputColumn> output = describe(sql, select);
        if (!touchesPartitionedTable(select)) {
            return new DistributedPlan(Strategy.LOCAL, sql, List.of(), sql, output, "");
        }
        rejectRowid(select);
        try {
            return planAggregation(sql, select, output);
        } catch (MallardException e) {
            if (e.code() != ErrorCode.NOT_DISTRIBUTED_YET) {
                throw e;
            }
            return planSubqueries(sql, select, output, e.getMessage());
        }
    }

    /**
     * The statement as a whole cannot be pushed down: push down what of its sub-queries can be, on their own, and
     * gather the partitioned rows the rest still reads (nothing, when only the sub-queries read them).
     */
    private DistributedPlan planSubqueries(String sql, ObjectNode select, List<OutputColumn> output, String reason) {
        SubqueryPlanner subqueries = new SubqueryPlanner(engine, catalog, this::planWithoutFallback);
        ObjectNode rewritten = subqueries.rewrite(select);
        if (rewritten == null) {
            return GatherPlanner.plan(sql, select, output, catalog, engine, reason);
        }
        String outer = engine.render(rewritten);
        List<DistributedPlan.WorkerStream> streams = new ArrayList<>(subqueries.streams());
        Strategy strategy = Strategy.LOCAL;
        String combine = outer;
        int count = subqueries.subplans().size();
        String why = count == 1 ? "1 sub-query pushed down on its own; the outer query runs on the coordinator over its merged result"
                : count + " sub-queries pushed down on their own; the outer query runs on the coordinator over their merged results";
        if (touchesPartitionedTable(rewritten)) {
            DistributedPlan gathered = GatherPlanner.plan(outer, rewritten, output, catalog, engine, reason);
            streams.addAll(gathered.streams());
            combine = gathered.combineSql();
            strategy = Strategy.GATHER;
            why = gathered.reason() + "; " + why + " and the gathered rows";
        }
        return new DistributedPlan(strategy, sql, streams, combine, output, why, subqueries.subplans());
    }

    /**
     * The plan for {@code SET mallard.summarize = false}: the workers' raw results of a pushed-down query, one row per
     * shard and group, with the shard's name in a {@code shard} column, instead of the combined answer.
     */
    public DistributedPlan planUnsummarized(String sql) {
        DistributedPlan plan = plan(sql);
        if (plan.strategy() != Strategy.PUSHDOWN_AGG && plan.strategy() != Strategy.PUSHDOWN_SCAN
                && plan.strategy() != Strategy.SHARD_LOCAL) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "mallard.summarize = false shows the partial results "
                    + "of pushed-down plans; this query is planned as " + plan.strategy());
        }
        List<DistributedPlan.WorkerStream> streams = new ArrayList<>();
        for (DistributedPlan.WorkerStream stream : plan.streams()) {
            // a shard's database is named after its file, which workers name after the shard
            ObjectNode wrapper = engine.parseSelect("SELECT *, current_database() AS shard FROM (SELECT 1) AS __mallard_worker");
            ((ObjectNode) wrapper.path("from_table").path("subquery")).set("node", engine.parseSelect(stream.sql()));
            streams.add(new DistributedPlan.WorkerStream(stream.name(), stream.dataset(), engine.render(wrapper)));
        }
        String combine = engine.render(engine.parseSelect("SELECT * FROM " + DistributedPlan.PARTIALS));
        return new DistributedPlan(plan.strategy(), sql, streams, combine, List.of(),
                "mallard.summarize = false: the workers' partial results");
    }

    /** The plan without the GATHER fallback: NOT_DISTRIBUTED_YET names what pushdown cannot handle (for tests). */
    DistributedPlan planWithoutFallback(String sql) {
        ObjectNode select = engine.parseSelect(sql);
        List<OutputColumn> output = describe(sql, select);
        if (!touchesPartitionedTable(select)) {
            return new DistributedPlan(Strategy.LOCAL, sql, List.of(), sql, output, "");
        }
        return planAggregation(sql, select, output);
    }

    /**
     * Binds the query with DuckDB. Its messages quote the statement it bound ("LINE 1: DESCRIBE …"), which is not
     * what the user sent: that part is dropped, and an unknown table gets its position from the parse tree.
     */
    private List<OutputColumn> describe(String sql, ObjectNode select) {
        try {
            return engine.describe(sql);
        } catch (MallardException e) {
            String message = e.getMessage();
            int line = message.indexOf("\n\nLINE ");
            if (line < 0) {
                line = message.indexOf("\nLINE ");
            }
            String clean = (line < 0 ? message : message.substring(0, line)).strip();
            int position = e.position().orElse(e.code() == ErrorCode.TABLE_NOT_FOUND ? unknownTablePosition(select) : -1);
            throw new MallardException(e.code(), clean, position, e);
        }
    }

    private int unknownTablePosition(ObjectNode select) {
        int[] position = {-1};
        Ast.forEachObject(select, o -> {
            if (position[0] < 0 && "BASE_TABLE".equals(Ast.type(o)) && !o.has("class")
                    && catalog.table(o.path("table_name").asText()).isEmpty() && o.path("query_location").canConvertToInt()) {
                position[0] = o.path("query_location").asInt();
            }
        });
        return position[0];
    }

    private DistributedPlan planAggregation(String sql, ObjectNode parsed, List<OutputColumn> output) {
        if (!"SELECT_NODE".equals(Ast.type(parsed))) {
            throw NotDistributed.because("set operations (UNION, EXCEPT, INTERSECT) over partitioned tables", null);
        }
        if (parsed.path("cte_map").path("map").size() > 0) {
            throw NotDistributed.because("WITH clauses over partitioned tables", null);
        }
        if (!parsed.path("sample").isNull() && !parsed.path("sample").isMissingNode()) {
            throw NotDistributed.because("USING SAMPLE", null);
        }
        rejectUnsplittable(parsed);
        ObjectNode select = ShardLocality.expandGroupByAll(parsed, engine);
        TableBindings bindings = TableBindings.of(select.get("from_table"), catalog, this::derivedTable);
        String dataset = ShardPlacementCheck.check(bindings, select.get("where_clause"), select.get("from_table"));
        ShardLocalSubqueries.check(select.get("where_clause"), bindings, dataset, catalog);
        boolean aggregates = aggregates(select);
        ShardLocality locality = new ShardLocality(bindings, select.get("where_clause"));
        if (locality.applies(select, aggregates)) {
            return PushdownScanPlanner.plan(sql, select, output, dataset, engine, Strategy.SHARD_LOCAL);
        }
        for (JsonNode modifier : select.path("modifiers")) {
            if ("DISTINCT_MODIFIER".equals(Ast.type(modifier))) {
                throw NotDistributed.because("SELECT DISTINCT over partitioned tables without the shard key", null);
            }
        }
        if (!aggregates) {
            if (!select.path("qualify").isNull() && !select.path("qualify").isMissingNode()) {
                throw NotDistributed.because("QUALIFY", select.get("qualify"));
            }
            return PushdownScanPlanner.plan(sql, select, output, dataset, engine, Strategy.PUSHDOWN_SCAN);
        }
        PartialAggregateSplitter.Split split = PartialAggregateSplitter.split(engine, bindings, select, output, locality::isShardKey);
        return new DistributedPlan(Strategy.PUSHDOWN_AGG, sql,
                List.of(new DistributedPlan.WorkerStream(DistributedPlan.PARTIALS, dataset, engine.render(split.worker()))),
                engine.render(split.combine()), output, "");
    }

    /**
     * {@code rowid} numbers a table's rows in one database. A sharded table has no such global numbering (each shard
     * counts its own rows from 0, and a dimension's copy holds other rows than the full one), so a query over
     * partitioned tables that uses it has no distributed answer equal to one DuckDB's.
     */
    private void rejectRowid(ObjectNode select) {
        Ast.forEachExpression(select, e -> {
            if (Ast.isColumnRef(e)) {
                List<String> names = Ast.columnNames(e);
                String last = names.get(names.size() - 1);
                if (last.equalsIgnoreCase("rowid") && !isRealColumn(select, last)) {
                    int position = e.path("query_location").canConvertToInt() ? e.path("query_location").asInt() : -1;
                    throw new MallardException(ErrorCode.INVALID_ARGUMENT, "rowid is not available in queries over "
                            + "partitioned tables: their rows have no global row number across shards", position, null);
                }
            }
        });
    }

    /** Whether some table the statement names has a column of this name. */
    private boolean isRealColumn(ObjectNode select, String column) {
        boolean[] found = {false};
        Ast.forEachObject(select, o -> {
            if ("BASE_TABLE".equals(Ast.type(o)) && !o.has("class")) {
                catalog.table(o.path("table_name").asText()).ifPresent(t -> found[0] |= t.hasColumn(column));
            }
        });
        return found[0];
    }

    /**
     * Constructs no split can keep exact: a sub-query outside WHERE would run on every shard over that shard's rows
     * only (WHERE sub-queries are checked by {@link ShardLocalSubqueries}); {@code COLUMNS(…)} expands to several
     * columns the split cannot follow; a COLLATE compares, groups and sorts differently from the plain partial columns
     * the combine sees. The planner then tries the sub-queries on their own, or gathers.
     */
    private static void rejectUnsplittable(ObjectNode select) {
        for (String part : List.of("select_list", "group_expressions", "having", "qualify", "modifiers")) {
            Ast.forEachExpression(select.get(part), e -> {
                if ("SUBQUERY".equals(Ast.exprClass(e))) {
                    throw NotDistributed.because("sub-queries outside WHERE", e);
                }
                if ("STAR".equals(Ast.exprClass(e)) && e.path("columns").asBoolean(false) && !e.path("expr").isNull()
                        && !e.path("expr").isMissingNode()) {
                    throw NotDistributed.because("COLUMNS(…) expressions", e);
                }
                if ("COLLATE".equals(Ast.exprClass(e))) {
                    throw NotDistributed.because("COLLATE outside WHERE", e);
                }
            });
        }
    }

    /**
     * A sub-query in FROM whose rows are split by shard like a partitioned table's: a shard-local join with filters and
     * projections but no grouping, DISTINCT, window, ORDER BY or LIMIT, so each of its rows comes from exactly one
     * shard. The outer query may then aggregate or scan it as it would a partitioned table (TPC-H Q7, Q8, Q9). Its
     * shard key is the output column that carries the inner shard key, if any.
     */
    private TableInfo derivedTable(ObjectNode ref) {
        JsonNode node = ref.path("subquery").path("node");
        if (!"SELECT_NODE".equals(Ast.type(node)) || node.path("cte_map").path("map").size() > 0
                || node.path("modifiers").size() > 0 || aggregates((ObjectNode) node)
                || !node.path("qualify").isNull() && !node.path("qualify").isMissingNode()
                || !node.path("sample").isNull() && !node.path("sample").isMissingNode()) {
            throw NotDistributed.because("sub-queries in FROM that group, sort, limit or deduplicate partitioned rows", ref);
        }
        ObjectNode inner = (ObjectNode) node;
        rejectUnsplittable(inner);
        Ast.forEachExpression(inner.get("select_list"), e -> {
            if ("WINDOW".equals(Ast.exprClass(e)) || "SUBQUERY".equals(Ast.exprClass(e))) {
                throw NotDistributed.because("sub-queries in FROM with window functions or sub-queries in their select list", e);
            }
        });
        TableBindings bindings = TableBindings.of(inner.get("from_table"), catalog, this::derivedTable);
        String dataset = ShardPlacementCheck.check(bindings, inner.get("where_clause"), inner.get("from_table"));
        ShardLocalSubqueries.check(inner.get("where_clause"), bindings, dataset, catalog);
        List<String> names = new ArrayList<>();
        for (OutputColumn column : engine.describe(engine.render(inner))) {
            names.add(column.name());
        }
        JsonNode renamed = ref.path("column_name_alias");
        for (int i = 0; i < renamed.size() && i < names.size(); i++) {
            names.set(i, renamed.get(i).asText());
        }
        ShardLocality locality = new ShardLocality(bindings, inner.get("where_clause"));
        List<String> shardKey = new ArrayList<>();
        JsonNode items = inner.path("select_list");
        if (items.size() == names.size()) {
            for (int i = 0; i < items.size() && shardKey.isEmpty(); i++) {
                if (locality.isShardKey(items.get(i))) {
                    shardKey.add(names.get(i));
                }
            }
        }
        String alias = ref.path("alias").asText("");
        // not a catalog name, so no reference rule of a dimension table can match it by accident
        return new TableInfo((alias.isEmpty() ? "unnamed_subquery" : alias) + " (sub-query)", dataset, TableKind.PARTITIONED,
                shardKey, names, List.of());
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


    /** True when any table the statement reads is partitioned (CTE names respected in their scope). */
    private boolean touchesPartitionedTable(ObjectNode select) {
        Map<String, Integer> counts = new HashMap<>();
        PartitionedReads.count(select, Set.of(), catalog, counts);
        return !counts.isEmpty();
    }
}
