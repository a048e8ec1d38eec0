package io.mallard.testing;

import io.mallard.common.rows.QueryRows;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** Reads a JDBC result into the rows the oracle compares; and the Flight SQL JDBC URL of a test cluster. */
final class JdbcRows {
    private JdbcRows() {
    }

    static QueryRows read(ResultSet rs) throws SQLException {
        ResultSetMetaData metadata = rs.getMetaData();
        List<String> columns = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (int c = 1; c <= metadata.getColumnCount(); c++) {
            columns.add(metadata.getColumnLabel(c));
            types.add(metadata.getColumnTypeName(c));
        }
        List<List<Object>> rows = new ArrayList<>();
        while (rs.next()) {
            List<Object> row = new ArrayList<>();
            for (int c = 1; c <= columns.size(); c++) {
                Object value = rs.getObject(c);
                // an array reads its elements from the batch it came in: take them while the row is current
                row.add(value instanceof java.sql.Array array ? java.util.Arrays.asList((Object[]) array.getArray()) : value);
            }
            rows.add(row);
        }
        return new QueryRows(columns, types, rows);
    }

    /** The URL a JDBC user writes: TLS, trusting the cluster's CA certificate. */
    static String url(LocalCluster cluster) {
        return "jdbc:arrow-flight-sql://127.0.0.1:" + cluster.coordinator().port() + "/?useEncryption=true&tlsRootCerts="
                + cluster.caCertificate().toAbsolutePath();
    }

    static Properties credentials(String user, String password) {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        return properties;
    }
}
