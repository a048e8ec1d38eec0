package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.client.MallardSqlClient;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.coordinator.ImportConfig;
import io.mallard.data.store.S3Endpoint;
import io.mallard.oracle.Oracle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Loading rows from files: Parquet, CSV and JSON objects that the test puts into s3proxy and files in the coordinator's
 * import directory, read with INSERT … SELECT … FROM read_parquet('s3://…'), CREATE TABLE … AS, COPY … FROM; the tables
 * equal one DuckDB that read the same files. And what is refused: paths outside the import directory, other URL
 * schemes, sources that mix files with tables, file readers in ordinary queries.
 */
class ImportsTest {
    private static final String BUCKET = "imports";
    private static final String EVENTS = "id INTEGER, big BIGINT, amount DECIMAL(12,2), ratio DOUBLE, city VARCHAR, "
            + "day DATE, ts TIMESTAMP, tags BIGINT[], info STRUCT(a BIGINT, b VARCHAR)";
    private static final String READINGS = "id INTEGER, amount DECIMAL(12,2), ratio DOUBLE, city VARCHAR, day DATE, "
            + "ts TIMESTAMP";

    private static S3ProxyFixture s3;
    private static Path root;
    private static Path files;
    private static Path importDir;
    private static LocalCluster cluster;
    private static MallardSqlClient client;
    private static Connection duck;
    private static Oracle single;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3ProxyFixture.start();
        s3.createBucket(BUCKET);
        root = Files.createTempDirectory("mallard-imports-");
        files = Files.createDirectories(root.resolve("files"));
        importDir = Files.createDirectories(root.resolve("import"));
        writeFiles();
        cluster = LocalCluster.builder().workers(2).shards(4).scaleFactor(0.001).measurementRows(1_000).privateData(true)
                .imports(ImportConfig.none().withDirectory(importDir)
                        .withS3(new S3Endpoint(s3.endpoint(), null, true), s3.credentials()))
                .build();
        client = cluster.sqlClient();
        duck = DriverManager.getConnection("jdbc:duckdb:");
        single = Oracle.over(duck);
    }

    /** Writes the source files with DuckDB and puts those meant for S3 into the bucket. */
    private static void writeFiles() throws Exception {
        try (Connection writer = DriverManager.getConnection("jdbc:duckdb:")) {
            execute(writer, "CREATE TABLE src AS SELECT i::INTEGER AS id, i * 1000003 AS big, (i * 1.25)::DECIMAL(12,2) AS "
                    + "amount, CASE WHEN i % 17 = 0 THEN 'NaN'::DOUBLE WHEN i % 13 = 0 THEN NULL ELSE i / 7.0 END AS ratio, "
                    + "CASE i % 4 WHEN 0 THEN 'Zürich' WHEN 1 THEN '東京' WHEN 2 THEN NULL ELSE 'plain' END AS city, "
                    + "DATE '2024-01-01' + i::INTEGER AS day, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (i) MINUTE AS ts, "
                    + "CASE WHEN i % 11 = 0 THEN NULL ELSE [i, i + 1] END AS tags, {'a': i, 'b': 'x' || i} AS info "
                    + "FROM range(3000) t(i)");
            Files.createDirectories(files.resolve("events"));
            Files.createDirectories(files.resolve("csv"));
            for (int part = 0; part < 3; part++) {
                Path file = files.resolve("events").resolve("part-" + part + ".parquet");
                execute(writer, "COPY (SELECT * FROM src WHERE id % 3 = " + part + ") TO '" + file + "' (FORMAT parquet)");
                s3.putObject(BUCKET, "events/part-" + part + ".parquet", file);
            }
            Path notes = Files.writeString(files.resolve("notes.txt"), "not rows");
            s3.putObject(BUCKET, "events/notes.txt", notes); // not matched by *.parquet
            for (int part = 0; part < 2; part++) {
                Path file = files.resolve("csv").resolve("part-" + part + ".csv");
                execute(writer, "COPY (SELECT id, amount, ratio, city, day, ts FROM src WHERE id % 2 = " + part
                        + " AND id < 1000) TO '" + file + "' (HEADER)");
                s3.putObject(BUCKET, "csv/part-" + part + ".csv", file);
            }
            execute(writer, "COPY (SELECT id, amount, ratio, city, day, ts FROM src WHERE id >= 2500) TO '"
                    + importDir.resolve("local.csv") + "' (HEADER)");
            execute(writer, "COPY (SELECT id, city, tags, info FROM src WHERE id < 200) TO '"
                    + importDir.resolve("people.json") + "'");
            Path bad = Files.writeString(files.resolve("bad.csv"), "id,amount,ratio,city,day,ts\n"
                    + "1,1.00,0.5,a,2024-01-01,2024-01-01 00:00:00\n"
                    + "2,2.00,0.5,b,2024-01-02,2024-01-01 00:00:00\n"
                    + "three,3.00,0.5,c,2024-01-03,2024-01-01 00:00:00\n");
            s3.putObject(BUCKET, "bad/readings.csv", bad);
        }
        Files.writeString(root.resolve("outside.csv"), "id\n1\n");
        Files.createSymbolicLink(importDir.resolve("link.csv"), root.resolve("outside.csv"));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (cluster != null) {
                cluster.assertClean();
            }
        } finally {
            if (single != null) {
                single.close();
            }
            if (duck != null) {
                duck.close();
            }
            if (client != null) {
                client.close();
            }
            if (cluster != null) {
                cluster.close();
            }
            if (s3 != null) {
                s3.close();
            }
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path p : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    @Test
    void insertSelectFromS3ParquetEqualsOneDuckDb() throws Exception {
        both("CREATE TABLE events (" + EVENTS + ")");
        client.query("ALTER TABLE events SET PARTITIONED BY (id)");
        assertSameCount("INSERT INTO events SELECT * FROM read_parquet('s3://imports/events/*.parquet')",
                "INSERT INTO events SELECT * FROM read_parquet('" + files.resolve("events") + "/*.parquet')");
        assertNoDownloadsLeft();
        assertSameAnswers(
                "SELECT * FROM events ORDER BY id",
                "SELECT city, count(*), sum(amount), sum(big), min(day), max(ts), count(ratio) FROM events GROUP BY city "
                        + "ORDER BY city",
                "SELECT count(*) FROM events WHERE isnan(ratio)",
                "SELECT info.b, tags[2], len(tags) FROM events WHERE id % 100 = 7 ORDER BY 1");
        // a file name in FROM is read by its extension, as DuckDB does; a WHERE and a projection run in the writer
        both("CREATE TABLE some_events (id INTEGER, city VARCHAR)");
        assertSameCount("INSERT INTO some_events SELECT id, city FROM 's3://imports/events/part-1.parquet' WHERE id > 100",
                "INSERT INTO some_events SELECT id, city FROM '" + files.resolve("events/part-1.parquet") + "' WHERE id > 100");
        assertSameAnswers("SELECT * FROM some_events ORDER BY ALL");
    }

    @Test
    void copyFromS3AndFromTheImportDirectoryEqualsOneDuckDb() throws Exception {
        both("CREATE TABLE readings (" + READINGS + ")");
        long copied = count("COPY readings FROM 's3://imports/csv/part-*.csv' (HEADER)");
        long expected = execute(duck, "COPY readings FROM '" + files.resolve("csv/part-0.csv") + "' (HEADER)")
                + execute(duck, "COPY readings FROM '" + files.resolve("csv/part-1.csv") + "' (HEADER)");
        assertThat(copied).isEqualTo(expected).isEqualTo(1000);
        assertSameCount("COPY readings FROM '" + importDir.resolve("local.csv") + "' (HEADER)",
                "COPY readings FROM '" + importDir.resolve("local.csv") + "' (HEADER)");
        // a relative path is relative to the import directory
        assertSameCount("COPY readings FROM 'local.csv' (FORMAT csv, HEADER true)",
                "COPY readings FROM '" + importDir.resolve("local.csv") + "' (FORMAT csv, HEADER true)");
        assertNoDownloadsLeft();
        assertSameAnswers("SELECT * FROM readings ORDER BY ALL",
                "SELECT city, count(*), sum(amount), avg(ratio) FROM readings GROUP BY ALL ORDER BY ALL");
    }

    @Test
    void createTableAsReadsJsonFromTheImportDirectoryAndCsvFromS3() throws Exception {
        assertSameTable("people", "SELECT * FROM read_json_auto('" + importDir.resolve("people.json") + "')",
                "SELECT * FROM read_json_auto('" + importDir.resolve("people.json") + "')");
        assertSameTable("csv_rows", "SELECT id, upper(city) AS city FROM read_csv(['s3://imports/csv/part-0.csv', "
                        + "'s3://imports/csv/part-1.csv'], header = true) WHERE id % 10 = 0",
                "SELECT id, upper(city) AS city FROM read_csv(['" + files.resolve("csv/part-0.csv") + "', '"
                        + files.resolve("csv/part-1.csv") + "'], header = true) WHERE id % 10 = 0");
        assertNoDownloadsLeft();
        assertSameAnswers("SELECT * FROM people ORDER BY id", "SELECT * FROM csv_rows ORDER BY ALL");
    }

    @Test
    void pathsOutsideTheImportDirectoryAndOtherSchemesAreRefused() throws Exception {
        both("CREATE TABLE guarded (" + READINGS + ")");
        client.query("INSERT INTO guarded VALUES (1, 1.00, 0.5, 'a', DATE '2024-01-01', TIMESTAMP '2024-01-01 00:00:00')");
        assertRefused("INSERT INTO guarded SELECT * FROM read_csv('/etc/passwd')", ErrorCode.PERMISSION_DENIED,
                "/etc/passwd");
        assertRefused("COPY guarded FROM '/etc/passwd'", ErrorCode.PERMISSION_DENIED, "/etc/passwd");
        assertRefused("COPY guarded FROM '" + importDir + "/../outside.csv'", ErrorCode.PERMISSION_DENIED, "outside.csv");
        assertRefused("COPY guarded FROM '../outside.csv'", ErrorCode.PERMISSION_DENIED, "outside.csv");
        assertRefused("COPY guarded FROM 'link.csv' (HEADER)", ErrorCode.PERMISSION_DENIED, "symbolic link");
        assertRefused("INSERT INTO guarded SELECT * FROM read_csv('https://example.com/readings.csv')",
                ErrorCode.UNSUPPORTED_STATEMENT, "https://example.com/readings.csv");
        assertRefused("COPY guarded FROM 'gcs://bucket/readings.csv'", ErrorCode.UNSUPPORTED_STATEMENT,
                "gcs://bucket/readings.csv");
        assertRefused("INSERT INTO guarded SELECT r.* FROM read_csv('s3://imports/csv/part-0.csv') r JOIN nation "
                + "ON r.id = n_nationkey", ErrorCode.UNSUPPORTED_STATEMENT, "nation");
        assertRefused("INSERT INTO guarded SELECT * FROM read_csv('s3://imports/csv/part-0.csv') UNION ALL "
                + "SELECT * FROM read_csv(getenv('HOME'))", ErrorCode.UNSUPPORTED_STATEMENT, "read_csv");
        assertRefused("INSERT INTO guarded SELECT * FROM read_csv('s3://imports/csv/part-0.csv') WHERE id IN "
                + "(SELECT size FROM read_text('local.csv'))", ErrorCode.UNSUPPORTED_STATEMENT, "read_text");
        assertRefused("INSERT INTO guarded SELECT * FROM read_parquet('s3://imports/nothing/*.parquet')",
                ErrorCode.INVALID_ARGUMENT, "s3://imports/nothing/*.parquet");
        assertRefused("COPY guarded FROM 'missing.csv'", ErrorCode.INVALID_ARGUMENT, "missing.csv");
        assertRefused("COPY guarded FROM 'local.csv' (HEADER); SELECT 1", ErrorCode.SYNTAX_ERROR, "parentheses");
        assertThat(count("SELECT count(*) FROM guarded")).as("nothing was loaded").isEqualTo(1);
        assertNoDownloadsLeft();
    }

    @Test
    void ordinaryQueriesStillCannotReadFiles() {
        for (String sql : List.of("SELECT * FROM read_parquet('s3://imports/events/part-0.parquet')",
                "SELECT * FROM read_csv('" + importDir.resolve("local.csv") + "')")) {
            MallardException e = catchThrowableOfType(MallardException.class, () -> client.query(sql));
            assertThat(e).as(sql).isNotNull();
            assertThat(e.code()).as(sql + ": " + e.getMessage()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        }
    }

    @Test
    void aBadValueNamesTheObjectAndLoadsNothing() throws Exception {
        client.query("CREATE TABLE strict (" + READINGS + ")");
        MallardException e = catchThrowableOfType(MallardException.class,
                () -> client.query("COPY strict FROM 's3://imports/bad/readings.csv' (HEADER)"));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("file = s3://imports/bad/readings.csv", "Line: 4", "column \"id\"", "three")
                .doesNotContain(cluster.dir().toString());
        assertThat(count("SELECT count(*) FROM strict")).isZero();
        assertNoDownloadsLeft();
    }

    /** CREATE TABLE name AS query: the same rows counted, and the same column names and types. */
    private static void assertSameTable(String name, String mallard, String duckdb) throws Exception {
        long created = count("CREATE TABLE " + name + " AS " + mallard);
        execute(duck, "CREATE TABLE " + name + " AS " + duckdb);
        assertThat(created).isEqualTo(count(duck, "SELECT count(*) FROM " + name)).isPositive();
        List<List<Object>> columns = client.query("DESCRIBE " + name).rows().stream().map(r -> r.subList(0, 2)).toList();
        assertThat(columns).isEqualTo(single.query("DESCRIBE " + name).rows().stream().map(r -> r.subList(0, 2)).toList());
    }

    private static long count(Connection connection, String sql) throws Exception {
        try (Statement s = connection.createStatement(); java.sql.ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void assertRefused(String sql, ErrorCode code, String named) {
        MallardException e = catchThrowableOfType(MallardException.class, () -> client.query(sql));
        assertThat(e).as(sql).isNotNull();
        assertThat(e.code()).as(sql + ": " + e.getMessage()).isEqualTo(code);
        assertThat(e.getMessage()).as(sql).contains(named);
    }

    private static void assertNoDownloadsLeft() throws IOException {
        try (Stream<Path> left = Files.list(cluster.dir().resolve("data").resolve("work").resolve("imports"))) {
            assertThat(left.toList()).isEmpty();
        }
    }

    private static void both(String sql) throws Exception {
        client.query(sql);
        execute(duck, sql);
    }

    private static void assertSameCount(String mallard, String duckdb) throws Exception {
        long expected = execute(duck, duckdb);
        assertThat(count(mallard)).as(mallard).isEqualTo(expected).isPositive();
    }

    private static void assertSameAnswers(String... queries) throws Exception {
        for (String sql : queries) {
            assertThat(single.difference(sql, client.query(sql))).as(sql).isEmpty();
        }
    }

    private static long count(String sql) {
        return ((Number) client.query(sql).rows().get(0).get(0)).longValue();
    }

    private static long execute(Connection connection, String sql) throws Exception {
        try (Statement s = connection.createStatement()) {
            return s.execute(sql) ? 0 : Math.max(0, s.getUpdateCount());
        }
    }
}
