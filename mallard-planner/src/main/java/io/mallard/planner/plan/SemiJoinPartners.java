package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.ColumnEquality;
import io.mallard.planner.ast.ColumnKey;
import io.mallard.planner.ast.ColumnRef;
import io.mallard.planner.ast.SelectNode;
import io.mallard.planner.ast.SubqueryExpression;
import io.mallard.planner.catalog.Catalog;
import io.mallard.planner.catalog.TableInfo;
import io.mallard.planner.catalog.TableInfo.Reference;
import io.mallard.planner.catalog.TableKind;
import io.mallard.planner.sql.SqlEngine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Finds, for one read of a gathered table T, a filtered partner D it is joined with that every shard holds with the
 * rows T's rows point to (see {@link SemiJoinReduction}): in the read's own FROM clause, or in the SELECT whose WHERE
 * holds the read's sub-query, correlated by {@code T.c = D.k}.
 */
final class SemiJoinPartners {
    /** {@code read.readColumn = partnerBinding.partnerColumn} (names lower case). */
    private record Pair(String readColumn, String partnerBinding, String partnerColumn) {
    }

    private final Catalog catalog;
    private final SqlEngine engine;

    SemiJoinPartners(Catalog catalog, SqlEngine engine) {
        this.catalog = catalog;
        this.engine = engine;
    }

    /** The bindings of a SELECT's FROM clause of inner joins of catalog tables, if it is one. */
    Optional<TableBindings> bindings(SelectNode select) {
        if (!select.hasFrom()) {
            return Optional.empty();
        }
        Attempt<TableBindings> bound = TableBindings.of(select.from(), catalog);
        // outer joins, derived tables, table functions: no rule applies
        return bound.succeeded() ? Optional.of(bound.value()) : Optional.empty();
    }

    /** The reduction one read of a partitioned table allows, if any. */
    Optional<SemiJoinReduction.Reduction> reduce(SemiJoinSite site, TableBindings.Binding read, TableBindings bindings) {
        List<JsonNode> conjuncts = site.select().whereConjuncts();
        // a join partner in the same FROM
        for (JsonNode conjunct : conjuncts) {
            Optional<SemiJoinReduction.Reduction> r = equality(conjunct, read, bindings, bindings, conjuncts, conjuncts);
            if (r.isPresent()) {
                return r;
            }
        }
        // a partner in the enclosing SELECT, through a correlated sub-query that yields one row or tests existence
        if (site.parent() == null || !site.oneRowOrExistence(engine)) {
            return Optional.empty();
        }
        Optional<TableBindings> outer = bindings(site.parent());
        if (outer.isEmpty()) {
            return Optional.empty();
        }
        List<JsonNode> outerConjuncts = site.parent().whereConjuncts();
        for (JsonNode conjunct : conjuncts) {
            Optional<SemiJoinReduction.Reduction> r = equality(conjunct, read, bindings, outer.get(), outerConjuncts, conjuncts);
            if (r.isPresent()) {
                return r;
            }
        }
        return Optional.empty();
    }

    /**
     * {@code read.c = partner.k} as a conjunct, with the partner's table on every shard the way the read's rows need it
     * and filtered by conjuncts of its own SELECT ({@code partnerConjuncts}). {@code readConjuncts} are the conjuncts
     * beside it, where the other columns of a composite placement key must be equated too.
     */
    private Optional<SemiJoinReduction.Reduction> equality(JsonNode conjunct, TableBindings.Binding read,
            TableBindings readBindings, TableBindings partnerBindings, List<JsonNode> partnerConjuncts,
            List<JsonNode> readConjuncts) {
        Optional<Pair> pair = pair(conjunct, read, readBindings, partnerBindings);
        if (pair.isEmpty()) {
            return Optional.empty();
        }
        TableBindings.Binding partner = partnerBindings.binding(pair.get().partnerBinding()).orElseThrow();
        // every column pair by which the read meets its partner: read column -> partner column
        Map<String, String> equated = new LinkedHashMap<>();
        for (JsonNode other : readConjuncts) {
            pair(other, read, readBindings, partnerBindings).filter(p -> p.partnerBinding().equalsIgnoreCase(partner.name()))
                    .ifPresent(p -> equated.putIfAbsent(p.readColumn(), p.partnerColumn()));
        }
        Optional<Map<String, String>> placement = placement(partner.table(), read.table(), equated);
        if (placement.isEmpty()) {
            return Optional.empty();
        }
        List<JsonNode> filters = new ArrayList<>();
        for (JsonNode candidate : partnerConjuncts) {
            if (PlainPredicate.readsOnly(candidate, partnerBindings, partner.name())
                    || placedIn(candidate, partner, partnerBindings, read.table(), placement.get())) {
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
        return Optional.of(new SemiJoinReduction.Reduction(cut.getKey(), partner.table(), partner.name(), cut.getValue(), filters));
    }

    /**
     * The pair when the conjunct is {@code read.c = partner.k} (either way round) with the partner a different binding of
     * {@code partnerBindings}.
     */
    private static Optional<Pair> pair(JsonNode conjunct, TableBindings.Binding read, TableBindings readBindings,
            TableBindings partnerBindings) {
        Optional<ColumnEquality> equality = ColumnEquality.of(conjunct);
        if (equality.isEmpty()) {
            return Optional.empty();
        }
        List<ColumnRef[]> orders = List.of(new ColumnRef[] {equality.get().left(), equality.get().right()},
                new ColumnRef[] {equality.get().right(), equality.get().left()});
        for (ColumnRef[] sides : orders) {
            Optional<ColumnKey> column = readBindings.resolve(sides[0]);
            if (column.isEmpty() || !column.get().belongsTo(read.name())) {
                continue;
            }
            ColumnRef theirs = sides[1];
            Optional<ColumnKey> key = partnerBindings == readBindings ? readBindings.resolve(theirs)
                    : readBindings.resolve(theirs).isPresent() ? Optional.empty()
                    : partnerBindings.resolve(theirs);
            if (key.isEmpty() || partnerBindings == readBindings && key.get().belongsTo(read.name())) {
                continue;
            }
            return Optional.of(new Pair(column.get().column(), key.get().binding(), key.get().column()));
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
            for (int i = 0; i < r.fromColumns().size() && pairs != null; i++) {
                String from = r.fromColumns().get(i).toLowerCase(Locale.ROOT);
                String to = r.toColumns().get(i);
                if (to.equalsIgnoreCase(equated.get(from))) {
                    pairs.put(from, to.toLowerCase(Locale.ROOT));
                } else {
                    pairs = null;
                }
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
    private boolean placedIn(JsonNode conjunct, TableBindings.Binding partner, TableBindings partnerBindings, TableInfo table,
            Map<String, String> placement) {
        Optional<SubqueryExpression> in = SubqueryExpression.of(conjunct)
                .filter(s -> "ANY".equals(s.kind()) && "COMPARE_EQUAL".equals(s.comparison()));
        Optional<ColumnKey> x = in.flatMap(s -> partnerBindings.resolve(s.child()));
        if (x.isEmpty() || !x.get().belongsTo(partner.name())) {
            return false;
        }
        String readColumn = placement.entrySet().stream().filter(e -> e.getValue().equalsIgnoreCase(x.get().column()))
                .map(Map.Entry::getKey).findFirst().orElse(null);
        Optional<SelectNode> inner = in.get().select();
        if (readColumn == null || inner.isEmpty() || inner.get().selectList().size() != 1 || inner.get().isGrouped()
                || !inner.get().modifiers().isEmpty() || !inner.get().ctes().isEmpty() || inner.get().having().isPresent()
                || inner.get().qualify().isPresent() || !inner.get().from().isBaseTable()) {
            return false;
        }
        Attempt<TableBindings> e = TableBindings.of(inner.get().from(), catalog);
        if (!e.succeeded()) {
            return false;
        }
        TableBindings.Binding source = e.value().bindings().get(0);
        Optional<ColumnKey> y = e.value().resolve(inner.get().selectList().get(0));
        if (y.isEmpty() || !placedBy(source.table(), table, readColumn, y.get().column())) {
            return false;
        }
        return inner.get().whereConjuncts().stream().allMatch(c -> PlainPredicate.singleBinding(c, e.value()).isPresent());
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
        filters.forEach(f -> Ast.forEachExpression(f, e -> ColumnRef.of(e)
                .ifPresent(ref -> found[0] |= ref.column().equalsIgnoreCase(column))));
        return found[0];
    }
}
