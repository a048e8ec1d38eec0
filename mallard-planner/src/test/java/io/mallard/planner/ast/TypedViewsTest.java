package io.mallard.planner.ast;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.sql.DuckDbSqlEngine;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The typed views read DuckDB's own parse of a statement (the pinned version's JSON shape). */
class TypedViewsTest {
    private static Connection connection;
    private static DuckDbSqlEngine engine;

    @BeforeAll
    static void open() throws SQLException {
        connection = DriverManager.getConnection("jdbc:duckdb:");
        engine = new DuckDbSqlEngine(connection);
    }

    @AfterAll
    static void close() throws SQLException {
        connection.close();
    }

    private static SelectNode select(String sql) {
        return SelectNode.of(engine.parseSelect(sql)).orElseThrow();
    }

    @Test
    void selectNodeNamesItsParts() {
        SelectNode select = select("WITH c AS (SELECT 1 AS x) SELECT a, count(*) AS n FROM t AS u JOIN v ON u.k = v.k "
                + "WHERE a > 1 AND (b = 2 AND c < 3) GROUP BY a HAVING count(*) > 1 ORDER BY n LIMIT 5");
        assertThat(select.selectList()).hasSize(2);
        assertThat(select.from().isJoin()).isTrue();
        assertThat(select.from().left().alias()).isEqualTo("u");
        assertThat(select.from().left().tableName()).isEqualTo("t");
        assertThat(select.from().condition()).isPresent();
        assertThat(select.whereConjuncts()).hasSize(3);
        assertThat(select.groupExpressions()).hasSize(1);
        assertThat(select.having()).isPresent();
        assertThat(select.qualify()).isEmpty();
        assertThat(select.isOrdered()).isTrue();
        assertThat(select.modifier("LIMIT_MODIFIER")).isPresent();
        assertThat(select.ctes()).extracting(Cte::name).containsExactly("c");
        assertThat(SelectNode.isSelect(select.ctes().get(0).query())).isTrue();
        assertThat(select.hasFrom()).isTrue();
        assertThat(select("SELECT 1").hasFrom()).isFalse();
    }

    @Test
    void samplingIsSeenOnTheSelectAndInItsFrom() {
        assertThat(select("SELECT * FROM t USING SAMPLE 10%").samples()).isTrue();
        assertThat(select("SELECT * FROM t TABLESAMPLE 10%").samples()).isTrue();
        assertThat(select("SELECT * FROM t").samples()).isFalse();
    }

    @Test
    void columnReferencesKeepTheirQualifier() {
        List<ObjectNode> items = select("SELECT x, t.y, 3 FROM t").selectList();
        ColumnRef bare = ColumnRef.of(items.get(0)).orElseThrow();
        ColumnRef qualified = ColumnRef.of(items.get(1)).orElseThrow();
        assertThat(bare.column()).isEqualTo("x");
        assertThat(bare.qualifier()).isEmpty();
        assertThat(bare.isUnqualified()).isTrue();
        assertThat(qualified.column()).isEqualTo("y");
        assertThat(qualified.qualifier()).contains("t");
        assertThat(ColumnRef.of(items.get(2))).isEmpty();
    }

    @Test
    void columnKeysCompareCaseInsensitivelyAndKeepDottedNamesWhole() {
        assertThat(new ColumnKey("Orders", "O_OrderKey")).isEqualTo(new ColumnKey("orders", "o_orderkey"));
        ColumnKey dotted = new ColumnKey("my.alias", "col");
        assertThat(dotted.binding()).isEqualTo("my.alias");
        assertThat(dotted.column()).isEqualTo("col");
        assertThat(dotted.belongsTo("MY.ALIAS")).isTrue();
    }

    @Test
    void equalitiesAreBetweenTwoColumns() {
        List<JsonNode> conjuncts = select("SELECT 1 FROM t, u WHERE t.a = u.b AND t.a = 1 AND t.a < u.b").whereConjuncts();
        assertThat(ColumnEquality.of(conjuncts.get(0))).hasValueSatisfying(e -> {
            assertThat(e.left().qualifier()).contains("t");
            assertThat(e.right().column()).isEqualTo("b");
        });
        assertThat(ColumnEquality.of(conjuncts.get(1))).isEmpty();
        assertThat(ColumnEquality.of(conjuncts.get(2))).isEmpty();
    }

    @Test
    void conjunctsRebuildAPredicate() {
        List<JsonNode> conjuncts = select("SELECT 1 FROM t WHERE a AND (b OR c) AND TRUE").whereConjuncts();
        assertThat(conjuncts).hasSize(3);
        assertThat(Conjuncts.isTrue(conjuncts.get(2))).isTrue();
        assertThat(Conjuncts.isTrue(conjuncts.get(0))).isFalse();
        SelectNode rebuilt = select("SELECT 1 FROM t").setWhere(Conjuncts.and(conjuncts.subList(0, 2)));
        assertThat(engine.render(rebuilt.node())).isEqualTo("SELECT 1 FROM t WHERE (a AND (b OR c))");
        assertThat(Conjuncts.of(null)).isEmpty();
    }

    @Test
    void functionCallsAndSubqueryExpressions() {
        List<ObjectNode> items = select("SELECT count(DISTINCT a) FILTER (WHERE b > 1), string_agg(c, ',' ORDER BY d), "
                + "EXISTS (SELECT 1), x IN (SELECT y FROM u) FROM t").selectList();
        FunctionCall count = FunctionCall.of(items.get(0)).orElseThrow();
        assertThat(count.name()).isEqualTo("count");
        assertThat(count.isDistinct()).isTrue();
        assertThat(count.filter()).isPresent();
        assertThat(count.isOrdered()).isFalse();
        assertThat(FunctionCall.of(items.get(1)).orElseThrow().isOrdered()).isTrue();
        assertThat(SubqueryExpression.of(items.get(2))).hasValueSatisfying(s -> assertThat(s.isExists()).isTrue());
        SubqueryExpression in = SubqueryExpression.of(items.get(3)).orElseThrow();
        assertThat(in.kind()).isEqualTo("ANY");
        assertThat(in.comparison()).isEqualTo("COMPARE_EQUAL");
        assertThat(ColumnRef.of(in.child())).isPresent();
        assertThat(in.select()).hasValueSatisfying(s -> assertThat(s.from().tableName()).isEqualTo("u"));
    }
}
