package io.mallard.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SHARD_LOCAL: when every group, distinct row and window partition holds the shard key, each shard answers its part
 * whole and the concatenation (ordered and limited) equals the single-node answer.
 */
class ShardLocalOracleTest extends PlannerTestBase {
    @ParameterizedTest
    @ValueSource(strings = {
        // GROUP BY the shard key (TPC-H Q3 and Q18 have this shape), with HAVING, ORDER BY and LIMIT
        "SELECT l_orderkey, sum(l_quantity) AS q, count(*) FROM lineitem GROUP BY l_orderkey HAVING sum(l_quantity) > 100 "
                + "ORDER BY q DESC, l_orderkey LIMIT 10",
        "SELECT l_orderkey, sum(l_extendedprice * (1 - l_discount)) AS revenue, o_orderdate, o_shippriority "
                + "FROM customer, orders, lineitem WHERE c_mktsegment = 'BUILDING' AND c_custkey = o_custkey "
                + "AND l_orderkey = o_orderkey GROUP BY l_orderkey, o_orderdate, o_shippriority "
                + "ORDER BY revenue DESC, o_orderdate, l_orderkey LIMIT 10",
        // the key reached through the join's equality, and by ordinal
        "SELECT o_orderkey, count(*) FROM lineitem, orders WHERE l_orderkey = o_orderkey GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5",
        // holistic and DISTINCT aggregates are whole inside a group that lives on one shard
        "SELECT l_orderkey, median(l_quantity), count(DISTINCT l_returnflag), string_agg(l_returnflag, ',' ORDER BY l_returnflag) "
                + "FROM lineitem GROUP BY l_orderkey",
        // GROUP BY ALL that includes the key
        "SELECT l_orderkey, l_returnflag, max(l_quantity) FROM lineitem GROUP BY ALL ORDER BY ALL LIMIT 20",
        // DISTINCT over rows that carry the key, DISTINCT ON the key
        "SELECT DISTINCT l_orderkey, l_returnflag FROM lineitem",
        "SELECT DISTINCT ON (l_orderkey) l_orderkey, l_quantity FROM lineitem ORDER BY l_orderkey, l_quantity DESC",
        "SELECT DISTINCT ON (l_orderkey) l_orderkey, l_quantity FROM lineitem ORDER BY l_orderkey, l_quantity ASC",
        "SELECT DISTINCT ON (o_orderkey) o_orderkey, l_suppkey FROM orders, lineitem WHERE o_orderkey = l_orderkey "
                + "ORDER BY o_orderkey, l_suppkey DESC",
        // the key carried out of a sub-query in FROM
        "SELECT k, count(*) AS n FROM (SELECT l_orderkey AS k FROM lineitem WHERE l_quantity > 3) s GROUP BY k ORDER BY n DESC, k LIMIT 5",
        // windows partitioned by the key, and QUALIFY over them
        "SELECT l_orderkey, l_quantity, rank() OVER (PARTITION BY l_orderkey ORDER BY l_quantity DESC, l_suppkey) AS r "
                + "FROM lineitem QUALIFY r = 1",
        "SELECT l_orderkey, sum(l_quantity) OVER (PARTITION BY l_orderkey) AS total, l_suppkey, l_quantity FROM lineitem "
                + "WHERE l_orderkey < 50",
    })
    void shardLocalEqualsSingleNode(String sql) throws SQLException {
        DistributedPlan plan = planner.plan(sql);
        assertThat(plan.strategy()).as(plan.reason()).isEqualTo(Strategy.SHARD_LOCAL);
        OracleAssert.assertSplitEqualsOracle(plan, warehouse);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT l_returnflag, count(DISTINCT l_orderkey), avg(DISTINCT l_quantity) FROM lineitem GROUP BY l_returnflag",
        "SELECT DISTINCT l_returnflag FROM lineitem",
        "SELECT DISTINCT count(*) FROM lineitem GROUP BY l_orderkey",
        "SELECT l_orderkey, rank() OVER (ORDER BY l_quantity, l_orderkey, l_suppkey) FROM lineitem",
        "SELECT l_orderkey, l_returnflag, count(*) FROM lineitem GROUP BY ROLLUP (l_orderkey, l_returnflag)",
        // a dimension's key is not the fact's shard key
        "SELECT c_custkey, count(*) FROM orders, customer WHERE o_custkey = c_custkey GROUP BY c_custkey",
    })
    void groupsThatSpanShardsAreNotShardLocal(String sql) throws SQLException {
        DistributedPlan plan = planner.plan(sql);
        assertThat(plan.strategy()).as(plan.reason()).isNotEqualTo(Strategy.SHARD_LOCAL);
        OracleAssert.assertSplitEqualsOracle(plan, warehouse);
    }
}
