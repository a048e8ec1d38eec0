package io.mallard.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Partials the aggregates of a query have in common are computed once: {@code sum(x)} beside {@code avg(x)} (TPC-H
 * Q1), {@code count(x)} beside {@code avg(x)}, two moments of the same column, two DISTINCT aggregates of one input.
 * The shared plans still equal the oracle.
 */
class SharedPartialsTest extends PlannerTestBase {
    private static String workerOf(String sql) throws SQLException {
        DistributedPlan plan = planner.plan(sql);
        assertThat(plan.strategy()).as(plan.reason()).isEqualTo(Strategy.PUSHDOWN_AGG);
        OracleAssert.assertSplitEqualsOracle(plan, warehouse);
        return plan.streams().get(0).sql();
    }

    private static int occurrences(String text, String part) {
        Matcher m = Pattern.compile(Pattern.quote(part)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void sumBesideAverageOfTheSameColumnIsComputedOnce() throws SQLException {
        String worker = workerOf("SELECT l_returnflag, sum(l_quantity), avg(l_quantity), count(l_quantity), "
                + "sum(lineitem.l_quantity) FROM lineitem GROUP BY 1 ORDER BY 1");
        assertThat(occurrences(worker, "sum(l_quantity)")).as(worker).isEqualTo(1);
        assertThat(occurrences(worker, "count(l_quantity)")).as(worker).isEqualTo(1);
        assertThat(worker).contains("__p1").doesNotContain("__p2");
    }

    @Test
    void partialsThatDifferInTheirFilterStayApart() throws SQLException {
        String worker = workerOf("SELECT sum(l_quantity), sum(l_quantity) FILTER (WHERE l_tax > 1), avg(l_quantity) "
                + "FROM lineitem");
        assertThat(occurrences(worker, "sum(l_quantity) AS")).as(worker).isEqualTo(1);
        assertThat(occurrences(worker, "sum(l_quantity) FILTER")).as(worker).isEqualTo(1);
    }

    @Test
    void momentsOfOneColumnShareTheirPartialsAndGrandMean() throws SQLException {
        DistributedPlan plan = planner.plan("SELECT l_returnflag, var_samp(l_quantity), stddev_pop(l_quantity) FROM lineitem "
                + "GROUP BY 1 ORDER BY 1");
        OracleAssert.assertSplitEqualsOracle(plan, warehouse);
        String worker = plan.streams().get(0).sql();
        assertThat(occurrences(worker, "var_pop(l_quantity)")).as(worker).isEqualTo(1);
        assertThat(plan.combineSql()).contains("__gm0").doesNotContain("__gm1");
    }

    @Test
    void distinctAggregatesOfOneInputGroupByItOnce() throws SQLException {
        String worker = workerOf("SELECT l_returnflag, count(DISTINCT l_suppkey), sum(DISTINCT l_suppkey) FROM lineitem "
                + "GROUP BY 1 ORDER BY 1");
        assertThat(worker).endsWith("GROUP BY l_returnflag, l_suppkey");
    }
}
