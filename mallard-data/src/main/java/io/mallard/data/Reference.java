package io.mallard.data;

import java.util.List;
import java.util.Objects;

/**
 * For a {@link TableRole#DIMENSION} table: rows of {@code fromTable} reference this table through
 * {@code fromColumns -> toColumns} ({@code toColumns} are columns of the dimension table). A shard
 * holds exactly the dimension rows that some row of {@code fromTable} in the same shard references.
 *
 * @param fromTable   the referencing (usually partitioned) table of the same dataset
 * @param fromColumns foreign-key columns of {@code fromTable}
 * @param toColumns   the referenced columns of the dimension table, in the same order
 */
public record Reference(String fromTable, List<String> fromColumns, List<String> toColumns) {
    /** Copies the lists and checks that both sides have the same, non-zero arity. */
    public Reference {
        Objects.requireNonNull(fromTable, "fromTable");
        fromColumns = List.copyOf(fromColumns);
        toColumns = List.copyOf(toColumns);
        if (fromColumns.isEmpty() || fromColumns.size() != toColumns.size()) {
            throw new IllegalArgumentException("reference from " + fromTable + ": column lists must be non-empty and of equal size");
        }
    }
}
