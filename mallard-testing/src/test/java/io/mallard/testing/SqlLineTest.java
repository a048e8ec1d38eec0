package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.oracle.Oracle;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sqlline.SqlLine;

/**
 * JDBC tools as users run them: sqlline (from Maven Central) with the Flight SQL JDBC driver — connect, list tables,
 * list a table's columns typed in lower case, run queries — and the metadata walk a GUI tool such as DBeaver does on
 * connect. The cluster's database is called {@code mallard} everywhere: tables may be named {@code mallard.main.t}.
 * And the DuckDB statements such users type: each works or says why not.
 */
class SqlLineTest {
    private static LocalCluster cluster;
    private static Oracle oracle;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.builder().shards(2).workers(1).build();
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

    /** What sqlline printed, and how it ended. */
    private record Run(SqlLine.Status status, String out, String err) {
    }

    private static Run sqlline(Path dir, String script, String... options) throws Exception {
        Path file = Files.writeString(dir.resolve("script-" + System.nanoTime() + ".sql"), script);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        SqlLine sqlLine = new SqlLine();
        sqlLine.setOutputStream(new PrintStream(out, true, StandardCharsets.UTF_8));
        sqlLine.setErrorStream(new PrintStream(err, true, StandardCharsets.UTF_8));
        List<String> args = new ArrayList<>(List.of("-u", JdbcRows.url(cluster), "-n", "admin", "-p",
                cluster.adminPassword(), "--run=" + file));
        args.addAll(List.of(options));
        SqlLine.Status status = sqlLine.begin(args.toArray(String[]::new), new ByteArrayInputStream(new byte[0]), false);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void sqllineConnectsListsTablesAndColumnsAndAnswersAsTheOracle(@TempDir Path dir) throws Exception {
        Run listing = sqlline(dir, "!tables\n!columns lineitem\n");
        assertThat(listing.status()).as(listing.err()).isEqualTo(SqlLine.Status.OK);
        assertThat(listing.out()).contains("| lineitem ", "| queries ", "SYSTEM TABLE");
        List<String> columns = oracle.query("SELECT column_name FROM (DESCRIBE lineitem)").rows().stream()
                .map(r -> (String) r.get(0)).toList();
        assertThat(columns).hasSize(16);
        for (String column : columns) {
            assertThat(listing.out()).as("!columns lineitem lists " + column).contains("| " + column + " ");
        }

        String joined = "SELECT r_name, count(*) AS nations FROM nation JOIN region ON n_regionkey = r_regionkey "
                + "GROUP BY r_name ORDER BY r_name";
        String counted = "SELECT count(*) AS n, sum(l_quantity) AS q FROM lineitem";
        Run queries = sqlline(dir, joined + ";\n" + counted + ";\n"
                + counted.replace("FROM lineitem", "FROM main.lineitem") + ";\n"
                + counted.replace("FROM lineitem", "FROM mallard.main.lineitem") + ";\n"
                + "SELECT current_database() AS db;\n", "--outputformat=csv", "--showHeader=false");
        assertThat(queries.status()).as(queries.err()).isEqualTo(SqlLine.Status.OK);
        List<String> expected = new ArrayList<>(csv(oracle.query(joined).rows()));
        List<String> total = csv(oracle.query(counted).rows());
        expected.addAll(total);
        expected.addAll(total); // main.lineitem
        expected.addAll(total); // mallard.main.lineitem
        expected.add("'mallard'");
        assertThat(queries.out().lines().filter(l -> !l.isBlank()).toList()).isEqualTo(expected);

        Run failing = sqlline(dir, "SELECT * FROM nosuchtable;\n");
        assertThat(failing.status()).isNotEqualTo(SqlLine.Status.OK);
        assertThat(failing.err()).contains("TABLE_NOT_FOUND", "nosuchtable");
    }

    /** sqlline's csv: each value quoted with single quotes, comma-separated. */
    private static List<String> csv(List<List<Object>> rows) {
        return rows.stream().map(r -> String.join(",", r.stream().map(v -> "'" + v + "'").toList())).toList();
    }

    @Test
    void aGuiToolsMetadataWalkFindsTablesAndColumnsWhateverCaseItAsksIn() throws Exception {
        try (Connection connection = DriverManager.getConnection(JdbcRows.url(cluster),
                JdbcRows.credentials("admin", cluster.adminPassword()))) {
            DatabaseMetaData metadata = connection.getMetaData();
            assertThat(metadata.getDefaultTransactionIsolation()).isEqualTo(Connection.TRANSACTION_NONE);
            assertThat(metadata.supportsTransactions()).isFalse();
            assertThat(metadata.isReadOnly()).isFalse();
            assertThat(names(metadata.getCatalogs(), "TABLE_CAT")).containsExactly("mallard");
            assertThat(names(metadata.getSchemas("MALLARD", "MAIN"), "TABLE_SCHEM")).containsExactly("main");
            // tools that believe names are stored in upper case ask for LINEITEM
            assertThat(names(metadata.getTables(null, "MAIN", "LINEITEM", null), "TABLE_NAME")).containsExactly("lineitem");
            assertThat(names(metadata.getTables(null, null, "LINE%", new String[] {"TABLE"}), "TABLE_NAME"))
                    .containsExactly("lineitem");
            List<String> columns = names(metadata.getColumns(null, null, "LINEITEM", "%"), "COLUMN_NAME");
            assertThat(columns).isEqualTo(oracle.query("SELECT column_name FROM (DESCRIBE lineitem)").rows().stream()
                    .map(r -> (String) r.get(0)).toList());
            assertThat(names(metadata.getTables(null, null, "NOSUCHTABLE", null), "TABLE_NAME")).isEmpty();
            assertThat(names(metadata.getPrimaryKeys(null, null, "lineitem"), "COLUMN_NAME")).isEmpty();
        }
    }

    @Test
    void duckDbStatementsUsersTypeWorkOrSayWhyNot() throws Exception {
        try (io.mallard.client.MallardSqlClient client = io.mallard.client.MallardSqlClient.connect(
                io.mallard.client.ConnectOptions.tls("127.0.0.1", cluster.coordinator().port(), "admin",
                        cluster.adminPassword(), cluster.caCertificate()))) {
            for (String sql : List.of(
                    "PIVOT lineitem ON l_returnflag IN ('A', 'N', 'R') USING sum(l_quantity) GROUP BY l_linestatus "
                            + "ORDER BY l_linestatus",
                    "SELECT * FROM (SELECT l_linestatus, count(*) AS n, sum(l_quantity) AS q FROM lineitem "
                            + "GROUP BY l_linestatus) UNPIVOT (v FOR k IN (n, q)) ORDER BY l_linestatus, k",
                    "DESCRIBE lineitem")) {
                assertThat(oracle.difference(sql, client.query(sql))).as(sql).isEmpty();
            }
            // the logged-in user, on the coordinator and in a distributed plan alike
            io.mallard.common.rows.QueryRows who = client.query("SELECT current_user, session_user, current_role");
            assertThat(who.columns()).containsExactly("current_user", "session_user", "current_role");
            assertThat(who.rows()).containsExactly(List.of("admin", "admin", "admin"));
            String counted = "SELECT l_returnflag, upper(current_user) AS u, count(*) AS n FROM lineitem "
                    + "GROUP BY ALL ORDER BY ALL";
            assertThat(oracle.difference(counted.replace("current_user", "'admin'"), client.query(counted))).isEmpty();
            // the coordinator's DuckDB is the oracle's version
            assertThat(oracle.difference("SELECT * FROM pragma_version()", client.query("PRAGMA version"))).isEmpty();
            for (String[] refused : new String[][] {
                {"PIVOT lineitem ON l_returnflag USING sum(l_quantity)", "IN ('a', 'b')"},
                {"SET threads = 4", "mallard.query_timeout"},
                {"PRAGMA database_list", "mallard.* system tables"},
                {"BEGIN TRANSACTION", "commits on its own"},
            }) {
                io.mallard.common.MallardException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                        io.mallard.common.MallardException.class, () -> client.query(refused[0]));
                assertThat(e).as(refused[0]).isNotNull();
                assertThat(e.code()).as(refused[0]).isEqualTo(io.mallard.common.ErrorCode.UNSUPPORTED_STATEMENT);
                assertThat(e.getMessage()).as(refused[0]).contains(refused[1]);
            }
        }
    }

    private static List<String> names(ResultSet rs, String column) throws Exception {
        try (rs) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(column));
            }
            return out;
        }
    }
}
