package io.mallard.cli.bench;

import io.mallard.bench.ComparedQuery;
import io.mallard.bench.Comparison;
import io.mallard.bench.Samples;
import io.mallard.bench.SingleDuckDb;
import io.mallard.bench.report.BenchReport;
import io.mallard.bench.report.Machine;
import io.mallard.bench.report.MarkdownTable;
import io.mallard.cli.ProcessCluster;
import io.mallard.client.MallardClient;
import io.mallard.data.DataParams;
import io.mallard.data.queries.NamedQuery;
import io.mallard.oracle.Oracle;
import io.mallard.protocol.Messages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mallard bench appends}: what many small appends cost queries, and what compaction gives back. TPC-H queries
 * are timed beside one DuckDB three times: on the loaded data, after {@code --appends} small INSERTs into
 * {@code lineitem} (each a few rows on every shard, so every shard gains a file per append), and after
 * {@code CALL mallard_compact('lineitem')}. The DuckDB baseline is a copy of the unsharded data given the same
 * INSERTs, so both sides answer the same and every answer is checked. The cluster runs without background compaction,
 * in a directory of its own that is deleted afterwards.
 */
@Command(name = "appends", mixinStandardHelpOptions = true,
        description = "Time TPC-H queries before and after many small appends to lineitem, and after compacting it, "
                + "beside one DuckDB given the same appends. Prints Markdown, writes JSON.")
final class BenchAppendsCommand implements Callable<Integer> {
    private static final String[] STAGES = {"loaded", "after appends", "after compaction"};

    @Mixin
    BenchOptions options;

    @Mixin
    TpchOptions tpch;

    @Option(names = "--workers", defaultValue = "2", description = "Worker processes (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--appends", defaultValue = "100", description = "Small INSERTs into lineitem (default: ${DEFAULT-VALUE}).")
    int appends;

    @Option(names = "--runs", defaultValue = "5", description = "Timed runs per query, side and stage (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmups", defaultValue = "3", description = "Untimed runs per query, side and stage first "
            + "(default: ${DEFAULT-VALUE}).")
    int warmups;

    @Option(names = "--warmup-seconds", defaultValue = "60", description = "All selected queries on both sides in turn "
            + "for at least this long before the first measurement (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    /** One append: about a hundred existing lineitem rows again, of orders spread over every shard. */
    static String append(int i) {
        return "INSERT INTO lineitem SELECT * FROM lineitem WHERE l_orderkey % 60000 = " + i;
    }

    @Override
    public Integer call() throws Exception {
        LocalDateTime started = LocalDateTime.now();
        Machine machine = Machine.current();
        List<NamedQuery> selected = tpch.selected();
        BenchCluster.Data data = BenchCluster.data(options, new DataParams(tpch.scaleFactor, 0, 42), tpch.shards, System.err,
                "-appends");
        Path dir = data.clusterDir();
        Path copy = dir.resolve("duckdb-appends.duckdb");
        Files.copy(data.oracleFile(), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Map<String, List<ComparedQuery>> stages = new LinkedHashMap<>();
        List<Double> appendMillis = new ArrayList<>();
        double compactionMillis;
        int threads;
        try (ProcessCluster processes = ProcessCluster.start(dir, workers, 0, System.err,
                name -> options.jvmOptions(dir.resolve("logs"), name), List.of("--no-compaction"));
                MallardClient client = processes.client()) {
            threads = client.status().workers().stream().mapToInt(Messages.WorkerView::cpus).sum();
            try (SingleDuckDb duckdb = SingleDuckDb.writable(copy, threads);
                    Connection oracleConnection = DriverManager.getConnection("jdbc:duckdb:" + copy);
                    Oracle oracle = Oracle.over(oracleConnection)) {
                warmUp(client, duckdb, selected);
                stages.put(STAGES[0], measure(client, duckdb, oracle, selected, STAGES[0]));

                System.err.println("== " + appends + " appends to lineitem");
                for (int i = 0; i < appends; i++) {
                    long start = System.nanoTime();
                    client.query(append(i));
                    appendMillis.add((System.nanoTime() - start) / 1e6);
                    duckdb.execute(append(i));
                }
                System.err.printf(Locale.ROOT, "   median append %.1f ms%n", new Samples(appendMillis).median());
                stages.put(STAGES[1], measure(client, duckdb, oracle, selected, STAGES[1]));

                System.err.println("== CALL mallard_compact('lineitem')");
                long start = System.nanoTime();
                client.query("CALL mallard_compact('lineitem')");
                compactionMillis = (System.nanoTime() - start) / 1e6;
                System.err.printf(Locale.ROOT, "   compacted in %.0f ms%n", compactionMillis);
                stages.put(STAGES[2], measure(client, duckdb, oracle, selected, STAGES[2]));
            }
        } finally {
            deleteTree(dir);
        }

        List<ComparedQuery> loaded = stages.get(STAGES[0]);
        List<ComparedQuery> appended = stages.get(STAGES[1]);
        List<ComparedQuery> compacted = stages.get(STAGES[2]);
        MarkdownTable table = new MarkdownTable("query", ">loaded ms", ">after appends ms", ">after compaction ms",
                ">appends / loaded", ">compacted / loaded", ">ratio to DuckDB: loaded", ">after appends", ">after compaction",
                "check");
        List<Double> appendSlowdowns = new ArrayList<>();
        List<Double> compactedSlowdowns = new ArrayList<>();
        for (int q = 0; q < selected.size(); q++) {
            ComparedQuery a = loaded.get(q);
            ComparedQuery b = appended.get(q);
            ComparedQuery c = compacted.get(q);
            boolean ok = a.matched() && b.matched() && c.matched();
            if (!ok) {
                table.row(a.query(), "-", "-", "-", "-", "-", "-", "-", "-", a.check() + " / " + b.check() + " / " + c.check());
                continue;
            }
            double slowAppends = b.mallard().median() / a.mallard().median();
            double slowCompacted = c.mallard().median() / a.mallard().median();
            appendSlowdowns.add(slowAppends);
            compactedSlowdowns.add(slowCompacted);
            table.row(a.query(), ms(a.mallard().median()), ms(b.mallard().median()), ms(c.mallard().median()),
                    fixed(slowAppends), fixed(slowCompacted), fixed(a.ratio()), fixed(b.ratio()), fixed(c.ratio()), "MATCH");
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("geometricMeanSlowdownAfterAppends", round(Samples.geometricMean(appendSlowdowns)));
        summary.put("geometricMeanSlowdownAfterCompaction", round(Samples.geometricMean(compactedSlowdowns)));
        for (String stage : STAGES) {
            summary.put("geometricMeanRatio " + stage, round(Comparison.geometricMeanRatio(stages.get(stage))));
        }
        summary.put("medianAppendMillis", round(new Samples(appendMillis).median()));
        summary.put("compactionMillis", round(compactionMillis));
        String title = String.format(Locale.ROOT, "TPC-H SF %s, %d shards, %d workers: %d small appends to lineitem, then "
                + "compaction (median ms)", tpch.scaleFactor, tpch.shards, workers, appends);
        System.out.println();
        System.out.println("## " + title);
        System.out.println();
        System.out.print(table.render());
        System.out.println();
        summary.forEach((k, v) -> System.out.println(k + ": " + v));
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("scaleFactor", tpch.scaleFactor);
        params.put("shards", tpch.shards);
        params.put("workers", workers);
        params.put("duckdbThreads", threads);
        params.put("appends", appends);
        params.put("append", append(0));
        params.put("runs", runs);
        params.put("warmups", warmups);
        params.put("warmupSeconds", warmupSeconds);
        String stem = BenchReport.stem(started, "appends");
        Path json = new BenchReport("appends", started.toString(), machine, params, stages, summary).write(options.out, stem);
        System.out.println("results: " + json);
        boolean wrong = stages.values().stream().flatMap(List::stream).anyMatch(r -> !r.matched());
        if (wrong) {
            System.out.println("!!! SOME QUERIES DID NOT MATCH THE ORACLE OR FAILED (see the check column)");
            return 1;
        }
        return 0;
    }

    private void warmUp(MallardClient client, SingleDuckDb duckdb, List<NamedQuery> selected) throws Exception {
        System.err.printf(Locale.ROOT, "== warming up for %.0f s%n", warmupSeconds);
        long until = System.nanoTime() + (long) (warmupSeconds * 1e9);
        while (System.nanoTime() < until) {
            for (NamedQuery query : selected) {
                client.query(query.sql());
                duckdb.query(query.sql());
            }
        }
    }

    private List<ComparedQuery> measure(MallardClient client, SingleDuckDb duckdb, Oracle oracle, List<NamedQuery> selected,
            String stage) throws Exception {
        System.err.println("== " + stage + ": " + selected.size() + " queries, " + warmups + " warm-up and " + runs
                + " timed runs each");
        List<ComparedQuery> results = new ArrayList<>();
        for (NamedQuery query : selected) {
            ComparedQuery result = ComparedQuery.measure(client, duckdb, oracle, query, warmups, runs);
            System.err.println("   " + BenchTpchCommand.line(result));
            results.add(result);
        }
        return results;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String ms(double millis) {
        return String.format(Locale.ROOT, millis >= 100 ? "%.0f" : "%.1f", millis);
    }

    private static String fixed(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
