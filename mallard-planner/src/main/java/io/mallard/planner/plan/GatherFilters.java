package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.Conjuncts;
import io.mallard.planner.ast.SelectNode;
import io.mallard.planner.ast.TableRef;
import io.mallard.planner.catalog.Catalog;
import io.mallard.planner.catalog.TableInfo;
import io.mallard.planner.catalog.TableKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Filters the workers may apply to a gathered table: conjuncts that read only one partitioned table, when the table
 * appears once in the statement. Those of the WHERE of the SELECT whose FROM clause reads it, and those of the ON
 * condition of a join of that FROM clause, where no outer join null-extends the table's rows before the condition sees
 * them. A WHERE conjunct then filters every row of the table the query uses; an ON conjunct of
 * {@code A LEFT JOIN B ON ... AND f(B)} is the same as filtering B by {@code f} first ({@code A} keeps its rows either
 * way), and likewise for either side of an inner join and the left side of a right join. Nothing is pushed for a
 * SELECT that samples: DuckDB samples before it filters.
 *
 * @param byTable   per partitioned table, the conjuncts its workers apply, each with the binding name it uses
 * @param conjuncts the statement's nodes those conjuncts came from (by identity), which the combine need not apply
 */
record GatherFilters(Map<String, List<Pushed>> byTable, Set<JsonNode> conjuncts) {
    /** A conjunct the workers of a table apply, and the name (alias or table name) by which it names the table. */
    record Pushed(String binding, ObjectNode conjunct) {
    }

    static GatherFilters none() {
        return new GatherFilters(Map.of(), Set.of());
    }

    /** The filters of every SELECT of the statement. */
    static GatherFilters of(ObjectNode statement, Catalog catalog, Map<String, Integer> occurrences) {
        GatherFilters pushed = new GatherFilters(new LinkedHashMap<>(), Collections.newSetFromMap(new IdentityHashMap<>()));
        Ast.forEachObject(statement, o -> SelectNode.of(o).ifPresent(select -> pushed.collect(select, catalog, occurrences)));
        return pushed;
    }

    /** The conjuncts pushed to the workers of {@code table}. */
    List<Pushed> of(String table) {
        return byTable.getOrDefault(table, List.of());
    }

    boolean isEmpty() {
        return conjuncts.isEmpty();
    }

    private void collect(SelectNode select, Catalog catalog, Map<String, Integer> occurrences) {
        if (select.samples()) {
            return;
        }
        TableRef from = select.from();
        Attempt<TableBindings> bindings = TableBindings.ofJoinTree(from, catalog);
        if (!bindings.succeeded()) {
            return; // sub-queries, table functions, CTE names: no table of the catalog to filter here
        }
        select.where().ifPresent(where -> push(where, preserved(from), bindings.value(), occurrences));
        collectJoinFilters(from, bindings.value(), occurrences);
    }

    /** Pushes the ON conjuncts of every join in the tree that filter a table no outer join inside it null-extends. */
    private void collectJoinFilters(TableRef ref, TableBindings bindings, Map<String, Integer> occurrences) {
        if (!ref.isJoin()) {
            return;
        }
        collectJoinFilters(ref.left(), bindings, occurrences);
        collectJoinFilters(ref.right(), bindings, occurrences);
        if (ref.condition().isEmpty()) {
            return;
        }
        Set<String> filterable = new HashSet<>();
        String type = ref.joinType();
        if ("INNER".equals(type) || "RIGHT".equals(type)) {
            filterable.addAll(preserved(ref.left()));
        }
        if ("INNER".equals(type) || "LEFT".equals(type)) {
            filterable.addAll(preserved(ref.right()));
        }
        push(ref.condition().get(), filterable, bindings, occurrences);
    }

    private void push(JsonNode predicate, Set<String> filterable, TableBindings bindings, Map<String, Integer> occurrences) {
        for (JsonNode conjunct : Conjuncts.of(predicate)) {
            PlainPredicate.singleBinding(conjunct, bindings).ifPresent(binding -> {
                TableInfo table = binding.table();
                if (table.kind() == TableKind.PARTITIONED && occurrences.getOrDefault(table.name(), 0) == 1
                        && filterable.contains(binding.name().toLowerCase(Locale.ROOT))) {
                    byTable.computeIfAbsent(table.name(), k -> new ArrayList<>())
                            .add(new Pushed(binding.name(), ((ObjectNode) conjunct).deepCopy()));
                    conjuncts.add(conjunct);
                }
            });
        }
    }

    /**
     * The binding names (lower case) of a join tree whose rows reach its output as they are, never null-extended by an
     * outer join inside it: both sides of an inner join, the left of a left join, the right of a right join.
     */
    private static Set<String> preserved(TableRef ref) {
        Set<String> out = new HashSet<>();
        if (ref.isBaseTable()) {
            out.add((ref.alias().isEmpty() ? ref.tableName() : ref.alias()).toLowerCase(Locale.ROOT));
        } else if (ref.isJoin()) {
            String type = ref.joinType();
            if ("INNER".equals(type) || "LEFT".equals(type)) {
                out.addAll(preserved(ref.left()));
            }
            if ("INNER".equals(type) || "RIGHT".equals(type)) {
                out.addAll(preserved(ref.right()));
            }
        }
        // sub-queries and table functions bind no table of the catalog here
        return out;
    }
}
