package io.mallard.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.sql.DuckDbSqlEngine;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.duckdb.DuckDBConnection;

/** Executes a distributed plan shard by shard and compares it with the same SQL on the unsharded oracle. */
final class OracleAssert {
    private OracleAssert() {
    }

    /**
     * Whether the query (a SELECT or a set operation) orders its rows, by DuckDB's parse of it: then the comparison is
     * in order.
     */
    private static boolean ordered(String sql, MiniWarehouse warehouse) {
        DuckDbSqlEngine engine = DuckDbSqlEngine.perCall(() -> warehouse.oracle.unwrap(DuckDBConnection.class).duplicate());
        for (JsonNode modifier : engine.parseSelect(sql).path("modifiers")) {
            if ("ORDER_MODIFIER".equals(Ast.type(modifier))) {
                return true;
            }
        }
        return false;
    }

    /** Rows in order where the query orders them, else as multisets; doubles within a relative tolerance, everything else exactly. */
    static void assertSplitEqualsOracle(DistributedPlan plan, MiniWarehouse warehouse) throws SQLException {
        List<List<Object>> distributed = SplitExecution.run(plan, warehouse);
        List<List<Object>> expected;
        try (Statement st = warehouse.oracle.createStatement()) {
            expected = SplitExecution.rows(st.executeQuery(plan.sql()));
        }
        assertThat(expected).as("oracle returned no rows for %s; the comparison would prove little", plan.sql()).isNotEmpty();
        assertThat(distributed).as("rows of %s", plan.combineSql()).hasSameSizeAs(expected);
        if (!ordered(plan.sql(), warehouse)) {
            java.util.Comparator<List<Object>> byText = java.util.Comparator.comparing(Object::toString);
            expected = new java.util.ArrayList<>(expected);
            distributed = new java.util.ArrayList<>(distributed);
            expected.sort(byText);
            distributed.sort(byText);
        }
        for (int r = 0; r < expected.size(); r++) {
            assertThat(distributed.get(r)).as("width of row %d", r).hasSameSizeAs(expected.get(r));
            for (int c = 0; c < expected.get(r).size(); c++) {
                Object e = expected.get(r).get(c);
                Object a = distributed.get(r).get(c);
                if (e instanceof Double d) {
                    assertThat((Double) a).as("row %d col %d of %s", r, c, plan.combineSql())
                            .isCloseTo(d, within(Math.abs(d) * 1e-9 + 1e-12));
                } else {
                    assertThat(a).as("row %d col %d of %s", r, c, plan.combineSql()).isEqualTo(e);
                }
            }
        }
    }
}
