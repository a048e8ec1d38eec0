package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.Conjuncts;
import io.mallard.planner.ast.Nodes;
import io.mallard.planner.ast.SelectNode;
import io.mallard.planner.catalog.Catalog;
import io.mallard.planner.catalog.TableInfo;
import io.mallard.planner.catalog.TableKind;
import io.mallard.planner.sql.SqlEngine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Semi-join reduction of gathered tables (rule 9 of "Table roles decide correctness" in docs/planner.md). A gathered
 * partitioned table T may be cut on the workers to {@code T.c IN (SELECT D.k FROM D WHERE F)} when every read of T in
 * the statement needs no other rows:
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
 * Finding the partner is {@link SemiJoinPartners}' job, where the reads sit {@link SemiJoinSite}'s. The reads'
 * conditions are OR-ed. A cut is made only when F keeps at most {@link #MAX_KEPT} of D's rows (counted on the
 * coordinator's full copy): evaluating the semi-join on every shard costs more than shipping the rows a weak filter
 * would save (TPC-H Q22 at SF 1, F keeping 28 % of customers: 195 ms before, 314 ms with the cut).
 */
final class SemiJoinReduction {
    /** The largest share of the partner's rows its filters may keep for a cut to be worth it. */
    static final double MAX_KEPT = 0.1;

    private SemiJoinReduction() {
    }

    /** One read's reduction: {@code column IN (SELECT key FROM dimension AS binding WHERE filters)}. */
    record Reduction(String column, TableInfo dimension, String binding, String key, List<JsonNode> filters) {
        /** Equal for two reads that cut the table the same way. */
        String text() {
            StringBuilder b = new StringBuilder(column + "|" + dimension.name() + "|" + binding + "|" + key);
            filters.forEach(f -> b.append('|').append(Ast.withoutPositions(f)));
            return b.toString();
        }
    }

    /** The predicate, per gathered table name, that the workers may apply; tables with no reduction are absent. */
    static Map<String, ObjectNode> reductions(ObjectNode statement, Catalog catalog, Map<String, Integer> occurrences,
            SqlEngine engine) {
        SemiJoinPartners partners = new SemiJoinPartners(catalog, engine);
        Map<String, Integer> reduced = new LinkedHashMap<>();
        Map<String, Map<String, Reduction>> byTable = new LinkedHashMap<>();
        for (SemiJoinSite site : SemiJoinSite.all(statement)) {
            if (site.select().samples()) {
                continue; // the cut would change what the read samples
            }
            TableBindings bindings = partners.bindings(site.select()).orElse(null);
            if (bindings == null) {
                continue;
            }
            for (TableBindings.Binding read : bindings.bindings()) {
                if (read.table().kind() != TableKind.PARTITIONED) {
                    continue;
                }
                partners.reduce(site, read, bindings).filter(r -> selective(r, engine)).ifPresent(r -> {
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
                    predicate = predicate == null ? in : Nodes.or(predicate, in);
                }
                predicates.put(table, predicate);
            }
        });
        return predicates;
    }

    /**
     * Whether the filters keep at most {@link #MAX_KEPT} of the partner's rows, on the coordinator's full copy. No cut
     * when the filters fail on some row of the partner, which the query itself might never evaluate.
     */
    private static boolean selective(Reduction r, SqlEngine engine) {
        SelectNode all = new SelectNode(engine.parseSelect("SELECT 1 FROM " + DistributedPlan.PARTIALS)).setFrom(from(r));
        SelectNode kept = all.copy().setWhere(Conjuncts.and(r.filters()));
        OptionalLong keptRows = engine.count(kept.node());
        OptionalLong allRows = engine.count(all.node());
        return keptRows.isPresent() && allRows.isPresent() && keptRows.getAsLong() <= MAX_KEPT * allRows.getAsLong();
    }

    private static ObjectNode from(Reduction r) {
        ObjectNode from = Nodes.baseTable(r.dimension().name());
        if (!r.binding().equalsIgnoreCase(r.dimension().name())) {
            from.put("alias", r.binding());
        }
        return from;
    }

    /** {@code c IN (SELECT k FROM dimension AS binding WHERE filters)}, built on a parsed template. */
    private static ObjectNode render(Reduction r, SqlEngine engine) {
        ObjectNode template = engine.parseSelect("SELECT 1 FROM " + DistributedPlan.PARTIALS + " WHERE __mallard_c IN (SELECT "
                + "__mallard_k FROM " + DistributedPlan.PARTIALS + ")");
        ObjectNode in = (ObjectNode) template.get("where_clause");
        in.set("child", Nodes.columnRef(r.column()));
        new SelectNode((ObjectNode) in.path("subquery").path("node"))
                .setSelectList(List.of(Nodes.columnRef(r.key())))
                .setFrom(from(r))
                .setWhere(Conjuncts.and(r.filters()));
        return in;
    }
}
