package io.mallard.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PUSHDOWN_AGG: worker SQL on each shard plus combine SQL equals the query on the unsharded data. */
class PushdownAggregationOracleTest extends PlannerTestBase {
    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT count(*) FROM lineitem",
        "SELECT count(*) FROM measurements",
        "SELECT station, min(measure), max(measure), avg(measure) FROM measurements GROUP BY station ORDER BY station",
        "SELECT l_returnflag, sum(l_quantity) AS sum_qty, sum(l_extendedprice * (1 - l_discount)) AS disc, "
                + "avg(l_quantity) AS avg_qty, avg(l_discount), count(*) AS count_order FROM lineitem "
                + "WHERE l_shipdate <= DATE '1996-01-01' - INTERVAL 30 DAY GROUP BY l_returnflag ORDER BY l_returnflag",
        "SELECT sum(l_extendedprice * (1 - l_discount)) AS revenue, o_orderdate, o_shippriority "
                + "FROM customer, orders, lineitem WHERE c_mktsegment = 'BUILDING' AND c_custkey = o_custkey "
                + "AND l_orderkey = o_orderkey AND o_orderdate < DATE '1995-06-15' AND l_shipdate > DATE '1995-06-15' "
                + "GROUP BY o_orderdate, o_shippriority ORDER BY revenue DESC, o_orderdate, o_shippriority LIMIT 10",
        "SELECT l_returnflag, count(*), sum(l_quantity) FROM lineitem GROUP BY ALL ORDER BY ALL",
        // sub-queries in FROM whose rows are split by shard (TPC-H Q7, Q8, Q9)
        "SELECT count(*), sum(q) FROM (SELECT l_quantity AS q FROM lineitem WHERE l_quantity > 5) t",
        "SELECT nation, y, sum(amount) AS profit FROM (SELECT n_name AS nation, year(o_orderdate) AS y, "
                + "l_extendedprice * (1 - l_discount) AS amount FROM lineitem, orders, supplier, nation "
                + "WHERE l_orderkey = o_orderkey AND l_suppkey = s_suppkey AND s_nationkey = n_nationkey) AS profit "
                + "GROUP BY nation, y ORDER BY nation, y DESC",
        "SELECT t.f, count(*) FROM (SELECT l_returnflag, l_orderkey FROM lineitem) AS t(f, k), orders "
                + "WHERE t.k = o_orderkey AND o_shippriority = 1 GROUP BY t.f ORDER BY 1",
        // arg_max skips rows whose value is NULL: the key partial must skip them too
        "SELECT arg_max(CASE WHEN l_orderkey < 450 THEN l_orderkey END, l_orderkey), "
                + "arg_min(CASE WHEN l_orderkey > 3 THEN l_quantity END, l_orderkey) FROM lineitem",
        // count(DISTINCT shard key): per-shard distinct counts add up
        "SELECT l_returnflag, count(DISTINCT l_orderkey), sum(l_quantity) FROM lineitem GROUP BY 1 ORDER BY 1",
        "SELECT count(DISTINCT o_orderkey), count(*) FROM lineitem, orders WHERE l_orderkey = o_orderkey AND l_quantity > 30",
        // ... and beside another DISTINCT aggregate it counts over the distinct rows like the others
        "SELECT l_returnflag, count(DISTINCT l_orderkey), count(DISTINCT l_suppkey) FROM lineitem GROUP BY 1 ORDER BY 1",
        // DISTINCT aggregates: workers ship the distinct (keys, inputs) rows
        "SELECT l_returnflag, count(DISTINCT l_suppkey), sum(DISTINCT l_quantity), avg(DISTINCT l_tax), max(l_shipdate) "
                + "FROM lineitem GROUP BY l_returnflag ORDER BY 1",
        "SELECT count(DISTINCT o_custkey), count(DISTINCT o_shippriority), min(o_orderdate) FROM orders",
        "SELECT count(DISTINCT l_tax), count(DISTINCT l_suppkey * 2 + 1) FROM lineitem WHERE l_quantity > 1000",
        "SELECT o_shippriority, count(DISTINCT c_mktsegment) FROM orders, customer WHERE o_custkey = c_custkey "
                + "GROUP BY ROLLUP (o_shippriority) HAVING count(DISTINCT c_mktsegment) > 0 ORDER BY ALL",
        // an equality every branch of an OR repeats is a join (TPC-H Q19's shape)
        "SELECT sum(l_extendedprice), count(*) FROM orders, lineitem, supplier "
                + "WHERE (o_orderkey = l_orderkey AND l_suppkey = s_suppkey AND l_quantity > 30 AND s_nationkey = 1) "
                + "OR (l_orderkey = o_orderkey AND s_suppkey = l_suppkey AND l_quantity < 5)",
        // grouping sets: workers group by every key, the combine forms the sets over the partials
        "SELECT l_returnflag, o_shippriority, count(*), sum(l_quantity), avg(l_discount), grouping(l_returnflag, o_shippriority) AS g "
                + "FROM lineitem, orders WHERE l_orderkey = o_orderkey GROUP BY ROLLUP (l_returnflag, o_shippriority) ORDER BY ALL",
        "SELECT l_returnflag, year(l_shipdate) AS y, min(l_shipdate), max(l_tax), count(l_tax) FROM lineitem "
                + "GROUP BY CUBE (l_returnflag, y) ORDER BY l_returnflag NULLS FIRST, y NULLS FIRST",
        "SELECT l_returnflag, o_shippriority, count(*) FROM lineitem, orders WHERE l_orderkey = o_orderkey "
                + "GROUP BY GROUPING SETS ((l_returnflag), (o_shippriority), ()) HAVING count(*) > 1 ORDER BY ALL",
        "SELECT l_returnflag, count(*), sum(l_quantity) FROM lineitem WHERE l_quantity < 0 GROUP BY ROLLUP (l_returnflag)",
        // windows over the grouped result, and QUALIFY over them
        "SELECT l_returnflag, sum(l_quantity) AS q, rank() OVER (ORDER BY sum(l_quantity) DESC) AS r, "
                + "sum(sum(l_quantity)) OVER () AS total FROM lineitem GROUP BY l_returnflag ORDER BY r",
        "SELECT o_shippriority, year(o_orderdate) AS y, count(*) AS n FROM orders GROUP BY 1, 2 "
                + "QUALIFY row_number() OVER (PARTITION BY o_shippriority ORDER BY count(*) DESC, y) = 1 ORDER BY ALL",
        "SELECT year(l_shipdate) AS y, l_returnflag, count(*) FROM lineitem GROUP BY ALL ORDER BY y, l_returnflag",
        "SELECT n_name, sum(l_extendedprice * (1 - l_discount)) AS revenue FROM customer, orders, lineitem, supplier, nation "
                + "WHERE c_custkey = o_custkey AND l_orderkey = o_orderkey AND l_suppkey = s_suppkey "
                + "AND c_nationkey = s_nationkey AND s_nationkey = n_nationkey GROUP BY n_name ORDER BY revenue DESC",
        "SELECT sum(l_extendedprice * l_discount) AS revenue FROM lineitem WHERE l_discount BETWEEN 0.02 AND 0.07 AND l_quantity < 24",
        "SELECT sum(l_quantity) FROM lineitem WHERE l_quantity < 0",
        "SELECT count(*), count(l_tax), sum(l_tax), avg(l_tax), min(l_tax) FROM lineitem WHERE l_tax IS NULL",
        "SELECT l_returnflag AS f, count(*) FILTER (WHERE l_tax > 1) AS big, sum(l_quantity) / count(*) AS ratio "
                + "FROM lineitem GROUP BY 1 HAVING count(*) > 10 ORDER BY 1",
        "SELECT year(o_orderdate) AS y, count(*) FROM orders GROUP BY year(o_orderdate) ORDER BY y",
        "SELECT o_shippriority, max(o_orderdate) FROM orders GROUP BY o_shippriority ORDER BY sum(o_orderkey) DESC",
        "SELECT l.l_returnflag, count(*) FROM lineitem l JOIN orders o ON l.l_orderkey = o.o_orderkey GROUP BY l.l_returnflag ORDER BY 1",
        "SELECT sum(l_orderkey), sum(o_custkey) FROM lineitem, orders WHERE l_orderkey = o_orderkey",
        "SELECT l_returnflag, bool_and(l_quantity > 2), bool_or(l_quantity > 50), bit_or(l_orderkey), bit_and(l_orderkey + 1024), "
                + "bit_xor(l_orderkey) FROM lineitem GROUP BY 1 ORDER BY 1",
        "SELECT l_returnflag, arg_min(l_extendedprice, l_orderkey * 1000 + l_quantity), "
                + "arg_max(l_orderkey, l_orderkey * 1000 + l_quantity) FILTER (WHERE l_tax IS NOT NULL), "
                + "max_by(l_quantity, l_orderkey * 1000 + l_quantity) FROM lineitem GROUP BY 1 ORDER BY 1",
        "SELECT o_shippriority, product(1 + o_orderkey / 100000.0)::DECIMAL(18,6) FROM orders GROUP BY 1 ORDER BY 1",
        "SELECT station, var_pop(measure), var_samp(measure), stddev_pop(measure), stddev(measure), variance(measure) "
                + "FROM measurements GROUP BY station ORDER BY station",
        "SELECT var_samp(l_quantity), stddev_samp(l_extendedprice) FILTER (WHERE l_tax > 0.5), var_pop(l_tax) FROM lineitem",
        "SELECT l_returnflag, stddev_samp(1e9 + l_orderkey) FROM lineitem GROUP BY 1 ORDER BY 1",
        "SELECT var_samp(l_quantity), stddev_pop(l_quantity) FROM lineitem WHERE l_orderkey = 7",
        "SELECT var_samp(l_quantity), var_pop(l_quantity), stddev_samp(l_quantity) FROM lineitem WHERE l_orderkey = 8 AND l_quantity = 9",
        "SELECT l_orderkey % 4, var_samp(l_quantity), stddev_pop(l_quantity) FROM lineitem WHERE l_orderkey < 20 GROUP BY 1 ORDER BY 1",
        "SELECT var_samp(l_quantity) FROM lineitem WHERE l_quantity < 0",
    })
    void splitEqualsSingleNode(String sql) throws SQLException {
        DistributedPlan plan = planner.plan(sql);
        assertThat(plan.strategy()).isEqualTo(Strategy.PUSHDOWN_AGG);
        List<List<Object>> distributed = SplitExecution.run(plan, warehouse);
        List<List<Object>> expected;
        try (Statement st = warehouse.oracle.createStatement()) {
            expected = SplitExecution.rows(st.executeQuery(sql));
        }
        assertThat(distributed).hasSameSizeAs(expected);
        for (int r = 0; r < expected.size(); r++) {
            for (int c = 0; c < expected.get(r).size(); c++) {
                Object e = expected.get(r).get(c);
                Object a = distributed.get(r).get(c);
                if (e instanceof Double d) {
                    assertThat((Double) a).as("row %d col %d", r, c).isCloseTo(d, within(Math.abs(d) * 1e-9 + 1e-12));
                } else {
                    assertThat(a).as("row %d col %d of %s", r, c, plan.combineSql()).isEqualTo(e);
                }
            }
        }
    }
}
