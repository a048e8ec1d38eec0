package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.common.rows.QueryRows;
import io.mallard.data.queries.DemoQueries;
import io.mallard.oracle.Oracle;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Arrow Flight SQL JDBC driver as a real client: queries, a GUI tool's metadata calls, parameters, sessions, refusals. */
class FlightSqlJdbcTest {
    private static LocalCluster cluster;
    private static Oracle oracle;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.builder().shards(4).workers(2).build();
        oracle = new Oracle(cluster.oracleFile());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            cluster.assertClean();
        } finally {
            oracle.close();
            cluster.close();
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(JdbcRows.url(cluster), JdbcRows.credentials("admin", cluster.adminPassword()));
    }

    @Test
    void queriesMatchTheOracle() throws Exception {
        List<String> queries = List.of(DemoQueries.Q1.sql(), DemoQueries.Q6.sql(),
                "SELECT n_name, r_name FROM nation JOIN region ON n_regionkey = r_regionkey ORDER BY n_name",
                "SELECT o_orderkey, o_totalprice, o_orderdate FROM orders ORDER BY o_totalprice DESC, o_orderkey LIMIT 7",
                "SELECT station, min(measure), max(measure) FROM measurements GROUP BY station ORDER BY station LIMIT 5");
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            for (String sql : queries) {
                try (ResultSet rs = statement.executeQuery(sql)) {
                    QueryRows rows = JdbcRows.read(rs);
                    assertThat(oracle.difference(sql, rows)).as(sql).isEmpty();
                }
            }
        }
    }

    @Test
    void metadataAsAGuiToolReadsItOnConnect() throws Exception {
        try (Connection connection = connect()) {
            DatabaseMetaData metadata = connection.getMetaData();
            assertThat(metadata.getDatabaseProductName()).isEqualTo("Mallard");
            assertThat(metadata.getDatabaseProductVersion()).isNotBlank();
            assertThat(metadata.getIdentifierQuoteString()).isEqualTo("\"");
            assertThat(metadata.isReadOnly()).isFalse();
            assertThat(column(metadata.getCatalogs(), "TABLE_CAT")).containsExactly("mallard");
            assertThat(column(metadata.getSchemas(), "TABLE_SCHEM")).contains("main", "mallard");
            assertThat(column(metadata.getTableTypes(), "TABLE_TYPE")).contains("TABLE", "SYSTEM TABLE");
            List<String> tables = column(metadata.getTables(null, null, "%", null), "TABLE_NAME");
            assertThat(tables).contains("lineitem", "orders", "nation", "measurements", "queries", "workers", "shards", "tasks");
            assertThat(column(metadata.getTables("mallard", "main", "line%", new String[] {"TABLE"}), "TABLE_NAME"))
                    .containsExactly("lineitem");

            List<String> columns = new ArrayList<>();
            List<String> types = new ArrayList<>();
            try (ResultSet rs = metadata.getColumns(null, "main", "lineitem", "%")) {
                while (rs.next()) {
                    columns.add(rs.getString("COLUMN_NAME"));
                    types.add(rs.getString("TYPE_NAME"));
                }
            }
            QueryRows described = oracle.query("SELECT column_name, column_type FROM (DESCRIBE lineitem)");
            assertThat(columns).containsExactlyElementsOf(described.rows().stream().map(r -> (String) r.get(0)).toList());
            assertThat(types).containsExactlyElementsOf(described.rows().stream().map(r -> (String) r.get(1)).toList());
            assertThat(column(metadata.getColumns(null, "mallard", "queries", "%"), "COLUMN_NAME"))
                    .contains("query_id", "sql", "user_name", "strategy", "duration_ms", "bytes_shipped", "status");

            try (ResultSet keys = metadata.getPrimaryKeys(null, "main", "lineitem")) {
                assertThat(keys.next()).isFalse();
            }
            // the 18.3 driver answers getTypeInfo itself (empty) rather than through GetXdbcTypeInfo; it must not fail
            metadata.getTypeInfo().close();
            try (ResultSet keys = metadata.getImportedKeys(null, "main", "lineitem")) {
                assertThat(keys.next()).isFalse();
            }
        }
    }

    private static List<String> column(ResultSet rs, String name) throws SQLException {
        List<String> values = new ArrayList<>();
        try (rs) {
            while (rs.next()) {
                values.add(rs.getString(name));
            }
        }
        return values;
    }

    @Test
    void preparedStatementBindsParametersAsValuesNeverAsSql() throws Exception {
        String sql = "SELECT l_returnflag, count(*) AS n, sum(l_quantity) AS quantity FROM lineitem "
                + "WHERE l_returnflag = ? AND l_quantity < ? AND l_shipdate <= ? GROUP BY l_returnflag";
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            assertThat(statement.getParameterMetaData().getParameterCount()).isEqualTo(3);
            statement.setString(1, "R");
            statement.setInt(2, 10); // DuckDB infers DECIMAL(15,2) for l_quantity < ?: any number binds
            statement.setDate(3, java.sql.Date.valueOf("1995-06-30"));
            try (ResultSet rs = statement.executeQuery()) {
                assertThat(oracle.difference(sql.replaceFirst("\\?", "'R'").replaceFirst("\\?", "10")
                        .replaceFirst("\\?", "DATE '1995-06-30'"), JdbcRows.read(rs))).isEmpty();
            }
            statement.setString(1, "A");
            statement.setBigDecimal(2, new java.math.BigDecimal("25.5"));
            statement.setDate(3, java.sql.Date.valueOf("1998-12-01"));
            try (ResultSet rs = statement.executeQuery()) {
                assertThat(oracle.difference(sql.replaceFirst("\\?", "'A'").replaceFirst("\\?", "25.5")
                        .replaceFirst("\\?", "DATE '1998-12-01'"), JdbcRows.read(rs))).isEmpty();
            }
            statement.setString(1, "R' OR '1'='1");
            try (ResultSet rs = statement.executeQuery()) {
                assertThat(rs.next()).as("a quote in a value stays inside the value").isFalse();
            }
        }
    }

    @Test
    void setStatementsChangeOnlyTheirOwnSession() throws Exception {
        String distributed = "SELECT count(*) AS n FROM lineitem";
        try (Connection first = connect(); Connection second = connect();
                Statement a = first.createStatement(); Statement b = second.createStatement()) {
            a.execute("SET mallard.distributed = false");
            SQLException refused = catchThrowableOfType(SQLException.class, () -> a.executeQuery(distributed).close());
            assertThat((Throwable) refused).isNotNull();
            assertThat(refused.getMessage()).contains("INVALID_ARGUMENT").contains("mallard.distributed is off");
            try (ResultSet rs = a.executeQuery("SELECT count(*) AS n FROM nation")) {
                assertThat(oracle.difference("SELECT count(*) AS n FROM nation", JdbcRows.read(rs))).isEmpty();
            }
            try (ResultSet rs = b.executeQuery(distributed)) {
                assertThat(oracle.difference(distributed, JdbcRows.read(rs))).as("the other session").isEmpty();
            }
            a.execute("SET mallard.distributed = true");
            try (ResultSet rs = a.executeQuery(distributed)) {
                assertThat(oracle.difference(distributed, JdbcRows.read(rs))).isEmpty();
            }
            SQLException unknown = catchThrowableOfType(SQLException.class, () -> a.execute("SET mallard.fast = true"));
            assertThat(unknown.getMessage()).contains("INVALID_ARGUMENT");
        }
    }

    @Test
    void errorsCarryTheirCode() throws Exception {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            SQLException syntax = catchThrowableOfType(SQLException.class, () -> statement.executeQuery("SELEC 1"));
            assertThat(syntax.getMessage()).contains("SYNTAX_ERROR");
            SQLException missing = catchThrowableOfType(SQLException.class,
                    () -> statement.executeQuery("SELECT * FROM no_such_table"));
            assertThat(missing.getMessage()).contains("no_such_table");
        }
    }

    @Test
    void usersAndGrantsAreManagedWithTheStatementsAJdbcToolSends() throws Exception {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("CREATE USER jdbc_user WITH PASSWORD 'jdbc-pass-1'");
            statement.execute("GRANT SELECT ON nation TO jdbc_user");
        }
        try (Connection user = DriverManager.getConnection(JdbcRows.url(cluster),
                JdbcRows.credentials("jdbc_user", "jdbc-pass-1")); Statement statement = user.createStatement()) {
            try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM nation")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(25);
            }
            SQLException denied = catchThrowableOfType(SQLException.class,
                    () -> statement.executeQuery("SELECT count(*) FROM region"));
            assertThat(denied.getMessage()).contains("PERMISSION_DENIED", "region");
            SQLException notAdmin = catchThrowableOfType(SQLException.class,
                    () -> statement.executeUpdate("DROP USER admin"));
            assertThat(notAdmin.getMessage()).contains("PERMISSION_DENIED", "DROP USER");
        }
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("DROP USER jdbc_user");
        }
        SQLException gone = catchThrowableOfType(SQLException.class, () -> DriverManager.getConnection(
                JdbcRows.url(cluster), JdbcRows.credentials("jdbc_user", "jdbc-pass-1")).close());
        assertThat(gone.getMessage()).contains("AUTHENTICATION_FAILED");
    }

    @Test
    void wrongPasswordIsRefused() {
        SQLException e = catchThrowableOfType(SQLException.class, () -> DriverManager.getConnection(JdbcRows.url(cluster),
                JdbcRows.credentials("admin", "wrong")).close());
        assertThat((Throwable) e).isNotNull();
        assertThat(e.getMessage()).contains("AUTHENTICATION_FAILED");
    }

    @Test
    void plaintextIsRefused() {
        String plaintext = "jdbc:arrow-flight-sql://127.0.0.1:" + cluster.coordinator().port() + "/?useEncryption=false";
        SQLException e = catchThrowableOfType(SQLException.class, () -> DriverManager.getConnection(plaintext,
                JdbcRows.credentials("admin", cluster.adminPassword())).close());
        assertThat((Throwable) e).isNotNull();
    }
}
