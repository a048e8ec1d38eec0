package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.SelectNode;
import io.mallard.planner.ast.SubqueryExpression;
import io.mallard.planner.ast.TableRef;
import io.mallard.planner.catalog.Catalog;
import io.mallard.planner.catalog.TableInfo;
import io.mallard.planner.catalog.TableKind;
import io.mallard.planner.sql.SqlEngine;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Gathered tables whose every read only tests whether rows exist (rule 10 of "Table roles decide correctness" in
 * docs/planner.md): each read is in the FROM clause of an {@code EXISTS}, {@code NOT EXISTS} or {@code IN} sub-query
 * whose answer does not depend on how often a row occurs (no aggregate, GROUP BY, HAVING, window, QUALIFY, LIMIT,
 * OFFSET or other modifier, no sample). Such a table may be shipped as its distinct rows: TPC-H Q22 asks only whether a
 * customer has an order, and each shard ships each of its {@code o_custkey} values once instead of once per order.
 */
final class ExistenceReads {
    private ExistenceReads() {
    }

    /** The partitioned tables (catalog names) that every read of the statement only tests for existence. */
    static Set<String> tables(ObjectNode statement, Catalog catalog, Map<String, Integer> occurrences, SqlEngine engine) {
        Map<String, Integer> existence = new LinkedHashMap<>();
        Ast.forEachObject(statement, o -> SubqueryExpression.of(o)
                .filter(s -> s.isExists() || "ANY".equals(s.kind()))
                .flatMap(SubqueryExpression::select)
                .filter(select -> duplicateInsensitive(select, engine))
                .ifPresent(select -> countBaseTables(select.from(), catalog, existence)));
        Set<String> out = new HashSet<>();
        existence.forEach((table, reads) -> {
            if (reads.equals(occurrences.get(table))) {
                out.add(table);
            }
        });
        return out;
    }

    /** Whether the sub-query's answer to "is there a row (equal to x)?" is the same over the distinct rows. */
    private static boolean duplicateInsensitive(SelectNode select, SqlEngine engine) {
        if (select.samples() || select.isGrouped() || !select.modifiers().isEmpty() || select.having().isPresent()
                || select.qualify().isPresent() || !select.ctes().isEmpty()) {
            return false;
        }
        boolean[] insensitive = {true};
        Ast.forEachExpression(select.selectList(), e -> {
            if ("WINDOW".equals(Ast.exprClass(e)) || Ast.isFunction(e) && engine.aggregateFunctions().contains(Ast.functionName(e))) {
                insensitive[0] = false;
            }
        });
        return insensitive[0];
    }

    /** Counts the partitioned base tables of a join tree (not those inside its sub-queries). */
    private static void countBaseTables(TableRef ref, Catalog catalog, Map<String, Integer> counts) {
        if (ref.isBaseTable()) {
            Optional<TableInfo> table = ref.isUnqualified() ? catalog.table(ref.tableName()) : Optional.empty();
            if (table.isPresent() && table.get().kind() == TableKind.PARTITIONED) {
                counts.merge(table.get().name(), 1, Integer::sum);
            }
        } else if (ref.isJoin()) {
            countBaseTables(ref.left(), catalog, counts);
            countBaseTables(ref.right(), catalog, counts);
        }
        // a sub-query or table function: its reads are not counted as existence tests, so the table stays whole
    }
}
