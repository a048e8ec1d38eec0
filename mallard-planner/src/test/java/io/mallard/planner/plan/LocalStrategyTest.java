package io.mallard.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.planner.sql.OutputColumn;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Queries that read no partitioned table run whole on the coordinator, unchanged. */
class LocalStrategyTest extends PlannerTestBase {
    private static void assertLocal(String sql) {
        DistributedPlan plan = planner.plan(sql);
        assertThat(plan.strategy()).as(sql).isEqualTo(Strategy.LOCAL);
        assertThat(plan.isDistributed()).isFalse();
        assertThat(plan.combineSql()).isEqualTo(sql);
        assertThat(plan.sql()).isEqualTo(sql);
        assertThat(plan.workerSql()).isNull();
        assertThat(plan.dataset()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT 1",
        "SELECT 40 + 2 AS answer, 'x' AS letter",
        "SELECT * FROM range(3)",
        "SELECT n_name FROM nation ORDER BY n_nationkey",
        "SELECT count(*) FROM customer",
        "SELECT c_mktsegment, count(*) FROM customer JOIN nation ON c_nationkey = n_nationkey GROUP BY 1",
        // dimension tables without their key join are complete on the coordinator
        "SELECT count(*) FROM supplier, customer",
        // constructs refused over partitioned tables are fine locally
        "SELECT n_name, rank() OVER (ORDER BY n_nationkey DESC) FROM nation LEFT JOIN customer ON c_nationkey = n_nationkey",
        "SELECT median(c_custkey), count(DISTINCT c_nationkey) FROM customer",
        "SELECT n_name FROM nation UNION SELECT c_mktsegment FROM customer",
        "SELECT count(*) FROM customer WHERE c_nationkey IN (SELECT n_nationkey FROM nation WHERE n_name LIKE '%1')",
    })
    void noPartitionedTable(String sql) {
        assertLocal(sql);
    }

    @Test
    void cteNamesThatShadowNothingAreNotTables() {
        assertLocal("WITH totals AS (SELECT c_nationkey, count(*) AS n FROM customer GROUP BY c_nationkey) SELECT sum(n) FROM totals");
        assertLocal("WITH a AS (SELECT n_nationkey AS k FROM nation), b AS (SELECT k FROM a WHERE k > 1) SELECT count(*) FROM a, b");
    }

    @Test
    void cteShadowingAPartitionedTableNameIsLocalWhenItsBodyIsLocal() {
        assertLocal("WITH lineitem AS (SELECT n_nationkey FROM nation) SELECT count(*) FROM lineitem");
        assertLocal("WITH LineItem AS (SELECT 1 AS x) SELECT * FROM lineitem");
    }

    @Test
    void outputColumnsAreWhatDuckDbBinds() {
        DistributedPlan plan = planner.plan("SELECT n_nationkey AS k, n_name FROM nation");
        assertThat(plan.output()).containsExactly(new OutputColumn("k", "INTEGER"), new OutputColumn("n_name", "VARCHAR"));
    }

    @Test
    void partitionedTableOnlyInsideASubqueryIsNotLocal() {
        // the coordinator's copy of a partitioned table is empty: LOCAL here would silently answer from no rows
        String sql = "SELECT count(*) FROM nation WHERE n_nationkey IN (SELECT o_custkey FROM orders)";
        assertNotLocal(sql);
    }

    @Test
    void cteShadowingAPartitionedTableWhileReadingItIsNotLocal() throws SQLException {
        String sql = "WITH lineitem AS (SELECT * FROM lineitem WHERE l_quantity > 5) SELECT count(*) FROM lineitem";
        try (Statement st = warehouse.oracle.createStatement()) {
            long viaCte = (Long) SplitExecution.rows(st.executeQuery(sql)).get(0).get(0);
            List<List<Object>> direct = SplitExecution.rows(st.executeQuery("SELECT count(*) FROM lineitem WHERE l_quantity > 5"));
            assertThat(viaCte).as("DuckDB binds the CTE body to the base table").isEqualTo(direct.get(0).get(0)).isNotEqualTo(0L);
        }
        assertNotLocal(sql);
        assertNotLocal("SELECT count(*) FROM lineitem WHERE l_quantity > (WITH lineitem AS (SELECT 1 AS x) SELECT max(x) FROM lineitem)");
    }

    private static void assertNotLocal(String sql) {
        DistributedPlan plan;
        try {
            plan = planner.plan(sql);
        } catch (MallardException e) {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.NOT_DISTRIBUTED_YET);
            return;
        }
        // LOCAL is right only when the partitioned rows come from workers: sub-queries pushed down on their own
        assertThat(plan.isDistributed()).as("%s planned as %s", sql, plan.strategy()).isTrue();
    }
}
