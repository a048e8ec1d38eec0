package io.mallard.data;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Collectors;

/** Small SQL text helpers shared by the generators and the sharder. */
public final class Sql {
    private Sql() {
    }

    /** Quotes an identifier so that names never collide with keywords. */
    public static String ident(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** Quotes a string literal (used for file paths in ATTACH). */
    public static String literal(String s) {
        return '\'' + s.replace("'", "''") + '\'';
    }

    /**
     * CREATE TABLE text for a spec. Columns are NOT NULL unless the spec says nullable: like DuckDB's dbgen tables,
     * TPC-H and measurements have no NULLs, and declaring it lets DuckDB skip null handling.
     */
    static String createTable(TableSpec t) {
        return "CREATE TABLE " + ident(t.name()) + " ("
                + t.columns().stream().map(c -> ident(c.name()) + " " + c.type() + (c.nullable() ? "" : " NOT NULL"))
                        .collect(Collectors.joining(", "))
                + ")";
    }

    /** Comma-separated quoted column names, optionally qualified with a table alias. */
    static String columnList(TableSpec t, String alias) {
        String prefix = alias == null ? "" : alias + ".";
        return t.columns().stream().map(c -> prefix + ident(c.name())).collect(Collectors.joining(", "));
    }

    public static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    public static long queryLong(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new SQLException("no row: " + sql);
            }
            return rs.getLong(1);
        }
    }
}
