package io.mallard.data.table;

import java.util.List;
import java.util.Objects;

/**
 * For a dimension table: rows of {@code fromTable} reference it through {@code fromColumns} = {@code toColumns}; a shard
 * holds (at least) the dimension rows its own rows of {@code fromTable} reference, each once.
 */
public record TableReference(String fromTable, List<String> fromColumns, List<String> toColumns) {
    public TableReference {
        Objects.requireNonNull(fromTable, "fromTable");
        fromColumns = List.copyOf(fromColumns);
        toColumns = List.copyOf(toColumns);
        if (fromColumns.isEmpty() || fromColumns.size() != toColumns.size()) {
            throw new IllegalArgumentException("reference from " + fromTable + ": column lists must be non-empty and of equal size");
        }
    }
}
