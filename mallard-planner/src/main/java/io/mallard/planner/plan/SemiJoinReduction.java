package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.common.MallardException;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.Nodes;
import io.mallard.planner.catalog.Catalog;
import io.mallard.planner.catalog.TableInfo.Reference;
import io.mallard.planner.catalog.TableInfo;
import io.mallard.planner.catalog.TableKind;
import io.mallard.planner.sql.SqlEngine;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Semi-join reduction of gathered tables (rule 9 of "Table roles decide correctness" in docs/planner.md). A gathered partitioned table T may be
 * cut on the workers to {@code T.c IN (SELECT D.k FROM D WHERE F)} when every read of T in the statement needs no
 * other rows:
 * <ul>
 * <li>the read is in a FROM clause of inner joins whose WHERE has {@code T.c = D.k} and filters {@code F} on D alone
 *     (a row of T without such a partner cannot reach the result), or</li>
 * <li>the read is in a sub-query inside the WHERE of an enclosing SELECT, correlated by {@code T.c = D.k} on a D of
 *     that SELECT which its WHERE filters by {@code F} alone; the sub-query is EXISTS, NOT EXISTS or an aggregate
 *     without GROUP BY (one row whatever it reads), so for the outer rows that pass F it sees the same rows, and the
 *     outer rows that fail F are dropped whatever it returns.</li>
 * </ul>
 * D must be on every shard with every row the shard's T rows point to: a replicated table, or a dimension whose rows
 * are placed by a reference from T all of whose column pairs the read equates (for a composite key such as
 * partsupp's {@code (l_partkey, l_suppkey)}, the cut is on the pair the filters name). Besides plain filters on D
 * alone, F may hold {@code D.x IN (SELECT E.y FROM E WHERE G)} when x is equated to T's c' and E is replicated or
 * placed by {@code T.c' → E.y}: each shard then decides it as the full data would for the rows it keeps (TPC-H Q20).
 * The reads' conditions are OR-ed. A cut is made only when F keeps
 * at most {@link #MAX_KEPT} of D's rows (counted on the coordinator's full copy): evaluating the semi-join on every
 * shard costs more than shipping the rows a weak filter would save (TPC-H Q22 at SF 1, F keeping 28 % of customers:
 * 195 ms before, 314 ms with the cut).
 */
final class SemiJoinReduction {
    /** The largest share of the partner's rows its filters may keep for a cut to be worth it. */
    static final double MAX_KEPT = 0.1;

    private SemiJoinReduction() {
    }

    /** One read's reduction: {@code column IN (SELECT key FROM dimension AS binding WHERE filters)}. */
    private record Reduction(String column, TableInfo dimension, String binding, String key, List<JsonNode> filters) {
        String text() {
            StringBuilder b = new StringBuilder(column + "|" + dimension.name() + "|" + binding + "|" + key);
            filters.forEach(f -> b.append('|').append(Ast.withoutPositions(f)));
            return b.toString();
        }
    }

    /** A SELECT of the statement and where it sits: inside which SELECT's WHERE, as what kind of sub-query. */
    private record Site(ObjectNode select, ObjectNode parent, String subqueryType) {
    }

    /** The predicate, per gathered table name, that the workers may apply; tables with no reduction are absent. */
    static Map<String, ObjectNode> reductions(ObjectNode statement, Catalog catalog, Map<String, Integer> occurrences,
            SqlEngine engine) {
        List<Site> sites = new ArrayList<>();
        walk(statement, null, null, false, sites);
        Map<String, Integer> reduced = new LinkedHashMap<>();
        Map<String, Map<String, Reduction>> byTable = new LinkedHashMap<>();
        for (Site site : sites) {
            if (GatherPlanner.samples(site.select())) {
                continue; // the cut would change what the read samples
            }
            TableBindings bindings = bindings(site.select(), catalog).orElse(null);
            if (bindings == null) {
                continue;
            }
            for (TableBindings.Binding read : bindings.bindings()) {
                if (read.table().kind() != TableKind.PARTITIONED) {
                    continue;
                }
                reduce(site, read, bindings, catalog, engine).filter(r -> selective(r, engine)).ifPresent(r -> {
                    reduced.merge(read.table().name(), 1, Integer::sum);
                    byTable.computeIfAbsent(read.table().name(), k -> new LinkedHashMap<>()).putIfAbsent(r.text(), r);
                });
            }
        }
        Map<String, ObjectNode> predicates = new LinkedHashMap<>();
        byTable.forEach((table, reductions) -> {
            if (reduced.get(table).equals(occurrences.get(table))) {
                ObjectNode predicate = null;
                for (Reduction r : reductions.values()) {
                    ObjectNode in = render(r, engine);
                    predicate = predicate == null ? in : or(predicate, in);
                }
                predicates.put(table, predicate);
            }
        });
        return predicates;
    }

    /** Records every SELECT node with the SELECT whose WHERE holds it (through a sub-query expression), if any. */
    private static void walk(JsonNode node, ObjectNode parent, String subqueryType, boolean inParentWhere, List<Site> sites) {
        if (node == null || !node.isContainerNode()) {
            return;
        }
        if (node.isArray()) {
            node.forEach(child -> walk(child, parent, subqueryType, inParentWhere, sites));
            return;
        }
        ObjectNode object = (ObjectNode) node;
        if ("SELECT_NODE".equals(Ast.type(object))) {
            sites.add(new Site(object, inParentWhere ? parent : null, inParentWhere ? subqueryType : null));
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                walk(field.getValue(), object, null, field.getKey().equals("where_clause"), sites);
            }
            return;
        }
        if ("SUBQUERY".equals(Ast.exprClass(object))) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                walk(field.getValue(), parent, object.path("subquery_type").asText(""), inParentWhere, sites);
            }
            return;
        }
        if (object.has("cte_map") || "SET_OPERATION_NODE".equals(Ast.type(object)) || "SUBQUERY".equals(Ast.type(object))) {
            // CTE bodies, set-operation branches and sub-queries in FROM are not evaluated per outer row
            object.fields().forEachRemaining(field -> walk(field.getValue(), null, null, false, sites));
            return;
        }
        object.fields().forEachRemaining(field -> walk(field.getValue(), parent, subqueryType, inParentWhere, sites));
    }

    private static Optional<TableBindings> bindings(ObjectNode select, Catalog catalog) {
        JsonNode from = select.get("from_table");
        if (from == null || from.isNull() || "EMPTY".equals(Ast.type(from))) {
            return Optional.empty();
        }
        try {
            return Optional.of(TableBindings.of(from, catalog));
        } catch (MallardException e) {
            return Optional.empty(); // outer joins, derived tables, table functions: no rule applies
        }
    }

    private static Optional<Reduction> reduce(Site site, TableBindings.Binding read, TableBindings bindings, Catalog catalog,
            SqlEngine engine) {
        List<JsonNode> conjuncts = conjuncts(site.select());
        // a join partner in the same FROM
        for (JsonNode conjunct : conjuncts) {
            Optional<Reduction> r = equality(conjunct, read, bindings, bindings, conjuncts, conjuncts, catalog);
            if (r.isPresent()) {
                return r;
            }
        }
        // a partner in the enclosing SELECT, through a correlated sub-query that yields one row or tests existence
        if (site.parent() == null || !oneRowOrExistence(site, engine)) {
            return Optional.empty();
        }
        Optional<TableBindings> outer = bindings(site.parent(), catalog);
        if (outer.isEmpty()) {
            return Optional.empty();
        }
        List<JsonNode> outerConjuncts = conjuncts(site.parent());
        for (JsonNode conjunct : conjuncts) {
            Optional<Reduction> r = equality(conjunct, read, bindings, outer.get(), outerConjuncts, conjuncts, catalog);
            if (r.isPresent()) {
                return r;
            }
        }
        return Optional.empty();
    }

    private static boolean oneRowOrExistence(Site site, SqlEngine engine) {
        String type = site.subqueryType();
        if ("EXISTS".equals(type) || "NOT_EXISTS".equals(type)) {
            return true;
        }
        if (!"SCALAR".equals(type) || site.select().path("group_expressions").size() > 0
                || site.select().path("select_list").size() != 1) {
            return false;
        }
        boolean[] aggregate = {false};
        boolean[] window = {false};
        Ast.forEachExpression(site.select().path("select_list"), e -> {
            if (Ast.isFunction(e) && engine.aggregateFunctions().contains(Ast.functionName(e).toLowerCase(Locale.ROOT))) {
                aggregate[0] = true;
            }
            window[0] |= "WINDOW".equals(Ast.exprClass(e));
        });
        return aggregate[0] && !window[0];
    }

    /**
     * {@code read.c = partner.k} as a conjunct, with the partner's table on every shard the way the read's rows need it
     * and filtered by conjuncts of its own SELECT ({@code partnerConjuncts}). {@code readConjuncts} are the conjuncts
     * beside it, where the other columns of a composite placement key must be equated too.
     */
    private static Optional<Reduction> equality(JsonNode conjunct, TableBindings.Binding read, TableBindings readBindings,
            TableBindings partnerBindings, List<JsonNode> partnerConjuncts, List<JsonNode> readConjuncts, Catalog catalog) {
        Optional<String[]> pair = pair(conjunct, read, readBindings, partnerBindings);
        if (pair.isEmpty()) {
            return Optional.empty();
        }
        String partnerName = pair.get()[1];
        TableBindings.Binding partner = partnerBindings.bindings().stream()
                .filter(b -> b.name().equalsIgnoreCase(partnerName)).findFirst().orElseThrow();
        // every column pair by which the read meets its partner: read column -> partner column
        Map<String, String> equated = new LinkedHashMap<>();
        for (JsonNode other : readConjuncts) {
            pair(other, read, readBindings, partnerBindings).filter(p -> p[1].equalsIgnoreCase(partner.name()))
                    .ifPresent(p -> equated.putIfAbsent(p[0], p[2]));
        }
        Optional<Map<String, String>> placement = placement(partner.table(), read.table(), equated);
        if (placement.isEmpty()) {
            return Optional.empty();
        }
        List<JsonNode> filters = new ArrayList<>();
        for (JsonNode candidate : partnerConjuncts) {
            if (GatherPlanner.singleBinding(candidate, partnerBindings)
                    .filter(b -> b.name().equalsIgnoreCase(partner.name())).isPresent()
                    || placedIn(candidate, partner, partnerBindings, read.table(), placement.get(), catalog)) {
                filters.add(candidate);
            }
        }
        if (filters.isEmpty()) {
            return Optional.empty();
        }
        // cut on the key column the filters name, if any: Q20's filters name ps_partkey, not ps_suppkey
        Map.Entry<String, String> cut = placement.get().entrySet().iterator().next();
        for (Map.Entry<String, String> entry : placement.get().entrySet()) {
            if (names(filters, entry.getValue())) {
                cut = entry;
                break;
            }
        }
        return Optional.of(new Reduction(cut.getKey(), partner.table(), partner.name(), cut.getValue(), filters));
    }

    /**
     * {@code [read column, partner binding, partner column]} when the conjunct is {@code read.c = partner.k} (either way
     * round) with the partner a different binding of {@code partnerBindings}.
     */
    private static Optional<String[]> pair(JsonNode conjunct, TableBindings.Binding read, TableBindings readBindings,
            TableBindings partnerBindings) {
        if (!"COMPARE_EQUAL".equals(Ast.type(conjunct)) || conjunct.path("left").isMissingNode()) {
            return Optional.empty();
        }
        JsonNode[] sides = {conjunct.get("left"), conjunct.get("right")};
        for (int i = 0; i < 2; i++) {
            JsonNode mine = sides[i];
            JsonNode theirs = sides[1 - i];
            if (!Ast.isColumnRef(mine) || !Ast.isColumnRef(theirs)) {
                return Optional.empty();
            }
            Optional<String> column = readBindings.resolve(Ast.columnNames(mine));
            if (column.isEmpty() || !owner(column.get()).equalsIgnoreCase(read.name())) {
                continue;
            }
            Optional<String> key = partnerBindings == readBindings ? readBindings.resolve(Ast.columnNames(theirs))
                    : readBindings.resolve(Ast.columnNames(theirs)).isPresent() ? Optional.empty()
                    : partnerBindings.resolve(Ast.columnNames(theirs));
            if (key.isEmpty()) {
                continue;
            }
            String partnerName = owner(key.get());
            if (partnerBindings == readBindings && partnerName.equalsIgnoreCase(read.name())) {
                continue;
            }
            return Optional.of(new String[] {name(column.get()), partnerName, name(key.get())});
        }
        return Optional.empty();
    }

    /**
     * The column pairs (read column → partner column) by which every shard holds each row of {@code dimension} that its
     * rows of {@code table} meet: any equated pair for a replicated table; for a dimension, the pairs of a reference
     * from {@code table} that places it, all of which the read must equate (rows of partsupp are placed by
     * {@code (l_partkey, l_suppkey)}: a lineitem row meets its own partsupp row only if both are equated).
     */
    private static Optional<Map<String, String>> placement(TableInfo dimension, TableInfo table, Map<String, String> equated) {
        if (dimension.kind() == TableKind.REPLICATED) {
            return equated.isEmpty() ? Optional.empty() : Optional.of(equated);
        }
        if (dimension.kind() != TableKind.DIMENSION) {
            return Optional.empty();
        }
        for (Reference r : dimension.references()) {
            if (!r.fromTable().equalsIgnoreCase(table.name())) {
                continue;
            }
            Map<String, String> pairs = new LinkedHashMap<>();
            for (int i = 0; i < r.fromColumns().size(); i++) {
                String from = r.fromColumns().get(i).toLowerCase(Locale.ROOT);
                String to = r.toColumns().get(i);
                if (!to.equalsIgnoreCase(equated.get(from))) {
                    pairs = null;
                    break;
                }
                pairs.put(from, to.toLowerCase(Locale.ROOT));
            }
            if (pairs != null) {
                return Optional.of(pairs);
            }
        }
        return Optional.empty();
    }

    /**
     * Whether a conjunct of the partner's SELECT is {@code partner.x IN (SELECT e.y FROM E WHERE G)}, with x one of the
     * placement's partner columns, E a replicated table or a dimension placed by the read's column equated to x
     * ({@code T.c → E.y}), and G plain and on E alone. Then every shard holds, for each row of T it keeps, the rows of E
     * that decide the IN for the partner rows that T row meets, so the workers may evaluate it (TPC-H Q20's
     * {@code ps_partkey IN (SELECT p_partkey FROM part WHERE p_name LIKE 'forest%')}, part placed by l_partkey).
     */
    private static boolean placedIn(JsonNode conjunct, TableBindings.Binding partner, TableBindings partnerBindings,
            TableInfo table, Map<String, String> placement, Catalog catalog) {
        if (!"SUBQUERY".equals(Ast.exprClass(conjunct)) || !"ANY".equals(conjunct.path("subquery_type").asText())
                || !"COMPARE_EQUAL".equals(conjunct.path("comparison_type").asText())
                || !Ast.isColumnRef(conjunct.path("child"))) {
            return false;
        }
        Optional<String> x = partnerBindings.resolve(Ast.columnNames(conjunct.get("child")));
        if (x.isEmpty() || !owner(x.get()).equalsIgnoreCase(partner.name())) {
            return false;
        }
        String readColumn = placement.entrySet().stream().filter(e -> e.getValue().equalsIgnoreCase(name(x.get())))
                .map(Map.Entry::getKey).findFirst().orElse(null);
        JsonNode inner = conjunct.path("subquery").path("node");
        if (readColumn == null || !"SELECT_NODE".equals(Ast.type(inner)) || inner.path("select_list").size() != 1
                || inner.path("group_expressions").size() > 0 || inner.path("modifiers").size() > 0
                || inner.has("cte_map") && inner.path("cte_map").path("map").size() > 0
                || !(inner.path("having").isNull() || inner.path("having").isMissingNode())
                || !(inner.path("qualify").isNull() || inner.path("qualify").isMissingNode())
                || !"BASE_TABLE".equals(Ast.type(inner.path("from_table")))) {
            return false;
        }
        TableBindings e;
        try {
            e = TableBindings.of(inner.get("from_table"), catalog);
        } catch (MallardException ex) {
            return false;
        }
        TableBindings.Binding source = e.bindings().get(0);
        JsonNode y = inner.path("select_list").get(0);
        Optional<String> yColumn = Ast.isColumnRef(y) ? e.resolve(Ast.columnNames(y)) : Optional.empty();
        if (yColumn.isEmpty() || !placedBy(source.table(), table, readColumn, name(yColumn.get()))) {
            return false;
        }
        JsonNode where = inner.get("where_clause");
        if (where == null || where.isNull()) {
            return true;
        }
        List<JsonNode> conjuncts = new ArrayList<>();
        GatherPlanner.split(where, conjuncts);
        return conjuncts.stream().allMatch(c -> GatherPlanner.singleBinding(c, e).isPresent());
    }
    /** Whether every shard holds each row of {@code dimension} that its rows of {@code table} reach through c = k. */
    private static boolean placedBy(TableInfo dimension, TableInfo table, String c, String k) {
        if (dimension.kind() == TableKind.REPLICATED) {
            return true;
        }
        return dimension.kind() == TableKind.DIMENSION && dimension.references().stream().anyMatch(r ->
                r.fromTable().equalsIgnoreCase(table.name()) && r.fromColumns().size() == 1
                        && r.fromColumns().get(0).equalsIgnoreCase(c) && r.toColumns().get(0).equalsIgnoreCase(k));
    }

    /** Whether a column of that name appears in the filters. */
    private static boolean names(List<JsonNode> filters, String column) {
        boolean[] found = {false};
        filters.forEach(f -> Ast.forEachExpression(f, e -> {
            if (Ast.isColumnRef(e)) {
                List<String> names = Ast.columnNames(e);
                found[0] |= names.get(names.size() - 1).equalsIgnoreCase(column);
            }
        }));
        return found[0];
    }

    private static List<JsonNode> conjuncts(ObjectNode select) {
        List<JsonNode> out = new ArrayList<>();
        JsonNode where = select.get("where_clause");
        if (where != null && !where.isNull()) {
            GatherPlanner.split(where, out);
        }
        return out;
    }

    private static String owner(String key) {
        return key.substring(0, key.lastIndexOf('.'));
    }

    private static String name(String key) {
        return key.substring(key.lastIndexOf('.') + 1);
    }

    /** Whether the filters keep at most {@link #MAX_KEPT} of the partner's rows, on the coordinator's full copy. */
    private static boolean selective(Reduction r, SqlEngine engine) {
        ObjectNode all = engine.parseSelect("SELECT 1 FROM " + DistributedPlan.PARTIALS);
        all.set("from_table", from(r));
        ObjectNode kept = all.deepCopy();
        kept.set("where_clause", where(r));
        try {
            return engine.count(kept) <= MAX_KEPT * engine.count(all);
        } catch (MallardException e) {
            // the filters fail on some row of the partner, which the query itself might never evaluate: no cut
            return false;
        }
    }

    private static ObjectNode from(Reduction r) {
        ObjectNode from = Nodes.baseTable(r.dimension().name());
        if (!r.binding().equalsIgnoreCase(r.dimension().name())) {
            from.put("alias", r.binding());
        }
        return from;
    }

    private static ObjectNode where(Reduction r) {
        ObjectNode where = null;
        for (JsonNode filter : r.filters()) {
            ObjectNode copy = filter.deepCopy();
            where = where == null ? copy : Nodes.and(where, copy);
        }
        return where;
    }

    /** {@code c IN (SELECT k FROM dimension AS binding WHERE filters)}, built on a parsed template. */
    private static ObjectNode render(Reduction r, SqlEngine engine) {
        ObjectNode template = engine.parseSelect("SELECT 1 FROM " + DistributedPlan.PARTIALS + " WHERE __mallard_c IN (SELECT "
                + "__mallard_k FROM " + DistributedPlan.PARTIALS + ")");
        ObjectNode in = (ObjectNode) template.get("where_clause");
        in.set("child", Nodes.columnRef(r.column()));
        ObjectNode inner = (ObjectNode) in.path("subquery").path("node");
        inner.putArray("select_list").add(Nodes.columnRef(r.key()));
        inner.set("from_table", from(r));
        inner.set("where_clause", where(r));
        return in;
    }

    private static ObjectNode or(ObjectNode left, ObjectNode right) {
        ObjectNode or = Nodes.and(left, right);
        or.put("type", "CONJUNCTION_OR");
        return or;
    }
}
