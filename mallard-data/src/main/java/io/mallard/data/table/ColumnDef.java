package io.mallard.data.table;

import java.util.Objects;

/**
 * One column of a table. Data files name their columns by the stable {@code id} ({@code c<id>}), never by name, so a
 * rename touches only the catalog and a column added later reads as NULL from older files.
 *
 * @param id       stable within the table, never reused
 * @param name     the column's SQL name
 * @param type     DuckDB type text, e.g. {@code DECIMAL(15,2)}, {@code VARCHAR[]}
 * @param nullable whether the column may hold NULLs
 */
public record ColumnDef(int id, String name, String type, boolean nullable) {
    public ColumnDef {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (id < 0) {
            throw new IllegalArgumentException("column ids are not negative: " + id);
        }
    }

    /** The column's name inside data files. */
    public String fileColumn() {
        return fileColumn(id);
    }

    public static String fileColumn(int id) {
        return "c" + id;
    }
}
