package io.mallard.planner.ast;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A column reference of DuckDB's tree ({@code COLUMN_REF}): its name parts as written, {@code [column]},
 * {@code [table, column]} or longer, and the node it views.
 */
public record ColumnRef(List<String> names, ObjectNode node) {
    public ColumnRef {
        names = List.copyOf(names);
    }

    /** The column reference {@code node} is, if it is one. */
    public static Optional<ColumnRef> of(JsonNode node) {
        if (!Ast.isColumnRef(node)) {
            return Optional.empty();
        }
        List<String> names = new ArrayList<>();
        node.path("column_names").forEach(n -> names.add(n.asText()));
        return names.isEmpty() ? Optional.empty() : Optional.of(new ColumnRef(names, (ObjectNode) node));
    }

    /** The column's own name: the last part. */
    public String column() {
        return names.get(names.size() - 1);
    }

    /** The table (or alias) the reference names before the column, if it names one. */
    public Optional<String> qualifier() {
        return names.size() >= 2 ? Optional.of(names.get(names.size() - 2)) : Optional.empty();
    }

    /** Whether the reference is a bare name: a column, or a select-list alias. */
    public boolean isUnqualified() {
        return names.size() == 1;
    }
}
