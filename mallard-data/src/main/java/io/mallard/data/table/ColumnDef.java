package io.mallard.data.table;

import java.util.Objects;

/**
 * One column of a table. Data files name their columns by the stable {@code id} ({@code c<id>}), never by name, so a
 * rename touches only the catalog and a column added later reads as its DEFAULT (or NULL) from older files.
 *
 * @param id       stable within the table, never reused
 * @param name     the column's SQL name
 * @param type     DuckDB type text, e.g. {@code DECIMAL(15,2)}, {@code VARCHAR[]}
 * @param nullable whether the column may hold NULLs
 * @param defaultValue the column's DEFAULT, a constant SQL expression (DuckDB's text of it), or null (NULL): what an
 *                 INSERT that leaves the column out stores, and what files written before the column was added read
 */
public record ColumnDef(int id, String name, String type, boolean nullable, String defaultValue) {
    public ColumnDef {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (id < 0) {
            throw new IllegalArgumentException("column ids are not negative: " + id);
        }
    }

    /** A column without DEFAULT. */
    public ColumnDef(int id, String name, String type, boolean nullable) {
        this(id, name, type, nullable, null);
    }

    /** The same column under another name. */
    public ColumnDef withName(String newName) {
        return new ColumnDef(id, newName, type, nullable, defaultValue);
    }

    /** The value of a row that has none for this column: its DEFAULT, or NULL, as SQL of the column's type. */
    public String fill() {
        return "CAST(" + (defaultValue == null ? "NULL" : "(" + defaultValue + ")") + " AS " + type + ")";
    }

    /** The column's name inside data files. */
    public String fileColumn() {
        return fileColumn(id);
    }

    public static String fileColumn(int id) {
        return "c" + id;
    }
}
