package io.mallard.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a query may reach through DuckDB besides the catalog's tables: table functions that read tables named in a
 * string, files or the server's state, and DuckDB's own system views, are refused before any strategy plans the query
 * (a LOCAL plan would run them on the coordinator's reference database), wherever they sit in the statement.
 */
class ClientReachTest extends PlannerTestBase {
    private static MallardException error(String sql) {
        MallardException e = catchThrowableOfType(MallardException.class, () -> planner.plan(sql));
        assertThat(e).as("planning %s", sql).isNotNull();
        return e;
    }

    /** The position of the error points at {@code at} in the statement. */
    private static void pointsAt(MallardException e, String sql, String at) {
        assertThat(e.position()).as(e.getMessage()).isPresent();
        assertThat(sql.substring(e.position().getAsInt())).startsWith(at);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "SELECT * FROM query_table('lineitem') LIMIT 1|query_table(",
        "SELECT * FROM query('SELECT count(*) FROM lineitem')|query(",
        "SELECT * FROM nation WHERE n_nationkey IN (SELECT * FROM query('SELECT 1'))|query(",
        "WITH q AS (SELECT * FROM query_table('nation')) SELECT count(*) FROM q|query_table(",
        "SELECT * FROM query_table(['lineitem', 'orders'])|query_table(",
        "SELECT * FROM main.query_table('lineitem')|main.query_table(",
        "SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT 1'))|json_execute_serialized_sql(",
    })
    void tablesNamedInAStringAreRefusedWithTheirPosition(String sql, String at) {
        MallardException e = error(sql);
        assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.NOT_DISTRIBUTED_YET);
        assertThat(e.getMessage()).contains("name the tables in FROM");
        pointsAt(e, sql, at);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "SELECT * FROM duckdb_settings()|duckdb_settings(",
        "SELECT path FROM duckdb_databases()|duckdb_databases(",
        "SELECT * FROM duckdb_tables()|duckdb_tables(",
        "SELECT * FROM duckdb_temporary_files()|duckdb_temporary_files(",
        "SELECT * FROM pragma_database_size()|pragma_database_size(",
        "SELECT * FROM histogram('nation', n_regionkey)|histogram(",
        "SELECT * FROM read_csv('/etc/passwd')|read_csv(",
        "SELECT * FROM read_text('/etc/hostname')|read_text(",
        "SELECT * FROM glob('/*')|glob(",
        "SELECT n_name, (SELECT count(*) FROM duckdb_memory()) FROM nation|duckdb_memory(",
        "SELECT current_setting('temp_directory')|current_setting(",
        "SELECT count(*) FROM nation WHERE current_setting('memory_limit') <> ''|current_setting(",
    })
    void functionsThatReadFilesOrTheServersStateAreRefused(String sql, String at) {
        MallardException e = error(sql);
        assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        pointsAt(e, sql, at);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "SELECT * FROM duckdb_databases|duckdb_databases",
        "SELECT * FROM duckdb_settings|duckdb_settings",
        "SELECT * FROM pg_catalog.pg_settings|pg_catalog.pg_settings",
        "SELECT * FROM pg_settings|pg_settings",
        "SELECT * FROM information_schema.tables|information_schema.tables",
        "SELECT * FROM pragma_database_list|pragma_database_list",
        "SELECT * FROM system.main.duckdb_databases|system.main.duckdb_databases",
        "SELECT * FROM nation WHERE n_name IN (SELECT path FROM duckdb_databases)|duckdb_databases",
        // a CTE of that name elsewhere in the statement does not cover a reference outside its scope
        "SELECT * FROM (WITH duckdb_settings AS (SELECT 1 AS x) SELECT x FROM duckdb_settings), duckdb_settings|duckdb_settings",
    })
    void duckDbsSystemViewsAreNotTablesOfTheCluster(String sql, String at) {
        MallardException e = error(sql);
        assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.TABLE_NOT_FOUND);
        assertThat(sql.substring(e.position().getAsInt())).startsWith(at);
        assertThat(sql.indexOf(at, e.position().getAsInt())).isEqualTo(e.position().getAsInt());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT * FROM range(3)",
        "SELECT n_name, x FROM nation, unnest([1, 2]) AS t(x) ORDER BY ALL",
        "WITH settings AS (SELECT * FROM generate_series(1, 3)) SELECT count(*) FROM settings",
        "SELECT count(*) FROM main.nation",
    })
    void rowGeneratorsCatalogTablesAndCtesStayAvailable(String sql) {
        assertThat(planner.plan(sql).strategy()).isEqualTo(Strategy.LOCAL);
    }
}
