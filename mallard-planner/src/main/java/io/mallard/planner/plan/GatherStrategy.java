package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.Cte;
import io.mallard.planner.ast.Nodes;
import io.mallard.planner.ast.SelectNode;
import io.mallard.planner.catalog.Catalog;
import io.mallard.planner.catalog.TableInfo;
import io.mallard.planner.sql.OutputColumn;
import io.mallard.planner.sql.SqlEngine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * GATHER: the fallback that is always correct. Each partitioned table the query reads is shipped from its shards,
 * filtered by the conjuncts that touch that table alone when it appears once ({@link GatherFilters}), cut by a
 * semi-join reduction where one applies ({@link SemiJoinReduction}), as distinct rows when the statement only tests
 * them for existence ({@link ExistenceReads}), and as per-key aggregates under an outer join that preserves a dimension
 * ({@link OuterJoinAggregation}). The coordinator runs the query without those conjuncts, with the merged rows in place
 * of the table, next to its full copies of the dimension and replicated tables. Only the columns that query still
 * names are shipped ({@link NeededColumns}).
 */
final class GatherStrategy implements DistributionStrategy {
    private final Catalog catalog;
    private final SqlEngine engine;

    GatherStrategy(Catalog catalog, SqlEngine engine) {
        this.catalog = catalog;
        this.engine = engine;
    }

    @Override
    public boolean appliesTo(Statement statement) {
        return statement.readsPartitioned();
    }

    /** Never refuses; names as its reason why the statement could not be pushed down whole. */
    @Override
    public Attempt<DistributedPlan> plan(Statement statement) {
        String reason = statement.refusal().map(Refusal::reason).orElseThrow(
                () -> new IllegalStateException("GATHER is the fallback of a refused pushdown"));
        return Attempt.success(gather(statement.sql(), statement.tree(), statement.output(), reason));
    }

    /** The GATHER plan of a statement (its text and tree), which could not be pushed down for {@code reason}. */
    DistributedPlan gather(String sql, ObjectNode select, List<OutputColumn> output, String reason) {
        Map<String, Integer> occurrences = new LinkedHashMap<>();
        PartitionedReads.count(select, Set.of(), catalog, occurrences);
        // a FROM clause naming a table might mean a CTE of that name: then no rule moves work to the workers
        boolean shadowed = shadowsTable(select);
        GatherFilters pushed = shadowed ? GatherFilters.none() : GatherFilters.of(select, catalog, occurrences);
        // The workers apply each pushed conjunct to every row of its table that the query reads, so the coordinator
        // need not: without them, the columns only they name are not shipped (TPC-H Q13's o_comment).
        ObjectNode combineTree = pushed.isEmpty() ? select
                : (ObjectNode) Ast.rewrite(select, e -> pushed.conjuncts().contains(e) ? trueConstant() : null);
        Optional<OuterJoinAggregation.Rewrite> grouped = shadowed ? Optional.empty()
                : OuterJoinAggregation.find(combineTree, catalog, occurrences, engine);
        if (grouped.isPresent()) {
            combineTree = grouped.get().statement();
        }
        String combine = pushed.isEmpty() && grouped.isEmpty() ? sql : engine.render(combineTree);
        NeededColumns needed = NeededColumns.of(combineTree);
        Map<String, Integer> inCtes = new LinkedHashMap<>();
        Ast.forEachObject(select, o -> Cte.of(o).forEach(cte -> PartitionedReads.count(cte.holder(), Set.of(), catalog, inCtes)));
        Map<String, ObjectNode> reductions = shadowed ? Map.of()
                : SemiJoinReduction.reductions(select, catalog, occurrences, engine);
        Set<String> distinct = shadowed ? Set.of() : ExistenceReads.tables(select, catalog, occurrences, engine);
        List<DistributedPlan.WorkerStream> streams = new ArrayList<>();
        for (String tableName : occurrences.keySet()) {
            TableInfo table = catalog.table(tableName).orElseThrow();
            ObjectNode scan = scan(table, needed.of(table), pushed.of(table.name()), reductions.get(table.name()),
                    distinct.contains(table.name()));
            if (grouped.isPresent() && grouped.get().table().equals(table.name())) {
                scan = OuterJoinAggregation.groupedScan(scan, grouped.get(), engine);
            }
            // a stream is scanned once: a table read twice, or inside a CTE (which may be inlined where it is used),
            // is first stored in a temporary table
            streams.add(new DistributedPlan.WorkerStream(table.name(), table.dataset(), engine.render(scan),
                    occurrences.get(tableName) > 1 || inCtes.containsKey(tableName)));
        }
        return new DistributedPlan(Strategy.GATHER, sql, streams, combine, output, reason + " cannot be pushed down yet");
    }

    /** {@code TRUE}, in place of a conjunct the workers apply. */
    private ObjectNode trueConstant() {
        return (ObjectNode) engine.parseSelect("SELECT 1 FROM " + DistributedPlan.PARTIALS + " WHERE TRUE").get("where_clause");
    }

    /** Whether a CTE of the statement has the name of a table: a FROM clause naming it might then mean the CTE. */
    private boolean shadowsTable(ObjectNode statement) {
        boolean[] shadowed = {false};
        Ast.forEachObject(statement, o -> Cte.of(o).forEach(cte -> shadowed[0] |= catalog.table(cte.name()).isPresent()));
        return shadowed[0];
    }

    /**
     * {@code SELECT [DISTINCT] columns FROM table [AS alias] WHERE [reduction AND] conjuncts}, built on a parsed
     * template; the semi-join reduction, when there is one, names only the table's own columns unqualified. DISTINCT
     * when the statement only tests the table's rows for existence ({@link ExistenceReads}).
     */
    private ObjectNode scan(TableInfo table, List<String> columns, List<GatherFilters.Pushed> conjuncts, ObjectNode reduction,
            boolean distinct) {
        SelectNode node = new SelectNode(engine.parseSelect("SELECT " + (distinct ? "DISTINCT " : "") + "1 FROM "
                + DistributedPlan.PARTIALS));
        String alias = conjuncts.isEmpty() ? "" : conjuncts.get(0).binding();
        ObjectNode from = Nodes.baseTable(table.name());
        if (!alias.isEmpty() && !alias.equalsIgnoreCase(table.name())) {
            from.put("alias", alias);
        }
        node.setFrom(from);
        node.setSelectList(columns.stream().map(Nodes::columnRef).toList());
        ObjectNode where = reduction == null ? null : reduction.deepCopy();
        for (GatherFilters.Pushed conjunct : conjuncts) {
            ObjectNode copy = conjunct.conjunct().deepCopy();
            where = where == null ? copy : Nodes.and(where, copy);
        }
        if (where != null) {
            node.setWhere(where);
        }
        return node.node();
    }
}
