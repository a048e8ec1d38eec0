package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.data.queries.DemoQueries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What client SQL can reach on the coordinator besides the cluster's tables, tried as an attacker would, over the
 * wire: every construct is refused with its code, no message shows a server path, and the cluster keeps answering
 * like one DuckDB. (A worker with a wrong join token is refused in {@link SecurityTest}.)
 */
class ClientSqlReachTest extends SharedClusterTest {
    private static MallardException fails(String sql) {
        MallardException e = catchThrowableOfType(MallardException.class, () -> client.query(sql));
        assertThat(e).as("error for %s", sql).isNotNull();
        assertThat(e.getMessage()).as("no server path in the error").doesNotContain(cluster.dir().toAbsolutePath().toString());
        return e;
    }

    private static void clusterStillAnswers() throws Exception {
        String sql = DemoQueries.Q6.sql();
        assertThat(oracle.difference(sql, client.query(sql))).isEmpty();
    }

    @Test
    void tablesNamedInAStringAreRefusedNotAnsweredFromTheCoordinatorsCopy() throws Exception {
        // both answered 0 rows / a count of 0 from the reference copy, where partitioned tables are empty
        for (String sql : new String[] {"SELECT * FROM query_table('lineitem') LIMIT 1",
                "SELECT * FROM query('SELECT count(*) FROM lineitem')", "SELECT * FROM query_table('nation')"}) {
            MallardException e = fails(sql);
            assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.NOT_DISTRIBUTED_YET);
            assertThat(sql.substring(e.position().orElseThrow())).startsWith("query");
        }
        String named = "SELECT count(*) FROM lineitem";
        assertThat(oracle.difference(named, client.query(named))).isEmpty();
        clusterStillAnswers();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // the system-table route: other users' SQL, the metadata database's schemas and paths
        "SELECT user_name, sql FROM mallard.queries UNION ALL SELECT user_name, sql FROM query_table('history.queries')|UNSUPPORTED_STATEMENT",
        "SELECT sql FROM mallard.queries UNION ALL SELECT sql FROM query('SELECT sql FROM history.queries')|UNSUPPORTED_STATEMENT",
        "SELECT * FROM mallard.queries, duckdb_tables()|UNSUPPORTED_STATEMENT",
        "SELECT sql FROM duckdb_views(), mallard.tables|UNSUPPORTED_STATEMENT",
        "SELECT path FROM duckdb_databases(), mallard.tables|UNSUPPORTED_STATEMENT",
        // the reference database behind LOCAL queries: paths, settings, memory
        "SELECT path FROM duckdb_databases()|PERMISSION_DENIED",
        "SELECT * FROM duckdb_settings()|PERMISSION_DENIED",
        "SELECT * FROM duckdb_memory()|PERMISSION_DENIED",
        "SELECT current_setting('temp_directory')|PERMISSION_DENIED",
        "SELECT * FROM duckdb_databases|TABLE_NOT_FOUND",
        "SELECT * FROM pg_catalog.pg_settings|TABLE_NOT_FOUND",
        // file readers, also inside sub-queries, CTEs and query()
        "SELECT * FROM read_csv('/etc/passwd')|PERMISSION_DENIED",
        "SELECT * FROM read_text('/etc/passwd')|PERMISSION_DENIED",
        "SELECT * FROM read_blob('/etc/passwd')|PERMISSION_DENIED",
        "SELECT * FROM glob('/etc/*')|PERMISSION_DENIED",
        "SELECT * FROM sniff_csv('/etc/passwd')|PERMISSION_DENIED",
        "SELECT * FROM read_json_auto('/etc/passwd')|PERMISSION_DENIED",
        "SELECT n_name FROM nation WHERE n_name IN (SELECT * FROM read_text('/etc/passwd'))|PERMISSION_DENIED",
        "WITH f AS (SELECT * FROM read_csv('/etc/passwd')) SELECT * FROM f|PERMISSION_DENIED",
        "SELECT * FROM query('SELECT * FROM read_text(''/etc/passwd'')')|NOT_DISTRIBUTED_YET",
        "SELECT * FROM '/etc/passwd.csv'|PERMISSION_DENIED",
        "SELECT * FROM '/etc/passwd'|TABLE_NOT_FOUND",
        // URLs
        "SELECT * FROM read_csv('https://example.com/x.csv')|PERMISSION_DENIED",
        "SELECT * FROM 'https://example.com/x.csv'|PERMISSION_DENIED",
        // statements that write files, attach databases, load code or change settings
        "COPY (SELECT 1) TO '/tmp/mallard-copy-to.csv'|UNSUPPORTED_STATEMENT",
        "COPY nation TO '/tmp/mallard-copy-to.csv'|UNSUPPORTED_STATEMENT",
        "ATTACH '/tmp/x.duckdb' AS x|UNSUPPORTED_STATEMENT",
        "INSTALL httpfs|UNSUPPORTED_STATEMENT",
        "LOAD httpfs|UNSUPPORTED_STATEMENT",
        "SET enable_external_access = true|UNSUPPORTED_STATEMENT",
        "SET memory_limit = '100GB'|UNSUPPORTED_STATEMENT",
        "SELECT * FROM read_parquet('s3://bucket/x.parquet')|PERMISSION_DENIED",
    })
    void constructsThatReachBeyondTheClustersTablesAreRefused(String sql, ErrorCode code) throws Exception {
        MallardException e = fails(sql);
        assertThat(e.code()).as(sql + ": " + e.getMessage()).isEqualTo(code);
        clusterStillAnswers();
    }
}
