package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.catalog.Catalog;
import io.mallard.planner.catalog.TableInfo;
import io.mallard.planner.catalog.TableKind;
import io.mallard.planner.sql.SqlEngine;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Gathered tables whose every read only tests whether rows exist (rule 10 of "Table roles decide correctness" in
 * docs/planner.md): each read is in the FROM clause of an {@code EXISTS}, {@code NOT EXISTS} or {@code IN} sub-query
 * whose answer does not depend on how often a row occurs (no aggregate, GROUP BY, HAVING, window, QUALIFY, LIMIT,
 * OFFSET or other modifier, no sample). Such a table may be shipped as its distinct rows: TPC-H Q22 asks only whether a customer
 * has an order, and each shard ships each of its {@code o_custkey} values once instead of once per order.
 */
final class ExistenceReads {
    private ExistenceReads() {
    }

    /** The partitioned tables (catalog names) that every read of the statement only tests for existence. */
    static Set<String> tables(ObjectNode statement, Catalog catalog, Map<String, Integer> occurrences, SqlEngine engine) {
        Map<String, Integer> existence = new LinkedHashMap<>();
        Ast.forEachObject(statement, o -> {
            String kind = o.path("subquery_type").asText("");
            if (!"SUBQUERY".equals(Ast.exprClass(o))
                    || !(kind.equals("EXISTS") || kind.equals("NOT_EXISTS") || kind.equals("ANY"))) {
                return;
            }
            JsonNode inner = o.path("subquery").path("node");
            if (inner.isObject() && duplicateInsensitive((ObjectNode) inner, engine)) {
                countBaseTables(inner.get("from_table"), catalog, existence);
            }
        });
        Set<String> out = new HashSet<>();
        existence.forEach((table, reads) -> {
            if (reads.equals(occurrences.get(table))) {
                out.add(table);
            }
        });
        return out;
    }

    /** Whether the sub-query's answer to "is there a row (equal to x)?" is the same over the distinct rows. */
    private static boolean duplicateInsensitive(ObjectNode select, SqlEngine engine) {
        if (!"SELECT_NODE".equals(Ast.type(select)) || GatherPlanner.samples(select) || select.path("group_expressions").size() > 0
                || select.path("modifiers").size() > 0 || present(select.get("having")) || present(select.get("qualify"))
                || select.path("cte_map").path("map").size() > 0) {
            return false;
        }
        boolean[] insensitive = {true};
        Ast.forEachExpression(select.path("select_list"), e -> {
            if ("WINDOW".equals(Ast.exprClass(e)) || Ast.isFunction(e)
                    && engine.aggregateFunctions().contains(Ast.functionName(e).toLowerCase(Locale.ROOT))) {
                insensitive[0] = false;
            }
        });
        return insensitive[0];
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull() && !node.isMissingNode();
    }

    /** Counts the partitioned base tables of a join tree (not those inside its sub-queries). */
    private static void countBaseTables(JsonNode ref, Catalog catalog, Map<String, Integer> counts) {
        if (ref == null || ref.isNull()) {
            return;
        }
        switch (Ast.type(ref)) {
            case "BASE_TABLE" -> {
                boolean unqualified = ref.path("schema_name").asText("").isEmpty() && ref.path("catalog_name").asText("").isEmpty();
                Optional<TableInfo> table = unqualified ? catalog.table(ref.path("table_name").asText()) : Optional.empty();
                if (table.isPresent() && table.get().kind() == TableKind.PARTITIONED) {
                    counts.merge(table.get().name(), 1, Integer::sum);
                }
            }
            case "JOIN" -> {
                countBaseTables(ref.get("left"), catalog, counts);
                countBaseTables(ref.get("right"), catalog, counts);
            }
            default -> {
                // a sub-query or table function: its reads are not counted as existence tests, so the table stays whole
            }
        }
    }
}
