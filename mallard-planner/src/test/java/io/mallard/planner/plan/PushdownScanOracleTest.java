package io.mallard.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PUSHDOWN_SCAN: shard-local row queries, with per-shard top-N, merge to the single-node answer. */
class PushdownScanOracleTest extends PlannerTestBase {
    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT l_orderkey, l_quantity FROM lineitem WHERE l_quantity > 40",
        "SELECT l_orderkey, l_quantity, l_returnflag FROM lineitem ORDER BY l_quantity DESC, l_orderkey LIMIT 7",
        "SELECT l_orderkey, l_quantity FROM lineitem ORDER BY l_orderkey, l_quantity LIMIT 5 OFFSET 11",
        "SELECT l_orderkey AS k, l_quantity * 2 AS q2 FROM lineitem ORDER BY k DESC, q2 LIMIT 9",
        "SELECT l_orderkey, l_quantity FROM lineitem ORDER BY 2 DESC, 1 LIMIT 4",
        "SELECT * FROM orders ORDER BY o_orderkey LIMIT 12",
        "SELECT o_orderkey, c_mktsegment FROM orders, customer WHERE o_custkey = c_custkey AND o_orderkey < 30 ORDER BY o_orderkey",
        "SELECT l_orderkey, o_orderdate, n_name FROM lineitem, orders, customer, nation "
                + "WHERE l_orderkey = o_orderkey AND o_custkey = c_custkey AND c_nationkey = n_nationkey "
                + "ORDER BY o_orderdate DESC, l_orderkey, n_name LIMIT 3",
        "SELECT l_tax FROM lineitem WHERE l_tax IS NULL ORDER BY l_tax NULLS FIRST LIMIT 2",
        "SELECT station, measure FROM measurements WHERE measure > 9.5 ORDER BY measure DESC, station",
        "SELECT l_orderkey::HUGEINT * 3 AS big, l_quantity FROM lineitem ORDER BY big, l_quantity LIMIT 6",
    })
    void scanEqualsSingleNode(String sql) throws SQLException {
        DistributedPlan plan = planner.plan(sql);
        assertThat(plan.strategy()).as(plan.reason()).isEqualTo(Strategy.PUSHDOWN_SCAN);
        OracleAssert.assertSplitEqualsOracle(plan, warehouse);
    }

    @Test
    void topNIsPushedToEveryShardWithoutTheOffset() {
        DistributedPlan plan = planner.plan("SELECT l_orderkey, l_quantity FROM lineitem ORDER BY l_orderkey, l_quantity LIMIT 5 OFFSET 11");
        assertThat(plan.workerSql()).contains("ORDER BY").contains("LIMIT 16").doesNotContain("OFFSET");
        assertThat(plan.combineSql()).contains("LIMIT 5 OFFSET 11");
    }

    @Test
    void unorderedScanWithoutLimitSortsNothingOnWorkers() {
        DistributedPlan plan = planner.plan("SELECT l_orderkey FROM lineitem WHERE l_quantity > 40 ORDER BY l_orderkey");
        assertThat(plan.workerSql()).doesNotContain("ORDER BY");
        assertThat(plan.combineSql()).contains("ORDER BY");
    }
}
