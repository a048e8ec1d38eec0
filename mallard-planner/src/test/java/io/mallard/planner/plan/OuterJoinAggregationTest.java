package io.mallard.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * Under {@code D LEFT JOIN T}, aggregates of T per key are computed on the workers (rule 11 in docs/planner.md); every
 * answer is checked against the oracle (customers 51 to 59 have no orders), and the shapes where the join's row count
 * matters keep T's rows.
 */
class OuterJoinAggregationTest extends PlannerTestBase {
    @Test
    void countsPerCustomerAreComputedOnTheWorkers() throws SQLException {
        // TPC-H Q13's shape: customers without a matching order count 0
        String sql = "SELECT c_count, count(*) AS custdist FROM (SELECT c_custkey, count(o_orderkey) AS c_count "
                + "FROM customer LEFT OUTER JOIN orders ON c_custkey = o_custkey AND o_shippriority = 1 GROUP BY c_custkey) "
                + "AS c_orders GROUP BY c_count ORDER BY custdist DESC, c_count DESC";
        assertThat(gatheredStream(sql, "orders")).isEqualTo("SELECT o_custkey, count(o_orderkey) AS __mallard_a0 FROM orders "
                + "WHERE (o_shippriority = 1) GROUP BY o_custkey");
    }

    @Test
    void minAndMaxStayNullForACustomerWithoutOrders() throws SQLException {
        String sql = "SELECT c_nationkey, c_custkey, min(o_orderdate) AS first, max(o.o_orderdate) AS last, count(o_orderkey) "
                + "FROM customer LEFT JOIN orders o ON o.o_custkey = c_custkey GROUP BY c_nationkey, c_custkey ORDER BY 2";
        assertThat(gatheredStream(sql, "orders")).contains("GROUP BY o_custkey").contains("min(o_orderdate)");
    }

    @Test
    void countStarCountsTheJoinsRowsAndKeepsThem() throws SQLException {
        // count(*) is 1 for a customer without orders and its number of orders otherwise
        String sql = "SELECT c_custkey, count(*), count(o_orderkey) FROM customer LEFT JOIN orders ON c_custkey = o_custkey "
                + "GROUP BY c_custkey ORDER BY 1";
        assertThat(gatheredStream(sql, "orders")).doesNotContain("GROUP BY");
    }

    @Test
    void anAggregateOfTheDimensionCountsItsRowOncePerOrderAndKeepsThem() throws SQLException {
        String sql = "SELECT c_mktsegment, sum(c_nationkey), count(o_orderkey) FROM customer LEFT JOIN orders "
                + "ON c_custkey = o_custkey GROUP BY c_mktsegment ORDER BY 1";
        assertThat(gatheredStream(sql, "orders")).doesNotContain("GROUP BY");
    }

    @Test
    void aFactColumnOutsideAnAggregateOrAMixedConditionKeepsTheRows() throws SQLException {
        String grouped = "SELECT c_custkey, o_shippriority, count(o_orderkey) FROM customer LEFT JOIN orders "
                + "ON c_custkey = o_custkey GROUP BY c_custkey, o_shippriority ORDER BY 1, 2";
        assertThat(gatheredStream(grouped, "orders")).doesNotContain("GROUP BY");
        String mixed = "SELECT c_custkey, count(o_orderkey) FROM customer LEFT JOIN orders "
                + "ON c_custkey = o_custkey AND c_nationkey <= o_shippriority GROUP BY c_custkey ORDER BY 1";
        assertThat(gatheredStream(mixed, "orders")).doesNotContain("GROUP BY");
    }

    @Test
    void aStarKeepsTheRows() throws SQLException {
        // GROUP BY ALL over * groups by the order's columns too
        String sql = "SELECT *, count(o_orderkey) AS n FROM customer LEFT JOIN orders ON c_custkey = o_custkey "
                + "WHERE c_custkey > 48 GROUP BY ALL ORDER BY ALL";
        assertThat(gatheredStream(sql, "orders")).doesNotContain("GROUP BY");
    }

    @Test
    void sumsPerCustomerAreComputedOnTheWorkersAndStayNullWithoutOrders() throws SQLException {
        // an integer sum is a HUGEINT in one DuckDB, and arrives from the workers as one (typeof compares it)
        String sql = "SELECT c_custkey, sum(o_shippriority), sum(o_orderkey) AS keys, typeof(sum(o_orderkey)) "
                + "FROM customer LEFT JOIN orders ON c_custkey = o_custkey GROUP BY c_custkey ORDER BY 1";
        assertThat(gatheredStream(sql, "orders")).isEqualTo("SELECT o_custkey, sum(o_shippriority) AS __mallard_a0, "
                + "sum(o_orderkey) AS __mallard_a1, sum(o_orderkey) AS __mallard_a2 FROM orders GROUP BY o_custkey");
    }

    @Test
    void anUnaliasedItemKeepsTheNameDuckDbGaveIt() throws SQLException {
        String sql = "SELECT c_custkey, count(o_orderkey) + 0 FROM customer LEFT JOIN orders ON c_custkey = o_custkey "
                + "GROUP BY c_custkey ORDER BY 1";
        assertThat(gatheredStream(sql, "orders")).contains("GROUP BY o_custkey");
        assertThat(planner.plan(sql).combineSql()).contains("AS \"(count(o_orderkey) + 0)\"");
    }
}
