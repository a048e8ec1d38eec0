package io.mallard.coordinator.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.planner.sql.DuckDbSqlEngine;
import io.mallard.planner.sql.SqlEngine;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a source query reads, found in DuckDB's own parse tree, and the query rewritten to read local files. */
class FileReadsTest {
    private static Connection connection;
    private static SqlEngine engine;

    @BeforeAll
    static void open() throws Exception {
        connection = DriverManager.getConnection("jdbc:duckdb:");
        engine = new DuckDbSqlEngine(connection);
    }

    @AfterAll
    static void close() throws Exception {
        connection.close();
    }

    private static FileReads reads(String sql) {
        return FileReads.of(engine.parseSelect(sql));
    }

    @Test
    void readersAnywhereInTheQueryAreFoundWithTheirFiles() {
        FileReads found = reads("WITH a AS (SELECT * FROM read_parquet('s3://b/x/*.parquet', union_by_name = true)) "
                + "SELECT * FROM a WHERE id IN (SELECT id FROM read_csv(['one.csv', 'two.csv'], header = true)) "
                + "UNION ALL SELECT * FROM 'events/part-1.parquet'");
        assertThat(found.reads()).extracting(FileReads.Read::reader)
                .containsExactlyInAnyOrder("read_parquet", "read_csv", "read_parquet");
        assertThat(found.reads()).flatExtracting(FileReads.Read::names)
                .containsExactlyInAnyOrder("s3://b/x/*.parquet", "one.csv", "two.csv", "events/part-1.parquet");
        assertThat(found.others()).as("the CTE is the query's own").isEmpty();
    }

    @Test
    void tablesAndOtherTableFunctionsAreNotedBesideTheFiles() {
        FileReads found = reads("SELECT * FROM read_csv('x.csv') JOIN lineitem ON true, range(3) r(i) "
                + "WHERE EXISTS (SELECT 1 FROM read_text('y.txt'))");
        assertThat(found.others()).extracting(FileReads.Other::what)
                .containsExactlyInAnyOrder("the table lineitem", "the table function read_text");
        assertThat(reads("SELECT * FROM main.a").others()).extracting(FileReads.Other::what)
                .containsExactly("the table a");
        assertThat(reads("SELECT 1 FROM lineitem").reads()).isEmpty();
    }

    @Test
    void aCteNameOutsideItsScopeIsATable() {
        FileReads found = reads("SELECT * FROM (WITH t AS (SELECT 1) SELECT * FROM t), read_csv('x.csv'), t");
        assertThat(found.others()).extracting(FileReads.Other::what).containsExactly("the table t");
    }

    @Test
    void filesMustBeLiteralStrings() {
        MallardException e = catchThrowableOfType(MallardException.class,
                () -> reads("SELECT * FROM read_csv(getenv('HOME') || '/x.csv')"));
        assertThat(e.code()).isEqualTo(ErrorCode.UNSUPPORTED_STATEMENT);
        assertThat(e.position()).hasValue(14);
    }

    @Test
    void theRewrittenQueryReadsTheLocalFilesAndKeepsEverythingElse() {
        com.fasterxml.jackson.databind.node.ObjectNode select = engine.parseSelect("SELECT ev.id FROM 'x/events.csv' AS ev "
                + "WHERE id > (SELECT max(id) FROM read_parquet('s3://b/k/*.parquet', hive_partitioning = true)) "
                + "AND id < (SELECT max(id) FROM 'x/more.csv')");
        Map<String, List<Path>> local = Map.of("x/events.csv", List.of(Path.of("/local/events.csv")),
                "x/more.csv", List.of(Path.of("/local/more.csv")),
                "s3://b/k/*.parquet", List.of(Path.of("/dl/b/k/1.parquet"), Path.of("/dl/b/k/2.parquet")));
        String sql = new FileQuery(select, FileReads.of(select), engine).rewrite((name, position) -> local.get(name));
        assertThat(sql).contains("read_csv_auto(list_value('/local/events.csv')) AS ev",
                        "read_csv_auto(list_value('/local/more.csv')) AS more",
                        "read_parquet(list_value('/dl/b/k/1.parquet', '/dl/b/k/2.parquet'), (hive_partitioning = true))")
                .doesNotContain("s3://").doesNotContain("x/events.csv");
        assertThat(engine.parseSelect(sql)).as("renders as valid SQL").isNotNull();
    }
}
