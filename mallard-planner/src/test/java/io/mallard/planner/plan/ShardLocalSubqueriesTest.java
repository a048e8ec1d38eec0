package io.mallard.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Sub-queries correlated on the shard key stay on the shards; others fall back to GATHER; all equal the oracle. */
class ShardLocalSubqueriesTest extends PlannerTestBase {
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        // EXISTS / NOT EXISTS correlated on the shard key (TPC-H Q4, Q21)
        "PUSHDOWN_AGG|SELECT o_shippriority, count(*) FROM orders WHERE EXISTS (SELECT * FROM lineitem WHERE l_orderkey = o_orderkey AND l_quantity > 20) GROUP BY 1 ORDER BY 1",
        "PUSHDOWN_AGG|SELECT count(*) FROM lineitem l1 WHERE NOT EXISTS (SELECT * FROM lineitem l2 WHERE l2.l_orderkey = l1.l_orderkey AND l2.l_suppkey <> l1.l_suppkey)",
        "PUSHDOWN_AGG|SELECT s_nationkey, count(*) FROM supplier, lineitem l1, orders WHERE s_suppkey = l1.l_suppkey AND o_orderkey = l1.l_orderkey AND EXISTS (SELECT * FROM lineitem l2 WHERE l2.l_orderkey = l1.l_orderkey AND l2.l_suppkey <> l1.l_suppkey) GROUP BY 1 ORDER BY 1",
        "PUSHDOWN_SCAN|SELECT o_orderkey FROM orders WHERE EXISTS (SELECT 1 FROM lineitem, supplier WHERE l_orderkey = o_orderkey AND l_suppkey = s_suppkey AND s_nationkey = 2) ORDER BY 1",
        // IN on shard keys, grouped by the key (TPC-H Q18)
        "PUSHDOWN_AGG|SELECT o_custkey, count(*) FROM orders WHERE o_orderkey IN (SELECT l_orderkey FROM lineitem GROUP BY l_orderkey HAVING sum(l_quantity) > 150) GROUP BY 1 ORDER BY 1",
        // sub-queries over replicated tables only: the same complete rows on every shard (IN, NOT IN, under OR, scalar,
        // correlated, nested; in the select list of a query that does not aggregate), also beside a table spread
        // without a key
        "PUSHDOWN_AGG|SELECT count(*) FROM orders WHERE o_custkey % 5 IN (SELECT n_nationkey FROM nation WHERE n_name > 'nation 1')",
        "PUSHDOWN_AGG|SELECT count(*) FROM orders WHERE o_custkey % 5 NOT IN (SELECT n_nationkey FROM nation WHERE n_name LIKE '%3') OR o_shippriority > 0",
        "PUSHDOWN_SCAN|SELECT o_orderkey FROM orders WHERE o_custkey % 5 = (SELECT min(n_nationkey) + 2 FROM nation) ORDER BY 1",
        "PUSHDOWN_AGG|SELECT l_suppkey % 3, count(*) FROM lineitem WHERE EXISTS (SELECT * FROM nation n1 JOIN nation n2 ON n1.n_nationkey = n2.n_nationkey + 1 WHERE n1.n_nationkey = l_suppkey % 5) GROUP BY 1 ORDER BY 1",
        "PUSHDOWN_AGG|SELECT count(*) FROM orders WHERE o_custkey % 5 IN (SELECT DISTINCT n_nationkey FROM nation WHERE n_nationkey IN (SELECT n_nationkey + 1 FROM nation WHERE n_name <> 'nation 2'))",
        "PUSHDOWN_AGG|SELECT count(*) FROM measurements WHERE length(station) % 5 IN (SELECT n_nationkey FROM nation WHERE n_nationkey > 1)",
        "PUSHDOWN_SCAN|SELECT o_orderkey, (SELECT n_name FROM nation WHERE n_nationkey = o_custkey % 5) AS nation FROM orders ORDER BY 1",
        "PUSHDOWN_SCAN|SELECT o_orderkey, (SELECT count(*) FROM nation WHERE n_nationkey < o_custkey % 5) AS c FROM orders ORDER BY 1",
        "PUSHDOWN_AGG|SELECT o_custkey % 5, count(*) FROM orders WHERE (SELECT count(*) FROM nation WHERE n_nationkey < o_custkey % 5) > 1 GROUP BY 1 ORDER BY 1",
        // ... but not with a LIMIT (which rows it keeps depends on their order), nor reading a dimension or partitioned table
        "GATHER|SELECT count(*) FROM orders WHERE o_custkey % 5 IN (SELECT n_nationkey FROM nation LIMIT 3)",
        "GATHER|SELECT count(*) FROM orders WHERE o_custkey % 5 IN (SELECT n_nationkey FROM nation USING SAMPLE 100 PERCENT (bernoulli))",
        "GATHER|SELECT count(*) FROM orders WHERE o_custkey % 5 IN (SELECT n_nationkey FROM nation WHERE n_nationkey IN (SELECT s_nationkey FROM supplier))",
        "GATHER|SELECT count(*) FROM lineitem WHERE l_suppkey IN (SELECT s_suppkey FROM supplier WHERE s_nationkey = 3)",
        // correlated on something else, NOT IN, a global aggregate, another dataset, no partitioned outer table
        "GATHER|SELECT count(*) FROM lineitem l1 WHERE EXISTS (SELECT * FROM lineitem l2 WHERE l2.l_suppkey = l1.l_suppkey AND l2.l_orderkey <> l1.l_orderkey)",
        "GATHER|SELECT count(*) FROM orders WHERE o_orderkey NOT IN (SELECT l_orderkey FROM lineitem WHERE l_quantity > 30)",
        "GATHER|SELECT count(*) FROM lineitem WHERE l_quantity > (SELECT avg(l_quantity) FROM lineitem)",
        "GATHER|SELECT count(*) FROM orders WHERE o_orderkey IN (SELECT l_orderkey FROM lineitem GROUP BY l_orderkey, l_suppkey HAVING count(*) > 0) AND o_custkey IN (SELECT l_suppkey FROM lineitem)",
        "GATHER|SELECT count(*) FROM lineitem WHERE EXISTS (SELECT * FROM measurements WHERE measure > l_quantity)",
        "GATHER|SELECT count(*) FROM customer WHERE NOT EXISTS (SELECT * FROM orders WHERE o_custkey = c_custkey)",
        "GATHER|SELECT count(*) FROM orders WHERE EXISTS (SELECT * FROM lineitem WHERE l_orderkey = o_orderkey AND l_quantity > (SELECT 10))",
    })
    void planAndAnswer(String strategy, String sql) throws SQLException {
        DistributedPlan plan = planner.plan(sql);
        assertThat(plan.strategy()).as(plan.reason()).hasToString(strategy);
        OracleAssert.assertSplitEqualsOracle(plan, warehouse);
    }
}
