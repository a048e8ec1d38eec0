package io.mallard.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** Executes a distributed plan shard by shard and compares it with the same SQL on the unsharded oracle. */
final class OracleAssert {
    private OracleAssert() {
    }

    private static boolean ordered(String sql, MiniWarehouse warehouse) throws SQLException {
        try (java.sql.PreparedStatement st = warehouse.oracle.prepareStatement("SELECT json_serialize_sql(?::VARCHAR)")) {
            st.setString(1, sql);
            try (java.sql.ResultSet rs = st.executeQuery()) {
                rs.next();
                com.fasterxml.jackson.databind.JsonNode node = io.mallard.common.Json.tree(rs.getString(1))
                        .path("statements").path(0).path("node");
                for (com.fasterxml.jackson.databind.JsonNode m : node.path("modifiers")) {
                    if ("ORDER_MODIFIER".equals(m.path("type").asText())) {
                        return true;
                    }
                }
                return false;
            }
        }
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
