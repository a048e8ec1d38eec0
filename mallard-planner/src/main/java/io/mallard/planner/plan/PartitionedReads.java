package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import io.mallard.planner.ast.Cte;
import io.mallard.planner.ast.TableRef;
import io.mallard.planner.catalog.Catalog;
import io.mallard.planner.catalog.TableInfo;
import io.mallard.planner.catalog.TableKind;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
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

    /**
     * Whether the statement reads rows of any partitioned table. A table that is only described ({@code DESCRIBE t},
     * {@code DESCRIBE SELECT …}) has its columns read, not its rows: the coordinator's copy, which has every table's
     * columns, answers that alone.
     */
    static boolean any(JsonNode statement, Catalog catalog) {
        Map<String, Integer> counts = new HashMap<>();
        collect(withoutDescribed(statement), Set.of(), catalog, t -> t.kind() == TableKind.PARTITIONED, counts);
        return !counts.isEmpty();
    }

    /** The statement with the queries that DESCRIBE shows the columns of left out (a copy, when there are any). */
    private static JsonNode withoutDescribed(JsonNode statement) {
        if (statement == null || !statement.toString().contains("\"DESCRIBE\"")) {
            return statement;
        }
        JsonNode copy = statement.deepCopy();
        dropDescribed(copy);
        return copy;
    }

    private static void dropDescribed(JsonNode node) {
        if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
            if ("SHOW_REF".equals(object.path("type").asText()) && "DESCRIBE".equals(object.path("show_type").asText())) {
                object.remove("query");
                return;
            }
            object.forEach(PartitionedReads::dropDescribed);
        } else if (node != null && node.isArray()) {
            node.forEach(PartitionedReads::dropDescribed);
        }
    }

    /** Adds to {@code counts} how often each partitioned table (by catalog name) is read. */
    static void count(JsonNode node, Set<String> ctes, Catalog catalog, Map<String, Integer> counts) {
        collect(node, ctes, catalog, t -> t.kind() == TableKind.PARTITIONED, counts);
    }

    /** Every catalog table (of any kind) the statement reads, by catalog name. */
    static Set<String> all(JsonNode statement, Catalog catalog) {
        Map<String, Integer> counts = new HashMap<>();
        collect(statement, Set.of(), catalog, t -> true, counts);
        return Set.copyOf(counts.keySet());
    }

    private static void collect(JsonNode node, Set<String> ctes, Catalog catalog,
            java.util.function.Predicate<TableInfo> wanted, Map<String, Integer> counts) {
        if (node == null || node.isNull()) {
            return;
        }
        if (node.isArray()) {
            node.forEach(child -> collect(child, ctes, catalog, wanted, counts));
            return;
        }
        if (!node.isObject()) {
            return;
        }
        Optional<TableRef> ref = TableRef.of(node).filter(TableRef::isBaseTable);
        if (ref.isPresent()) {
            String name = ref.get().tableName().toLowerCase(Locale.ROOT);
            if (ref.get().isUnqualified() && ctes.contains(name)) {
                return;
            }
            Optional<TableInfo> table = catalog.table(name);
            if (table.isPresent() && wanted.test(table.get())) {
                counts.merge(table.get().name(), 1, Integer::sum);
            }
            return;
        }
        Set<String> scope = ctes;
        List<Cte> defined = Cte.of(node);
        if (!defined.isEmpty()) {
            Set<String> visible = new HashSet<>(ctes);
            for (Cte cte : defined) {
                collect(cte.holder(), Set.copyOf(visible), catalog, wanted, counts);
                visible.add(cte.name().toLowerCase(Locale.ROOT));
            }
            scope = Set.copyOf(visible);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getKey().equals("cte_map")) {
                collect(field.getValue(), scope, catalog, wanted, counts);
            }
        }
    }
}
