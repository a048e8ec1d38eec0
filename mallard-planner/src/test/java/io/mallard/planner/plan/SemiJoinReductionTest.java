package io.mallard.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * GATHER cuts a gathered table on the workers to the rows whose join partner passes its filters, when every read of
 * the table needs no others (rule 9 in docs/planner.md); every answer is checked against the oracle, and the shapes
 * where a cut would lose rows keep the whole table.
 */
class SemiJoinReductionTest extends PlannerTestBase {
    /** Keeps 1 of the 19 suppliers: selective enough for a cut (at most a tenth). */
    private static final String FEW_SUPPLIERS = "s_nationkey = 1 AND s_suppkey < 5";

    @Test
    void correlatedAggregateOnTheJoinKeyCutsBothReads() throws SQLException {
        // TPC-H Q17's shape: both reads of lineitem only need the lines of suppliers of nation 1
        String sql = "SELECT sum(l_quantity) FROM lineitem, supplier WHERE s_suppkey = l_suppkey AND " + FEW_SUPPLIERS + " "
                + "AND l_quantity < (SELECT 1.2 * avg(l_quantity) FROM lineitem WHERE l_suppkey = s_suppkey)";
        assertThat(gatheredStream(sql, "lineitem")).contains(
                "WHERE (l_suppkey = ANY(SELECT s_suppkey FROM supplier WHERE ((s_nationkey = 1) AND (s_suppkey < 5))))");
    }

    @Test
    void notExistsFromAFilteredDimensionCutsTheFact() throws SQLException {
        // TPC-H Q22's shape: only the orders of the chosen customers can decide NOT EXISTS for them (52 and 55 have none)
        String sql = "SELECT count(*), sum(c_custkey) FROM customer WHERE c_custkey IN (3, 52, 55) "
                + "AND NOT EXISTS (SELECT * FROM orders WHERE o_custkey = c_custkey)";
        assertThat(gatheredStream(sql, "orders"))
                .contains("o_custkey = ANY(SELECT c_custkey FROM customer WHERE (c_custkey IN (3, 52, 55)))");
    }

    /** TPC-H Q20's shape: supplyflags is placed by (l_suppkey, l_returnflag), and filtered through supplier. */
    private static String q20Shape(String correlation, String filter) {
        return "SELECT sf_suppkey, sf_flag FROM supplyflags WHERE " + filter + " AND sf_qty > (SELECT 0.2 * sum(l_quantity) "
                + "FROM lineitem WHERE " + correlation + ") ORDER BY 1, 2";
    }

    @Test
    void aCompositePlacementKeyCutsOnTheColumnItsFilterNames() throws SQLException {
        // the IN filter is decided on each shard by the suppliers placed there by the lines' own l_suppkey
        String sql = q20Shape("l_suppkey = sf_suppkey AND l_returnflag = sf_flag",
                "sf_suppkey IN (SELECT s_suppkey FROM supplier WHERE " + FEW_SUPPLIERS + ")");
        assertThat(gatheredStream(sql, "lineitem")).contains("l_suppkey = ANY(SELECT sf_suppkey FROM supplyflags WHERE "
                + "(sf_suppkey = ANY(SELECT s_suppkey FROM supplier WHERE ((s_nationkey = 1) AND (s_suppkey < 5)))))");
    }

    @Test
    void aCompositePlacementKeyNeedsEveryColumnEquated() throws SQLException {
        // correlated on l_suppkey alone, a line meets supplyflags rows of other flags, which its shard may not hold
        String sql = q20Shape("l_suppkey = sf_suppkey", "sf_suppkey IN (SELECT s_suppkey FROM supplier WHERE "
                + FEW_SUPPLIERS + ") AND sf_flag = 'R'");
        assertThat(gatheredStream(sql, "lineitem")).doesNotContain("ANY(");
    }

    @Test
    void anInFilterOverATableNotPlacedByTheLinesKeepsTheWholeTable() throws SQLException {
        // customers are placed by orders, so a shard's customers say nothing about its lines' suppliers
        String sql = q20Shape("l_suppkey = sf_suppkey AND l_returnflag = sf_flag",
                "sf_suppkey IN (SELECT c_custkey FROM customer WHERE c_custkey = 3)");
        assertThat(gatheredStream(sql, "lineitem")).doesNotContain("ANY(");
    }

    @Test
    void aFilterKeepingMoreThanATenthIsNotWorthACut() throws SQLException {
        // a third of the customers are BUILDING: the semi-join on every shard would cost more than it saves
        String sql = "SELECT count(*), sum(c_custkey) FROM customer WHERE c_mktsegment = 'BUILDING' "
                + "AND NOT EXISTS (SELECT * FROM orders WHERE o_custkey = c_custkey)";
        assertThat(gatheredStream(sql, "orders")).doesNotContain("ANY(");
    }

    @Test
    void aReadWithoutAFilteredPartnerKeepsTheWholeTable() throws SQLException {
        // the third read, l2, is correlated with lineitem itself, not with a filtered supplier
        String sql = "SELECT sum(l_quantity) FROM lineitem, supplier WHERE s_suppkey = l_suppkey AND " + FEW_SUPPLIERS + " "
                + "AND l_quantity < (SELECT 1.2 * avg(l_quantity) FROM lineitem WHERE l_suppkey = s_suppkey) "
                + "AND EXISTS (SELECT * FROM lineitem l2 WHERE l2.l_orderkey = lineitem.l_orderkey AND l2.l_quantity > 20)";
        assertThat(gatheredStream(sql, "lineitem")).doesNotContain("ANY(");
    }

    @Test
    void aSubqueryOutsideWhereOrOfManyRowsKeepsTheWholeTable() throws SQLException {
        // in the select list the sub-query also runs for rows the filter would keep, but the rule stays with WHERE
        String inSelectList = "SELECT s_suppkey, (SELECT sum(l_quantity) FROM lineitem WHERE l_suppkey = s_suppkey) AS q "
                + "FROM supplier WHERE " + FEW_SUPPLIERS + " ORDER BY s_suppkey";
        assertThat(gatheredStream(inSelectList, "lineitem")).doesNotContain("ANY(");
        // a scalar sub-query that is not one aggregate row could fail on rows the filter drops
        String manyRows = "SELECT count(*) FROM lineitem, supplier WHERE s_suppkey = l_suppkey AND " + FEW_SUPPLIERS + " "
                + "AND l_quantity IN (SELECT l_quantity FROM lineitem WHERE l_suppkey = s_suppkey)";
        assertThat(gatheredStream(manyRows, "lineitem")).doesNotContain("ANY(");
    }

    @Test
    void aDimensionNotPlacedByThatKeyIsNoFilter() throws SQLException {
        // customer rows sit on the shards of their orders, not of lineitem rows whose supplier key matches them
        String sql = "SELECT sum(l_quantity) FROM lineitem, customer WHERE c_custkey = l_suppkey AND c_custkey < 4 "
                + "AND l_quantity < (SELECT 1.2 * avg(l_quantity) FROM lineitem WHERE l_suppkey = c_custkey)";
        assertThat(gatheredStream(sql, "lineitem")).doesNotContain("ANY(");
    }
}
