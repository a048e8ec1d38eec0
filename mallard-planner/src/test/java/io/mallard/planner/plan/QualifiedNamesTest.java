package io.mallard.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tables named with their schema ({@code main.lineitem}) plan as the plain names do: workers and combines find every
 * table under its plain name, so a qualified name is made plain before any strategy sees it.
 */
class QualifiedNamesTest extends PlannerTestBase {

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT l_orderkey, l_quantity FROM main.lineitem WHERE l_quantity > 40 ORDER BY l_orderkey, l_quantity",
        "SELECT o_orderdate, count(*) AS n FROM main.orders JOIN main.lineitem ON o_orderkey = l_orderkey "
                + "GROUP BY o_orderdate ORDER BY o_orderdate",
        "SELECT n_name, count(*) AS n FROM main.customer c JOIN nation ON c.c_nationkey = n_nationkey GROUP BY n_name "
                + "ORDER BY n_name",
    })
    void schemaQualifiedTablesEqualTheOracle(String sql) throws SQLException {
        DistributedPlan plan = planner.plan(sql);
        assertThat(String.valueOf(plan.workerSql()) + plan.combineSql()).doesNotContain("main.");
        OracleAssert.assertSplitEqualsOracle(plan, warehouse);
    }

    @Test
    void aQualifiedNameThatACteWouldShadowIsRefused() {
        String sql = "WITH lineitem AS (SELECT 1 AS l_orderkey) SELECT count(*) FROM main.lineitem";
        MallardException e = catchThrowableOfType(MallardException.class, () -> planner.plan(sql));
        assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_STATEMENT);
        assertThat(e.position().getAsInt()).isEqualTo(sql.indexOf("main.lineitem"));
    }

    @Test
    void anotherSchemaIsNotTheCluster() {
        MallardException e = catchThrowableOfType(MallardException.class,
                () -> planner.plan("SELECT count(*) FROM other.lineitem"));
        assertThat(e.code()).isIn(ErrorCode.TABLE_NOT_FOUND, ErrorCode.BINDER_ERROR);
    }
}
