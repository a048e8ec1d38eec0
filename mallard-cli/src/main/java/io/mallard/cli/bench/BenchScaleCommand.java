package io.mallard.cli.bench;

import io.mallard.bench.ComparedQuery;
import io.mallard.bench.QueryStats;
import io.mallard.bench.Samples;
import io.mallard.bench.Timing;
import io.mallard.bench.report.BenchReport;
import io.mallard.bench.report.Machine;
import io.mallard.bench.report.MarkdownTable;
import io.mallard.bench.report.SvgBarChart;
import io.mallard.bench.sim.SimulatedCluster;
import io.mallard.common.rows.QueryRows;
import io.mallard.data.DataParams;
import io.mallard.data.queries.DemoQueries;
import io.mallard.data.queries.NamedQuery;
import io.mallard.data.queries.TpchQueries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mallard bench scale}: time against worker count, with real worker processes or simulated workers. */
@Command(name = "scale", mixinStandardHelpOptions = true,
        description = "Time queries against the number of workers on the same data (--workers, real processes), and/or "
                + "measure the coordinator alone with up to thousands of simulated workers, each answering the stations "
                + "GROUP BY with a 412-row partial result (--simulated): fan-out plus merge per query.")
final class BenchScaleCommand implements Callable<Integer> {
    private static final String[] COLORS = {"#3b6fb6", "#e0a030", "#5aa05a", "#b04a4a", "#8a6bb8", "#4ab0b0"};

    @Mixin
    BenchOptions options;

    @Option(names = "--workers", split = ",", description = "Worker process counts, e.g. 1,2,4 (the default when "
            + "--simulated is not given).")
    List<Integer> workerCounts;

    @Option(names = "--simulated", split = ",", description = "Simulated worker counts, e.g. 1,10,100,1000.")
    List<Integer> simulatedCounts;

    @Option(names = "--sf", defaultValue = "0.1", description = "TPC-H scale factor for --workers (default: ${DEFAULT-VALUE}).")
    double scaleFactor;

    @Option(names = "--shards", defaultValue = "8", description = "Shards for --workers (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--queries", split = ",", defaultValue = "1,3,6,12",
            description = "TPC-H queries for --workers (default: ${DEFAULT-VALUE}).")
    List<Integer> queries;

    @Option(names = "--runs", defaultValue = "5", description = "Timed runs per point (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup-seconds", defaultValue = "60", description = "For --simulated: untimed queries for at least "
            + "this long (and three at least) before each point's timed runs, so that the JIT has compiled the "
            + "coordinator's paths; with 1,000 workers on two cores 20 s is not enough (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    /** One point of the worker-count curve. */
    record WorkerPoint(int workers, List<ComparedQuery> queries) {
    }

    /** One simulated cluster size: the query's latency and the coordinator's phase medians. */
    record SimulatedPoint(int workers, double setupSeconds, int partialRows, Timing latency,
            Map<String, Double> coordinatorPhaseMedians, String check, long uploadFailures) {
    }

    @Override
    public Integer call() throws Exception {
        LocalDateTime started = LocalDateTime.now();
        Machine machine = Machine.current();
        boolean ok = true;
        Map<String, Object> results = new LinkedHashMap<>();
        List<String> targets = new ArrayList<>();
        StringBuilder svg = new StringBuilder();
        List<Integer> counts = workerCounts != null ? workerCounts : simulatedCounts == null ? List.of(1, 2, 4) : List.of();
        if (!counts.isEmpty()) {
            List<WorkerPoint> points = workerCurve(counts);
            ok &= points.stream().allMatch(p -> p.queries().stream().allMatch(ComparedQuery::matched));
            results.put("workers", points);
            svg.append(workerChart(points));
        }
        if (simulatedCounts != null && !simulatedCounts.isEmpty()) {
            List<SimulatedPoint> points = simulatedCurve(simulatedCounts);
            ok &= points.stream().allMatch(p -> "MATCH".equals(p.check()));
            results.put("simulated", points);
            points.stream().filter(p -> p.workers() == 1000).findFirst().ifPresent(p -> targets.add(
                    BenchTpchCommand.target("simulated 1,000-worker fan-out + merge median (ms)", p.latency().median(), 250)));
            svg.append(simulatedChart(points));
        }
        targets.forEach(t -> System.out.println("target " + t));
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("workers", counts);
        params.put("simulated", simulatedCounts == null ? List.of() : simulatedCounts);
        params.put("scaleFactor", scaleFactor);
        params.put("shards", shards);
        params.put("queries", queries);
        params.put("runs", runs);
        params.put("warmupSeconds", warmupSeconds);
        String stem = BenchReport.stem(started, "scale");
        Path json = new BenchReport("scale", started.toString(), machine, params, results, Map.of("targets", targets))
                .write(options.out, stem);
        Path chart = Files.writeString(options.out.resolve(stem + ".svg"), svg.toString().contains("</svg>\n<svg")
                ? combine(svg.toString()) : svg.toString());
        System.out.println("results: " + json + ", chart: " + chart);
        return ok ? 0 : 1;
    }

    private List<WorkerPoint> workerCurve(List<Integer> counts) throws Exception {
        List<NamedQuery> selected = queries.stream().map(TpchQueries::query).toList();
        List<WorkerPoint> points = new ArrayList<>();
        for (int workers : counts) {
            try (BenchCluster cluster = BenchCluster.start(options, new DataParams(scaleFactor, 0, 42), shards, workers, System.err)) {
                List<ComparedQuery> measured = new ArrayList<>();
                for (NamedQuery query : selected) {
                    ComparedQuery r = ComparedQuery.measure(cluster.client, cluster.duckdb, cluster.oracle, query, 1, runs);
                    System.err.println("   " + workers + " workers: " + BenchTpchCommand.line(r));
                    measured.add(r);
                }
                points.add(new WorkerPoint(workers, measured));
            }
        }
        List<String> header = new ArrayList<>(List.of("query"));
        counts.forEach(c -> header.add(">" + c + (c == 1 ? " worker ms" : " workers ms")));
        MarkdownTable table = new MarkdownTable(header.toArray(String[]::new));
        for (int q = 0; q < selected.size(); q++) {
            List<Object> row = new ArrayList<>(List.of(selected.get(q).name()));
            for (WorkerPoint p : points) {
                ComparedQuery r = p.queries().get(q);
                row.add(r.mallard() == null ? "failed" : String.format(Locale.ROOT, "%.1f", r.mallard().median())
                        + (r.matched() ? "" : " (wrong)"));
            }
            table.row(row.toArray());
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "## Time against worker processes: TPC-H SF %s, %d shards, median ms of %d runs%n%n",
                scaleFactor, shards, runs);
        System.out.print(table.render());
        System.out.println();
        return points;
    }

    private List<SimulatedPoint> simulatedCurve(List<Integer> counts) throws Exception {
        String sql = DemoQueries.CHALLENGE_STATIONS.sql();
        List<SimulatedPoint> points = new ArrayList<>();
        for (int count : counts) {
            Path dir = Files.createDirectories(options.dir.resolve("simulated")).resolve(count + "-workers-" + System.nanoTime());
            System.err.println("== " + count + " simulated workers (coordinator in this process, directory " + dir + ")");
            try (SimulatedCluster cluster = SimulatedCluster.start(dir, count, sql, System.err)) {
                QueryRows last = null;
                long warmUntil = System.nanoTime() + (long) (warmupSeconds * 1e9);
                for (int i = 0; i < 3 || System.nanoTime() < warmUntil; i++) {
                    last = cluster.client().query(sql);
                }
                List<Double> millis = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    long start = System.nanoTime();
                    last = cluster.client().query(sql);
                    millis.add((System.nanoTime() - start) / 1e6);
                }
                Optional<String> difference = cluster.difference(sql, last);
                Map<String, List<Double>> phases = new LinkedHashMap<>();
                for (int i = 0; i < Math.min(runs, 10); i++) {
                    QueryStats.analyze(cluster.client(), sql).phases()
                            .forEach((name, ms) -> phases.computeIfAbsent(name, k -> new ArrayList<>()).add(ms));
                }
                Map<String, Double> medians = new LinkedHashMap<>();
                phases.forEach((name, values) -> medians.put(name, Math.round(new Samples(values).median() * 10) / 10.0));
                SimulatedPoint point = new SimulatedPoint(count, Math.round(cluster.setupSeconds() * 10) / 10.0,
                        cluster.partialRows(), Timing.of(new Samples(millis)), medians,
                        difference.map(d -> "DIFFERENT: " + d).orElse("MATCH"), cluster.failures());
                System.err.printf(Locale.ROOT, "   %d workers: median %.1f ms, coordinator %s, %s%n", count,
                        point.latency().median(), medians, point.check());
                points.add(point);
            }
        }
        MarkdownTable table = new MarkdownTable(">simulated workers", ">median ms", ">p90 ms", ">min–max ms",
                "coordinator timeline (medians, ms)", ">setup s", "check");
        for (SimulatedPoint p : points) {
            table.row(p.workers(), String.format(Locale.ROOT, "%.1f", p.latency().median()),
                    String.format(Locale.ROOT, "%.1f", p.latency().p90()),
                    String.format(Locale.ROOT, "%.1f–%.1f", p.latency().min(), p.latency().max()),
                    p.coordinatorPhaseMedians().toString().replaceAll("[{}]", ""), p.setupSeconds(), p.check());
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "## Coordinator fan-out + merge with simulated workers (%s, one shard each, "
                + "%d-row partial results), %d runs%n%n", "stations GROUP BY", points.isEmpty() ? 0 : points.get(0).partialRows(), runs);
        System.out.print(table.render());
        System.out.println();
        return points;
    }

    private String workerChart(List<WorkerPoint> points) {
        List<SvgBarChart.Series> series = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            series.add(new SvgBarChart.Series(points.get(i).workers() + " workers", COLORS[i % COLORS.length]));
        }
        List<String> categories = new ArrayList<>();
        List<List<SvgBarChart.Bar>> values = new ArrayList<>();
        for (int q = 0; q < queries.size(); q++) {
            categories.add(points.get(0).queries().get(q).query());
            List<SvgBarChart.Bar> bars = new ArrayList<>();
            for (WorkerPoint p : points) {
                Timing t = p.queries().get(q).mallard();
                bars.add(t == null ? SvgBarChart.Bar.of(Double.NaN) : new SvgBarChart.Bar(t.median(), t.min(), t.max()));
            }
            values.add(bars);
        }
        return SvgBarChart.horizontal(String.format(Locale.ROOT, "Mallard time against worker processes, TPC-H SF %s, median ms",
                scaleFactor), "ms", categories, series, values, List.of());
    }

    private String simulatedChart(List<SimulatedPoint> points) {
        return SvgBarChart.horizontal("Coordinator fan-out + merge against simulated workers (stations GROUP BY), median ms",
                "ms", points.stream().map(p -> p.workers() + " workers").toList(),
                List.of(new SvgBarChart.Series("fan-out + merge", COLORS[0])),
                points.stream().map(p -> List.of(new SvgBarChart.Bar(p.latency().median(), p.latency().min(),
                        p.latency().max()))).toList(),
                points.stream().map(p -> String.format(Locale.ROOT, "%.0f ms", p.latency().median())).toList());
    }

    /** Two charts in one file: the second below the first. */
    private static String combine(String twoDocuments) {
        int split = twoDocuments.indexOf("</svg>\n<svg") + "</svg>\n".length();
        String first = twoDocuments.substring(0, split);
        String second = twoDocuments.substring(split);
        int h1 = height(first);
        int h2 = height(second);
        return String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" height=\"%d\">%n"
                + "<g>%s</g>%n<g transform=\"translate(0,%d)\">%s</g>%n</svg>%n", h1 + h2, first, h1, second);
    }

    private static int height(String svg) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("height=\"(\\d+)\"").matcher(svg);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }
}
