package io.mallard.oracle;

import io.mallard.common.rows.QueryRows;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** A JDBC result read whole into {@link QueryRows}: column labels, DuckDB's type names and JDBC's objects. */
public final class ResultSetRows {
    private ResultSetRows() {
    }

    public static QueryRows read(ResultSet rs) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        int n = meta.getColumnCount();
        List<String> columns = new ArrayList<>(n);
        List<String> types = new ArrayList<>(n);
        for (int c = 1; c <= n; c++) {
            columns.add(meta.getColumnLabel(c));
            types.add(meta.getColumnTypeName(c));
        }
        List<List<Object>> rows = new ArrayList<>();
        while (rs.next()) {
            List<Object> row = new ArrayList<>(n);
            for (int c = 1; c <= n; c++) {
                row.add(rs.getObject(c));
            }
            rows.add(row);
        }
        return new QueryRows(columns, types, rows);
    }
}
