package io.mallard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.client.MallardSqlClient;
import io.mallard.data.Sql;
import io.mallard.oracle.Oracle;
import io.mallard.testing.LocalCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mallard load} run in this JVM against a private cluster: Parquet, CSV and JSON files that DuckDB writes here
 * (integers, decimals, doubles with NaN, non-ASCII strings, dates, timestamps, lists, structs, NULLs), loaded by globs,
 * then queried like one DuckDB over the same files; and every way a load can be refused, each leaving the table as it
 * was.
 */
class LoadCommandTest {
    private static final String EVENTS = "SELECT i AS id, i % 37 AS device_id, "
            + "CASE WHEN i % 11 = 0 THEN NULL ELSE ['Zürich', '東京', 'São Paulo', 'Kraków', '🦆 pond'][i % 5 + 1] END AS city, "
            + "CASE WHEN i % 13 = 0 THEN NULL ELSE CAST((i * 7919) % 1000003 AS DECIMAL(18,3)) / 100 END AS amount, "
            + "CASE WHEN i % 101 = 0 THEN CAST('NaN' AS DOUBLE) WHEN i % 17 = 0 THEN NULL ELSE cos(i) * 100 END AS reading, "
            + "CASE WHEN i % 19 = 0 THEN NULL ELSE DATE '2024-01-01' + CAST(i % 500 AS INTEGER) END AS day, "
            + "CASE WHEN i % 23 = 0 THEN NULL ELSE TIMESTAMP '2024-01-01 00:00:00' + to_microseconds(i * 7654321) END AS ts";
    private static final String NESTED = ", CASE WHEN i % 9 = 0 THEN NULL ELSE list_slice([CAST(i % 5 AS INTEGER), NULL, "
            + "CAST(i % 3 AS INTEGER)], 1, CAST(i % 4 AS INTEGER)) END AS tags, "
            + "CASE WHEN i % 29 = 0 THEN NULL ELSE {'a': CAST(i % 10 AS INTEGER), 'b': 'x' || (i % 4)} END AS info";
    private static final String COLUMNS = "(id BIGINT, device_id BIGINT, city VARCHAR, amount DECIMAL(18,3), "
            + "reading DOUBLE, day DATE, ts TIMESTAMP)";
    private static final List<String> QUERIES = List.of(
            "SELECT count(*), count(city), sum(amount), min(amount), max(amount), sum(reading), min(day), max(ts) FROM %s",
            "SELECT city, count(*), sum(amount), avg(reading) FROM %s GROUP BY city ORDER BY city",
            "SELECT d.region, count(*), sum(e.amount) FROM %s e JOIN devices d USING (device_id) GROUP BY ALL ORDER BY ALL",
            "SELECT id, amount, city FROM %s WHERE amount IS NOT NULL ORDER BY amount DESC, id LIMIT 7",
            "SELECT DISTINCT city FROM %s WHERE day >= DATE '2024-06-01' ORDER BY city",
            "SELECT count(*) FROM %s WHERE isnan(reading) OR ts < TIMESTAMP '2024-01-15'");

    @TempDir
    static Path dir;

    private static LocalCluster cluster;
    private static MallardSqlClient client;
    private static Connection duck;
    private static Oracle oracle;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.builder().workers(2).shards(4).privateData(true).build();
        client = cluster.sqlClient();
        duck = DriverManager.getConnection("jdbc:duckdb:");
        oracle = Oracle.over(duck);
        Files.createDirectories(dir.resolve("parquet"));
        Files.createDirectories(dir.resolve("csv"));
        for (int part = 0; part < 3; part++) {
            String range = " FROM range(" + part * 7000 + ", " + (part + 1) * 7000 + ") t(i)";
            copy(EVENTS + NESTED + range, "parquet/part-" + part + ".parquet", "FORMAT parquet");
            copy(EVENTS + range, "csv/part-" + part + ".csv", "HEADER");
        }
        copy(EVENTS + " FROM range(50000, 50500) t(i)", "more.json", "FORMAT json");
        String devices = "SELECT i AS device_id, 'region-' || (i % 3) AS region FROM range(40) t(i)";
        execute("CREATE TABLE devices AS " + devices);
        client.query("CREATE TABLE devices AS " + devices);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            cluster.assertClean();
        } finally {
            client.close();
            oracle.close();
            duck.close();
            cluster.close();
        }
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count()).isZero();
    }

    @Test
    void parquetCsvAndJsonLoadedByTheCommandAnswerLikeOneDuckDb() throws Exception {
        CliRun parquet = load("--table", "events", "--create", "--partition-by", "device_id", glob("parquet/*.parquet"));
        assertThat(parquet.exit()).as(parquet.err()).isZero();
        assertThat(parquet.out()).contains("loaded 21,000 rows into events from 3 files");
        execute("CREATE TABLE events AS SELECT * FROM read_parquet(" + Sql.literal(glob("parquet/*.parquet")) + ")");
        assertThat(client.query("DESCRIBE events").rows().stream().map(r -> r.get(0) + " " + r.get(1)).toList())
                .isEqualTo(oracle.query("DESCRIBE events").rows().stream().map(r -> r.get(0) + " " + r.get(1)).toList());
        assertMatches("events");
        assertThat(oracle.difference("SELECT id, tags, info FROM events WHERE id % 500 = 3 ORDER BY id",
                client.query("SELECT id, tags, info FROM events WHERE id % 500 = 3 ORDER BY id"))).isEmpty();

        // an existing table: CSV files read with its types, then a JSON file appended; columns matched by name
        client.query("CREATE TABLE events_csv " + COLUMNS);
        execute("CREATE TABLE events_csv " + COLUMNS);
        CliRun csv = load("--table", "events_csv", glob("csv/part-*.csv"));
        assertThat(csv.exit()).as(csv.err()).isZero();
        assertThat(csv.out()).contains("loaded 21,000 rows into events_csv from 3 files");
        CliRun json = load("--table", "events_csv", dir.resolve("more.json").toString());
        assertThat(json.exit()).as(json.err()).isZero();
        execute("INSERT INTO events_csv SELECT * FROM read_csv(" + Sql.literal(glob("csv/part-*.csv")) + ")");
        execute("INSERT INTO events_csv SELECT * FROM read_json(" + Sql.literal(dir.resolve("more.json").toString()) + ")");
        assertMatches("events_csv");
    }

    @Test
    void typesArrowHasNoTypeForArriveAsThemselves() throws Exception {
        // UUID and TIME WITH TIME ZONE columns: DuckDB's plain Arrow export would make them text and a time without
        // its offset; the table must get the types one DuckDB gives the file (a HUGEINT Parquet keeps as a double)
        copy("SELECT i AS id, ('0c7a9e96-07c4-4c8a-84f3-' || lpad(i::VARCHAR, 12, '0'))::UUID AS u, "
                + "printf('%02d:%02d:00%+03d', i % 24, i % 60, (i % 25) - 12)::TIMETZ AS tz, "
                + "i::HUGEINT * 100000000000000000000 AS h FROM range(3000) t(i)", "odd.parquet", "FORMAT parquet");
        String file = dir.resolve("odd.parquet").toString();
        CliRun load = load("--table", "odd_types", "--create", file);
        assertThat(load.exit()).as(load.err()).isZero();
        execute("CREATE TABLE odd_types AS SELECT * FROM read_parquet(" + Sql.literal(file) + ")");
        assertThat(client.query("DESCRIBE odd_types").rows().stream().map(r -> r.get(0) + " " + r.get(1)).toList())
                .isEqualTo(oracle.query("DESCRIBE odd_types").rows().stream().map(r -> r.get(0) + " " + r.get(1)).toList());
        String query = "SELECT id, u::VARCHAR, tz::VARCHAR, h::VARCHAR FROM odd_types ORDER BY id";
        assertThat(oracle.difference(query, client.query(query))).isEmpty();
    }

    @Test
    void aValueThatDoesNotFitNamesItsFileLineAndColumnAndNothingIsAdded() throws Exception {
        client.query("CREATE TABLE strict_csv " + COLUMNS);
        Path bad = dir.resolve("bad-2.csv");
        copy(EVENTS + " FROM range(0, 3000) t(i)", "bad-1.csv", "HEADER");
        copy("SELECT * REPLACE (CASE WHEN id = 2500 THEN 'twelve' ELSE CAST(reading AS VARCHAR) END AS reading) FROM ("
                + EVENTS + " FROM range(0, 3000) t(i))", "bad-2.csv", "HEADER");
        CliRun run = load("--table", "strict_csv", glob("bad-*.csv"));
        assertThat(run.exit()).isEqualTo(1);
        // row 2500 of the second file is on line 2502 (after the header): DuckDB's own words, led by the file
        assertThat(run.err()).contains("reading " + bad.toAbsolutePath()).contains("CSV Error on Line: 2502")
                .contains("column \"reading\"").contains("\"twelve\"").contains("DOUBLE");
        assertThat(run.out()).doesNotContain("loaded");
        assertThat(client.query("SELECT count(*) FROM strict_csv").rows().get(0).get(0))
                .as("the first file's rows were sent, but nothing was committed").isEqualTo(0L);

        // a bad value in the first rows DuckDB reads (before any row streams) is reported the same way
        Path tiny = Files.writeString(dir.resolve("tiny.csv"), "id,device_id,city,amount,reading,day,ts\n"
                + "1,2,Zürich,1.5,2.5,2024-01-01,2024-01-01 10:00:00\n2,3,Kraków,2.5,3.5,2024-13-45,2024-01-01 11:00:00\n");
        CliRun early = load("--table", "strict_csv", tiny.toString());
        assertThat(early.exit()).isEqualTo(1);
        assertThat(early.err()).contains("reading " + tiny.toAbsolutePath()).contains("CSV Error on Line: 3")
                .contains("column \"day\"").contains("2024-13-45");
        assertThat(client.query("SELECT count(*) FROM strict_csv").rows().get(0).get(0)).isEqualTo(0L);
    }

    @Test
    void filesThatCannotBeLoadedAreRefusedClearly() throws Exception {
        client.query("CREATE TABLE target " + COLUMNS);
        client.query("INSERT INTO target VALUES (1, 2, 'x', 1.5, 2.5, DATE '2024-01-01', TIMESTAMP '2024-01-01 10:00')");
        copy("SELECT id, city, amount, 42 AS extra FROM (" + EVENTS + " FROM range(10) t(i))", "other.parquet",
                "FORMAT parquet");

        CliRun mismatch = load("--table", "target", dir.resolve("other.parquet").toString());
        assertThat(mismatch.exit()).isEqualTo(1);
        assertThat(mismatch.err()).contains("other.parquet does not match table target")
                .contains("it has column extra, which table target does not have")
                .contains("it lacks column device_id, reading, day, ts");

        CliRun missing = load("--table", "target", dir.resolve("nowhere.parquet").toString());
        assertThat(missing.err()).contains("no such file: " + dir.resolve("nowhere.parquet"));
        CliRun unmatched = load("--table", "target", glob("nothing-*.parquet"));
        assertThat(unmatched.err()).contains("no file matches " + glob("nothing-*.parquet"));
        CliRun directory = load("--table", "target", dir.resolve("csv").toString());
        assertThat(directory.err()).contains("is a directory");
        Path text = Files.writeString(dir.resolve("notes.md"), "# notes\n");
        CliRun format = load("--table", "target", text.toString());
        assertThat(format.err()).contains("cannot tell the format of " + text);

        CliRun unknown = load("--table", "no_such_table", dir.resolve("other.parquet").toString());
        assertThat(unknown.err()).contains("no_such_table does not exist (add --create");
        CliRun exists = load("--table", "target", "--create", dir.resolve("other.parquet").toString());
        assertThat(exists.err()).contains("target already exists");
        CliRun key = load("--table", "target", "--partition-by", "id", dir.resolve("other.parquet").toString());
        assertThat(key.err()).contains("--partition-by applies to a table made with --create");

        for (CliRun refused : List.of(mismatch, missing, unmatched, directory, format, unknown, exists, key)) {
            assertThat(refused.exit()).as(refused.err()).isEqualTo(1);
            assertThat(refused.out()).doesNotContain("loaded");
        }
        assertThat(client.query("SELECT count(*) FROM target").rows().get(0).get(0)).isEqualTo(1L);
        assertThat(client.tables()).doesNotContain("no_such_table");
    }

    @Test
    void progressShowsABarWhenTheRowsAreKnownAndTheFileOtherwise() {
        assertThat(LoadProgress.render("events", 1, 1, 5_000, 10_000, 2_500_000, TimeUnit.SECONDS.toNanos(2)))
                .isEqualTo("events [████████████░░░░░░░░░░░░]  50% · 5,000 rows · 2.5 MB · 1.3 MB/s · 2.0 s");
        assertThat(LoadProgress.render("events", 2, 5, 1_234_567, -1, 0, 0))
                .isEqualTo("events file 2/5 · 1,234,567 rows · 0.0 MB · 0.0 MB/s · 0.0 s");
    }

    private static void assertMatches(String table) throws SQLException {
        for (String query : QUERIES) {
            String sql = String.format(query, table);
            assertThat(oracle.difference(sql, client.query(sql))).as(sql).isEmpty();
        }
    }

    private static String glob(String relative) {
        return dir.resolve(relative).toString();
    }

    /** One run of {@code mallard load}: its exit code and what it printed. */

    private static CliRun load(String... args) {
        List<String> all = new ArrayList<>(List.of("load", "--host", "127.0.0.1", "--port",
                Integer.toString(cluster.coordinator().port()), "--ca", cluster.caCertificate().toString(), "--password",
                cluster.adminPassword(), "--config", emptyConfig().toString()));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    /** A config file of the test's own, so that a ~/.mallard/config.properties on the machine plays no part. */
    private static Path emptyConfig() {
        try {
            Path config = dir.resolve("config.properties");
            return Files.exists(config) ? config : Files.writeString(config, "");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void copy(String select, String file, String options) throws SQLException {
        execute("COPY (" + select + ") TO " + Sql.literal(dir.resolve(file).toString()) + " (" + options + ")");
    }

    private static void execute(String sql) throws SQLException {
        try (Statement s = duck.createStatement()) {
            s.execute(sql);
        }
    }
}
