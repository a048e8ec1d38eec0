package io.mallard.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input is reported with the right code before any planning decision. */
class PlannerErrorsTest extends PlannerTestBase {
    private static MallardException error(String sql) {
        MallardException e = catchThrowableOfType(MallardException.class, () -> planner.plan(sql));
        assertThat(e).as("planning %s", sql).isNotNull();
        return e;
    }

    @Test
    void unknownTableIsNamed() {
        MallardException e = error("SELECT count(*) FROM no_such_table");
        assertThat(e.code()).isEqualTo(ErrorCode.TABLE_NOT_FOUND);
        assertThat(e.getMessage()).contains("no_such_table");
    }

    @Test
    void unknownTableBesideAPartitionedTableIsNamed() {
        MallardException e = error("SELECT count(*) FROM lineitem JOIN missing_dim ON l_suppkey = missing_dim.k");
        assertThat(e.code()).isEqualTo(ErrorCode.TABLE_NOT_FOUND);
        assertThat(e.getMessage()).contains("missing_dim");
    }

    @Test
    void aDuckDbViewOutsideTheCatalogBesideAPartitionedTableIsNotPlanned() {
        // DuckDB binds duckdb_tables, but no strategy knows where its rows are: a final refusal, raised as an error
        MallardException e = error("SELECT count(*) FROM lineitem, duckdb_tables");
        assertThat(e.code()).isEqualTo(ErrorCode.TABLE_NOT_FOUND);
        assertThat(e.getMessage()).contains("duckdb_tables");
        MallardException pushdown = catchThrowableOfType(MallardException.class,
                () -> planner.planWithoutFallback("SELECT count(*) FROM lineitem, duckdb_tables"));
        assertThat(pushdown.code()).isEqualTo(ErrorCode.TABLE_NOT_FOUND);
    }

    @Test
    void syntaxErrorCarriesItsPosition() {
        String sql = "SELECT count(*) FORM lineitem";
        MallardException e = error(sql);
        assertThat(e.code()).isEqualTo(ErrorCode.SYNTAX_ERROR);
        assertThat(e.position()).isPresent();
        assertThat(sql.substring(e.position().getAsInt())).startsWith("lineitem");
        assertThat(e.getMessage()).contains("syntax error");
    }

    @Test
    void syntaxErrorAtTheEnd() {
        String sql = "SELECT l_returnflag, count(* FROM lineitem GROUP BY";
        MallardException e = error(sql);
        assertThat(e.code()).isEqualTo(ErrorCode.SYNTAX_ERROR);
        assertThat(e.position()).isPresent();
        assertThat(e.position().getAsInt()).isBetween(0, sql.length());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "DELETE FROM lineitem",
        "DELETE FROM nation WHERE n_nationkey = 1",
        "INSERT INTO nation VALUES (9, 'x')",
        "UPDATE orders SET o_shippriority = 0",
        "DROP TABLE lineitem",
        "CREATE TABLE t AS SELECT * FROM nation",
    })
    void writesAreUnsupported(String sql) {
        assertThat(error(sql).code()).isEqualTo(ErrorCode.UNSUPPORTED_STATEMENT);
    }

    @Test
    void oneStatementAtATime() {
        MallardException e = error("SELECT 1; SELECT count(*) FROM lineitem");
        assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_STATEMENT);
        assertThat(e.getMessage()).contains("one statement");
    }

    @Test
    void unknownColumnIsABinderError() {
        MallardException e = error("SELECT sum(l_no_such_column) FROM lineitem");
        assertThat(e.code()).isEqualTo(ErrorCode.BINDER_ERROR);
        assertThat(e.getMessage()).contains("l_no_such_column");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT count(*) FROM lineitem WHERE rowid < 100",
        "SELECT max(l.rowid) FROM lineitem l",
        "SELECT o_orderkey, c.rowid FROM orders, customer c WHERE o_custkey = c_custkey",
    })
    void rowidOverPartitionedTablesIsRefusedWithItsPosition(String sql) {
        MallardException e = error(sql);
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(e.getMessage()).contains("rowid").contains("across shards");
        assertThat(sql.substring(e.position().getAsInt()).toLowerCase()).contains("rowid");
    }

    @Test
    void rowidOfATableWithoutPartitionedRowsStaysLocal() {
        assertThat(planner.plan("SELECT max(rowid) FROM nation").strategy()).isEqualTo(Strategy.LOCAL);
    }
}
