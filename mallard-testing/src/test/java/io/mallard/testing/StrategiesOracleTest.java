package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each strategy over a real cluster (3 workers, 8 shards, TLS) picks the expected plan and equals the oracle. */
class StrategiesOracleTest extends SharedClusterTest {
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "PUSHDOWN_SCAN|SELECT l_orderkey, l_linenumber, l_extendedprice FROM lineitem ORDER BY l_extendedprice DESC, l_orderkey, l_linenumber LIMIT 10",
        "PUSHDOWN_SCAN|SELECT o_orderkey, o_totalprice FROM orders WHERE o_totalprice > 400000 ORDER BY 2, 1",
        "PUSHDOWN_SCAN|SELECT station, measure FROM measurements ORDER BY measure DESC, station LIMIT 5 OFFSET 3",
        "PUSHDOWN_SCAN|SELECT l_orderkey, l_linenumber, c_name FROM lineitem, orders, customer WHERE l_orderkey = o_orderkey AND o_custkey = c_custkey AND l_quantity = 50 ORDER BY 1, 2 LIMIT 20",
        "GATHER|SELECT station, measure, rank() OVER (PARTITION BY station ORDER BY measure DESC) AS r FROM measurements QUALIFY r = 1 ORDER BY station, measure",
        "PUSHDOWN_AGG|SELECT count(DISTINCT l_suppkey), count(DISTINCT l_partkey) FROM lineitem",
        "GATHER|SELECT count(DISTINCT l_suppkey), sum(l_quantity) FROM lineitem",
        "SHARD_LOCAL|SELECT l_orderkey, count(*), sum(l_quantity) FROM lineitem GROUP BY l_orderkey ORDER BY 3 DESC, 1 LIMIT 5",
        "SHARD_LOCAL|SELECT DISTINCT ON (o_orderkey) o_orderkey, l_linenumber FROM orders, lineitem WHERE o_orderkey = l_orderkey ORDER BY o_orderkey, l_linenumber DESC",
        "PUSHDOWN_AGG|SELECT l_returnflag, l_linestatus, count(*), sum(l_quantity) FROM lineitem GROUP BY ROLLUP (l_returnflag, l_linestatus) ORDER BY ALL",
        "LOCAL|WITH s AS (SELECT station, avg(measure) AS m FROM measurements GROUP BY station) SELECT count(*), round(max(m), 6), round(min(m), 6) FROM s",
        "GATHER|SELECT station, median(measure), quantile_cont(measure, 0.9) FROM measurements GROUP BY ALL ORDER BY station",
        // every shard holds the replicated nation, whatever splits measurements
        "PUSHDOWN_AGG|SELECT n_name, count(*) FROM measurements, nation WHERE length(station) = n_nationkey GROUP BY n_name ORDER BY n_name",
        "GATHER|SELECT c_mktsegment, count(o_orderkey) FROM customer LEFT JOIN orders ON c_custkey = o_custkey GROUP BY 1 ORDER BY 1",
        "LOCAL|SELECT r_name, count(*) FROM nation, region WHERE n_regionkey = r_regionkey GROUP BY r_name ORDER BY r_name",
        "PUSHDOWN_AGG|SELECT l_shipmode, sum(l_quantity) FILTER (WHERE l_discount > 0.05), avg(l_tax) FROM lineitem GROUP BY 1 ORDER BY 1",
    })
    void planAndAnswer(String strategy, String sql) throws Exception {
        assertThat(client.explain(sql).strategy()).isEqualTo(strategy);
        assertThat(oracle.difference(sql, client.query(sql))).isEmpty();
    }
}
