package io.mallard.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sub-queries planned on their own: a CTE, a sub-query in FROM or an uncorrelated sub-query expression that aggregates
 * partitioned rows is pushed down alone, and its merged result feeds the outer query on the coordinator.
 */
class SubqueryPlannerTest extends PlannerTestBase {
    @ParameterizedTest
    @ValueSource(strings = {
        // TPC-H Q15's shape: a grouped CTE read twice, once under a scalar sub-query
        "WITH revenue AS (SELECT l_suppkey AS supplier_no, sum(l_extendedprice * (1 - l_discount)) AS total FROM lineitem "
                + "GROUP BY l_suppkey) SELECT s_suppkey, s_nationkey, total FROM supplier, revenue "
                + "WHERE s_suppkey = supplier_no AND total = (SELECT max(total) FROM revenue) ORDER BY s_suppkey",
        // an aggregated sub-query in FROM joined with a dimension's full copy
        "SELECT c_mktsegment, sum(n) FROM customer, (SELECT o_custkey, count(*) AS n FROM orders GROUP BY o_custkey) AS t "
                + "WHERE c_custkey = o_custkey GROUP BY c_mktsegment ORDER BY 1",
        // an uncorrelated scalar sub-query beside a gathered table
        "SELECT count(*) FROM lineitem WHERE l_quantity > (SELECT avg(l_quantity) FROM lineitem)",
        // an uncorrelated IN sub-query on a non-key column
        "SELECT o_shippriority, count(*) FROM orders WHERE o_custkey IN (SELECT o_custkey FROM orders GROUP BY o_custkey "
                + "HAVING count(*) > 9) GROUP BY 1 ORDER BY 1",
        // two CTEs over partitioned tables of two datasets, and one reading the other
        "WITH a AS (SELECT l_returnflag, sum(l_quantity) AS q FROM lineitem GROUP BY 1), b AS (SELECT max(measure) AS m FROM measurements), "
                + "c AS (SELECT max(q) AS top FROM a) SELECT l_returnflag, q, m, top FROM a, b, c ORDER BY 1",
        // a set operation over pushed-down branches
        "SELECT count(*) FROM lineitem UNION ALL SELECT count(*) FROM orders",
    })
    void subqueriesPushedDownAloneEqualSingleNode(String sql) throws SQLException {
        DistributedPlan plan = planner.plan(sql);
        assertThat(plan.subplans()).as(plan.reason()).isNotEmpty();
        assertThat(plan.subplans()).allSatisfy(sub -> assertThat(sub.strategy()).isNotIn(Strategy.GATHER, Strategy.LOCAL));
        OracleAssert.assertSplitEqualsOracle(plan, warehouse);
    }

    @Test
    void outerQueryReadingOnlySubPlanResultsIsLocal() {
        DistributedPlan plan = planner.plan("WITH t AS (SELECT l_returnflag AS f, count(*) AS n FROM lineitem GROUP BY 1) "
                + "SELECT f, n, n * 100.0 / sum(n) OVER () FROM t ORDER BY f");
        assertThat(plan.strategy()).isEqualTo(Strategy.LOCAL);
        assertThat(plan.streams()).singleElement().satisfies(s -> {
            assertThat(s.name()).startsWith(DistributedPlan.SUBQUERY_STREAM);
            assertThat(s.materialize()).isTrue();
        });
        assertThat(plan.combineSql()).contains(DistributedPlan.SUBQUERY_STREAM + "0").doesNotContain("lineitem");
        assertThat(PlanPrinter.print(plan, java.util.List.of("s1"))).contains("sub-query __mallard_sub0: PUSHDOWN_AGG");
    }

    @Test
    void correlatedSubqueryIsGatheredNotPlannedAlone() throws SQLException {
        String sql = "SELECT count(*) FROM lineitem l1 WHERE l_quantity > (SELECT avg(l_quantity) FROM lineitem l2 "
                + "WHERE l2.l_suppkey = l1.l_suppkey)";
        DistributedPlan plan = planner.plan(sql);
        assertThat(plan.strategy()).isEqualTo(Strategy.GATHER);
        assertThat(plan.subplans()).isEmpty();
        OracleAssert.assertSplitEqualsOracle(plan, warehouse);
    }

    @Test
    void filtersOfACorrelatedSubqueryAreAppliedOnTheWorkers() throws SQLException {
        String sql = "SELECT count(*) FROM orders WHERE o_custkey < (SELECT sum(l_quantity) FROM lineitem "
                + "WHERE l_suppkey = o_shippriority + 1 AND l_returnflag = 'R')";
        DistributedPlan plan = planner.plan(sql);
        assertThat(plan.strategy()).isEqualTo(Strategy.GATHER);
        assertThat(plan.streams()).filteredOn(s -> s.name().equals("lineitem")).singleElement()
                .satisfies(s -> assertThat(s.sql()).contains("l_returnflag = 'R'").doesNotContain("o_shippriority"));
        OracleAssert.assertSplitEqualsOracle(plan, warehouse);
    }

    @Test
    void noFilterMovesWhenACteShadowsATable() throws SQLException {
        // the outer filter reads the CTE named lineitem; the scalar sub-query counts the CTE's rows unfiltered
        String sql = "WITH lineitem AS (SELECT * FROM lineitem) SELECT (SELECT count(*) FROM lineitem), count(*) "
                + "FROM lineitem WHERE l_quantity > 5 AND l_orderkey < (SELECT max(o_orderkey) FROM orders)";
        DistributedPlan plan = planner.plan(sql);
        assertThat(plan.streams()).allSatisfy(s -> assertThat(s.sql()).doesNotContain("l_quantity >"));
        OracleAssert.assertSplitEqualsOracle(plan, warehouse);
    }

    @Test
    void subqueryNamingAnEnclosingCteIsNotPlannedAlone() throws SQLException {
        // alone, "lineitem" inside the scalar sub-query would be the table, not the CTE that shadows it
        String sql = "WITH lineitem AS (SELECT * FROM lineitem WHERE l_quantity > 20) "
                + "SELECT count(*), (SELECT count(*) FROM lineitem) FROM orders";
        DistributedPlan plan = planner.plan(sql);
        assertThat(plan.subplans()).noneSatisfy(sub -> assertThat(sub.workerSql()).doesNotContain("l_quantity"));
        OracleAssert.assertSplitEqualsOracle(plan, warehouse);
    }
}
