package io.mallard.planner.ast;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Every table reference of a parsed statement, wherever it sits (FROM, joins, sub-queries in any clause, CTE bodies,
 * set operations), each with whether it names a CTE in scope. A CTE's name is in scope in the query node that defines
 * it and everything below that node, not beside it: a name outside that scope resolves to a table, whatever CTEs other
 * parts of the statement define.
 */
public final class TableReferences {
    private TableReferences() {
    }

    /** Receives one table reference. */
    @FunctionalInterface
    public interface Visitor {
        /** @param cte whether {@code ref} is an unqualified base table named like a CTE in scope */
        void visit(TableRef ref, boolean cte);
    }

    /** Receives one table reference with the names of the CTEs in scope where it stands (lower case). */
    @FunctionalInterface
    public interface ScopeVisitor {
        void visit(TableRef ref, Set<String> ctesInScope);
    }

    /** Visits every table reference below {@code tree}, outer before inner. */
    public static void forEach(JsonNode tree, Visitor visitor) {
        forEachInScope(tree, (ref, scope) -> visitor.visit(ref, ref.isBaseTable() && ref.isUnqualified()
                && scope.contains(ref.tableName().toLowerCase(Locale.ROOT))));
    }

    /** As {@link #forEach}, with every CTE name in scope (also for a qualified reference, which no CTE can answer). */
    public static void forEachInScope(JsonNode tree, ScopeVisitor visitor) {
        walk(tree, Set.of(), visitor);
    }

    private static void walk(JsonNode node, Set<String> ctes, ScopeVisitor visitor) {
        if (node == null || node.isNull()) {
            return;
        }
        if (node.isArray()) {
            node.forEach(child -> walk(child, ctes, visitor));
            return;
        }
        if (!node.isObject()) {
            return;
        }
        Set<String> scope = ctes;
        JsonNode map = node.path("cte_map").path("map");
        if (map.isArray() && !map.isEmpty()) {
            scope = new HashSet<>(ctes);
            for (JsonNode entry : map) {
                scope.add(entry.path("key").asText("").toLowerCase(Locale.ROOT));
            }
        }
        if (!Ast.isExpression(node) && node.has("type") && isTableReference(node)) {
            visitor.visit(new TableRef((ObjectNode) node), scope);
        }
        for (JsonNode child : node) {
            walk(child, scope, visitor);
        }
    }

    /** Table references carry a {@code type} and a {@code query_location} but no expression {@code class}. */
    private static boolean isTableReference(JsonNode node) {
        return node.has("query_location") && node.has("alias") && node.has("sample");
    }
}
