package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.common.MallardException;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.Nodes;
import io.mallard.planner.catalog.Catalog;
import io.mallard.planner.catalog.TableInfo;
import io.mallard.planner.catalog.TableKind;
import io.mallard.planner.sql.OutputColumn;
import io.mallard.planner.sql.SqlEngine;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * GATHER: the fallback that is always correct. Each partitioned table the query reads is shipped from its shards,
 * filtered by the conjuncts that touch that table alone when it appears once (see {@link #pushableFilters}), cut by a
 * semi-join reduction where one applies, as distinct rows when the statement only tests them for existence, and as
 * per-key aggregates under an outer join that preserves a dimension ({@link OuterJoinAggregation}). The coordinator
 * runs the query without those conjuncts, with the merged rows in place of the table, next to its full
 * copies of the dimension and replicated tables. Only the columns that query still names are shipped.
 */
final class GatherPlanner {
    private GatherPlanner() {
    }

    static DistributedPlan plan(String sql, ObjectNode select, List<OutputColumn> output, Catalog catalog,
            SqlEngine engine, String reason) {
        Map<String, Integer> occurrences = new LinkedHashMap<>();
        PartitionedReads.count(select, Set.of(), catalog, occurrences);
        // a FROM clause naming a table might mean a CTE of that name: then no rule moves work to the workers
        boolean shadowed = shadowsTable(select, catalog);
        Pushed pushed = shadowed ? new Pushed(Map.of(), Set.of()) : pushableFilters(select, catalog, occurrences);
        // The workers apply each pushed conjunct to every row of its table that the query reads, so the coordinator
        // need not: without them, the columns only they name are not shipped (TPC-H Q13's o_comment).
        ObjectNode combineTree = pushed.conjuncts().isEmpty() ? select
                : (ObjectNode) Ast.rewrite(select, e -> pushed.conjuncts().contains(e) ? trueConstant(engine) : null);
        Optional<OuterJoinAggregation.Rewrite> grouped = shadowed ? Optional.empty()
                : OuterJoinAggregation.find(combineTree, catalog, occurrences, engine);
        if (grouped.isPresent()) {
            combineTree = grouped.get().statement();
        }
        String combine = pushed.conjuncts().isEmpty() && grouped.isEmpty() ? sql : engine.render(combineTree);
        Set<String> referenced = new HashSet<>();
        boolean[] star = {false};
        Ast.forEachObject(withoutExistsSelectLists(combineTree), o -> {
            if (Ast.isColumnRef(o)) {
                List<String> names = Ast.columnNames(o);
                referenced.add(names.get(names.size() - 1).toLowerCase(Locale.ROOT));
            } else if ("STAR".equals(Ast.exprClass(o)) || "COLUMNS".equals(Ast.exprClass(o))) {
                star[0] = true;
            }
            o.path("using_columns").forEach(c -> referenced.add(c.asText().toLowerCase(Locale.ROOT)));
            if (o.path("column_name_alias").size() > 0) {
                star[0] = true; // orders AS o(k, ck): the query names the columns by position, not by name
            }
            if ("NATURAL".equals(o.path("ref_type").asText())) {
                star[0] = true; // a NATURAL join joins on every column the two sides share: keep them all
            }
        });
        Map<String, Integer> inCtes = new LinkedHashMap<>();
        Ast.forEachObject(select, o -> o.path("cte_map").path("map")
                .forEach(entry -> PartitionedReads.count(entry.get("value"), Set.of(), catalog, inCtes)));
        Map<String, ObjectNode> reductions = shadowed ? Map.of()
                : SemiJoinReduction.reductions(select, catalog, occurrences, engine);
        Set<String> distinct = shadowed ? Set.of() : ExistenceReads.tables(select, catalog, occurrences, engine);
        List<DistributedPlan.WorkerStream> streams = new ArrayList<>();
        for (String tableName : occurrences.keySet()) {
            TableInfo table = catalog.table(tableName).orElseThrow();
            List<String> columns = new ArrayList<>();
            for (String column : table.columns()) {
                if (star[0] || referenced.contains(column.toLowerCase(Locale.ROOT))) {
                    columns.add(column);
                }
            }
            if (columns.isEmpty()) {
                columns.add(table.columns().get(0)); // the query needs the rows, not their values (count(*))
            }
            ObjectNode scan = scan(engine, table, columns, pushed.byTable().getOrDefault(table.name(), List.of()),
                    reductions.get(table.name()), distinct.contains(table.name()));
            if (grouped.isPresent() && grouped.get().table().equals(table.name())) {
                scan = OuterJoinAggregation.groupedScan(scan, grouped.get(), engine);
            }
            // a stream is scanned once: a table read twice, or inside a CTE (which may be inlined where it is used),
            // is first stored in a temporary table
            streams.add(new DistributedPlan.WorkerStream(table.name(), table.dataset(), engine.render(scan),
                    occurrences.get(tableName) > 1 || inCtes.containsKey(tableName)));
        }
        String why = reason.startsWith("not distributed yet: ") ? reason.substring("not distributed yet: ".length()) : reason;
        return new DistributedPlan(Strategy.GATHER, sql, streams, combine, output, why + " cannot be pushed down yet");
    }

    /** {@code TRUE}, in place of a conjunct the workers apply. */
    private static ObjectNode trueConstant(SqlEngine engine) {
        return (ObjectNode) engine.parseSelect("SELECT 1 FROM " + DistributedPlan.PARTIALS + " WHERE TRUE").get("where_clause");
    }

    /** EXISTS only asks whether rows exist: what its sub-query selects ({@code SELECT *}) needs no columns. */
    private static JsonNode withoutExistsSelectLists(ObjectNode select) {
        return Ast.rewrite(select, e -> {
            String kind = e.path("subquery_type").asText("");
            if (!"SUBQUERY".equals(Ast.exprClass(e)) || !(kind.equals("EXISTS") || kind.equals("NOT_EXISTS"))) {
                return null;
            }
            ObjectNode copy = e.deepCopy();
            JsonNode inner = copy.path("subquery").path("node");
            if (inner.isObject() && inner.has("select_list")) {
                ((ObjectNode) inner).putArray("select_list");
            }
            return copy;
        });
    }

    /**
     * {@code SELECT [DISTINCT] columns FROM table [AS alias] WHERE conjuncts [AND reduction]}, built on a parsed
     * template; the semi-join reduction, when there is one, names only the table's own columns unqualified. DISTINCT
     * when the statement only tests the table's rows for existence ({@link ExistenceReads}).
     */
    private static ObjectNode scan(SqlEngine engine, TableInfo table, List<String> columns, List<ObjectNode> conjuncts,
            ObjectNode reduction, boolean distinct) {
        ObjectNode node = engine.parseSelect("SELECT " + (distinct ? "DISTINCT " : "") + "1 FROM " + DistributedPlan.PARTIALS);
        String alias = conjuncts.isEmpty() ? "" : conjuncts.get(0).path("__binding").asText("");
        ObjectNode from = Nodes.baseTable(table.name());
        if (!alias.isEmpty() && !alias.equalsIgnoreCase(table.name())) {
            from.put("alias", alias);
        }
        node.set("from_table", from);
        ArrayNode list = node.putArray("select_list");
        columns.forEach(c -> list.add(Nodes.columnRef(c)));
        ObjectNode where = reduction == null ? null : reduction.deepCopy();
        for (ObjectNode conjunct : conjuncts) {
            ObjectNode clean = conjunct.deepCopy();
            clean.remove("__binding");
            where = where == null ? clean : Nodes.and(where, clean);
        }
        if (where != null) {
            node.set("where_clause", where);
        }
        return node;
    }

    /**
     * Filters the workers may apply: per partitioned table, the conjuncts (tagged with the binding name they use) and,
     * by identity, the statement's nodes they came from.
     */
    private record Pushed(Map<String, List<ObjectNode>> byTable, Set<JsonNode> conjuncts) {
    }

    /**
     * Conjuncts that read only one partitioned table, when the table appears once in the statement: those of the WHERE
     * of the SELECT whose FROM clause reads it, and those of the ON condition of a join of that FROM clause, where no
     * outer join null-extends the table's rows before the condition sees them. A WHERE conjunct then filters every row
     * of the table the query uses; an ON conjunct of {@code A LEFT JOIN B ON ... AND f(B)} is the same as filtering B
     * by {@code f} first ({@code A} keeps its rows either way), and likewise for either side of an inner join and the
     * left side of a right join. The caller pushes nothing when a CTE shadows a table's name.
     */
    private static Pushed pushableFilters(ObjectNode statement, Catalog catalog, Map<String, Integer> occurrences) {
        Pushed pushed = new Pushed(new LinkedHashMap<>(), Collections.newSetFromMap(new IdentityHashMap<>()));
        Ast.forEachObject(statement, o -> {
            if ("SELECT_NODE".equals(Ast.type(o))) {
                collectFilters(o, catalog, occurrences, pushed);
            }
        });
        return pushed;
    }

    /** Whether a CTE of the statement has the name of a table: a FROM clause naming it might then mean the CTE. */
    private static boolean shadowsTable(ObjectNode statement, Catalog catalog) {
        boolean[] shadowed = {false};
        Ast.forEachObject(statement, o -> {
            for (JsonNode entry : o.path("cte_map").path("map")) {
                shadowed[0] |= catalog.table(entry.path("key").asText()).isPresent();
            }
        });
        return shadowed[0];
    }

    private static void collectFilters(ObjectNode select, Catalog catalog, Map<String, Integer> occurrences, Pushed pushed) {
        if (samples(select)) {
            return;
        }
        JsonNode from = select.get("from_table");
        TableBindings bindings;
        Set<String> preserved;
        try {
            bindings = TableBindings.ofJoinTree(from, catalog);
            preserved = preserved(from);
        } catch (MallardException e) {
            return;
        }
        JsonNode where = select.get("where_clause");
        if (where != null && !where.isNull()) {
            push(where, preserved, bindings, occurrences, pushed);
        }
        collectJoinFilters(from, bindings, occurrences, pushed);
    }

    /** Pushes the ON conjuncts of every join in the tree that filter a table no outer join inside it null-extends. */
    private static void collectJoinFilters(JsonNode ref, TableBindings bindings, Map<String, Integer> occurrences,
            Pushed pushed) {
        if (!"JOIN".equals(Ast.type(ref))) {
            return;
        }
        collectJoinFilters(ref.get("left"), bindings, occurrences, pushed);
        collectJoinFilters(ref.get("right"), bindings, occurrences, pushed);
        JsonNode condition = ref.get("condition");
        if (condition == null || condition.isNull()) {
            return;
        }
        Set<String> filterable = new HashSet<>();
        String type = ref.path("join_type").asText();
        if ("INNER".equals(type) || "RIGHT".equals(type)) {
            filterable.addAll(preserved(ref.get("left")));
        }
        if ("INNER".equals(type) || "LEFT".equals(type)) {
            filterable.addAll(preserved(ref.get("right")));
        }
        push(condition, filterable, bindings, occurrences, pushed);
    }

    private static void push(JsonNode predicate, Set<String> filterable, TableBindings bindings,
            Map<String, Integer> occurrences, Pushed pushed) {
        List<JsonNode> conjuncts = new ArrayList<>();
        split(predicate, conjuncts);
        for (JsonNode conjunct : conjuncts) {
            singleBinding(conjunct, bindings).ifPresent(binding -> {
                TableInfo table = binding.table();
                if (table.kind() == TableKind.PARTITIONED && occurrences.getOrDefault(table.name(), 0) == 1
                        && filterable.contains(binding.name().toLowerCase(Locale.ROOT))) {
                    ObjectNode tagged = ((ObjectNode) conjunct).deepCopy();
                    tagged.put("__binding", binding.name());
                    pushed.byTable().computeIfAbsent(table.name(), k -> new ArrayList<>()).add(tagged);
                    pushed.conjuncts().add(conjunct);
                }
            });
        }
    }

    /**
     * The binding names (lower case) of a join tree whose rows reach its output as they are, never null-extended by an
     * outer join inside it: both sides of an inner join, the left of a left join, the right of a right join.
     */
    private static Set<String> preserved(JsonNode ref) {
        Set<String> out = new HashSet<>();
        switch (Ast.type(ref)) {
            case "BASE_TABLE" -> {
                String alias = ref.path("alias").asText("");
                out.add((alias.isEmpty() ? ref.path("table_name").asText() : alias).toLowerCase(Locale.ROOT));
            }
            case "JOIN" -> {
                String type = ref.path("join_type").asText();
                if ("INNER".equals(type) || "LEFT".equals(type)) {
                    out.addAll(preserved(ref.get("left")));
                }
                if ("INNER".equals(type) || "RIGHT".equals(type)) {
                    out.addAll(preserved(ref.get("right")));
                }
            }
            default -> {
                // sub-queries and table functions bind no table of the catalog here
            }
        }
        return out;
    }

    /**
     * Whether the SELECT samples its rows ({@code USING SAMPLE}) or samples a table or sub-query of its FROM clause
     * ({@code TABLESAMPLE}): DuckDB samples before it filters, so filtering, cutting or deduplicating a table on the
     * workers would change what is sampled.
     */
    static boolean samples(JsonNode select) {
        if (present(select.get("sample"))) {
            return true;
        }
        boolean[] found = {false};
        Ast.forEachObject(select.get("from_table"), o -> found[0] |= present(o.get("sample")));
        return found[0];
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull() && !node.isMissingNode();
    }

    /** Adds the top-level AND conjuncts of {@code predicate} to {@code out}. */
    static void split(JsonNode predicate, List<JsonNode> out) {
        if ("CONJUNCTION_AND".equals(Ast.type(predicate))) {
            predicate.path("children").forEach(child -> split(child, out));
        } else {
            out.add(predicate);
        }
    }

    /**
     * The one binding every column of the predicate resolves to, if the predicate is plain: no sub-query, window or
     * volatile function, so that evaluating it once more on the workers changes nothing.
     */
    static Optional<TableBindings.Binding> singleBinding(JsonNode predicate, TableBindings bindings) {
        Set<String> owners = new HashSet<>();
        boolean[] plain = {true};
        Ast.forEachExpression(predicate, e -> {
            String cls = Ast.exprClass(e);
            if ("SUBQUERY".equals(cls) || "WINDOW".equals(cls) || "FUNCTION".equals(cls) && volatileFunction(Ast.functionName(e))) {
                plain[0] = false;
            }
            if (Ast.isColumnRef(e)) {
                Optional<String> key = bindings.resolve(Ast.columnNames(e));
                if (key.isEmpty()) {
                    plain[0] = false;
                } else {
                    owners.add(key.get().substring(0, key.get().lastIndexOf('.')));
                }
            }
        });
        if (!plain[0] || owners.size() != 1) {
            return Optional.empty();
        }
        String owner = owners.iterator().next();
        return bindings.bindings().stream().filter(b -> b.name().equalsIgnoreCase(owner)).findFirst();
    }

    private static boolean volatileFunction(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.startsWith("nextval") || Set.of("random", "uuid", "gen_random_uuid", "setseed").contains(lower);
    }
}
