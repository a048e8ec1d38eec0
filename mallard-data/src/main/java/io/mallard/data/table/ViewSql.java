package io.mallard.data.table;

import io.mallard.data.Sql;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The SELECT that reads a table from its immutable files: each data file's columns renamed from {@code c<id>} to the
 * table's names (a column the file predates reads as its DEFAULT or NULL), its deleted rows left out, the files joined
 * by UNION ALL. Workers define their views with it, the coordinator its reference copies, so both read a version the
 * same way.
 */
public final class ViewSql {
    /** The column naming a row's file in a rows view. */
    public static final String FILE_COLUMN = "__mallard_file";
    /** The column naming a row's position in its file in a rows view. */
    public static final String ROW_COLUMN = "__mallard_row";

    private ViewSql() {
    }

    /** One file of a table as a reader sees it. */
    public record FileRead(String fileId, List<Integer> columnIds, String deletesFileId) {
        public FileRead {
            columnIds = List.copyOf(columnIds);
        }
    }

    /**
     * The table's rows.
     *
     * @param database how a file's database is named in SQL (where it is attached)
     */
    public static String select(List<ColumnDef> columns, List<FileRead> files, Function<String, String> database) {
        return build(columns, files, database, false);
    }

    /** The table's rows with {@link #FILE_COLUMN} and {@link #ROW_COLUMN}: what DELETE and UPDATE find rows by. */
    public static String selectWithRowIds(List<ColumnDef> columns, List<FileRead> files, Function<String, String> database) {
        return build(columns, files, database, true);
    }

    private static String build(List<ColumnDef> columns, List<FileRead> files, Function<String, String> database,
            boolean rowIds) {
        if (files.isEmpty()) {
            List<String> items = new ArrayList<>();
            for (ColumnDef c : columns) {
                items.add("CAST(NULL AS " + c.type() + ") AS " + Sql.ident(c.name()));
            }
            if (rowIds) {
                items.add("CAST(NULL AS VARCHAR) AS " + FILE_COLUMN);
                items.add("CAST(NULL AS BIGINT) AS " + ROW_COLUMN);
            }
            return "SELECT " + String.join(", ", items) + " WHERE false";
        }
        List<String> parts = new ArrayList<>();
        for (FileRead file : files) {
            Set<Integer> present = Set.copyOf(file.columnIds());
            List<String> items = new ArrayList<>();
            for (ColumnDef c : columns) {
                items.add((present.contains(c.id()) ? "x." + c.fileColumn() : c.fill()) + " AS "
                        + Sql.ident(c.name()));
            }
            if (rowIds) {
                items.add(Sql.literal(file.fileId()) + " AS " + FILE_COLUMN);
                items.add("x.rowid AS " + ROW_COLUMN);
            }
            String part = "SELECT " + String.join(", ", items) + " FROM " + database.apply(file.fileId()) + ".t AS x";
            if (file.deletesFileId() != null) {
                part += " WHERE x.rowid NOT IN (SELECT \"row\" FROM " + database.apply(file.deletesFileId()) + ".d)";
            }
            parts.add(part);
        }
        return String.join(" UNION ALL ", parts);
    }
}
