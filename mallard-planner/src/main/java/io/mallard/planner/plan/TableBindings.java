package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.planner.ast.Ast;
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

    /** Describes a sub-query in FROM as a table, or throws NOT_DISTRIBUTED_YET when its rows are not split by shard. */
    interface DerivedTables {
        TableInfo describe(ObjectNode subqueryRef);
    }

    private static final DerivedTables NONE = ref -> {
        throw NotDistributed.because("sub-queries in FROM over partitioned tables", ref);
    };

    private final List<Binding> bindings = new ArrayList<>();
    private final List<JsonNode> joinConditions = new ArrayList<>();

    private final boolean outerJoins;

    private TableBindings(boolean outerJoins) {
        this.outerJoins = outerJoins;
    }

    /** Collects the bindings of an inner-join tree; other table references are named in a not-distributed error. */
    static TableBindings of(JsonNode fromTable, Catalog catalog) {
        return of(fromTable, catalog, NONE);
    }

    /** As {@link #of(JsonNode, Catalog)}, with sub-queries in FROM bound as the tables {@code derived} describes. */
    static TableBindings of(JsonNode fromTable, Catalog catalog, DerivedTables derived) {
        TableBindings result = new TableBindings(false);
        result.collect(fromTable, catalog, derived);
        return result;
    }

    /**
     * The bindings of a tree of inner and outer (left, right, full) joins of catalog tables; the conditions of its joins
     * are not collected, since an outer join's condition does not filter the join's rows.
     */
    static TableBindings ofJoinTree(JsonNode fromTable, Catalog catalog) {
        TableBindings result = new TableBindings(true);
        result.collect(fromTable, catalog, NONE);
        return result;
    }

    private void collect(JsonNode ref, Catalog catalog, DerivedTables derived) {
        switch (Ast.type(ref)) {
            case "BASE_TABLE" -> {
                String table = ref.path("table_name").asText();
                TableInfo info = catalog.table(table).orElseThrow(() -> new MallardException(ErrorCode.TABLE_NOT_FOUND,
                        "Table with name " + table + " does not exist"));
                if (ref.path("column_name_alias").size() > 0) {
                    throw NotDistributed.because("column aliases on a table", ref); // names would resolve by name, not position
                }
                String alias = ref.path("alias").asText("");
                bindings.add(new Binding(alias.isEmpty() ? info.name() : alias, info));
            }
            case "JOIN" -> {
                String joinType = ref.path("join_type").asText();
                String refType = ref.path("ref_type").asText();
                boolean outer = "LEFT".equals(joinType) || "RIGHT".equals(joinType) || "OUTER".equals(joinType);
                if (!"INNER".equals(joinType) && !(outerJoins && outer)) {
                    throw NotDistributed.because(joinType.toLowerCase(Locale.ROOT) + " outer joins", ref);
                }
                if (!"REGULAR".equals(refType) && !"CROSS".equals(refType)) {
                    throw NotDistributed.because(refType.toLowerCase(Locale.ROOT) + " joins", ref);
                }
                if (ref.path("using_columns").size() > 0) {
                    throw NotDistributed.because("joins with USING", ref);
                }
                collect(ref.get("left"), catalog, derived);
                collect(ref.get("right"), catalog, derived);
                JsonNode condition = ref.get("condition");
                if (condition != null && !condition.isNull() && !outerJoins) {
                    joinConditions.add(condition);
                }
            }
            case "SUBQUERY" -> {
                TableInfo info = derived.describe((ObjectNode) ref);
                String alias = ref.path("alias").asText("");
                bindings.add(new Binding(alias.isEmpty() ? "unnamed_subquery" : alias, info));
            }
            case "TABLE_FUNCTION" -> throw NotDistributed.because("table functions beside partitioned tables", ref);
            default -> throw NotDistributed.because("table reference " + Ast.type(ref).toLowerCase(Locale.ROOT), ref);
        }
    }

    List<Binding> bindings() {
        return bindings;
    }

    List<JsonNode> joinConditions() {
        return joinConditions;
    }

    /**
     * Resolves a column reference to {@code binding.column} (lower case), or empty when no table of the FROM clause has
     * it (it may be a select-list alias) or several do.
     */
    Optional<String> resolve(List<String> names) {
        if (names.isEmpty()) {
            return Optional.empty();
        }
        String column = names.get(names.size() - 1);
        if (names.size() >= 2) {
            String qualifier = names.get(names.size() - 2);
            return bindings.stream()
                    .filter(b -> b.name().equalsIgnoreCase(qualifier) && b.table().hasColumn(column))
                    .findFirst()
                    .map(b -> key(b.name(), column));
        }
        List<Binding> owners = bindings.stream().filter(b -> b.table().hasColumn(column)).toList();
        return owners.size() == 1 ? Optional.of(key(owners.get(0).name(), column)) : Optional.empty();
    }

    static String key(String binding, String column) {
        return (binding + "." + column).toLowerCase(Locale.ROOT);
    }
}
