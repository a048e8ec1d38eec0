package io.mallard.cli.bench;

import io.mallard.bench.ComparedQuery;
import io.mallard.bench.Comparison;
import io.mallard.bench.report.BenchReport;
import io.mallard.bench.report.Machine;
import io.mallard.common.MallardException;
import io.mallard.data.DataParams;
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

/** {@code mallard bench tpch}: every TPC-H query through the coordinator beside a single DuckDB. */
@Command(name = "tpch", mixinStandardHelpOptions = true,
        description = "Time TPC-H queries through the coordinator's client endpoint and on one DuckDB over the unsharded "
                + "data with as many threads as all workers together, interleaved and warm. Prints a Markdown table, "
                + "writes JSON and an SVG chart, and checks every answer against the oracle (exit 1 on a mismatch).")
final class BenchTpchCommand implements Callable<Integer> {
    @Mixin
    BenchOptions options;

    @Mixin
    TpchOptions tpch;

    @Option(names = "--workers", defaultValue = "2", description = "Worker processes (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--runs", defaultValue = "5", description = "Timed runs per query and side (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmups", defaultValue = "5", description = "Untimed runs per query and side first, which also let the JIT of every process settle (default: ${DEFAULT-VALUE}).")
    int warmups;

    @Option(names = "--warmup-seconds", defaultValue = "120", description = "Before the first query is measured, run all "
            + "selected queries on both sides in turn for at least this long, so that the JIT compilers of the cluster's "
            + "processes have settled; without it the first queries measured pay for their compilations "
            + "(default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    /** Every selected query on both sides in turn, for {@link #warmupSeconds} at least; answers are not checked here. */
    private void warmUp(BenchCluster cluster, List<NamedQuery> selected) throws Exception {
        if (warmupSeconds <= 0) {
            return;
        }
        System.err.printf(Locale.ROOT, "== warming up for %.0f s: all %d queries in turn on both sides%n", warmupSeconds,
                selected.size());
        long until = System.nanoTime() + (long) (warmupSeconds * 1e9);
        int rounds = 0;
        while (System.nanoTime() < until) {
            for (NamedQuery query : selected) {
                try {
                    cluster.client.query(query.sql());
                } catch (MallardException e) {
                    continue; // reported with its measurement
                }
                cluster.duckdb.query(query.sql());
            }
            rounds++;
        }
        System.err.printf(Locale.ROOT, "   %d rounds%n", rounds);
    }

    @Override
    public Integer call() throws Exception {
        LocalDateTime started = LocalDateTime.now();
        Machine machine = Machine.current();
        List<NamedQuery> selected = tpch.selected();
        double scaleFactor = tpch.scaleFactor;
        int shards = tpch.shards;
        List<ComparedQuery> results = new ArrayList<>();
        double dataSeconds;
        int threads;
        try (BenchCluster cluster = BenchCluster.start(options, new DataParams(scaleFactor, 0, 42), shards, workers, System.err)) {
            dataSeconds = cluster.dataSeconds;
            threads = cluster.workerThreads;
            warmUp(cluster, selected);
            System.err.println("== " + selected.size() + " queries, " + warmups + " warm-up and " + runs + " timed runs each");
            for (NamedQuery query : selected) {
                ComparedQuery result = ComparedQuery.measure(cluster.client, cluster.duckdb, cluster.oracle, query, warmups, runs);
                System.err.println("   " + line(result));
                results.add(result);
            }
        }
        double geomean = Comparison.geometricMeanRatio(results);
        String title = String.format(Locale.ROOT, "TPC-H SF %s: Mallard (%d workers, %d shards) vs one DuckDB (%d threads), "
                + "median ms", scaleFactor, workers, shards, threads);
        System.out.println();
        System.out.println("## " + title);
        System.out.println();
        System.out.print(Comparison.markdown(results));
        System.out.println();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("geometricMeanRatio", round(geomean));
        summary.put("mismatches", results.stream().filter(r -> !r.matched()).map(ComparedQuery::query).toList());
        summary.put("dataSeconds", round(dataSeconds));
        List<String> targets = new ArrayList<>();
        targets.add(target("geometric mean of ratios", geomean, 1.5));
        ratioOf(results, "tpch-q1").ifPresent(r -> targets.add(target("Q1 ratio", r, 1.2)));
        ratioOf(results, "tpch-q6").ifPresent(r -> targets.add(target("Q6 ratio", r, 1.2)));
        summary.put("targets", targets);
        System.out.printf(Locale.ROOT, "geometric mean of Mallard/DuckDB ratios: %.2f over %d matching queries%n", geomean,
                results.stream().filter(ComparedQuery::matched).count());
        targets.forEach(t -> System.out.println("target " + t));
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("scaleFactor", scaleFactor);
        params.put("shards", shards);
        params.put("workers", workers);
        params.put("duckdbThreads", threads);
        params.put("runs", runs);
        params.put("warmups", warmups);
        params.put("warmupSeconds", warmupSeconds);
        String stem = BenchReport.stem(started, "tpch");
        Path json = new BenchReport("tpch", started.toString(), machine, params, results, summary).write(options.out, stem);
        Path svg = Files.writeString(options.out.resolve(stem + ".svg"), Comparison.svg(title, results));
        System.out.println("results: " + json + ", chart: " + svg);
        List<ComparedQuery> wrong = results.stream().filter(r -> !r.matched()).toList();
        if (!wrong.isEmpty()) {
            System.out.println();
            System.out.println("!!! " + wrong.size() + " QUERIES DID NOT MATCH THE ORACLE OR FAILED:");
            wrong.forEach(r -> System.out.println("!!! " + r.query() + ": " + r.check()));
            return 1;
        }
        return 0;
    }

    static String line(ComparedQuery r) {
        if (r.mallard() == null) {
            return r.query() + ": " + r.check();
        }
        return String.format(Locale.ROOT, "%-10s %-13s Mallard %8.1f ms  DuckDB %8.1f ms  ratio %6.2f  %s rows / %s shipped  %s",
                r.query(), r.strategy(), r.mallard().median(), r.duckdb().median(), r.ratio(),
                String.format(Locale.ROOT, "%,d", r.rowsShipped()), Comparison.bytes(r.bytesShipped()),
                r.matched() ? "MATCH" : r.check());
    }

    static java.util.Optional<Double> ratioOf(List<ComparedQuery> results, String name) {
        return results.stream().filter(r -> r.query().equals(name) && r.matched()).map(ComparedQuery::ratio).findFirst();
    }

    static String target(String what, double value, double limit) {
        return String.format(Locale.ROOT, "%s %.2f ≤ %.2f: %s", what, value, limit,
                Double.isNaN(value) ? "NOT MEASURED" : value <= limit ? "MET" : "MISSED");
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
