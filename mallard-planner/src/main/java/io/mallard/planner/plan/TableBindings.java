package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.ColumnKey;
import io.mallard.planner.ast.ColumnRef;
import io.mallard.planner.ast.Nodes;
import io.mallard.planner.ast.TableRef;
import io.mallard.planner.catalog.Catalog;
import io.mallard.planner.catalog.TableInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The tables a FROM clause binds (by alias or name), the conditions of its inner joins, and column resolution. */
final class TableBindings {
    /** One table in the FROM clause under the name queries use for it. */
    record Binding(String name, TableInfo table) {
    }

    /** Describes a sub-query in FROM as a table, or refuses when its rows are not split by shard. */
    interface DerivedTables {
        Attempt<TableInfo> describe(TableRef subquery);
    }

    private static final DerivedTables NONE =
            ref -> Attempt.refused(Refusal.because("sub-queries in FROM over partitioned tables", ref.node()));

    private final List<Binding> bindings = new ArrayList<>();
    private final List<JsonNode> joinConditions = new ArrayList<>();
    private final boolean outerJoins;

    private TableBindings(boolean outerJoins) {
        this.outerJoins = outerJoins;
    }

    /** The bindings of an inner-join tree of catalog tables; other table references are refused. */
    static Attempt<TableBindings> of(TableRef from, Catalog catalog) {
        return of(from, catalog, NONE);
    }

    /** As {@link #of(TableRef, Catalog)}, with sub-queries in FROM bound as the tables {@code derived} describes. */
    static Attempt<TableBindings> of(TableRef from, Catalog catalog, DerivedTables derived) {
        TableBindings result = new TableBindings(false);
        return result.collect(from, catalog, derived).<Attempt<TableBindings>>map(Attempt::refused)
                .orElse(Attempt.success(result));
    }

    /**
     * The bindings of a tree of inner and outer (left, right, full) joins of catalog tables; the conditions of its joins
     * are not collected, since an outer join's condition does not filter the join's rows.
     */
    static Attempt<TableBindings> ofJoinTree(TableRef from, Catalog catalog) {
        TableBindings result = new TableBindings(true);
        return result.collect(from, catalog, NONE).<Attempt<TableBindings>>map(Attempt::refused)
                .orElse(Attempt.success(result));
    }

    private Optional<Refusal> collect(TableRef ref, Catalog catalog, DerivedTables derived) {
        switch (ref.kind()) {
            case TableRef.BASE_TABLE -> {
                Optional<TableInfo> info = catalog.table(ref.tableName());
                if (info.isEmpty()) {
                    return Optional.of(Refusal.unknownTable(ref.tableName()));
                }
                if (!ref.columnAliases().isEmpty()) {
                    // names would resolve by name, not position
                    return Optional.of(Refusal.because("column aliases on a table", ref.node()));
                }
                bindings.add(new Binding(ref.alias().isEmpty() ? info.get().name() : ref.alias(), info.get()));
                return Optional.empty();
            }
            case TableRef.JOIN -> {
                String joinType = ref.joinType();
                String refType = ref.refType();
                boolean outer = "LEFT".equals(joinType) || "RIGHT".equals(joinType) || "OUTER".equals(joinType);
                if (!"INNER".equals(joinType) && !(outerJoins && outer)) {
                    return Optional.of(Refusal.because(joinType.toLowerCase(Locale.ROOT) + " outer joins", ref.node()));
                }
                if (!"REGULAR".equals(refType) && !"CROSS".equals(refType)) {
                    return Optional.of(Refusal.because(refType.toLowerCase(Locale.ROOT) + " joins", ref.node()));
                }
                if (!ref.usingColumns().isEmpty()) {
                    return Optional.of(Refusal.because("joins with USING", ref.node()));
                }
                Optional<Refusal> left = collect(ref.left(), catalog, derived);
                if (left.isPresent()) {
                    return left;
                }
                Optional<Refusal> right = collect(ref.right(), catalog, derived);
                if (right.isPresent()) {
                    return right;
                }
                if (!outerJoins) {
                    ref.condition().ifPresent(joinConditions::add);
                }
                return Optional.empty();
            }
            case TableRef.SUBQUERY -> {
                Attempt<TableInfo> info = derived.describe(ref);
                if (!info.succeeded()) {
                    return Optional.of(info.refusal());
                }
                bindings.add(new Binding(ref.alias().isEmpty() ? "unnamed_subquery" : ref.alias(), info.value()));
                return Optional.empty();
            }
            case "TABLE_FUNCTION" -> {
                return Optional.of(Refusal.because("table functions beside partitioned tables", ref.node()));
            }
            default -> {
                return Optional.of(Refusal.because("table reference " + ref.kind().toLowerCase(Locale.ROOT), ref.node()));
            }
        }
    }

    List<Binding> bindings() {
        return bindings;
    }

    List<JsonNode> joinConditions() {
        return joinConditions;
    }

    /** The binding of this name (case-insensitive). */
    Optional<Binding> binding(String name) {
        return bindings.stream().filter(b -> b.name().equalsIgnoreCase(name)).findFirst();
    }

    /**
     * Resolves a column reference to the binding that provides it, or empty when no table of the FROM clause has it (it
     * may be a select-list alias) or several do.
     */
    Optional<ColumnKey> resolve(ColumnRef ref) {
        String column = ref.column();
        if (ref.qualifier().isPresent()) {
            String qualifier = ref.qualifier().get();
            return bindings.stream()
                    .filter(b -> b.name().equalsIgnoreCase(qualifier) && b.table().hasColumn(column))
                    .findFirst()
                    .map(b -> new ColumnKey(b.name(), column));
        }
        List<Binding> owners = bindings.stream().filter(b -> b.table().hasColumn(column)).toList();
        return owners.size() == 1 ? Optional.of(new ColumnKey(owners.get(0).name(), column)) : Optional.empty();
    }

    /**
     * The structural identity of an expression: positions and aliases dropped, columns resolved to their binding, so
     * that {@code l.l_quantity} and {@code l_quantity} over the same table compare equal.
     */
    String canonical(JsonNode expression) {
        JsonNode resolved = Ast.rewrite(expression, n -> ColumnRef.of(n).flatMap(this::resolve)
                .map(key -> Nodes.columnRef(key.toString())).orElse(null));
        return Ast.withoutPositions(resolved).toString();
    }

    /** {@link #resolve(ColumnRef)} for an expression that may be a column reference; empty when it is not one. */
    Optional<ColumnKey> resolve(JsonNode expression) {
        return ColumnRef.of(expression).flatMap(this::resolve);
    }
}
