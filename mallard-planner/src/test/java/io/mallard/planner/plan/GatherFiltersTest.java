package io.mallard.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * Which conjuncts GATHER lets the workers apply: only those that give the same rows when evaluated twice, and, around
 * outer joins, only those that filter rows no outer join null-extends before the conjunct sees them.
 */
class GatherFiltersTest extends PlannerTestBase {
    private static String lineitemStream(String sql) throws SQLException {
        return gatheredStream(sql, "lineitem");
    }

    /** The columns a gathered stream ships: its select list. */
    private static String shipped(String streamSql) {
        return streamSql.substring(0, streamSql.indexOf(" FROM "));
    }

    @Test
    void anOnConditionOfTheNullSupplyingSideRunsOnTheWorkersAndItsColumnIsNotShipped() throws SQLException {
        // TPC-H Q13's shape: every customer counts, those whose orders all fail the condition with 0
        String sql = "SELECT c_count, count(*) AS custdist FROM (SELECT c_custkey, count(o_orderkey) AS c_count "
                + "FROM customer LEFT OUTER JOIN orders ON c_custkey = o_custkey AND o_shippriority = 1 GROUP BY c_custkey) "
                + "AS c_orders GROUP BY c_count ORDER BY custdist DESC, c_count DESC";
        String orders = gatheredStream(sql, "orders");
        assertThat(orders).contains("WHERE (o_shippriority = 1)");
        assertThat(shipped(orders)).doesNotContain("o_shippriority");
        assertThat(planner.plan(sql).combineSql()).doesNotContain("o_shippriority");
    }

    @Test
    void anOnConditionOfThePreservedSideStaysOnTheCoordinator() throws SQLException {
        // orders failing it still appear, with no customer
        String sql = "SELECT o_orderkey, c_nationkey FROM orders LEFT JOIN customer ON o_custkey = c_custkey "
                + "AND o_shippriority = 1 ORDER BY o_orderkey";
        assertThat(gatheredStream(sql, "orders")).doesNotContain("WHERE");
    }

    @Test
    void aConditionAboveAnOuterJoinOnItsNullSupplyingSideStaysOnTheCoordinator() throws SQLException {
        // filtering orders first would turn a customer whose orders all fail it into one row with no order, which the
        // IS NULL branch keeps; the query drops such customers
        String sql = "SELECT c_custkey, o_orderkey FROM customer LEFT JOIN orders ON c_custkey = o_custkey "
                + "JOIN nation ON c_nationkey = n_nationkey AND (o_orderdate IS NULL OR o_orderdate > DATE '1996-01-20') "
                + "ORDER BY 1, 2";
        assertThat(gatheredStream(sql, "orders")).doesNotContain("WHERE");
        String where = "SELECT c_custkey, o_orderkey FROM customer LEFT JOIN orders ON c_custkey = o_custkey "
                + "WHERE o_orderkey IS NULL OR o_shippriority = 1 ORDER BY 1, 2";
        assertThat(gatheredStream(where, "orders")).doesNotContain("WHERE");
    }

    @Test
    void aWhereConditionOfThePreservedSideOfAnOuterJoinRunsOnTheWorkers() throws SQLException {
        String sql = "SELECT o_orderkey, c_mktsegment FROM orders LEFT JOIN customer ON o_custkey = c_custkey "
                + "WHERE o_shippriority = 1 ORDER BY o_orderkey";
        String orders = gatheredStream(sql, "orders");
        assertThat(orders).contains("WHERE (o_shippriority = 1)");
        assertThat(shipped(orders)).doesNotContain("o_shippriority");
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

    @Test
    void nothingIsPushedBelowASample() {
        // DuckDB samples before it filters: filtering on the workers first would sample other rows
        String where = "SELECT l_suppkey, median(l_quantity) FROM lineitem TABLESAMPLE reservoir(50 ROWS) "
                + "WHERE l_quantity > 20 GROUP BY l_suppkey";
        assertThat(planner.plan(where).streams().get(0).sql()).doesNotContain("WHERE");
        String using = "SELECT l_suppkey, median(l_quantity) FROM lineitem WHERE l_quantity > 20 GROUP BY l_suppkey "
                + "USING SAMPLE 50 ROWS";
        assertThat(planner.plan(using).streams().get(0).sql()).doesNotContain("WHERE");
        String on = "SELECT c_custkey, count(o_orderkey) FROM customer LEFT JOIN orders TABLESAMPLE reservoir(10 ROWS) "
                + "ON c_custkey = o_custkey AND o_shippriority = 1 GROUP BY c_custkey";
        assertThat(planner.plan(on).streams().get(0).sql()).doesNotContain("WHERE").doesNotContain("GROUP BY");
    }

    @Test
    void columnAliasesOnAGatheredTableShipAllItsColumns() throws SQLException {
        // the query names o's columns by position: k is o_orderkey, ck is o_custkey
        String sql = "SELECT c_custkey, o.k FROM customer LEFT JOIN orders AS o(k, ck) ON c_custkey = o.ck "
                + "AND o.ck > 10 ORDER BY 1, 2";
        assertThat(shipped(gatheredStream(sql, "orders"))).contains("o_orderkey").contains("o_custkey").contains("o_orderdate");
    }

    @Test
    void aTableReadInsideACteIsStoredBeforeItIsScanned() throws SQLException {
        // the CTE may be inlined at both of its uses, and an Arrow stream can be scanned once
        String sql = "WITH t AS (SELECT c_custkey, o_orderkey FROM customer LEFT JOIN orders ON c_custkey = o_custkey) "
                + "SELECT count(*), count(a.o_orderkey) FROM t a JOIN t b USING (c_custkey)";
        gatheredStream(sql, "orders");
        assertThat(planner.plan(sql).streams()).allMatch(DistributedPlan.WorkerStream::materialize);
    }
}
