package io.mallard.cli.bench;

import io.mallard.bench.Samples;
import io.mallard.bench.report.BenchReport;
import io.mallard.bench.report.Machine;
import io.mallard.bench.report.MarkdownTable;
import io.mallard.cli.ProcessCluster;
import io.mallard.cli.load.FileLoader;
import io.mallard.cli.load.LoadCounters;
import io.mallard.client.ConnectOptions;
import io.mallard.client.MallardSqlClient;
import io.mallard.coordinator.ClusterLayout;
import io.mallard.coordinator.bootstrap.Bootstrap;
import io.mallard.coordinator.bootstrap.BootstrapOptions;
import io.mallard.data.DataParams;
import io.mallard.data.Sql;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mallard bench load}: how fast {@code mallard load} puts a Parquet file into a cluster, beside one DuckDB making
 * a table of the same file on the same machine, and how soon a committed INSERT is seen by a query.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Time `mallard load` of a generated Parquet file into a cluster of worker processes (rows/s) beside "
                + "one DuckDB's CREATE TABLE … AS SELECT * FROM read_parquet(…) into a database file on this machine, "
                + "interleaved, as a ratio (target ≥ 0.5); then the time from the commit of a small INSERT to the first "
                + "query that sees its rows (median, target < 1 s). The file and the cluster are kept under --dir.")
final class BenchLoadCommand implements Callable<Integer> {
    static final String TABLE = "bench_load";
    static final String VISIBLE = "bench_visible";

    @Mixin
    BenchOptions options;

    @Option(names = "--rows", defaultValue = "10000000", description = "Rows of the Parquet file (default: ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--shards", defaultValue = "8", description = "Shards of the cluster (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--workers", defaultValue = "2", description = "Worker processes (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--partition-by", description = "The loaded table's shard key (default: none, rows spread evenly).")
    String partitionBy;

    @Option(names = "--runs", defaultValue = "3", description = "Timed loads per side (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmups", defaultValue = "3", description = "Untimed rounds of every step before the timed ones, "
            + "so that neither side pays for this JVM's or the cluster's JIT: a coordinator's ingest of 10 M rows takes "
            + "about three loads to settle (default: ${DEFAULT-VALUE}).")
    int warmups;

    @Option(names = "--inserts", defaultValue = "20", description = "Timed INSERTs for visibility (default: ${DEFAULT-VALUE}).")
    int inserts;

    @Option(names = "--insert-rows", defaultValue = "1000", description = "Rows per INSERT (default: ${DEFAULT-VALUE}).")
    int insertRows;

    /**
     * One side's load times and rates, and the CPU time it used (this JVM, which runs DuckDB and the client, plus the
     * cluster's processes): on a machine that others share, CPU time is the steadier measure of the work.
     */
    record LoadTimes(String side, List<Double> millis, double medianMillis, double rowsPerSecond, List<Double> cpuMillis,
            double medianCpuMillis) {
        static LoadTimes of(String side, List<Double> millis, List<Double> cpuMillis, long rows) {
            double median = new Samples(millis).median();
            return new LoadTimes(side, millis, median, rows / (median / 1000), cpuMillis, new Samples(cpuMillis).median());
        }
    }

    /** Wall and CPU milliseconds of one timed step: CPU of this JVM (client, DuckDB) plus the cluster's processes. */
    private record Timed(double millis, double cpuMillis, double clusterCpuMillis) {
    }

    /** Times {@code step}, counting the CPU of this JVM and of the cluster's processes. */
    private static Timed timed(ProcessCluster cluster, Step step) throws Exception {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long own = os.getProcessCpuTime();
        long others = cluster.cpuTime().toNanos();
        long start = System.nanoTime();
        step.run();
        long wall = System.nanoTime() - start;
        long clusterCpu = cluster.cpuTime().toNanos() - others;
        return new Timed(wall / 1e6, (os.getProcessCpuTime() - own + clusterCpu) / 1e6, clusterCpu / 1e6);
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /** The time from an INSERT's answer (its commit is done) to the first query that counts its rows. */
    record Visibility(List<Double> insertMillis, List<Double> visibleMillis, List<Integer> queries, double medianMillis,
            double p90Millis, double maxMillis) {
    }

    @Override
    public Integer call() throws Exception {
        LocalDateTime started = LocalDateTime.now();
        Machine machine = Machine.current();
        Path base = Files.createDirectories(options.dir.resolve("load"));
        Path parquet = parquet(base);
        long bytes = Files.size(parquet);
        Path clusterDir = base.resolve("cluster-" + shards + "-shards");
        System.err.println("== cluster: " + shards + " shards under " + clusterDir);
        Bootstrap.run(new BootstrapOptions(clusterDir, new DataParams(0.01, 0, 42), shards, "admin", base.resolve("oracle"),
                List.of()), System.err);
        Path logs = clusterDir.resolve("logs");
        List<Double> mallard = new ArrayList<>();
        List<Double> duckdb = new ArrayList<>();
        List<Double> readOnly = new ArrayList<>();
        List<Double> mallardCpu = new ArrayList<>();
        List<Double> duckdbCpu = new ArrayList<>();
        List<Double> readOnlyCpu = new ArrayList<>();
        List<Double> clusterCpu = new ArrayList<>();
        List<Double> transport = new ArrayList<>();
        List<Double> transportCpu = new ArrayList<>();
        List<Double> arrowImport = new ArrayList<>();
        List<Double> arrowImportCpu = new ArrayList<>();
        List<Double> dealtImport = new ArrayList<>();
        List<Double> dealtImportCpu = new ArrayList<>();
        ClusterLayout layout = new ClusterLayout(clusterDir);
        Visibility visibility;
        try (ProcessCluster cluster = ProcessCluster.start(clusterDir, workers, 0, System.err,
                name -> options.jvmOptions(logs, name));
                MallardSqlClient client = MallardSqlClient.connect(ConnectOptions.tls("127.0.0.1", cluster.port(), "admin",
                        Bootstrap.adminPassword(clusterDir), layout.caCertificate()))) {
            client.query("DROP TABLE IF EXISTS " + TABLE);
            client.query("DROP TABLE IF EXISTS " + VISIBLE);
            FileLoader.Request request = new FileLoader.Request(TABLE, true,
                    partitionBy == null ? List.of() : List.of(partitionBy), List.of(parquet.toString()));
            for (int round = 1; round <= warmups; round++) {
                System.err.println("== warm-up round " + round + " of " + warmups + " (untimed)");
                FileLoader.load(client, request, new LoadCounters());
                client.query("SELECT count(*) FROM " + TABLE); // as in a timed run: the workers fetch the files first
                client.query("DROP TABLE " + TABLE);
                duckdbOnce(base, parquet);
                FileLoader.readOnly(request, new LoadCounters());
                LoadParts.transport(request, layout.tls());
                LoadParts.duckdbImport(request, base);
                LoadParts.dealtImport(request, base, shards);
            }
            for (int run = 1; run <= runs; run++) {
                // the sides take turns, each starting first every other run, so drift and caches fall on both
                boolean mallardFirst = run % 2 == 1;
                for (int side = 0; side < 2; side++) {
                    if ((side == 0) == mallardFirst) {
                        Timed t = timed(cluster, () -> FileLoader.load(client, request, new LoadCounters()));
                        // the workers fetch the new files after the commit: their work belongs to the load's CPU
                        long[] counted = new long[1];
                        Timed settle = timed(cluster, () -> counted[0] = ((Number) client.query("SELECT count(*) FROM "
                                + TABLE).rows().get(0).get(0)).longValue());
                        if (counted[0] != rows) {
                            throw new IllegalStateException("loaded " + counted[0] + " rows of " + rows);
                        }
                        mallard.add(t.millis());
                        mallardCpu.add(t.cpuMillis() + settle.cpuMillis());
                        clusterCpu.add(t.clusterCpuMillis() + settle.clusterCpuMillis());
                        client.query("DROP TABLE " + TABLE);
                    } else {
                        Timed t = timed(cluster, () -> duckdbOnce(base, parquet));
                        duckdb.add(t.millis());
                        duckdbCpu.add(t.cpuMillis());
                    }
                }
                Timed t = timed(cluster, () -> FileLoader.readOnly(request, new LoadCounters()));
                readOnly.add(t.millis());
                readOnlyCpu.add(t.cpuMillis());
                long[] taken = new long[3];
                Timed sent = timed(cluster, () -> taken[0] = LoadParts.transport(request, layout.tls()));
                transport.add(sent.millis());
                transportCpu.add(sent.cpuMillis());
                Timed imported = timed(cluster, () -> taken[1] = LoadParts.duckdbImport(request, base));
                arrowImport.add(imported.millis());
                arrowImportCpu.add(imported.cpuMillis());
                Timed dealt = timed(cluster, () -> taken[2] = LoadParts.dealtImport(request, base, shards));
                dealtImport.add(dealt.millis());
                dealtImportCpu.add(dealt.cpuMillis());
                if (taken[0] != rows || taken[1] != rows || taken[2] != rows) {
                    throw new IllegalStateException("the parts took " + taken[0] + ", " + taken[1] + " and " + taken[2]
                            + " rows of " + rows);
                }
                System.err.printf(Locale.ROOT, "   run %d: mallard load %.0f ms (CPU %.0f ms, of which the cluster's %.0f ms), "
                        + "DuckDB %.0f ms (CPU %.0f ms), reading alone %.0f ms (CPU %.0f ms), reading and sending %.0f ms "
                        + "(CPU %.0f ms), reading and DuckDB's import %.0f ms (CPU %.0f ms)%n", run, mallard.get(run - 1),
                        mallardCpu.get(run - 1), clusterCpu.get(run - 1), duckdb.get(run - 1), duckdbCpu.get(run - 1),
                        readOnly.get(run - 1), readOnlyCpu.get(run - 1), sent.millis(), sent.cpuMillis(), imported.millis(),
                        imported.cpuMillis());
            }
            visibility = visibility(client);
            client.query("DROP TABLE " + VISIBLE);
        }
        LoadTimes load = LoadTimes.of("mallard load", mallard, mallardCpu, rows);
        LoadTimes baseline = LoadTimes.of("DuckDB CREATE TABLE AS", duckdb, duckdbCpu, rows);
        LoadTimes reading = LoadTimes.of("client reading alone", readOnly, readOnlyCpu, rows);
        LoadTimes sending = LoadTimes.of("reading, sent over Flight with TLS (both ends, rows dropped)", transport,
                transportCpu, rows);
        LoadTimes importing = LoadTimes.of("reading, DuckDB's import of the Arrow stream into a file", arrowImport,
                arrowImportCpu, rows);
        LoadTimes dealing = LoadTimes.of("reading, written to " + shards + " shard files as the ingest writes them",
                dealtImport, dealtImportCpu, rows);
        double ratio = load.rowsPerSecond() / baseline.rowsPerSecond();
        Floor floor = Floor.of(reading, sending, importing, baseline, machine.cpus());
        return report(started, machine, bytes, List.of(load, baseline, reading, sending, importing, dealing), ratio,
                floor,
                clusterCpu, visibility);
    }

    /**
     * What any load along this path costs at least on this machine: the client's reading, the transport and DuckDB's
     * import of an Arrow stream, each measured alone ({@link LoadParts}), as CPU; over the machine's cores, the shortest
     * time a load could take with every core busy, and the best ratio of rates that allows against DuckDB's own load.
     */
    record Floor(double cpuMillis, int cores, double millis, double bestRatio) {
        static Floor of(LoadTimes reading, LoadTimes sending, LoadTimes importing, LoadTimes baseline, int cores) {
            double cpu = reading.medianCpuMillis() + (sending.medianCpuMillis() - reading.medianCpuMillis())
                    + (importing.medianCpuMillis() - reading.medianCpuMillis());
            double millis = cpu / cores;
            return new Floor(cpu, cores, millis, baseline.medianMillis() / millis);
        }
    }

    private int report(LocalDateTime started, Machine machine, long bytes, List<LoadTimes> sides, double ratio, Floor floor,
            List<Double> clusterCpu, Visibility visibility) throws IOException {
        LoadTimes load = sides.get(0);
        LoadTimes baseline = sides.get(1);
        String title = String.format(Locale.ROOT, "Load, %,d rows of Parquet (%.1f MB): mallard load into %d shards "
                + "(%d workers) vs one DuckDB", rows, bytes / 1e6, shards, workers);
        MarkdownTable table = new MarkdownTable("side", ">median s", ">rows/s", ">CPU s (median)", ">runs ms");
        for (LoadTimes t : sides) {
            table.row(t.side(), String.format(Locale.ROOT, "%.2f", t.medianMillis() / 1000),
                    String.format(Locale.ROOT, "%,.0f", t.rowsPerSecond()),
                    String.format(Locale.ROOT, "%.2f", t.medianCpuMillis() / 1000), String.join(", ",
                            t.millis().stream().map(m -> String.format(Locale.ROOT, "%.0f", m)).toList()));
        }
        List<String> targets = List.of(
                String.format(Locale.ROOT, "load rate ratio %.2f ≥ 0.50: %s", ratio, ratio >= 0.5 ? "MET" : "MISSED"),
                String.format(Locale.ROOT, "median INSERT-to-visible %.0f ms < 1000 ms: %s", visibility.medianMillis(),
                        visibility.medianMillis() < 1000 ? "MET" : "MISSED"));
        System.out.println();
        System.out.println("## " + title);
        System.out.println();
        System.out.print(table.render());
        System.out.println();
        System.out.printf(Locale.ROOT, "ratio of rates (mallard load / DuckDB): %.2f; CPU time per row, DuckDB / mallard "
                + "load: %.2f (CPU of this JVM and the cluster's processes; the machine's load average was %.1f)%n", ratio,
                baseline.medianCpuMillis() / load.medianCpuMillis(), Machine.current().loadAverage());
        System.out.printf(Locale.ROOT, "floor of this path on this machine: reading + sending + DuckDB's import = %.2f CPU s, "
                + "over %d cores %.2f s at best, so a ratio of at most %.2f (the parts measured alone: a real load also "
                + "writes and hashes one file per shard, and never keeps every core busy)%n", floor.cpuMillis() / 1000,
                floor.cores(), floor.millis() / 1000, floor.bestRatio());
        LoadTimes reading = sides.get(2);
        System.out.printf(Locale.ROOT, "the ingest's writing of the stream into the %d shard files (dealt, one DuckDB thread "
                + "each): %.2f CPU s beyond the reading, against %.2f for DuckDB's import into one file%n", shards,
                (sides.get(5).medianCpuMillis() - reading.medianCpuMillis()) / 1000,
                (sides.get(4).medianCpuMillis() - reading.medianCpuMillis()) / 1000);
        System.out.printf(Locale.ROOT, "%,d-row INSERT, then count(*) until its rows show: INSERT median %.0f ms; "
                + "visible after its answer: median %.0f ms, p90 %.0f ms, max %.0f ms (%d INSERTs)%n", insertRows,
                new Samples(visibility.insertMillis()).median(), visibility.medianMillis(), visibility.p90Millis(),
                visibility.maxMillis(), inserts);
        targets.forEach(t -> System.out.println("target " + t));
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("rows", rows);
        params.put("parquetBytes", bytes);
        params.put("shards", shards);
        params.put("workers", workers);
        params.put("partitionBy", partitionBy);
        params.put("runs", runs);
        params.put("warmups", warmups);
        params.put("inserts", inserts);
        params.put("insertRows", insertRows);
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("load", sides);
        results.put("floor", floor);
        results.put("clusterCpuMillisPerLoad", clusterCpu);
        results.put("visibility", visibility);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("loadRatio", BenchTpchCommand.round(ratio));
        summary.put("mallardRowsPerSecond", Math.round(load.rowsPerSecond()));
        summary.put("duckdbRowsPerSecond", Math.round(baseline.rowsPerSecond()));
        summary.put("bestRatioOnThisMachine", BenchTpchCommand.round(floor.bestRatio()));
        summary.put("cpuRatio", BenchTpchCommand.round(baseline.medianCpuMillis() / load.medianCpuMillis()));
        summary.put("visibleMedianMillis", BenchTpchCommand.round(visibility.medianMillis()));
        summary.put("targets", targets);
        String stem = BenchReport.stem(started, "load");
        Path json = new BenchReport("load", started.toString(), machine, params, results, summary).write(options.out, stem);
        System.out.println("results: " + json);
        return 0;
    }

    /** The benchmark's Parquet file, made once per row count with DuckDB's range(): readings of 1,000 devices. */
    private Path parquet(Path base) throws IOException, SQLException {
        Path file = base.resolve("readings-" + rows + ".parquet");
        if (Files.exists(file)) {
            return file;
        }
        System.err.println("== data: " + rows + " rows into " + file);
        Path partial = base.resolve(file.getFileName() + ".partial");
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement s = duck.createStatement()) {
            s.execute("COPY (SELECT i AS id, 'device-' || (hash(i) % 1000) AS device_id, "
                    + "TIMESTAMP '2024-01-01' + to_microseconds(i * 1000) AS ts, "
                    + "round((hash(i * 7) % 6000) / 100.0 - 20, 2) AS temperature, "
                    + "CAST(hash(i * 13) % 100 AS INTEGER) AS humidity FROM range(" + rows + ") t(i)) TO "
                    + Sql.literal(partial.toString()) + " (FORMAT parquet)");
        }
        return Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    }

    /** DuckDB's own load: the file into a table of a new database file, checkpointed and closed. */
    private static void duckdbOnce(Path base, Path parquet) throws SQLException, IOException {
        Path file = base.resolve("duckdb-baseline.duckdb");
        Files.deleteIfExists(file);
        Files.deleteIfExists(base.resolve("duckdb-baseline.duckdb.wal"));
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement s = duck.createStatement()) {
            s.execute("ATTACH " + Sql.literal(file.toString()) + " AS baseline");
            s.execute("CREATE TABLE baseline.t AS SELECT * FROM read_parquet(" + Sql.literal(parquet.toString()) + ")");
            s.execute("DETACH baseline");
        }
        Files.deleteIfExists(file);
    }

    /**
     * Small INSERTs, each timed from its answer (the commit is done) to the first count(*) that includes its rows;
     * one untimed INSERT first.
     */
    private Visibility visibility(MallardSqlClient client) {
        client.query("CREATE TABLE " + VISIBLE + " (id BIGINT, v DOUBLE)");
        List<Double> insertMillis = new ArrayList<>();
        List<Double> visibleMillis = new ArrayList<>();
        List<Integer> queries = new ArrayList<>();
        long expected = 0;
        for (int i = 0; i <= inserts; i++) {
            long from = (long) i * insertRows;
            long start = System.nanoTime();
            client.query("INSERT INTO " + VISIBLE + " SELECT i, i * 0.5 FROM range(" + from + ", " + (from + insertRows)
                    + ") t(i)");
            long committed = System.nanoTime();
            expected += insertRows;
            int looks = 0;
            long seen;
            do {
                seen = ((Number) client.query("SELECT count(*) FROM " + VISIBLE).rows().get(0).get(0)).longValue();
                looks++;
                if (System.nanoTime() - committed > 60_000_000_000L) {
                    throw new IllegalStateException("the rows of INSERT " + i + " were not visible a minute after its "
                            + "commit (" + seen + " of " + expected + " rows)");
                }
            } while (seen < expected);
            long visible = System.nanoTime();
            if (i > 0) {
                insertMillis.add((committed - start) / 1e6);
                visibleMillis.add((visible - committed) / 1e6);
                queries.add(looks);
            }
        }
        Samples samples = new Samples(visibleMillis);
        return new Visibility(insertMillis, visibleMillis, queries, samples.median(), samples.percentile(90), samples.max());
    }
}
