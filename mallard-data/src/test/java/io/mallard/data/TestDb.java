package io.mallard.data;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Query helpers for tests. */
final class TestDb {
    private TestDb() {
    }

    static Connection memory() throws SQLException {
        return DriverManager.getConnection("jdbc:duckdb:");
    }

    /** Attaches a DuckDB file read-only, so checks never modify (or re-checkpoint) files under test. */
    static void attach(Connection c, Path file, String alias) throws SQLException {
        Sql.execute(c, "ATTACH " + Sql.literal(file.toAbsolutePath().toString()) + " AS " + alias + " (READ_ONLY)");
    }

    static long count(Connection c, String sql) throws SQLException {
        return Sql.queryLong(c, sql);
    }

    /** All rows of a query, each row rendered as a list of its values' strings. */
    static List<List<String>> rows(Connection c, String sql) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    /** Column name/type pairs of a table as DuckDB reports them, in column order. */
    static List<ColumnSpec> columns(Connection c, String catalog, String table) throws SQLException {
        List<ColumnSpec> out = new ArrayList<>();
        for (List<String> r : rows(c, "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = '"
                + catalog + "' AND table_name = '" + table + "' ORDER BY column_index")) {
            out.add(new ColumnSpec(r.get(0), r.get(1)));
        }
        return out;
    }
}
