package io.mallard.data;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A table of a dataset: its role, shard key, columns and (for dimension tables) who references it.
 *
 * @param name       table name (lowercase for the built-in datasets)
 * @param role       how rows are distributed over shards
 * @param shardKey   hash key columns; empty unless {@link TableRole#PARTITIONED}. An empty key on a
 *                   partitioned table means "hashed by row position" (spread by {@code hash(rowid)})
 * @param columns    all columns in table order
 * @param references which rows of other tables reference this one; empty unless {@link TableRole#DIMENSION}
 */
public record TableSpec(String name, TableRole role, List<String> shardKey, List<ColumnSpec> columns,
                        List<Reference> references) {

    /** Copies the lists (null becomes empty, which keeps hand-written JSON short) and checks consistency. */
    public TableSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        shardKey = shardKey == null ? List.of() : List.copyOf(shardKey);
        columns = columns == null ? List.of() : List.copyOf(columns);
        references = references == null ? List.of() : List.copyOf(references);
        if (role != TableRole.PARTITIONED && !shardKey.isEmpty()) {
            throw new IllegalArgumentException(name + ": only partitioned tables have a shard key");
        }
        if (role != TableRole.DIMENSION && !references.isEmpty()) {
            throw new IllegalArgumentException(name + ": only dimension tables have references");
        }
        if (role == TableRole.DIMENSION && references.isEmpty()) {
            throw new IllegalArgumentException(name + ": a dimension table needs at least one reference");
        }
    }

    /**
     * Looks up a column by name, ignoring case (SQL identifiers are case-insensitive in DuckDB).
     *
     * @param name column name
     * @return the column, or empty if this table has no such column
     */
    public Optional<ColumnSpec> column(String name) {
        return columns.stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst();
    }
}
