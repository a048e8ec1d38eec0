package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.SelectNode;
import io.mallard.planner.ast.TableRef;
import io.mallard.planner.catalog.Catalog;
import io.mallard.planner.catalog.TableInfo;
import io.mallard.planner.catalog.TableKind;
import io.mallard.planner.sql.OutputColumn;
import io.mallard.planner.sql.SqlEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Sub-queries in FROM whose rows are split by shard like a partitioned table's: a shard-local join with filters and
 * projections but no grouping, DISTINCT, window, ORDER BY or LIMIT, so each of its rows comes from exactly one shard.
 * The outer query may then aggregate or scan it as it would a partitioned table (TPC-H Q7, Q8, Q9). Its shard key is
 * the output column that carries the inner shard key, if any.
 */
final class DerivedTables implements TableBindings.DerivedTables {
    private final Catalog catalog;
    private final SqlEngine engine;

    DerivedTables(Catalog catalog, SqlEngine engine) {
        this.catalog = catalog;
        this.engine = engine;
    }

    @Override
    public Attempt<TableInfo> describe(TableRef ref) {
        Optional<SelectNode> select = SelectNode.of(ref.subquery());
        if (select.isEmpty() || !select.get().ctes().isEmpty() || !select.get().modifiers().isEmpty()
                || PushdownAnalysis.aggregates(select.get(), engine) || select.get().qualify().isPresent()
                || select.get().hasSample()) {
            return Attempt.refused(Refusal.because(
                    "sub-queries in FROM that group, sort, limit or deduplicate partitioned rows", ref.node()));
        }
        SelectNode inner = select.get();
        Optional<Refusal> unsplittable = UnsplittableConstructs.find(inner);
        if (unsplittable.isPresent()) {
            return Attempt.refused(unsplittable.get());
        }
        ObjectNode[] windowOrSubquery = {null};
        Ast.forEachExpression(inner.selectList(), e -> {
            String cls = Ast.exprClass(e);
            if (windowOrSubquery[0] == null && ("WINDOW".equals(cls) || "SUBQUERY".equals(cls))) {
                windowOrSubquery[0] = e;
            }
        });
        if (windowOrSubquery[0] != null) {
            return Attempt.refused(Refusal.because(
                    "sub-queries in FROM with window functions or sub-queries in their select list", windowOrSubquery[0]));
        }
        Attempt<TableBindings> bound = TableBindings.of(inner.from(), catalog, this);
        if (!bound.succeeded()) {
            return Attempt.refused(bound.refusal());
        }
        TableBindings bindings = bound.value();
        JsonNode where = inner.where().orElse(null);
        Attempt<String> dataset = ShardPlacementCheck.check(bindings, where, inner.from().node());
        if (!dataset.succeeded()) {
            return Attempt.refused(dataset.refusal());
        }
        Optional<Refusal> subqueries = ShardLocalSubqueries.check(where, bindings, dataset.value(), catalog);
        if (subqueries.isPresent()) {
            return Attempt.refused(subqueries.get());
        }
        return Attempt.success(table(ref, inner, bindings, dataset.value()));
    }

    /** The sub-query as a partitioned table: its output columns (renamed by the reference's column aliases). */
    private TableInfo table(TableRef ref, SelectNode inner, TableBindings bindings, String dataset) {
        List<String> names = new ArrayList<>();
        for (OutputColumn column : engine.describe(engine.render(inner.node()))) {
            names.add(column.name());
        }
        List<String> renamed = ref.columnAliases();
        for (int i = 0; i < renamed.size() && i < names.size(); i++) {
            names.set(i, renamed.get(i));
        }
        ShardLocality locality = new ShardLocality(bindings, inner.where().orElse(null));
        List<String> shardKey = new ArrayList<>();
        List<ObjectNode> items = inner.selectList();
        if (items.size() == names.size()) {
            for (int i = 0; i < items.size() && shardKey.isEmpty(); i++) {
                if (locality.isShardKey(items.get(i))) {
                    shardKey.add(names.get(i));
                }
            }
        }
        String alias = ref.alias();
        // not a catalog name, so no reference rule of a dimension table can match it by accident
        return new TableInfo((alias.isEmpty() ? "unnamed_subquery" : alias) + " (sub-query)", dataset, TableKind.PARTITIONED,
                shardKey, names, List.of());
    }
}
