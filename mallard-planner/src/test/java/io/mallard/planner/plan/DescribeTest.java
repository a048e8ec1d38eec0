package io.mallard.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** DESCRIBE needs a table's columns, not its rows: the coordinator's copy answers it alone, without tasks. */
class DescribeTest extends PlannerTestBase {

    @ParameterizedTest
    @ValueSource(strings = {
        "DESCRIBE lineitem",
        "DESCRIBE SELECT l_orderkey, sum(l_quantity) AS q FROM lineitem GROUP BY l_orderkey",
        "SELECT column_name, column_type FROM (DESCRIBE orders) ORDER BY column_name",
    })
    void describeIsAnsweredLocallyAsTheOracleAnswersIt(String sql) throws SQLException {
        DistributedPlan plan = planner.plan(sql);
        assertThat(plan.strategy()).isEqualTo(Strategy.LOCAL);
        OracleAssert.assertSplitEqualsOracle(plan, warehouse);
    }
}
