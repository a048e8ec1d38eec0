package io.mallard.planner.catalog;

import java.util.List;
import java.util.Locale;

/**
 * What the planner knows of a table.
 *
 * @param dataset    the dataset whose shards hold the table
 * @param shardKey   for PARTITIONED tables the hashed columns (empty when rows are spread by position)
 * @param references for DIMENSION tables: which partitioned table's columns select this table's rows on a shard
 */
public record TableInfo(String name, String dataset, TableKind kind, List<String> shardKey, List<String> columns,
        List<Reference> references) {

    /** Rows of {@code fromTable} reference this table through {@code fromColumns} = {@code toColumns}. */
    public record Reference(String fromTable, List<String> fromColumns, List<String> toColumns) {
    }

    public boolean hasColumn(String column) {
        String wanted = column.toLowerCase(Locale.ROOT);
        return columns.stream().anyMatch(c -> c.toLowerCase(Locale.ROOT).equals(wanted));
    }
}
