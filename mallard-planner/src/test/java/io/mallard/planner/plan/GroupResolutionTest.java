package io.mallard.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GROUP BY items given by ordinal, by select-list alias, or as an expression repeated in ORDER BY / HAVING resolve to
 * the same group column, so the split query equals the single-node answer.
 */
class GroupResolutionTest extends PlannerTestBase {
    private static DistributedPlan assertSplitEqualsOracle(String sql) throws SQLException {
        DistributedPlan plan = planner.plan(sql);
        assertThat(plan.strategy()).isEqualTo(Strategy.PUSHDOWN_AGG);
        OracleAssert.assertSplitEqualsOracle(plan, warehouse);
        return plan;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT year(l_shipdate), count(*), sum(l_quantity) FROM lineitem GROUP BY 1 ORDER BY 1",
        "SELECT month(l_shipdate) AS m, l_returnflag, avg(l_tax) FROM lineitem GROUP BY 2, 1 ORDER BY 1, 2",
        "SELECT l_quantity * 2, max(l_extendedprice) FROM lineitem GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 7",
        "SELECT year(l_shipdate), count(*) FROM lineitem GROUP BY 1 ORDER BY year(l_shipdate)",
        "SELECT o_shippriority, c_mktsegment, count(*) FROM orders JOIN customer ON o_custkey = c_custkey GROUP BY 2, 1 ORDER BY 2, 1",
    })
    void groupByOrdinal(String sql) throws SQLException {
        assertSplitEqualsOracle(sql);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT year(l_shipdate) AS y, count(*) FROM lineitem GROUP BY y ORDER BY y",
        "SELECT l_returnflag AS Flag, count(*) FROM lineitem GROUP BY flag ORDER BY FLAG",
        "SELECT l_quantity > 25 AS big, l_returnflag AS f, sum(l_extendedprice) AS total FROM lineitem GROUP BY big, f ORDER BY f, big",
        "SELECT (l_orderkey % 4) AS bucket, avg(l_quantity) AS a FROM lineitem GROUP BY bucket HAVING count(*) > 10 ORDER BY a DESC",
        "SELECT c_nationkey * 10 AS nk, count(*) FROM orders JOIN customer ON o_custkey = c_custkey GROUP BY nk ORDER BY nk",
    })
    void groupBySelectAlias(String sql) throws SQLException {
        assertSplitEqualsOracle(sql);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT l_quantity * 2 AS dq, sum(l_tax) FROM lineitem GROUP BY l_quantity * 2 "
                + "HAVING l_quantity * 2 > 20 ORDER BY l_quantity * 2 DESC",
        "SELECT year(o_orderdate), month(o_orderdate), count(*) FROM orders GROUP BY year(o_orderdate), month(o_orderdate) "
                + "HAVING month(o_orderdate) IN (1, 6, 12) ORDER BY year(o_orderdate) DESC, month(o_orderdate)",
        "SELECT count(*) FROM lineitem GROUP BY l_orderkey % 5 ORDER BY l_orderkey % 5",
        "SELECT upper(l_returnflag) || '!' AS tag, sum(l_quantity) FROM lineitem GROUP BY upper(l_returnflag) "
                + "HAVING upper(l_returnflag) <> 'A' AND sum(l_quantity) > 0 ORDER BY upper(l_returnflag)",
        "SELECT year(l_shipdate) + 1 AS next_year, count(*) FROM lineitem GROUP BY year(l_shipdate) "
                + "ORDER BY year(l_shipdate) DESC",
    })
    void groupExpressionRepeatedInOrderByAndHaving(String sql) throws SQLException {
        assertSplitEqualsOracle(sql);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT count(*) FROM lineitem l GROUP BY l.l_returnflag ORDER BY l_returnflag",
        "SELECT l.l_returnflag, count(*) FROM lineitem l GROUP BY l_returnflag HAVING l.l_returnflag <> 'N' ORDER BY l.l_returnflag",
        "SELECT a.l_returnflag, b.l_returnflag, count(*) FROM lineitem a JOIN lineitem b ON a.l_orderkey = b.l_orderkey "
                + "GROUP BY a.l_returnflag, b.l_returnflag ORDER BY 1, 2",
    })
    void qualifiedAndUnqualifiedNamesOfOneColumnAreOneGroup(String sql) throws SQLException {
        assertSplitEqualsOracle(sql);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // ORDER BY prefers the select alias (the sum) over the grouped column of the same name
        "SELECT l_returnflag AS f, sum(l_quantity) AS l_returnflag FROM lineitem GROUP BY 1 ORDER BY l_returnflag",
        "SELECT l_returnflag AS l_suppkey, count(*) FROM lineitem GROUP BY l_returnflag ORDER BY l_suppkey",
        "SELECT o_shippriority AS l_returnflag, count(*) FROM orders JOIN lineitem ON o_orderkey = l_orderkey "
                + "GROUP BY l_returnflag, o_shippriority ORDER BY 1, 2",
        "SELECT l_returnflag, count(*) AS c FROM lineitem GROUP BY l_returnflag HAVING c > 100 ORDER BY 1",
        "SELECT l_returnflag, count(*) FROM lineitem GROUP BY l_returnflag, l_returnflag ORDER BY 1",
        "SELECT l_returnflag, l_returnflag AS again, count(*) FROM lineitem GROUP BY 1, 2 ORDER BY 1",
    })
    void aliasesThatCollideWithColumnNamesOrEachOther(String sql) throws SQLException {
        assertSplitEqualsOracle(sql);
    }

    @Test
    void ordinalAliasAndExpressionAllNameTheSameGroupColumn() throws SQLException {
        String byOrdinal = "SELECT year(l_shipdate) AS y, count(*) FROM lineitem GROUP BY 1 ORDER BY 1";
        String byAlias = "SELECT year(l_shipdate) AS y, count(*) FROM lineitem GROUP BY y ORDER BY 1";
        String byExpression = "SELECT year(l_shipdate) AS y, count(*) FROM lineitem GROUP BY year(l_shipdate) ORDER BY 1";
        DistributedPlan ordinal = assertSplitEqualsOracle(byOrdinal);
        assertThat(assertSplitEqualsOracle(byAlias).workerSql()).isEqualTo(ordinal.workerSql());
        assertThat(assertSplitEqualsOracle(byExpression).workerSql()).isEqualTo(ordinal.workerSql());
        assertThat(ordinal.workerSql()).doesNotContainIgnoringCase("GROUP BY 1").doesNotContain("GROUP BY y");
    }
}
