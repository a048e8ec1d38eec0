package io.mallard.cli.bench;

import io.mallard.bench.ComparedQuery;
import io.mallard.bench.Comparison;
import io.mallard.bench.report.BenchReport;
import io.mallard.bench.report.Machine;
import io.mallard.bench.report.MarkdownTable;
import io.mallard.data.DataParams;
import io.mallard.data.queries.DemoQueries;
import io.mallard.data.queries.NamedQuery;
import java.nio.file.Files;
import java.nio.file.Path;
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

/** {@code mallard bench challenge}: the One Trillion Row Challenge's two queries, as rows per second per core. */
@Command(name = "challenge", mixinStandardHelpOptions = true,
        description = "Time the challenge queries (count(*) and min/max/avg per station over measurements) through the "
                + "coordinator and on one DuckDB with as many threads as the workers together; report rows per second "
                + "per core. The data is generated once under --dir and reused.")
final class BenchChallengeCommand implements Callable<Integer> {
    @Mixin
    BenchOptions options;

    @Option(names = "--rows", defaultValue = "200000000", description = "Rows of measurements (default: ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--shards", defaultValue = "8", description = "Shards (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--workers", defaultValue = "2", description = "Worker processes (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--runs", defaultValue = "5", description = "Timed runs per query and side (default: ${DEFAULT-VALUE}).")
    int runs;

    /** Per query: the comparison and the throughput of both sides. */
    record ChallengeResult(ComparedQuery comparison, double mallardRowsPerSecondPerCore, double duckdbRowsPerSecondPerCore) {
    }

    @Override
    public Integer call() throws Exception {
        LocalDateTime started = LocalDateTime.now();
        Machine machine = Machine.current();
        List<ChallengeResult> results = new ArrayList<>();
        double dataSeconds;
        int threads;
        int cores;
        // the TPC-H part of the data is the smallest that generates quickly; only measurements is queried
        try (BenchCluster cluster = BenchCluster.start(options, new DataParams(0.01, rows, 42), shards, workers, System.err)) {
            dataSeconds = cluster.dataSeconds;
            threads = cluster.workerThreads;
            cores = Math.min(threads, machine.cpus());
            for (NamedQuery query : List.of(DemoQueries.CHALLENGE_COUNT, DemoQueries.CHALLENGE_STATIONS)) {
                ComparedQuery r = ComparedQuery.measure(cluster.client, cluster.duckdb, cluster.oracle, query, 1, runs);
                System.err.println("   " + BenchTpchCommand.line(r));
                results.add(r.mallard() == null ? new ChallengeResult(r, Double.NaN, Double.NaN)
                        : new ChallengeResult(r, perCore(rows, r.mallard().median(), cores), perCore(rows, r.duckdb().median(), cores)));
            }
        }
        List<ComparedQuery> comparisons = results.stream().map(ChallengeResult::comparison).toList();
        String title = String.format(Locale.ROOT, "Challenge, %,d rows: Mallard (%d workers, %d shards) vs one DuckDB "
                + "(%d threads), median ms", rows, workers, shards, threads);
        MarkdownTable table = new MarkdownTable("query", ">Mallard ms", ">DuckDB ms", ">ratio",
                ">Mallard rows/s/core", ">DuckDB rows/s/core", "check");
        for (ChallengeResult r : results) {
            ComparedQuery c = r.comparison();
            table.row(c.query(), c.mallard() == null ? "-" : String.format(Locale.ROOT, "%.1f", c.mallard().median()),
                    c.duckdb() == null ? "-" : String.format(Locale.ROOT, "%.1f", c.duckdb().median()),
                    c.ratio() == null ? "-" : String.format(Locale.ROOT, "%.2f", c.ratio()),
                    millions(r.mallardRowsPerSecondPerCore()), millions(r.duckdbRowsPerSecondPerCore()), c.check());
        }
        System.out.println();
        System.out.println("## " + title);
        System.out.println();
        System.out.print(table.render());
        System.out.println();
        System.out.println("rows per second per core: rows / median time / " + cores + " cores (both sides use "
                + threads + " threads on a " + machine.cpus() + "-core machine)");
        Map<String, Object> summary = new LinkedHashMap<>();
        List<String> targets = new ArrayList<>();
        BenchTpchCommand.ratioOf(comparisons, DemoQueries.CHALLENGE_STATIONS.name())
                .ifPresent(r -> targets.add(BenchTpchCommand.target("GROUP BY ratio", r, 1.2)));
        targets.forEach(t -> System.out.println("target " + t));
        summary.put("targets", targets);
        summary.put("dataSeconds", BenchTpchCommand.round(dataSeconds));
        System.out.printf(Locale.ROOT, "data generation and sharding (or reuse): %.1f s%n", dataSeconds);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("rows", rows);
        params.put("shards", shards);
        params.put("workers", workers);
        params.put("duckdbThreads", threads);
        params.put("cores", cores);
        params.put("runs", runs);
        String stem = BenchReport.stem(started, "challenge");
        Path json = new BenchReport("challenge", started.toString(), machine, params, results, summary).write(options.out, stem);
        Path svg = Files.writeString(options.out.resolve(stem + ".svg"), Comparison.svg(title, comparisons));
        System.out.println("results: " + json + ", chart: " + svg);
        return comparisons.stream().allMatch(ComparedQuery::matched) ? 0 : 1;
    }

    private static double perCore(long rows, double millis, int cores) {
        return rows / (millis / 1000.0) / cores;
    }

    private static String millions(double perSecond) {
        return Double.isNaN(perSecond) ? "-" : String.format(Locale.ROOT, "%.1f M", perSecond / 1e6);
    }
}
