package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.catalog.Catalog;
import io.mallard.planner.catalog.TableInfo;
import io.mallard.planner.catalog.TableKind;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the partitioned tables a statement reads. A name refers to a CTE only inside the CTE's scope: the rest of its
 * query and the CTEs defined after it; inside its own body the name is the base table.
 */
final class PartitionedReads {
    private PartitionedReads() {
    }

    /** Adds to {@code counts} how often each partitioned table (by catalog name) is read. */
    static void count(JsonNode node, Set<String> ctes, Catalog catalog, Map<String, Integer> counts) {
        if (node == null || node.isNull()) {
            return;
        }
        if (node.isArray()) {
            node.forEach(child -> count(child, ctes, catalog, counts));
            return;
        }
        if (!node.isObject()) {
            return;
        }
        if ("BASE_TABLE".equals(Ast.type(node)) && !node.has("class")) {
            String name = node.path("table_name").asText().toLowerCase(Locale.ROOT);
            boolean unqualified = node.path("schema_name").asText("").isEmpty() && node.path("catalog_name").asText("").isEmpty();
            if (unqualified && ctes.contains(name)) {
                return;
            }
            Optional<TableInfo> table = catalog.table(name);
            if (table.isPresent() && table.get().kind() == TableKind.PARTITIONED) {
                counts.merge(table.get().name(), 1, Integer::sum);
            }
            return;
        }
        Set<String> scope = ctes;
        JsonNode cteMap = node.path("cte_map").path("map");
        if (cteMap.isArray() && cteMap.size() > 0) {
            Set<String> visible = new HashSet<>(ctes);
            for (JsonNode entry : cteMap) {
                count(entry.get("value"), Set.copyOf(visible), catalog, counts);
                visible.add(entry.path("key").asText().toLowerCase(Locale.ROOT));
            }
            scope = Set.copyOf(visible);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getKey().equals("cte_map")) {
                count(field.getValue(), scope, catalog, counts);
            }
        }
    }
}
