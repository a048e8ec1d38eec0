package io.mallard.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Constructs pushdown cannot yet split are named, and answered correctly by the GATHER fallback. */
class NotDistributedYetTest extends PlannerTestBase {
    private static final String PREFIX = "not distributed yet: ";
    /**
     * Pushdown refuses {@code sql} with a NOT_DISTRIBUTED_YET error whose position (if any) lies inside the SQL; the
     * planner then falls back to GATHER, names the same reason, and the gathered answer equals the oracle.
     */
    private static MallardException refused(String sql) {
        MallardException e = catchThrowableOfType(MallardException.class, () -> planner.planWithoutFallback(sql));
        assertThat(e).as("planning %s", sql).isNotNull();
        assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.NOT_DISTRIBUTED_YET);
        assertThat(e.getMessage()).startsWith(PREFIX);
        e.position().ifPresent(p -> assertThat(p).as("position").isBetween(0, sql.length() - 1));
        DistributedPlan gather = planner.plan(sql);
        if (gather.subplans().isEmpty()) {
            assertThat(gather.strategy()).isEqualTo(Strategy.GATHER);
            assertThat(gather.reason()).startsWith(e.getMessage().substring(PREFIX.length()));
        } else {
            // its sub-queries were pushed down on their own: see SubqueryPlannerTest
            assertThat(gather.isDistributed()).isTrue();
        }
        try {
            if (!warehouse.oracleIsEmpty(sql)) {
                OracleAssert.assertSplitEqualsOracle(gather, warehouse);
            }
        } catch (SQLException sqlException) {
            throw new AssertionError(sqlException);
        }
        return e;
    }

    /** The error's position must point at {@code construct} in {@code sql}. */
    private static void assertPointsAt(MallardException e, String sql, String construct) {
        assertThat(e.position()).as("position of %s", e.getMessage()).isPresent();
        assertThat(sql.substring(e.position().getAsInt())).startsWith(construct);
    }

    @Test
    void leftOuterJoin() {
        String sql = "SELECT count(*) FROM orders o LEFT JOIN lineitem l ON o.o_orderkey = l.l_orderkey";
        MallardException e = refused(sql);
        assertThat(e.getMessage()).isEqualTo(PREFIX + "left outer joins");
        assertPointsAt(e, sql, "LEFT JOIN");
    }

    @Test
    void fullOuterJoin() {
        String sql = "SELECT count(*) FROM orders o FULL OUTER JOIN lineitem l ON o.o_orderkey = l.l_orderkey";
        MallardException e = refused(sql);
        assertThat(e.getMessage()).isEqualTo(PREFIX + "full outer joins");
        assertPointsAt(e, sql, "FULL OUTER JOIN");
    }

    @Test
    void outerJoinToDimensionTable() {
        String sql = "SELECT count(*) FROM orders LEFT JOIN customer ON o_custkey = c_custkey";
        assertThat(refused(sql).getMessage()).contains("outer joins");
    }

    @Test
    void windowFunction() {
        String sql = "SELECT l_orderkey, l_quantity, rank() OVER (ORDER BY l_quantity, l_orderkey, l_suppkey) FROM lineitem";
        MallardException e = refused(sql);
        assertThat(e.getMessage()).isEqualTo(PREFIX + "window functions");
        assertPointsAt(e, sql, "rank() OVER");
    }

    @Test
    void countDistinctBesideSum() {
        String sql = "SELECT l_returnflag, count(DISTINCT l_suppkey), sum(l_quantity) FROM lineitem GROUP BY l_returnflag";
        MallardException e = refused(sql);
        assertThat(e.getMessage()).isEqualTo(PREFIX + "DISTINCT aggregates beside sum");
        assertPointsAt(e, sql, "sum(l_quantity)");
    }

    @Test
    void median() {
        String sql = "SELECT count(*), median(l_quantity) FROM lineitem";
        MallardException e = refused(sql);
        assertThat(e.getMessage()).isEqualTo(PREFIX + "aggregate function median");
        assertPointsAt(e, sql, "median(");
    }

    @Test
    void quantile() {
        String sql = "SELECT quantile_cont(l_quantity, 0.9) FROM lineitem";
        MallardException e = refused(sql);
        assertThat(e.getMessage()).isEqualTo(PREFIX + "aggregate function quantile_cont");
        assertPointsAt(e, sql, "quantile_cont(");
    }

    @Test
    void stringAgg() {
        String sql = "SELECT o_shippriority, string_agg(o_custkey::VARCHAR, ',' ORDER BY o_orderkey) FROM orders GROUP BY o_shippriority";
        MallardException e = refused(sql);
        assertThat(e.getMessage()).isEqualTo(PREFIX + "aggregate function string_agg");
        assertPointsAt(e, sql, "string_agg(");
    }

    @Test
    void scalarSubqueryInWhere() {
        String sql = "SELECT count(*) FROM lineitem WHERE l_quantity > (SELECT avg(l_quantity) FROM lineitem)";
        MallardException e = refused(sql);
        assertThat(e.getMessage()).isEqualTo(PREFIX + "sub-queries");
        assertPointsAt(e, sql, "(SELECT avg(l_quantity)");
    }

    @Test
    void subqueryInSelectList() {
        String sql = "SELECT count(*), (SELECT max(n_nationkey) FROM nation) FROM lineitem";
        assertThat(refused(sql).getMessage()).isEqualTo(PREFIX + "sub-queries outside WHERE");
    }

    @Test
    void subqueryInFromThatAggregates() {
        String sql = "SELECT max(q) FROM (SELECT l_returnflag, sum(l_quantity) AS q FROM lineitem GROUP BY 1) t";
        MallardException e = refused(sql);
        assertThat(e.getMessage()).isEqualTo(PREFIX + "sub-queries in FROM that group, sort, limit or deduplicate partitioned rows");
        assertPointsAt(e, sql, "(SELECT l_returnflag");
    }

    @Test
    void rowScanOrderedByAColumnItDoesNotSelect() {
        String sql = "SELECT l_orderkey FROM lineitem WHERE l_quantity > 40 ORDER BY l_quantity, l_orderkey";
        assertThat(refused(sql).getMessage()).contains("ORDER BY on something the query does not select");
    }

    @Test
    void varianceWithRollup() {
        String sql = "SELECT l_returnflag, var_pop(l_quantity) FROM lineitem GROUP BY ROLLUP (l_returnflag)";
        MallardException e = refused(sql);
        assertThat(e.getMessage()).isEqualTo(PREFIX + "var_pop with GROUPING SETS, ROLLUP or CUBE");
        assertPointsAt(e, sql, "var_pop(");
    }

    @Test
    void unionOfPartitionedTables() {
        String sql = "SELECT count(*) FROM lineitem UNION ALL SELECT count(*) FROM orders";
        assertThat(refused(sql).getMessage()).contains("set operations").contains("UNION");
    }

    @Test
    void withOverPartitionedTable() {
        String sql = "WITH big AS (SELECT * FROM lineitem WHERE l_quantity > 20) SELECT count(*) FROM big";
        assertThat(refused(sql).getMessage()).isEqualTo(PREFIX + "WITH clauses over partitioned tables");
    }

    @Test
    void dimensionTableNotJoinedOnItsReferencedKey() {
        // customer rows on a shard are those its orders reference; lineitem has no such reference
        String sql = "SELECT count(*) FROM lineitem, customer";
        MallardException e = refused(sql);
        assertThat(e.getMessage()).contains("dimension table customer").contains("orders(o_custkey) = customer(c_custkey)");
        assertPointsAt(e, sql, "FROM lineitem");
    }

    @Test
    void dimensionTableJoinedOnTheWrongColumn() {
        String sql = "SELECT count(*) FROM orders, customer WHERE o_orderkey = c_custkey";
        assertThat(refused(sql).getMessage()).contains("dimension table customer");
    }

    @Test
    void partitionedTablesJoinedOffTheirShardKeys() {
        String sql = "SELECT count(*) FROM orders o, lineitem l WHERE o.o_custkey = l.l_suppkey";
        MallardException e = refused(sql);
        assertThat(e.getMessage()).contains("do not equate their shard keys").contains("o.o_orderkey").contains("l.l_orderkey");
        assertPointsAt(e, sql, "FROM orders");
    }

    @Test
    void joinAcrossDatasets() {
        String sql = "SELECT count(*) FROM measurements, lineitem";
        MallardException e = refused(sql);
        assertThat(e.getMessage()).isEqualTo(PREFIX + "joins across datasets [tpch, weather]");
        assertPointsAt(e, sql, "FROM measurements");
    }

    @Test
    void replicatedTableJoinsAPartitionedTableOfAnyDataset() {
        // every shard holds the replicated tables, whatever splits the partitioned rows
        String sql = "SELECT n_name, count(*) FROM measurements, nation GROUP BY n_name ORDER BY n_name";
        assertThat(planner.planWithoutFallback(sql).strategy()).isEqualTo(Strategy.PUSHDOWN_AGG);
    }

    @Test
    void equalityUnderOrIsNotAJoin() {
        String sql = "SELECT count(*) FROM orders, lineitem WHERE o_orderkey = l_orderkey OR l_quantity > 10";
        assertThat(refused(sql).getMessage()).contains("do not equate their shard keys");
    }

    @Test
    void equalityInOnlySomeBranchesOfOrIsNotAJoin() {
        String sql = "SELECT count(*) FROM orders, lineitem "
                + "WHERE (o_orderkey = l_orderkey AND l_quantity > 3) OR (o_custkey = l_orderkey AND l_quantity < 2)";
        assertThat(refused(sql).getMessage()).contains("do not equate their shard keys");
    }

    @Test
    void dimensionKeyEqualityUnderOrIsNotAJoin() {
        String sql = "SELECT count(*) FROM orders, customer WHERE o_custkey = c_custkey OR c_mktsegment = 'AUTO'";
        assertThat(refused(sql).getMessage()).contains("dimension table customer");
    }

    @Test
    void selectDistinct() {
        assertThat(refused("SELECT DISTINCT l_returnflag FROM lineitem").getMessage())
                .isEqualTo(PREFIX + "SELECT DISTINCT over partitioned tables without the shard key");
    }

    @Test
    void subqueryInsideAnAggregateFilter() {
        // on a shard the sub-query would see only that shard's rows
        String sql = "SELECT sum(l_quantity) FILTER (WHERE l_quantity > (SELECT avg(l_quantity) FROM lineitem)) FROM lineitem";
        MallardException e = refused(sql);
        assertThat(e.getMessage()).isEqualTo(PREFIX + "sub-queries outside WHERE");
        assertPointsAt(e, sql, "(SELECT avg");
    }

    @Test
    void collationInAnAggregate() {
        String sql = "SELECT min(l_returnflag COLLATE nocase) FROM lineitem";
        assertThat(refused(sql).getMessage()).isEqualTo(PREFIX + "COLLATE outside WHERE");
    }

    @Test
    void columnsExpressionInAnAggregate() {
        String sql = "SELECT max(COLUMNS('l_(quantity|tax)')) FROM lineitem";
        assertThat(refused(sql).getMessage()).isEqualTo(PREFIX + "COLUMNS(…) expressions");
    }
}
