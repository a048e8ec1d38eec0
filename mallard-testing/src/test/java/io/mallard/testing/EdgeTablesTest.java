package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.client.MallardSqlClient;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.rows.QueryRows;
import io.mallard.common.security.Credentials;
import io.mallard.oracle.Oracle;
import io.mallard.protocol.Messages;
import io.mallard.protocol.Rpc;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Worker-local (edge) tables on a real cluster: three workers (device-2, the one that goes offline, a separate
 * process; the others in this JVM to keep the class fast), each with its own {@code readings} files that
 * the test writes with DuckDB (Parquet on device-1, CSV on device-2, an empty Parquet file on device-3; overlapping and
 * disjoint device ids, NULLs), every query compared with one DuckDB over all of those files together. Then a device
 * appends rows, one goes offline (an error listing its partition; with partial results allowed, the answer over the
 * others with the missing partition reported), and the refusals. One cluster for the class; the tests run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EdgeTablesTest {
    private static final String EXPOSED = "device_id, station_id, ts, temp";
    private static LocalCluster cluster;
    private static MallardSqlClient client;
    private static Connection duck;
    private static Oracle oracle;
    private static Path files;
    private static WorkerHandle device2;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.builder().workers(1).shards(4).privateData(true).scaleFactor(0.001)
                .measurementRows(1_000).build();
        client = cluster.sqlClient();
        duck = DriverManager.getConnection("jdbc:duckdb:");
        oracle = Oracle.over(duck);
        files = cluster.workerDir("edge-files");
        for (String device : List.of("device-1", "device-2", "device-3")) {
            Files.createDirectories(files.resolve(device));
        }
        // device-1: two Parquet files; device-2: a CSV file (devices 3 and 4 overlap with device-1); device-3: no rows
        execute("COPY (SELECT 'dev-' || (i % 4) AS device_id, (i % 5)::BIGINT AS station_id, TIMESTAMP '2026-03-01' "
                + "+ INTERVAL (i) MINUTE AS ts, CASE WHEN i % 7 = 0 THEN NULL ELSE round(15 + (i * 37 % 200) / 10.0, 1) "
                + "END AS temp, 'secret-' || i AS secret FROM range(300) r(i)) TO '" + file("device-1", "a.parquet") + "'");
        execute("COPY (SELECT 'dev-' || (3 + i % 4) AS device_id, (i % 7)::BIGINT AS station_id, TIMESTAMP '2026-03-02' "
                + "+ INTERVAL (i) MINUTE AS ts, round(5 + (i * 13 % 300) / 10.0, 1) AS temp, 'secret' AS secret "
                + "FROM range(120) r(i)) TO '" + file("device-1", "b.parquet") + "'");
        execute("COPY (SELECT 'dev-' || (3 + i % 5) AS device_id, (i % 6)::BIGINT AS station_id, TIMESTAMP '2026-03-03' "
                + "+ INTERVAL (i) SECOND AS ts, CASE WHEN i % 5 = 0 THEN NULL ELSE round(-3 + (i * 11 % 250) / 10.0, 1) "
                + "END AS temp, 's' || i AS secret FROM range(200) r(i)) TO '" + file("device-2", "readings.csv")
                + "' (HEADER)");
        execute("COPY (SELECT 'dev-9' AS device_id, 1::BIGINT AS station_id, TIMESTAMP '2026-03-04' AS ts, 1.5::DOUBLE "
                + "AS temp, 'x' AS secret WHERE false) TO '" + file("device-3", "empty.parquet") + "'");
        oracleReadings(true);
        // the generated TPC-H data: customer is a dimension table (its rows follow orders on the shards)
        execute("ATTACH '" + cluster.oracleFile() + "' AS generated (READ_ONLY)");
        execute("CREATE VIEW customer AS SELECT * FROM generated.customer");
        // the devices: device-2 a separate JVM (it is stopped later), the others in this JVM
        List<WorkerHandle> devices = new ArrayList<>();
        device2 = device("device-2", "readings=" + file("device-2", "readings.csv")); // it starts while the rest is made
        devices.add(device2);
        devices.add(cluster.addEdgeWorker("device-1", io.mallard.worker.LocalTableSpec.parse(
                List.of("readings=" + files.resolve("device-1") + "/*.parquet"), List.of("readings:" + EXPOSED.replace(" ", "")))));
        devices.add(cluster.addEdgeWorker("device-3", io.mallard.worker.LocalTableSpec.parse(
                List.of("readings=" + file("device-3", "*.parquet")), List.of("readings:" + EXPOSED.replace(" ", "")))));
        // central tables: a replicated one the readings join with, a partitioned one they are unioned with
        both("CREATE TABLE stations (station_id BIGINT, name VARCHAR, region VARCHAR)");
        client.query("ALTER TABLE stations SET REPLICATED");
        both("INSERT INTO stations SELECT i, 'station ' || i, CASE WHEN i < 3 THEN 'north' ELSE 'south' END FROM range(6) r(i)");
        both("CREATE TABLE archive (device_id VARCHAR, station_id BIGINT, ts TIMESTAMP, temp DOUBLE)");
        both("INSERT INTO archive SELECT 'dev-' || (i % 9), i % 6, TIMESTAMP '2026-01-01' + INTERVAL (i) HOUR, i / 4.0 "
                + "FROM range(500) r(i)");
        cluster.await("three devices joined and proved the replicated tables", 60_000, () -> cluster.status().workers()
                .stream().filter(w -> w.name().startsWith("device-") && w.state().equals("trusted")).count() == 3);
        cluster.awaitAllShardsServed(60_000);
        for (WorkerHandle device : devices) {
            assertThat(device.isAlive()).as("%s runs", device.name()).isTrue();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (cluster != null) {
                cluster.assertClean(); // no query or task left, every Arrow buffer (result warnings too) released
            }
        } finally {
            if (oracle != null) {
                oracle.close();
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
        }
    }

    private static WorkerHandle device(String name, String table) throws Exception {
        return cluster.startWorkerWithOptions(name, List.of("--table", table, "--expose", "readings:" + EXPOSED.replace(" ", ""),
                "--drain-timeout-ms", "2000"));
    }

    private static String file(String device, String name) {
        return files.resolve(device).resolve(name).toString();
    }

    private static void execute(String sql) throws Exception {
        try (Statement s = duck.createStatement()) {
            s.execute(sql);
        }
    }

    /** The oracle's readings: one DuckDB over every device's files (globs: it sees appended files too). */
    private static void oracleReadings(boolean withDevice2) throws Exception {
        String parquet = "SELECT " + EXPOSED + " FROM read_parquet('" + files.resolve("device-1") + "/*.parquet', "
                + "union_by_name = true) UNION ALL SELECT " + EXPOSED + " FROM read_parquet('"
                + file("device-3", "*.parquet") + "')";
        String csv = " UNION ALL SELECT " + EXPOSED + " FROM read_csv('" + file("device-2", "readings.csv")
                + "', header = true)";
        execute("CREATE OR REPLACE VIEW readings AS " + parquet + (withDevice2 ? csv : ""));
    }

    private static void both(String sql) throws Exception {
        execute(sql);
        client.query(sql);
    }

    private static void same(String query) throws Exception {
        QueryRows rows = client.query(query);
        assertThat(oracle.difference(query, rows)).as(query).isEmpty();
        assertThat(rows.warnings()).as("a complete answer has no warning: %s", query).isEmpty();
    }

    private static MallardException fails(String sql) {
        MallardException e = catchThrowableOfType(MallardException.class, () -> client.query(sql));
        assertThat(e).as("%s must fail", sql).isNotNull();
        return e;
    }

    @Test
    @Order(1)
    void queriesOverThreeDevicesEqualOneDuckDbOverAllTheirFiles() throws Exception {
        same("SELECT count(*), count(temp), sum(temp), avg(temp), min(ts), max(ts), count(DISTINCT device_id) FROM readings");
        same("SELECT device_id, count(*), avg(temp), max(temp) FROM readings GROUP BY device_id ORDER BY device_id");
        same("SELECT device_id, ts, temp FROM readings ORDER BY temp DESC NULLS LAST, device_id, ts LIMIT 7");
        same("SELECT DISTINCT station_id FROM readings ORDER BY 1");
        same("SELECT device_id, count(*) FROM readings WHERE temp > (SELECT avg(temp) FROM readings) GROUP BY 1 ORDER BY 1");
        same("SELECT count(*) FROM readings WHERE temp IS NULL");
        same("SELECT device_id, median(temp) FROM readings GROUP BY ALL ORDER BY 1"); // holistic: gathered
        same("SELECT s.region, count(*), round(avg(r.temp), 6) FROM readings r JOIN stations s ON r.station_id = s.station_id "
                + "GROUP BY s.region ORDER BY 1");
        same("SELECT device_id, temp FROM readings WHERE device_id IN ('dev-3', 'dev-4') UNION ALL "
                + "SELECT device_id, temp FROM archive WHERE device_id IN ('dev-3', 'dev-4')");
        same("SELECT device_id, count(*), sum(temp) FROM (SELECT device_id, temp FROM readings UNION ALL "
                + "SELECT device_id, temp FROM archive) GROUP BY 1 ORDER BY 1");
        // a dimension table, the edge table itself and a central partitioned table do not meet the edge rows on a
        // worker: gathered and joined on the coordinator
        String dimension = "SELECT c.c_mktsegment, count(*), sum(r.temp) FROM readings r JOIN customer c "
                + "ON r.station_id = c.c_custkey GROUP BY 1 ORDER BY 1";
        assertThat(client.explain(dimension)).contains("GATHER");
        same(dimension);
        same("SELECT a.device_id, count(*) FROM readings a JOIN readings b ON a.device_id = b.device_id "
                + "AND a.ts = b.ts GROUP BY 1 ORDER BY 1");
        same("SELECT r.device_id, count(*) FROM readings r JOIN archive a ON r.device_id = a.device_id "
                + "AND r.station_id = a.station_id GROUP BY 1 ORDER BY 1");
    }

    @Test
    @Order(2)
    void explainNamesThePartitionsAndTheirWorkers() {
        String plan = client.explain("SELECT device_id, count(*) FROM readings GROUP BY 1");
        assertThat(plan).contains("PUSHDOWN_AGG").contains("readings@device-1").contains("readings@device-2")
                .contains("readings@device-3");
        QueryRows partitions = client.query("SELECT partition_id, worker, rows, state FROM mallard.partitions "
                + "WHERE table_name = 'readings' ORDER BY 1");
        assertThat(partitions.rows()).extracting(r -> r.get(0), r -> r.get(1), r -> r.get(2), r -> r.get(3))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("readings@device-1", "device-1", 420L, "online"),
                        org.assertj.core.groups.Tuple.tuple("readings@device-2", "device-2", 200L, "online"),
                        org.assertj.core.groups.Tuple.tuple("readings@device-3", "device-3", 0L, "online"));
        QueryRows table = client.query("SELECT role, shard_count, rows FROM mallard.tables WHERE name = 'readings'");
        assertThat(table.rows()).containsExactly(List.of("edge", 3L, 620L));
    }

    @Test
    @Order(3)
    void aColumnNotExposedIsNotThere() {
        MallardException e = fails("SELECT secret FROM readings");
        assertThat(e.code()).isEqualTo(ErrorCode.BINDER_ERROR);
        assertThat(e.getMessage()).contains("secret");
        QueryRows described = client.query("DESCRIBE readings");
        assertThat(described.rows()).extracting(r -> r.get(0)).containsExactly("device_id", "station_id", "ts", "temp");
    }

    @Test
    @Order(4)
    void rowsADeviceAppendsAreSeenByTheNextQuery() throws Exception {
        String count = "SELECT device_id, count(*), sum(temp) FROM readings GROUP BY 1 ORDER BY 1";
        // device-1 gets a new file; device-2 appends to its CSV file in place
        execute("COPY (SELECT 'dev-new' AS device_id, 2::BIGINT AS station_id, TIMESTAMP '2026-03-05' AS ts, 99.5::DOUBLE "
                + "AS temp, 'n' AS secret) TO '" + file("device-1", "c.parquet") + "'");
        Files.writeString(Path.of(file("device-2", "readings.csv")), "dev-4,3,2026-03-06 10:00:00,42.5,appended\n",
                StandardOpenOption.APPEND);
        same(count);
        same("SELECT count(*), sum(temp) FROM readings WHERE device_id IN ('dev-new', 'dev-4')");
        // the devices re-announce: mallard.partitions shows the new row counts
        cluster.await("the devices announced their new rows", 20_000, () -> client.query(
                "SELECT sum(rows)::BIGINT FROM mallard.partitions WHERE table_name = 'readings'").rows().get(0).get(0)
                .equals(622L));
    }

    @Test
    @Order(5)
    void refusedAreAMismatchedSchemaAndATableNotDeclaredAtTheJoin() throws Exception {
        try (BufferAllocator allocator = new RootAllocator();
                FlightClient flight = FlightClient.builder(allocator, Location.forGrpcTls("127.0.0.1",
                        cluster.coordinator().port())).useTls().trustedCertificates(
                                new ByteArrayInputStream(Files.readAllBytes(cluster.caCertificate()))).build()) {
            String token = Credentials.load(cluster.dir()).joinToken();
            List<Messages.LocalColumn> wrong = List.of(new Messages.LocalColumn("device_id", "VARCHAR"),
                    new Messages.LocalColumn("station_id", "BIGINT"), new Messages.LocalColumn("ts", "TIMESTAMP"),
                    new Messages.LocalColumn("temp", "VARCHAR"));
            MallardException mismatch = catchThrowableOfType(MallardException.class, () -> Rpc.call(flight,
                    new Messages.RegisterWorker(token, "device-bad", "test", 1, 1 << 30, -1, null,
                            List.of(new Messages.LocalTable("readings", wrong, 1, "f"))), Messages.WorkerRegistered.class));
            assertThat(mismatch.code()).isEqualTo(ErrorCode.EDGE_TABLE_REFUSED);
            assertThat(mismatch.getMessage()).contains("column 4").contains("temp VARCHAR").contains("temp DOUBLE");
            assertThat(cluster.status().workers()).extracting(Messages.WorkerView::name).doesNotContain("device-bad");

            // a worker that declared gadgets may not announce readings
            List<Messages.LocalColumn> gadget = List.of(new Messages.LocalColumn("id", "BIGINT"));
            Messages.WorkerRegistered registered = Rpc.call(flight, new Messages.RegisterWorker(token, "gadget-box",
                    "test", 1, 1 << 30, -1, null, List.of(new Messages.LocalTable("gadgets", gadget, 0, "g"))),
                    Messages.WorkerRegistered.class);
            CredentialCallOption auth = new CredentialCallOption(new BearerCredentialWriter(registered.sessionToken()));
            MallardException undeclared = catchThrowableOfType(MallardException.class, () -> Rpc.call(flight,
                    new Messages.LocalTableChanged(registered.workerId(), new Messages.LocalTable("readings",
                            List.of(new Messages.LocalColumn("device_id", "VARCHAR")), 5, "r")), Messages.Ack.class, auth));
            assertThat(undeclared.code()).isEqualTo(ErrorCode.EDGE_TABLE_REFUSED);
            assertThat(undeclared.getMessage()).contains("readings").contains("did not declare");
            Rpc.call(flight, new Messages.Leaving(registered.workerId()), Messages.Ack.class, auth); // drains
            Rpc.call(flight, new Messages.Leaving(registered.workerId()), Messages.Ack.class, auth); // and is gone
        }
        // a real worker process with files of another schema exits with the refusal
        Path bad = files.resolve("device-bad");
        Files.createDirectories(bad);
        execute("COPY (SELECT 'x' AS device_id, 1::BIGINT AS station_id, TIMESTAMP '2026-03-01' AS ts, '20' AS temp) TO '"
                + bad.resolve("r.parquet") + "'");
        WorkerHandle refused = cluster.startWorkerWithOptions("device-bad", List.of("--table", "readings=" + bad + "/*.parquet"));
        assertThat(refused.awaitExit(Duration.ofSeconds(60))).isNotZero();
        assertThat(Files.readString(refused.log())).contains("EDGE_TABLE_REFUSED").contains("temp VARCHAR");
        same("SELECT count(*) FROM readings"); // the readings are as before
    }

    @Test
    @Order(6)
    void edgeTablesAreThereAgainWhenTheReferenceDatabaseIsBuiltAnew() throws Exception {
        // the edge tables' empty copies live in the reference database: binding and GATHER combines need them
        String gathered = "SELECT c.c_mktsegment, count(*), sum(r.temp) FROM readings r JOIN customer c "
                + "ON r.station_id = c.c_custkey GROUP BY 1 ORDER BY 1";
        try (org.duckdb.DuckDBConnection broken = cluster.coordinator().reference().connect()) {
            DuckDbFailures.invalidate(broken);
        }
        same(gathered);
        same("SELECT device_id, count(*), avg(temp) FROM readings GROUP BY device_id ORDER BY device_id");
        same("SELECT s.region, count(*), round(avg(r.temp), 6) FROM readings r JOIN stations s ON r.station_id = s.station_id "
                + "GROUP BY s.region ORDER BY 1");
    }

    @Test
    @Order(7)
    void anOfflineDeviceFailsTheQueryUnlessPartialResultsAreAllowed() throws Exception {
        device2.close(); // SIGTERM: it drains (2 s at most) and leaves
        cluster.await("device-2's partition is offline", 30_000, () -> client.query(
                "SELECT state FROM mallard.partitions WHERE partition_id = 'readings@device-2'").rows().get(0).get(0)
                .equals("offline"));
        String query = "SELECT device_id, count(*), sum(temp) FROM readings GROUP BY 1 ORDER BY 1";
        MallardException offline = fails(query);
        assertThat(offline.code()).isEqualTo(ErrorCode.PARTITIONS_OFFLINE);
        assertThat(offline.getMessage()).contains("readings@device-2").doesNotContain("readings@device-1");
        try (MallardSqlClient partial = cluster.sqlClient()) {
            partial.query("SET mallard.partial_results = 'allow'");
            oracleReadings(false);
            QueryRows rows = partial.query(query);
            assertThat(oracle.difference(query, rows)).as("the answer over the devices still connected").isEmpty();
            assertThat(rows.warnings()).singleElement().asString().contains("readings@device-2");
            same("SELECT count(*) FROM stations"); // central tables are not affected
            QueryRows history = partial.query("SELECT warning FROM mallard.queries WHERE sql = '" + query
                    + "' AND status = 'finished' AND current_session");
            assertThat(history.rows()).extracting(r -> r.get(0)).singleElement().asString().contains("readings@device-2");
        }
    }
}
