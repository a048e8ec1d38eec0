package io.mallard.planner.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The session's names are written into the statement where DuckDB's parser found them, and nowhere else. */
class SessionUserTest {
    private static Connection duck;
    private static DuckDbSqlEngine engine;

    @BeforeAll
    static void open() throws Exception {
        duck = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement s = duck.createStatement()) {
            s.execute("CREATE TABLE t (\"current_user\" VARCHAR, x INTEGER)");
            s.execute("INSERT INTO t VALUES ('column value', 1)");
        }
        engine = new DuckDbSqlEngine((org.duckdb.DuckDBConnection) duck);
    }

    @AfterAll
    static void close() throws Exception {
        duck.close();
    }

    private static String value(String sql) throws Exception {
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getMetaData().getColumnName(1) + "=" + rs.getString(1);
        }
    }

    @Test
    void namesInTheSelectListKeepTheirColumnName() throws Exception {
        String sql = SessionUser.substitute("SELECT current_user, session_user, current_role", "o'brien", "reader", engine);
        assertThat(sql).isEqualTo("SELECT 'o''brien' AS \"current_user\", 'o''brien' AS \"session_user\", 'reader' AS "
                + "\"current_role\"");
        assertThat(value(sql)).isEqualTo("current_user=o'brien");
    }

    @Test
    void insideExpressionsAndAfterNonAsciiTextTheValueIsTheUsers() throws Exception {
        String sql = SessionUser.substitute("SELECT 'é' AS e, upper(CURRENT_USER) AS u WHERE current_user = 'alice'",
                "alice", "writer", engine);
        assertThat(sql).isEqualTo("SELECT 'é' AS e, upper('alice') AS u WHERE 'alice' = 'alice'");
    }

    @Test
    void statementsWithoutTheNamesAndQualifiedColumnsAreLeftAlone() throws Exception {
        assertThat(SessionUser.substitute("SELECT x FROM t", "alice", "writer", engine)).isEqualTo("SELECT x FROM t");
        String qualified = "SELECT t.current_user FROM t";
        assertThat(SessionUser.substitute(qualified, "alice", "writer", engine)).isEqualTo(qualified);
        assertThat(value(qualified)).isEqualTo("current_user=column value");
        assertThat(SessionUser.substitute("SELEC current_user", "alice", "writer", engine)).isEqualTo("SELEC current_user");
    }
}
