package io.mallard.cli.bench;

import io.mallard.bench.QueryStats;
import io.mallard.bench.Samples;
import io.mallard.bench.SingleDuckDb;
import io.mallard.bench.Timing;
import io.mallard.bench.report.BenchReport;
import io.mallard.bench.report.Machine;
import io.mallard.bench.report.MarkdownTable;
import io.mallard.bench.report.SvgBarChart;
import io.mallard.client.MallardClient;
import io.mallard.data.DataParams;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mallard bench overhead}: the fixed cost of a query on a tiny table, through the whole path. */
@Command(name = "overhead", mixinStandardHelpOptions = true,
        description = "Latency of a query on a tiny table through client, coordinator, every worker and the combine, "
                + "over many runs (median and p90); beside a LOCAL query (coordinator only) and one DuckDB.")
final class BenchOverheadCommand implements Callable<Integer> {
    static final String DISTRIBUTED = "SELECT count(*) FROM measurements";
    static final String LOCAL = "SELECT count(*) FROM nation";

    @Mixin
    BenchOptions options;

    @Option(names = "--workers", defaultValue = "3", description = "Worker processes (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--shards", defaultValue = "8", description = "Shards (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--rows", defaultValue = "10000", description = "Rows of the tiny measurements table (default: ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--runs", defaultValue = "200", description = "Timed runs per query (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmups", defaultValue = "30", description = "Untimed runs first, at least (default: ${DEFAULT-VALUE}).")
    int warmups;

    @Option(names = "--warmup-seconds", defaultValue = "60", description = "Untimed runs for at least this long first, "
            + "so that the JIT compilers of every process have settled (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--in-process", description = "Run the coordinator and the workers in this JVM (one process, one "
            + "JIT) instead of one process each: the path's own cost without the operating system switching between "
            + "five JVMs on few cores.")
    boolean inProcess;

    /**
     * One measured path: what ran, its latency, the CPU time per run of the processes that served it (the cluster's
     * processes, or with {@code --in-process} this JVM including the client; null for the in-process DuckDB), and for
     * the distributed query the coordinator's phase medians.
     */
    record PathResult(String path, String sql, Timing latency, Double cpuMillisPerRun, Map<String, Double> coordinatorPhaseMedians) {
    }

    /** The cluster a run measures: its client, the single-DuckDB baseline, and the CPU time its processes used so far. */
    private record Target(MallardClient client, SingleDuckDb duckdb, Supplier<Duration> cpu, AutoCloseable resources)
            implements AutoCloseable {
        @Override
        public void close() throws Exception {
            resources.close();
        }
    }

    private Target start() throws Exception {
        DataParams params = new DataParams(0.01, rows, 42);
        if (!inProcess) {
            BenchCluster cluster = BenchCluster.start(options, params, shards, workers, System.err);
            return new Target(cluster.client, cluster.duckdb, cluster::clusterCpuTime, cluster);
        }
        BenchCluster.Data data = BenchCluster.data(options, params, shards, System.err);
        System.err.println("== cluster: coordinator and " + workers + " workers in this JVM (TLS)");
        InProcessCluster cluster = InProcessCluster.start(data.clusterDir(), workers, 120_000);
        MallardClient client = null;
        try {
            client = cluster.client();
            SingleDuckDb duckdb = new SingleDuckDb(data.oracleFile(), workers * Runtime.getRuntime().availableProcessors());
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            MallardClient opened = client;
            return new Target(client, duckdb, () -> Duration.ofNanos(os.getProcessCpuTime()), () -> {
                try (InProcessCluster c = cluster; MallardClient m = opened; SingleDuckDb d = duckdb) {
                    // closed in reverse order
                }
            });
        } catch (Exception e) {
            if (client != null) {
                client.close();
            }
            cluster.close();
            throw e;
        }
    }

    @Override
    public Integer call() throws Exception {
        LocalDateTime started = LocalDateTime.now();
        Machine machine = Machine.current();
        List<PathResult> results = new ArrayList<>();
        try (Target cluster = start()) {
            System.err.println("== " + warmups + " warm-up runs and " + warmupSeconds + " s at least, then " + runs
                    + " timed runs per path");
            Measured distributed = time(() -> cluster.client.query(DISTRIBUTED), cluster.cpu);
            Map<String, Double> phases = phaseMedians(cluster.client, Math.min(runs, 50));
            results.add(new PathResult("distributed (" + shards + " shards on " + workers + " workers)", DISTRIBUTED,
                    Timing.of(distributed.samples), distributed.cpuMillisPerRun, phases));
            Measured local = time(() -> cluster.client.query(LOCAL), cluster.cpu);
            results.add(new PathResult("coordinator only (LOCAL)", LOCAL, Timing.of(local.samples), local.cpuMillisPerRun, Map.of()));
            Measured duckdb = time(() -> cluster.duckdb.query(DISTRIBUTED), () -> Duration.ZERO);
            results.add(new PathResult("single DuckDB, in process", DISTRIBUTED, Timing.of(duckdb.samples), null, Map.of()));
        }
        MarkdownTable table = new MarkdownTable("path", "query", ">median ms", ">p90 ms", ">min ms", ">max ms",
                inProcess ? ">CPU ms per run (this JVM)" : ">CPU ms per run (cluster processes)");
        for (PathResult r : results) {
            table.row(r.path(), r.sql(), fmt(r.latency().median()), fmt(r.latency().p90()), fmt(r.latency().min()),
                    fmt(r.latency().max()), r.cpuMillisPerRun() == null ? "–" : fmt(r.cpuMillisPerRun()));
        }
        String title = String.format(Locale.ROOT, "Overhead: %,d-row table, %d workers%s, %d runs", rows, workers,
                inProcess ? " in one JVM" : "", runs);
        System.out.println();
        System.out.println("## " + title);
        System.out.println();
        System.out.print(table.render());
        System.out.println();
        Map<String, Double> phases = results.get(0).coordinatorPhaseMedians();
        System.out.println("coordinator timeline of the distributed query (EXPLAIN ANALYZE, medians, ms since the statement arrived): "
                + phases);
        double median = results.get(0).latency().median();
        String target = BenchTpchCommand.target("median latency with " + workers + " workers (ms)", median, 10);
        System.out.println("target " + target);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("workers", workers);
        params.put("shards", shards);
        params.put("rows", rows);
        params.put("runs", runs);
        params.put("warmups", warmups);
        params.put("warmup_seconds", warmupSeconds);
        params.put("in_process", inProcess);
        String stem = BenchReport.stem(started, "overhead");
        Path json = new BenchReport("overhead", started.toString(), machine, params, results,
                Map.of("targets", List.of(target))).write(options.out, stem);
        List<List<SvgBarChart.Bar>> bars = results.stream().map(r -> List.of(new SvgBarChart.Bar(r.latency().median(),
                r.latency().min(), r.latency().p90()))).toList();
        Path svg = Files.writeString(options.out.resolve(stem + ".svg"), SvgBarChart.horizontal(title
                + " (median, whisker min–p90)", "ms", results.stream().map(r -> r.path().replaceAll(" \\(.*", "")).toList(),
                List.of(new SvgBarChart.Series("latency", "#3b6fb6")), bars,
                results.stream().map(r -> fmt(r.latency().median()) + " ms").toList()));
        System.out.println("results: " + json + ", chart: " + svg);
        return 0;
    }

    /** A query run by the benchmark; its answer is dropped. */
    @FunctionalInterface
    interface Run {
        Object run() throws Exception;
    }

    /** The latencies of the timed runs, and the CPU time the serving processes spent per run meanwhile. */
    private record Measured(Samples samples, double cpuMillisPerRun) {
    }

    private Measured time(Run run, Supplier<Duration> cpu) throws Exception {
        long warmUntil = System.nanoTime() + (long) (warmupSeconds * 1e9);
        for (int i = 0; i < warmups || System.nanoTime() < warmUntil; i++) {
            run.run();
        }
        List<Double> millis = new ArrayList<>(runs);
        Duration cpuBefore = cpu.get();
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            run.run();
            millis.add((System.nanoTime() - start) / 1e6);
        }
        return new Measured(new Samples(millis), cpu.get().minus(cpuBefore).toNanos() / 1e6 / runs);
    }

    private static Map<String, Double> phaseMedians(MallardClient client, int count) {
        Map<String, List<Double>> phases = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            QueryStats.analyze(client, DISTRIBUTED).phases()
                    .forEach((name, ms) -> phases.computeIfAbsent(name, k -> new ArrayList<>()).add(ms));
        }
        Map<String, Double> medians = new LinkedHashMap<>();
        phases.forEach((name, values) -> medians.put(name, Math.round(new Samples(values).median() * 100) / 100.0));
        return medians;
    }

    private static String fmt(double millis) {
        return String.format(Locale.ROOT, "%.2f", millis);
    }
}
