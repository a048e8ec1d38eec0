package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.client.IngestOptions;
import io.mallard.client.MallardSqlClient;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.duck.DuckArrow;
import io.mallard.common.rows.QueryRows;
import io.mallard.data.Sql;
import io.mallard.data.table.DataFile;
import io.mallard.data.table.Snapshot;
import io.mallard.oracle.Oracle;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightGrpcUtils;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flight SQL bulk ingest on a private cluster: Parquet and CSV files that DuckDB writes here (integers, decimals,
 * doubles with NaN, non-ASCII strings, dates, timestamps, lists, structs, NULLs) are streamed by the application client,
 * and queries over the loaded tables answer exactly as one DuckDB over the same files; loads that cannot succeed (a
 * schema that does not match, an unknown table, rows that do not fit, a reader that fails, a client that disconnects
 * mid-stream, a table given a key or dropped while the rows arrive) leave the table as it was.
 */
class BulkIngestTest {
    private static final int EVENTS = 20_000;
    private static final int CSV_ROWS = 5_000;
    /** The generated events: every type the issue lists, with NULLs in every column. */
    private static final String EVENTS_SQL = "SELECT i AS id, i % 37 AS device_id, "
            + "CASE WHEN i % 11 = 0 THEN NULL ELSE ['Zürich', '東京', 'São Paulo', 'Kraków', 'Reykjavík', 'plain', "
            + "'🦆 pond'][i % 7 + 1] END AS city, "
            + "CASE WHEN i % 13 = 0 THEN NULL ELSE CAST((i * 7919) % 1000003 AS DECIMAL(18,3)) / 100 END AS amount, "
            + "CASE WHEN i % 101 = 0 THEN CAST('NaN' AS DOUBLE) WHEN i % 17 = 0 THEN NULL ELSE sin(i) * 100 END AS reading, "
            + "CASE WHEN i % 19 = 0 THEN NULL ELSE DATE '2024-01-01' + CAST(i % 500 AS INTEGER) END AS day, "
            + "CASE WHEN i % 23 = 0 THEN NULL ELSE TIMESTAMP '2024-01-01 00:00:00' + to_microseconds(i * 12345678) END AS ts, "
            + "CASE WHEN i % 9 = 0 THEN NULL ELSE list_slice([CAST(i % 5 AS INTEGER), NULL, CAST(i % 3 AS INTEGER)], 1, "
            + "CAST(i % 4 AS INTEGER)) END AS tags, "
            + "CASE WHEN i % 29 = 0 THEN NULL ELSE {'a': CAST(i % 10 AS INTEGER), 'b': 'x' || (i % 4)} END AS info, "
            + "i % 2 = 0 AS flag FROM range({rows}) t(i)";
    private static final String DEVICES_SQL = "SELECT i AS device_id, 'region-' || (i % 4) AS region FROM range(40) t(i)";
    /** Aggregates, filters, a join with a generated table, top-N, DISTINCT, lists and structs. */
    private static final List<String> QUERIES = List.of(
            "SELECT count(*), count(city), count(amount), sum(amount), min(amount), max(amount), sum(reading), "
                    + "min(day), max(day), min(ts), max(ts), count(*) FILTER (WHERE flag) FROM %s",
            "SELECT city, count(*), sum(amount), avg(reading), max(ts) FROM %s GROUP BY city ORDER BY city",
            "SELECT device_id, count(*), sum(amount), min(day) FROM %s GROUP BY ALL ORDER BY device_id",
            "SELECT id, city, amount, reading FROM %s WHERE city = 'Zürich' AND amount > 5000 ORDER BY id",
            "SELECT count(*) FROM %s WHERE isnan(reading)",
            "SELECT count(*), sum(amount) FROM %s WHERE ts >= TIMESTAMP '2024-02-01' AND day < DATE '2025-01-01'",
            "SELECT d.region, count(*), sum(e.amount) FROM %s e JOIN devices d ON e.device_id = d.device_id "
                    + "GROUP BY d.region ORDER BY d.region",
            "SELECT id, amount, city FROM %s WHERE amount IS NOT NULL ORDER BY amount DESC, id LIMIT 10",
            "SELECT DISTINCT city FROM %s ORDER BY city",
            "SELECT count(DISTINCT device_id), count(DISTINCT city) FROM %s");
    private static final List<String> NESTED = List.of(
            "SELECT id, tags, info, info.a, len(tags) FROM %s WHERE id < 60 ORDER BY id",
            "SELECT info.b, sum(info.a), count(tags), count(info) FROM %s GROUP BY ALL ORDER BY ALL",
            "SELECT unnest(tags) AS tag, count(*) FROM %s GROUP BY tag ORDER BY tag");

    @TempDir
    static Path dir;

    private static LocalCluster cluster;
    private static MallardSqlClient client;
    private static Connection duck;
    private static Oracle oracle;
    private static BufferAllocator allocator;
    private static Path parquet;
    private static Path csv;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.builder().workers(2).shards(4).privateData(true).build();
        client = cluster.sqlClient();
        duck = DriverManager.getConnection("jdbc:duckdb:");
        oracle = Oracle.over(duck);
        allocator = new RootAllocator();
        parquet = dir.resolve("events.parquet");
        csv = dir.resolve("events.csv");
        execute("COPY (" + events(EVENTS) + ") TO " + Sql.literal(parquet.toString()) + " (FORMAT parquet)");
        execute("COPY (SELECT id, device_id, city, amount, reading, day, ts, flag FROM (" + events(
                CSV_ROWS) + ")) TO " + Sql.literal(csv.toString()) + " (HEADER)");
        execute("CREATE TABLE devices AS " + DEVICES_SQL);
        client.query("CREATE TABLE devices AS " + DEVICES_SQL);
        client.query("ALTER TABLE devices SET REPLICATED");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            cluster.assertClean();
        } finally {
            client.close();
            oracle.close();
            duck.close();
            allocator.close();
            cluster.close();
        }
    }

    @Test
    void parquetAndCsvFilesLoadedByTheClientAnswerLikeOneDuckDb() throws Exception {
        long added = ingest("events", "SELECT * FROM read_parquet(" + Sql.literal(parquet.toString()) + ")",
                IngestOptions.create().partitionedBy("device_id"));
        execute("CREATE TABLE events AS SELECT * FROM read_parquet(" + Sql.literal(parquet.toString()) + ")");
        assertThat(added).isEqualTo(EVENTS);
        long csvAdded = ingest("events_csv", "SELECT * FROM read_csv(" + Sql.literal(csv.toString()) + ")",
                IngestOptions.create());
        execute("CREATE TABLE events_csv AS SELECT * FROM read_csv(" + Sql.literal(csv.toString()) + ")");
        assertThat(csvAdded).isEqualTo(CSV_ROWS);

        // the table made from the stream has the types one DuckDB gives the file
        for (String table : List.of("events", "events_csv")) {
            assertThat(columns(client.query("DESCRIBE " + table))).as(table).isEqualTo(columns(oracle.query("DESCRIBE " + table)));
        }
        assertThat(client.query("EXPLAIN SELECT device_id, count(*) FROM events GROUP BY device_id").rows().toString())
                .as("partitioned by device_id: grouping by it runs whole on the shards").contains("SHARD_LOCAL");
        assertMatches("events", QUERIES);
        assertMatches("events", NESTED);
        assertMatches("events_csv", QUERIES);

        // appending the file again: a second commit, the same answers as one DuckDB that inserted it twice
        assertThat(ingest("events", "SELECT * FROM read_parquet(" + Sql.literal(parquet.toString()) + ")",
                IngestOptions.append())).isEqualTo(EVENTS);
        execute("INSERT INTO events SELECT * FROM read_parquet(" + Sql.literal(parquet.toString()) + ")");
        assertMatches("events", QUERIES);
    }

    @Test
    void anyFlightSqlClientCanIngestAndReplaceATable() throws Exception {
        try (FlightClient flight = flight(); Statement s = duck.createStatement();
                ResultSet rs = s.executeQuery("SELECT i AS k, 'v' || i AS v FROM range(1000) t(i)");
                ArrowReader rows = DuckArrow.export(rs, allocator)) {
            CredentialCallOption auth = flight.authenticateBasicToken("admin", cluster.adminPassword()).orElseThrow();
            FlightSqlClient sql = new FlightSqlClient(flight);
            TableDefinitionOptions create = TableDefinitionOptions.newBuilder()
                    .setIfNotExist(TableDefinitionOptions.TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE)
                    .setIfExists(TableDefinitionOptions.TableExistsOption.TABLE_EXISTS_OPTION_REPLACE).build();
            long added = sql.executeIngest(rows, new FlightSqlClient.ExecuteIngestOptions("kv", create, null, null,
                    Map.of("partition_by", "k")), auth);
            assertThat(added).isEqualTo(1000);
        }
        assertThat(client.query("SELECT count(*), sum(k), max(v) FROM kv").rows().toString()).isEqualTo("[[1000, 499500, v999]]");

        // REPLACE: the table is made anew from the new stream's columns, in one commit
        String replacement = "SELECT CAST(i AS VARCHAR) AS name, i * 1.5 AS x FROM range(10) t(i)";
        assertThat(ingest("kv", replacement, new IngestOptions(IngestOptions.Mode.REPLACE, List.of()))).isEqualTo(10);
        assertThat(columns(client.query("DESCRIBE kv"))).isEqualTo(columns(oracle.query("DESCRIBE " + replacement)));
        assertThat(client.query("SELECT count(*), sum(x) FROM kv").rows().get(0).get(0)).isEqualTo(10L);
    }

    @Test
    void aStreamThatDoesNotMatchTheTableIsRefusedNamingItsColumns() throws Exception {
        client.query("CREATE TABLE readings (sensor VARCHAR, value DOUBLE, taken TIMESTAMP)");
        client.query("INSERT INTO readings VALUES ('s1', 1.5, TIMESTAMP '2024-05-01 10:00:00')");

        MallardException mismatch = catchThrowableOfType(MallardException.class, () -> ingest("readings",
                "SELECT 's2' AS sensor, 2.5 AS value, 7 AS extra", IngestOptions.append()));
        assertThat(mismatch.code()).isEqualTo(ErrorCode.BINDER_ERROR);
        assertThat(mismatch.getMessage()).contains("no column extra").contains("lacks column taken")
                .contains("sensor VARCHAR, value DOUBLE, taken TIMESTAMP");

        MallardException unknown = catchThrowableOfType(MallardException.class, () -> ingest("no_such_table",
                "SELECT 1 AS a", IngestOptions.append()));
        assertThat(unknown.code()).isEqualTo(ErrorCode.TABLE_NOT_FOUND);
        assertThat(unknown.getMessage()).contains("no_such_table");

        MallardException exists = catchThrowableOfType(MallardException.class, () -> ingest("readings",
                "SELECT 's2' AS sensor, 2.5 AS value, TIMESTAMP '2024-05-01' AS taken", IngestOptions.create()));
        assertThat(exists.getMessage()).contains("readings already exists");

        MallardException key = catchThrowableOfType(MallardException.class, () -> ingest("new_table",
                "SELECT 1 AS a", IngestOptions.create().partitionedBy("b")));
        assertThat(key.getMessage()).contains("partition_by names column b").contains("its columns: a");

        // names match, in another order and case, but a value does not fit its column: DuckDB's error, nothing added
        MallardException value = catchThrowableOfType(MallardException.class, () -> ingest("readings",
                "SELECT TIMESTAMP '2024-05-02' AS TAKEN, 'not a number' AS value, 's3' AS sensor", IngestOptions.append()));
        assertThat(value.getMessage()).contains("not a number").contains("DOUBLE");

        assertThat(ingest("readings", "SELECT TIMESTAMP '2024-05-02' AS TAKEN, '2.5' AS value, 's3' AS Sensor",
                IngestOptions.append())).as("columns by name, values cast as INSERT casts them").isEqualTo(1);
        assertThat(client.query("SELECT sensor, value, taken FROM readings ORDER BY sensor").rows().toString())
                .isEqualTo("[[s1, 1.5, 2024-05-01T10:00], [s3, 2.5, 2024-05-02T00:00]]");
        assertThat(client.tables()).doesNotContain("no_such_table", "new_table");
    }

    @Test
    void rowsIntoATableWithoutKeyAreSpreadOverEveryShard() throws Exception {
        // one batch, fewer than there are shards: cut into a share of rows per shard
        String small = "SELECT i AS k, 'v' || i AS v FROM range(10) t(i)";
        // five batches of at most 65,536 rows: dealt whole, round robin, as they arrive
        String large = "SELECT i AS k, 'v' || i AS v FROM range(300000) t(i)";
        assertThat(ingest("spread_small", small, IngestOptions.create())).isEqualTo(10);
        assertThat(ingest("spread_large", large, IngestOptions.create())).isEqualTo(300_000);
        assertThat(ingest("spread_large", small, IngestOptions.append())).isEqualTo(10);
        // the client says how many rows come (as mallard load does for Parquet): each shard takes about its share
        // ... and that each batch has buffers of its own, so they are sent without copying them
        assertThat(ingest("spread_counted", large, IngestOptions.create().expecting(300_000).withFreshBuffers()))
                .isEqualTo(300_000);
        assertThat(shardRows("spread_small")).containsExactly(2L, 3L, 2L, 3L);
        assertThat(shardRows("spread_large")).allMatch(rows -> rows >= 65_536).hasSize(4);
        assertThat(shardRows("spread_counted")).allMatch(rows -> Math.abs(rows - 75_000) <= 65_536).hasSize(4);
        for (String table : List.of("spread_small", "spread_large")) {
            execute("CREATE TABLE " + table + " AS " + small);
        }
        execute("INSERT INTO spread_large " + large);
        execute("CREATE TABLE spread_counted AS " + large);
        for (String table : List.of("spread_small", "spread_large", "spread_counted")) {
            assertMatches(table, List.of("SELECT count(*), sum(k), count(DISTINCT k), min(v), max(v) FROM %s",
                    "SELECT k, v FROM %s WHERE k %% 9973 = 1 ORDER BY k, v"));
        }
    }

    @Test
    void aTableADimensionTableReferencesGetsItsDimensionRowsOnEveryShard() throws Exception {
        String stores = "SELECT i AS store, 'store ' || i AS name FROM range(50) t(i)";
        String sales = "SELECT i AS id, i % 50 AS store FROM range(200000) t(i)";
        client.query("CREATE TABLE sales (id BIGINT, store BIGINT)"); // no key: spread evenly
        client.query("CREATE TABLE stores AS " + stores);
        client.query("ALTER TABLE stores SET DIMENSION (store) REFERENCED BY sales (store)");
        assertThat(ingest("sales", sales, IngestOptions.append())).isEqualTo(200_000);
        execute("CREATE TABLE sales AS " + sales);
        execute("CREATE TABLE stores AS " + stores);
        // a dimension table made after the rows are there is placed by each shard's own rows
        String regions = "SELECT i AS store, 'region ' || (i % 3) AS region FROM range(50) t(i)";
        client.query("CREATE TABLE regions AS " + regions);
        client.query("ALTER TABLE regions SET DIMENSION (store) REFERENCED BY sales (store)");
        execute("CREATE TABLE regions AS " + regions);
        // joined on every shard with the dimension rows that shard holds: each sale's store must be there
        assertMatches("sales", List.of("SELECT st.name, count(*), sum(s.id) FROM %s s JOIN stores st ON s.store = st.store "
                + "GROUP BY st.name ORDER BY st.name", "SELECT r.region, count(*), sum(s.id) FROM %s s JOIN regions r "
                + "ON s.store = r.store GROUP BY r.region ORDER BY r.region"));
    }

    @Test
    void aRowThatBreaksAConstraintMidStreamCommitsNothingAndLeavesNoFile() throws Exception {
        client.query("CREATE TABLE strict (k BIGINT NOT NULL, v VARCHAR)");
        client.query("INSERT INTO strict VALUES (1, 'before')");
        MallardException e = catchThrowableOfType(MallardException.class, () -> ingest("strict",
                "SELECT CASE WHEN i = 299999 THEN NULL ELSE i END AS k, 'v' AS v FROM range(300000) t(i)",
                IngestOptions.append()));
        MallardException insert = catchThrowableOfType(MallardException.class,
                () -> client.query("INSERT INTO strict VALUES (NULL, 'x')"));
        // named as one DuckDB names it, by the table's column, on both paths
        assertThat(e.getMessage()).isEqualTo(insert.getMessage())
                .isEqualTo("Constraint Error: NOT NULL constraint failed: strict.k");
        assertThat(client.query("SELECT k, v FROM strict").rows()).isEqualTo(List.of(List.of(1L, "before")));
        try (var left = Files.list(cluster.dir().resolve("data").resolve("work").resolve("out"))) {
            assertThat(left.toList()).as("files the failed ingest was writing").isEmpty();
        }
    }

    @Test
    void aReaderThatFailsMidStreamCommitsNothingAndItsErrorReachesTheCaller() throws Exception {
        client.query("CREATE TABLE broken (k BIGINT)");
        try (Statement s = duck.createStatement();
                ResultSet rs = s.executeQuery("SELECT i AS k FROM range(300000) t(i)");
                // the coordinator has the ingest under way before the reader fails (else the call may end before
                // the coordinator ever started it, and there is nothing to cancel or record)
                ArrowReader rows = StepAfterBatches.failing(DuckArrow.export(rs, allocator), 2, () -> awaitIngestRunning("broken"))) {
            MallardException e = catchThrowableOfType(MallardException.class,
                    () -> client.ingest("broken", rows, IngestOptions.append()));
            assertThat(e.getMessage()).contains("the disk went away");
        }
        awaitIngestEnded("broken");
        assertThat(client.query("SELECT count(*) FROM broken").rows().get(0).get(0)).isEqualTo(0L);
        QueryRows history = client.query("SELECT status, error_code FROM mallard.queries WHERE sql LIKE 'bulk ingest into broken%'");
        assertThat(history.rows()).isEqualTo(List.of(List.of("cancelled", "QUERY_CANCELLED")));
    }

    @Test
    void aClientThatDisconnectsMidStreamLeavesTheTableUnchanged() throws Exception {
        client.query("CREATE TABLE gone (k BIGINT, v VARCHAR)");
        client.query("INSERT INTO gone VALUES (1, 'before')");
        CommandStatementIngest command = CommandStatementIngest.newBuilder().setTable("gone")
                .setTableDefinitionOptions(TableDefinitionOptions.newBuilder()
                        .setIfNotExist(TableDefinitionOptions.TableNotExistOption.TABLE_NOT_EXIST_OPTION_FAIL)
                        .setIfExists(TableDefinitionOptions.TableExistsOption.TABLE_EXISTS_OPTION_APPEND)).build();
        // a channel of the test's own, so that the connection itself can go away mid-call
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", cluster.coordinator().port())
                .sslContext(GrpcSslContexts.forClient().trustManager(cluster.caCertificate().toFile()).build()).build();
        try (Statement s = duck.createStatement();
                ResultSet rs = s.executeQuery("SELECT i AS k, 'row ' || i AS v FROM range(200000) t(i)");
                ArrowReader rows = DuckArrow.export(rs, allocator);
                FlightClient flight = FlightGrpcUtils.createFlightClientWithSharedChannel(allocator, channel);
                SyncPutListener answer = new SyncPutListener()) {
            CredentialCallOption auth = flight.authenticateBasicToken("admin", cluster.adminPassword()).orElseThrow();
            FlightClient.ClientStreamListener put = flight.startPut(
                    FlightDescriptor.command(com.google.protobuf.Any.pack(command).toByteArray()),
                    rows.getVectorSchemaRoot(), answer, auth);
            for (int batch = 0; batch < 2 && rows.loadNextBatch(); batch++) {
                put.putNext();
            }
            awaitIngestRunning("gone");
            channel.shutdownNow(); // the connection goes, the call with it: no completed(), no error()
            assertThat(channel.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        awaitIngestEnded("gone");
        assertThat(client.query("SELECT k, v FROM gone").rows()).isEqualTo(List.of(List.of(1L, "before")));
        assertThat(client.query("SELECT status FROM mallard.queries WHERE sql LIKE 'bulk ingest into gone%'").rows())
                .isEqualTo(List.of(List.of("cancelled")));
    }

    @Test
    void aTableGivenAKeyOrDroppedWhileItsRowsArriveCommitsNothingAndTheIngestSaysWhy() throws Exception {
        String rows = "SELECT i AS k, 'v' || i AS v FROM range(300000) t(i)";
        // the table gets a key while the stream, written straight into files of a table spread evenly, holds still
        client.query("CREATE TABLE keyed_meanwhile (k BIGINT, v VARCHAR)");
        client.query("INSERT INTO keyed_meanwhile VALUES (1, 'before')");
        MallardException keyed = catchThrowableOfType(MallardException.class, () -> ingestWithStep("keyed_meanwhile", rows,
                () -> client.query("ALTER TABLE keyed_meanwhile SET PARTITIONED BY (k)")));
        assertThat(keyed.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(keyed.getMessage()).contains("table keyed_meanwhile was given a key or became referenced by a "
                + "dimension table while the rows arrived; nothing was changed (load again)");
        assertThat(client.query("SELECT k, v FROM keyed_meanwhile").rows()).isEqualTo(List.of(List.of(1L, "before")));
        assertThat(client.query("SELECT len(shard_key), shard_key[1] FROM mallard.tables WHERE name = 'keyed_meanwhile'")
                .rows()).as("the ALTER that came meanwhile stands").isEqualTo(List.of(List.of(1L, "k")));
        // the table is dropped meanwhile: it stays dropped
        client.query("CREATE TABLE dropped_meanwhile (k BIGINT, v VARCHAR)");
        MallardException dropped = catchThrowableOfType(MallardException.class, () -> ingestWithStep("dropped_meanwhile",
                rows, () -> client.query("DROP TABLE dropped_meanwhile")));
        assertThat(dropped.getMessage()).contains("table dropped_meanwhile was created, dropped or replaced while the rows "
                + "arrived; nothing was changed");
        assertThat(client.query("SELECT count(*) FROM mallard.tables WHERE name = 'dropped_meanwhile'").rows())
                .isEqualTo(List.of(List.of(0L)));
        try (var left = Files.list(cluster.dir().resolve("data").resolve("work").resolve("out"))) {
            assertThat(left.toList()).as("files the refused ingests wrote").isEmpty();
        }
    }

    private static String events(int rows) {
        return EVENTS_SQL.replace("{rows}", Integer.toString(rows));
    }

    private static void awaitIngestRunning(String table) {
        Await.until("the ingest into " + table + " runs", Duration.ofSeconds(30), () -> !client.query(
                "SELECT 1 FROM mallard.queries WHERE status = 'running' AND sql LIKE 'bulk ingest into " + table + "%'")
                .rows().isEmpty());
    }

    private static void awaitIngestEnded(String table) {
        Await.until("the ingest into " + table + " is over", Duration.ofSeconds(30), () -> !client.query(
                "SELECT 1 FROM mallard.queries WHERE status <> 'running' AND sql LIKE 'bulk ingest into " + table + "%'")
                .rows().isEmpty());
    }

    /** The rows of each shard's data files of {@code table}, by shard. */
    private static List<Long> shardRows(String table) {
        Snapshot snapshot = cluster.snapshot();
        long id = snapshot.table(table).orElseThrow().id();
        List<Long> rows = new ArrayList<>();
        for (int shard = 0; shard < snapshot.shardCount(); shard++) {
            rows.add(snapshot.dataFiles(id, shard).stream().mapToLong(DataFile::rows).sum());
        }
        return rows;
    }

    private static void assertMatches(String table, List<String> queries) throws SQLException {
        for (String query : queries) {
            String sql = String.format(query, table);
            assertThat(oracle.difference(sql, client.query(sql))).as(sql).isEmpty();
        }
    }

    /** Streams the rows of {@code sql} over the test's DuckDB into {@code table}. */
    private static long ingest(String table, String sql, IngestOptions options) throws Exception {
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(sql);
                ArrowReader rows = DuckArrow.export(rs, allocator)) {
            return client.ingest(table, rows, options);
        }
    }

    /**
     * As {@link #ingest} into an existing table, with {@code step} run once the coordinator has the ingest under way and
     * its first batches; then the rest of the rows follow.
     */
    private static long ingestWithStep(String table, String sql, Runnable step) throws Exception {
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(sql);
                ArrowReader rows = StepAfterBatches.continuing(DuckArrow.export(rs, allocator), 2, () -> {
                    awaitIngestRunning(table);
                    step.run();
                })) {
            return client.ingest(table, rows, IngestOptions.append());
        }
    }

    private static List<List<Object>> columns(QueryRows describe) {
        return describe.rows().stream().map(r -> List.of(r.get(0), r.get(1))).toList();
    }

    private static FlightClient flight() throws IOException {
        return FlightClient.builder(allocator, Location.forGrpcTls("127.0.0.1", cluster.coordinator().port())).useTls()
                .trustedCertificates(new ByteArrayInputStream(Files.readAllBytes(cluster.caCertificate()))).build();
    }

    private static void execute(String sql) throws SQLException {
        try (Statement s = duck.createStatement()) {
            s.execute(sql);
        }
    }
}
