package io.mallard.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * A gathered table that the statement only tests for existence ships its distinct rows (rule 10 in docs/planner.md);
 * every answer is checked against the oracle, and the shapes where multiplicity matters keep every row.
 */
class ExistenceReadsTest extends PlannerTestBase {
    @Test
    void notExistsShipsEachKeyOnce() throws SQLException {
        // TPC-H Q22's shape: whether a customer has an order, not how many
        String sql = "SELECT count(*), sum(c_custkey) FROM customer WHERE c_mktsegment = 'BUILDING' "
                + "AND NOT EXISTS (SELECT * FROM orders WHERE o_custkey = c_custkey)";
        assertThat(gatheredStream(sql, "orders")).startsWith("SELECT DISTINCT o_custkey FROM orders");
    }

    @Test
    void existsWithAFilterShipsDistinctRowsOfTheColumnsItNames() throws SQLException {
        String sql = "SELECT c_nationkey, count(*) FROM customer WHERE EXISTS (SELECT * FROM orders "
                + "WHERE o_custkey = c_custkey AND o_shippriority = 1) GROUP BY c_nationkey ORDER BY 1";
        assertThat(gatheredStream(sql, "orders")).startsWith("SELECT DISTINCT o_custkey FROM orders WHERE (o_shippriority = 1)");
    }

    @Test
    void anExistsThatCountsRowsKeepsThemAll() throws SQLException {
        // a customer with more than nine orders: shipping each o_custkey once per shard would lose them all
        String sql = "SELECT count(*) FROM customer WHERE EXISTS (SELECT o_custkey FROM orders WHERE o_custkey = c_custkey "
                + "GROUP BY o_custkey HAVING count(*) > 9)";
        assertThat(gatheredStream(sql, "orders")).doesNotContain("DISTINCT");
    }

    @Test
    void aTableAlsoReadOutsideAnExistenceTestKeepsEveryRow() throws SQLException {
        // the outer read counts orders: its rows, duplicates of (o_custkey, o_shippriority) included, all count
        String sql = "SELECT count(*) FROM orders o1 WHERE o1.o_shippriority = 1 AND EXISTS (SELECT * FROM orders o2 "
                + "WHERE o2.o_custkey = o1.o_custkey AND o2.o_orderkey <> o1.o_orderkey)";
        assertThat(gatheredStream(sql, "orders")).doesNotContain("DISTINCT");
    }
}
