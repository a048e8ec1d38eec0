package io.mallard.planner.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The DuckDB seam: parse errors as values, binding that may fail as a value, counts, and per-call connections. */
class DuckDbSqlEngineTest {
    private static Connection connection;
    private static DuckDbSqlEngine engine;

    @BeforeAll
    static void open() throws SQLException {
        connection = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement st = connection.createStatement()) {
            st.execute("CREATE TABLE t AS SELECT i AS a, CASE WHEN i = 7 THEN 'x' ELSE i::VARCHAR END AS b FROM range(10) r(i)");
        }
        engine = new DuckDbSqlEngine(connection);
    }

    @AfterAll
    static void close() throws SQLException {
        connection.close();
    }

    @Test
    void parseReturnsDuckDbsErrorInsteadOfThrowing() {
        ParsedSql bad = engine.parse("SELEC 1");
        assertThat(bad.failed()).isTrue();
        assertThat(bad.error().get().type()).isEqualToIgnoringCase("parser");
        assertThat(bad.statements()).isEmpty();
        ParsedSql two = engine.parse("SELECT 1; SELECT 2");
        assertThat(two.failed()).isFalse();
        assertThat(two.statements()).hasSize(2);
        assertThatThrownBy(() -> engine.parseSelect("SELEC 1")).isInstanceOfSatisfying(MallardException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.SYNTAX_ERROR));
    }

    @Test
    void renderIsTheInverseOfParse() {
        ObjectNode node = engine.parseSelect("SELECT a FROM t WHERE (a > 1)");
        assertThat(engine.render(node)).isEqualTo("SELECT a FROM t WHERE (a > 1)");
    }

    @Test
    void describeIfBindsIsEmptyForAQueryThatDoesNotBindAlone() {
        assertThat(engine.describeIfBinds("SELECT a FROM t")).hasValueSatisfying(columns ->
                assertThat(columns).containsExactly(new OutputColumn("a", "BIGINT")));
        assertThat(engine.describeIfBinds("SELECT a FROM t WHERE a = outer_column")).isEmpty();
        assertThatThrownBy(() -> engine.describe("SELECT a FROM t WHERE a = outer_column")).isInstanceOf(MallardException.class);
    }

    @Test
    void countIsEmptyWhenTheQueryFailsOnTheData() {
        assertThat(engine.count(engine.parseSelect("SELECT * FROM t WHERE a > 4"))).hasValue(5);
        assertThat(engine.count(engine.parseSelect("SELECT * FROM t WHERE b::INTEGER > 4"))).isEmpty();
    }

    @Test
    void typeNodesComeFromDuckDbsOwnParse() {
        ObjectNode type = engine.typeNode("DECIMAL(18,3)");
        ObjectNode cast = engine.parseSelect("SELECT CAST(a AS INTEGER) FROM t");
        ((ObjectNode) cast.path("select_list").get(0)).set("type_expr", type);
        assertThat(engine.render(cast)).isEqualTo("SELECT CAST(a AS DECIMAL(18, 3)) FROM t");
    }

    @Test
    void aPerCallEngineOpensAndClosesAConnectionForEachCall() throws SQLException {
        AtomicInteger opened = new AtomicInteger();
        List<Connection> connections = new java.util.ArrayList<>();
        DuckDbSqlEngine perCall = DuckDbSqlEngine.perCall(() -> {
            opened.incrementAndGet();
            Connection c = ((org.duckdb.DuckDBConnection) connection).duplicate();
            connections.add(c);
            return c;
        });
        assertThat(perCall.render(perCall.parseSelect("SELECT a FROM t"))).isEqualTo("SELECT a FROM t");
        assertThat(opened.get()).isEqualTo(2);
        for (Connection c : connections) {
            assertThat(c.isClosed()).isTrue();
        }
        assertThat(perCall.aggregateFunctions()).contains("sum", "count_star");
    }
}
