package io.mallard.cli;

import io.mallard.client.MallardClient;
import io.mallard.common.MallardException;
import io.mallard.common.rows.QueryRows;
import io.mallard.oracle.Oracle;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code mallard demo --edge}: three simulated devices, each a worker process with its own readings files (Parquet)
 * declared as the local table {@code readings}; a central replicated {@code stations} table; queries that aggregate and
 * join across the devices, each compared with one DuckDB over all the devices' files; then one device goes offline:
 * the query fails naming its partition, and with {@code SET mallard.partial_results = 'allow'} it answers over the
 * other devices with a warning. See docs/edge.md.
 */
final class EdgeDemo {
    private static final String COLUMNS = "device_id, station_id, ts, temp";
    private static final int DEVICES = 3;
    private static final List<String> QUERIES = List.of(
            "SELECT device_id, count(*) AS readings, round(avg(temp), 2) AS avg_temp, max(ts) AS last_reading "
                    + "FROM readings GROUP BY device_id ORDER BY device_id",
            "SELECT s.region, count(*) AS readings, round(avg(r.temp), 2) AS avg_temp "
                    + "FROM readings r JOIN stations s ON r.station_id = s.station_id GROUP BY s.region ORDER BY s.region",
            "SELECT device_id, ts, temp FROM readings ORDER BY temp DESC, device_id, ts LIMIT 5",
            "SELECT count(*) AS hot_readings FROM readings WHERE temp > (SELECT avg(temp) + 10 FROM readings)");

    private final Path dir;
    private final PrintStream out;

    EdgeDemo(Path dir, PrintStream out) {
        this.dir = dir;
        this.out = out;
    }

    /** Runs the edge demo on a started cluster; returns the number of answers that differed from the oracle. */
    int run(ProcessCluster cluster) throws IOException, SQLException, InterruptedException {
        Path devices = dir.resolve("edge");
        int mismatches = 0;
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Oracle oracle = Oracle.over(duck);
                MallardClient client = cluster.client()) {
            List<Process> processes = new ArrayList<>();
            for (int d = 1; d <= DEVICES; d++) {
                Path files = Files.createDirectories(devices.resolve("device-" + d));
                writeReadings(duck, files, d);
                out.println("starting device-" + d + ": mallard worker --table readings=" + files + "/*.parquet "
                        + "--expose readings:" + COLUMNS.replace(" ", ""));
                processes.add(cluster.startWorker("device-" + d, List.of("--table", "readings=" + files + "/*.parquet",
                        "--expose", "readings:" + COLUMNS.replace(" ", ""), "--drain-timeout-ms", "2000")));
            }
            client.query("DROP TABLE IF EXISTS stations");
            String stations = "SELECT i AS station_id, 'station ' || i AS name, CASE WHEN i < 4 THEN 'north' ELSE 'south' "
                    + "END AS region FROM range(8) r(i)";
            client.query("CREATE TABLE stations AS " + stations);
            client.query("ALTER TABLE stations SET REPLICATED");
            execute(duck, "CREATE OR REPLACE TABLE stations AS " + stations);
            awaitDevices(client, DEVICES);
            oracleView(duck, devices, List.of(1, 2, 3));
            out.println();
            out.println("== edge partitions (mallard.partitions)");
            TablePrinter.print(client.query("SELECT partition_id, worker, rows, state FROM mallard.partitions "
                    + "WHERE table_name = 'readings' ORDER BY 1"), 10, out);
            out.println();
            out.println("== EXPLAIN " + QUERIES.get(0));
            out.print(client.explain(QUERIES.get(0)).text());
            for (String query : QUERIES) {
                mismatches += show(client, oracle, query);
            }
            out.println();
            out.println("== device-2 goes offline");
            cluster.stop(processes.get(1));
            awaitOffline(client, "readings@device-2");
            try {
                client.query(QUERIES.get(0));
                out.println("UNEXPECTED: the query answered without device-2");
                mismatches++;
            } catch (MallardException e) {
                out.println("as expected, the query fails: " + e.describe());
            }
            out.println();
            out.println("== SET mallard.partial_results = 'allow'");
            client.query("SET mallard.partial_results = 'allow'");
            oracleView(duck, devices, List.of(1, 3));
            mismatches += show(client, oracle, QUERIES.get(0));
        }
        return mismatches;
    }

    /** Prints a query's answer and its warnings; returns 1 if it differs from one DuckDB over the same files. */
    private int show(MallardClient client, Oracle oracle, String query) throws SQLException {
        out.println();
        out.println("== " + query);
        try {
            QueryRows rows = client.query(query);
            TablePrinter.print(rows, 10, out);
            rows.warnings().forEach(w -> out.println("warning: " + w));
            Optional<String> difference = oracle.difference(query, rows);
            out.println(difference.map(d -> "DIFFERENT from one DuckDB over the devices' files: " + d)
                    .orElse("MATCH: equal to one DuckDB over the devices' files"));
            return difference.isPresent() ? 1 : 0;
        } catch (MallardException e) {
            out.println("FAILED: " + e.describe());
            return 1;
        }
    }

    /** A device's readings: its own stations and hours, some temperatures missing; written once per run. */
    private static void writeReadings(Connection duck, Path files, int device) throws SQLException, IOException {
        Path file = files.resolve("readings-1.parquet");
        Files.deleteIfExists(file);
        execute(duck, "COPY (SELECT 'sensor-' || " + device + " || '-' || (i % 3) AS device_id, (i * " + device
                + " % 8)::BIGINT AS station_id, TIMESTAMP '2026-06-01' + INTERVAL (i * " + device + ") MINUTE AS ts, "
                + "CASE WHEN i % 17 = 0 THEN NULL ELSE round(10 + " + device + " * 3 + (i * 7919 % 250) / 10.0, 1) END "
                + "AS temp, (100 - i % 100)::INTEGER AS battery FROM range(" + (500 * device) + ") r(i)) TO '" + file + "'");
    }

    /** The oracle's readings: one DuckDB over the files of the given devices. */
    private static void oracleView(Connection duck, Path devices, List<Integer> which) throws SQLException {
        List<String> parts = new ArrayList<>();
        for (int d : which) {
            parts.add("SELECT " + COLUMNS + " FROM read_parquet('" + devices.resolve("device-" + d) + "/*.parquet')");
        }
        execute(duck, "CREATE OR REPLACE VIEW readings AS " + String.join(" UNION ALL ", parts));
    }

    private void awaitDevices(MallardClient client, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (client.status().workers().stream().filter(w -> w.name().startsWith("device-")
                && w.state().equals("trusted")).count() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the devices did not join within 120 s; see " + dir.resolve("logs"));
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    private void awaitOffline(MallardClient client, String partition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String sql = "SELECT state FROM mallard.partitions WHERE partition_id = '" + partition + "'";
        while (!"offline".equals(client.query(sql).rows().get(0).get(0))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(partition + " is still online after 60 s");
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        out.println(partition + " is offline (mallard.partitions)");
    }

    private static void execute(Connection duck, String sql) throws SQLException {
        try (Statement s = duck.createStatement()) {
            s.execute(sql);
        }
    }
}
