package io.mallard.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.common.rows.QueryRows;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The oracle compares in order only when the query orders, and names the first difference. */
class OracleTest {
    @TempDir
    Path dir;

    @Test
    void comparesInOrderOnlyWhenTheQueryOrders() throws Exception {
        Path file = dir.resolve("oracle.duckdb");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t AS SELECT * FROM (VALUES (1, 'a'), (2, 'b')) v(k, name)");
        }
        try (Oracle oracle = new Oracle(file)) {
            assertThat(oracle.isOrdered("SELECT k FROM t ORDER BY k")).isTrue();
            assertThat(oracle.isOrdered("SELECT k FROM (SELECT k FROM t ORDER BY k)")).isFalse();
            QueryRows reversed = new QueryRows(List.of("k", "name"), List.of("BIGINT", "VARCHAR"),
                    List.of(List.of(2L, "b"), List.of(1L, "a")));
            assertThat(oracle.difference("SELECT k, name FROM t", reversed)).isEmpty();
            assertThat(oracle.difference("SELECT k, name FROM t ORDER BY k", reversed)).hasValueSatisfying(
                    d -> assertThat(d).startsWith("row 0, column k: expected [1, a] but got [2, b]"));
        }
    }
}
