package io.mallard.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * Joins the shard placement check must accept: keys equated directly, through a chain, in ON or WHERE, under aliases
 * and qualifiers, and replicated tables joined freely. Each accepted plan is also executed against the oracle.
 */
class ShardPlacementCheckTest extends PlannerTestBase {
    private static DistributedPlan acceptedAndCorrect(String sql) throws SQLException {
        DistributedPlan plan = planner.plan(sql);
        assertThat(plan.strategy()).isEqualTo(Strategy.PUSHDOWN_AGG);
        assertThat(plan.dataset()).isEqualTo("tpch");
        OracleAssert.assertSplitEqualsOracle(plan, warehouse);
        return plan;
    }

    @Test
    void shardKeysEquatedOnlyThroughAChain() throws SQLException {
        // a and b are never compared directly: a = o AND o = b
        acceptedAndCorrect("SELECT count(*), sum(b.l_quantity) FROM lineitem a, orders o, lineitem b "
                + "WHERE a.l_orderkey = o.o_orderkey AND o.o_orderkey = b.l_orderkey");
    }

    @Test
    void chainSpreadOverOnAndWhere() throws SQLException {
        acceptedAndCorrect("SELECT count(*) FROM lineitem a JOIN orders o ON a.l_orderkey = o.o_orderkey, lineitem b "
                + "WHERE b.l_orderkey = o.o_orderkey AND b.l_quantity > 10");
    }

    @Test
    void chainWrittenInReverseOrder() throws SQLException {
        acceptedAndCorrect("SELECT count(*) FROM orders o, lineitem a, lineitem b "
                + "WHERE b.l_orderkey = a.l_orderkey AND o.o_orderkey = b.l_orderkey");
    }

    @Test
    void joinOnAndWhereGiveTheSameAnswer() throws SQLException {
        DistributedPlan on = acceptedAndCorrect("SELECT c_mktsegment, count(*), sum(l_quantity) FROM orders "
                + "JOIN customer ON c_custkey = o_custkey JOIN lineitem ON l_orderkey = o_orderkey "
                + "GROUP BY c_mktsegment ORDER BY c_mktsegment");
        DistributedPlan where = acceptedAndCorrect("SELECT c_mktsegment, count(*), sum(l_quantity) FROM orders, customer, lineitem "
                + "WHERE c_custkey = o_custkey AND l_orderkey = o_orderkey GROUP BY c_mktsegment ORDER BY c_mktsegment");
        assertThat(SplitExecution.run(on, warehouse)).isEqualTo(SplitExecution.run(where, warehouse));
    }

    @Test
    void joinConditionWithExtraConjuncts() throws SQLException {
        acceptedAndCorrect("SELECT count(*) FROM orders o JOIN lineitem l "
                + "ON l.l_quantity > 10 AND o.o_orderkey = l.l_orderkey AND o.o_shippriority = 1");
    }

    @Test
    void dimensionOnTheLeftOfTheJoin() throws SQLException {
        acceptedAndCorrect("SELECT s_nationkey, count(*) FROM supplier JOIN lineitem ON s_suppkey = l_suppkey "
                + "GROUP BY s_nationkey ORDER BY s_nationkey");
    }

    @Test
    void tableAliasesAndQualifiedColumns() throws SQLException {
        acceptedAndCorrect("SELECT s.s_nationkey, sum(li.l_extendedprice) FROM lineitem AS li "
                + "JOIN supplier AS s ON s.s_suppkey = li.l_suppkey JOIN orders AS ord ON ord.o_orderkey = li.l_orderkey "
                + "GROUP BY s.s_nationkey ORDER BY s.s_nationkey");
    }

    @Test
    void columnsQualifiedByTableName() throws SQLException {
        acceptedAndCorrect("SELECT count(*) FROM lineitem JOIN orders ON lineitem.l_orderkey = orders.o_orderkey "
                + "JOIN customer ON customer.c_custkey = orders.o_custkey");
    }

    @Test
    void namesInAnyCase() throws SQLException {
        acceptedAndCorrect("SELECT count(*) FROM LineItem L JOIN Orders O ON L.L_ORDERKEY = O.O_ORDERKEY "
                + "JOIN CUSTOMER c ON C.C_CUSTKEY = o.o_custkey");
    }

    @Test
    void selfJoinOnTheShardKey() throws SQLException {
        acceptedAndCorrect("SELECT count(*) FROM lineitem a, lineitem b WHERE a.l_orderkey = b.l_orderkey AND a.l_suppkey < b.l_suppkey");
    }

    @Test
    void fullStarJoin() throws SQLException {
        acceptedAndCorrect("SELECT n_name, count(*) FROM nation n, supplier s, lineitem l, orders o, customer c "
                + "WHERE s.s_nationkey = n.n_nationkey AND l.l_suppkey = s.s_suppkey AND o.o_orderkey = l.l_orderkey "
                + "AND c.c_custkey = o.o_custkey GROUP BY n_name ORDER BY n_name");
    }

    @Test
    void replicatedTableWithoutAnyKey() throws SQLException {
        acceptedAndCorrect("SELECT n_name, count(*), sum(l_quantity) FROM lineitem, nation GROUP BY n_name ORDER BY n_name");
    }

    @Test
    void replicatedTableInAnExplicitCrossJoin() throws SQLException {
        acceptedAndCorrect("SELECT count(*) FROM orders CROSS JOIN nation WHERE n_nationkey < 3");
    }

    @Test
    void replicatedTableJoinedToADimensionNotToTheFacts() throws SQLException {
        acceptedAndCorrect("SELECT n_name, count(*) FROM orders JOIN customer ON o_custkey = c_custkey "
                + "JOIN nation ON n_nationkey = c_nationkey GROUP BY n_name ORDER BY n_name");
    }
}
