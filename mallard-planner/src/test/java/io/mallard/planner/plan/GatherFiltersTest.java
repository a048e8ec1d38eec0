package io.mallard.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Which WHERE conjuncts GATHER lets the workers apply: only those that give the same rows when evaluated twice. */
class GatherFiltersTest extends PlannerTestBase {
    private static String lineitemStream(String sql) throws SQLException {
        DistributedPlan plan = planner.plan(sql);
        assertThat(plan.strategy()).as(plan.reason()).isEqualTo(Strategy.GATHER);
        OracleAssert.assertSplitEqualsOracle(plan, warehouse);
        return plan.streams().stream().filter(s -> s.name().equals("lineitem")).findFirst().orElseThrow().sql();
    }

    @Test
    void aPlainFilterOnTheGatheredTableRunsOnTheWorkers() throws SQLException {
        String sql = "SELECT l_suppkey, median(l_quantity) FROM lineitem WHERE l_quantity > 20 GROUP BY l_suppkey ORDER BY 1";
        assertThat(lineitemStream(sql)).contains("WHERE (l_quantity > 20)");
    }

    @Test
    void aVolatileFilterStaysOnTheCoordinator() throws SQLException {
        // on the workers and again on the coordinator, random() would keep a different share of the rows
        // (quantities stay under 60, so this filter keeps every row and the answer stays comparable with the oracle)
        String sql = "SELECT l_suppkey, median(l_quantity) FROM lineitem WHERE l_quantity * random() < 1000 AND l_quantity > 20 "
                + "GROUP BY l_suppkey ORDER BY 1";
        assertThat(lineitemStream(sql)).contains("l_quantity > 20").doesNotContain("random");
    }
}
