package io.mallard.cli.bench;

import io.mallard.client.MallardSqlClient;
import io.mallard.coordinator.cluster.WorkerRegistry;
import io.mallard.bench.faults.FaultCluster;
import io.mallard.bench.faults.FaultTrials;
import io.mallard.bench.faults.NetworkNamespace;
import io.mallard.common.Json;
import io.mallard.data.table.Snapshot;
import io.mallard.protocol.Messages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mallard bench faults}: faults injected into real worker processes while queries run (the fault-injection
 * suite's trials, {@link FaultTrials}), and what they cost: outcomes per family, the latency a fault adds to a query
 * that was answered by retries, the time from a stall to its detection, the coordinator's memory on a gather larger
 * than its budget, and the shards moved when a worker joins and when one drains.
 */
@Command(name = "faults", mixinStandardHelpOptions = true,
        description = "Inject kill -9, SIGSTOP and network cuts (as root) into a worker process while four queries run, "
                + "judge every answer against the oracle, and measure added latency, detection time, the coordinator's "
                + "memory on a gather larger than its budget, and shards moved on join and drain. Prints Markdown, writes "
                + "JSON; exit 1 on a wrong answer or a hang.")
final class BenchFaultsCommand implements Callable<Integer> {
    @Mixin
    BenchOptions options;

    @Option(names = "--rounds", defaultValue = "2", description = "Injections per family and moment with R = 2 "
            + "(default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--undisturbed-runs", defaultValue = "5", description = "Undisturbed runs of each query, the "
            + "latency baseline (default: ${DEFAULT-VALUE}).")
    int undisturbedRuns;

    @Option(names = "--memory-budget-mib", defaultValue = "64", description = "The coordinator's memory budget for the "
            + "gather measurement, at TPC-H SF 0.1 (default: ${DEFAULT-VALUE}).")
    int memoryBudgetMib;

    @Override
    public Integer call() throws Exception {
        LocalDateTime started = LocalDateTime.now();
        Path cache = Files.createDirectories(options.dir.resolve("faults"));
        Map<String, Object> summary = new LinkedHashMap<>();
        List<FaultTrials.Trial> trials = new ArrayList<>();
        List<Long> detections = new ArrayList<>();
        Map<String, Long> undisturbed = new LinkedHashMap<>();
        String why = NetworkNamespace.unavailableBecause();
        if (why != null) {
            System.err.println("== the network-cut family is skipped: " + why);
        }
        System.err.println("== fault trials: " + rounds + " rounds per family and moment with R = 2, one per family with R = 1");
        try (FaultTrials faults = FaultTrials.start(2, why == null, cache)) {
            undisturbed.putAll(undisturbed(faults));
            for (FaultTrials.Family family : FaultTrials.Family.values()) {
                if (family == FaultTrials.Family.CUT && !faults.canCut()) {
                    continue;
                }
                for (FaultTrials.Moment moment : FaultTrials.Moment.values()) {
                    for (int r = 0; r < rounds; r++) {
                        record(faults.run(family, moment), trials, detections);
                    }
                }
            }
            faults.useReplicas(1);
            for (FaultTrials.Family family : FaultTrials.Family.values()) {
                if (family != FaultTrials.Family.CUT || faults.canCut()) {
                    record(faults.run(family, FaultTrials.Moment.TASK_START), trials, detections);
                }
            }
        }
        summary.put("outcomes", outcomes(trials));
        summary.put("undisturbedMedianMillis", undisturbed);
        summary.put("addedLatency", addedLatency(trials, undisturbed));
        summary.put("detectionMillis", Map.of("median", median(detections), "max",
                detections.stream().mapToLong(Long::longValue).max().orElse(-1), "samples", detections.size()));
        System.err.println("   outcomes " + summary.get("outcomes") + "; added latency " + summary.get("addedLatency")
                + "; detection " + summary.get("detectionMillis"));
        System.err.println("== the coordinator's memory on a gather larger than its budget");
        summary.put("memory", section(() -> memory(cache)));
        System.err.println("   " + summary.get("memory"));
        System.err.println("== shards moved on join and drain (the coordinator's placement, 1,024 shards)");
        summary.put("placement", section(BenchFaultsCommand::placement));
        System.err.println("   " + summary.get("placement"));

        print(summary, trials);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("rounds", rounds);
        params.put("undisturbedRuns", undisturbedRuns);
        params.put("memoryBudgetMib", memoryBudgetMib);
        params.put("networkCut", why == null);
        Files.createDirectories(options.out);
        Path json = options.out.resolve(io.mallard.bench.report.BenchReport.stem(started, "faults") + ".json");
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("benchmark", "faults");
        report.put("startedAt", started.toString());
        report.put("params", params);
        report.put("summary", summary);
        report.put("trials", trials.stream().map(t -> Map.of("family", t.family().name(), "moment", t.moment().name(),
                "replicas", t.replicas(), "strategy", t.query().strategy(), "outcome", t.outcome().name(),
                "victimInvolved", t.victimInvolved(), "millis", t.millis(), "afterFaultMillis", t.afterFaultMillis(),
                "detail", t.detail())).toList());
        Files.write(json, Json.toBytes(report));
        System.out.println("results: " + json);
        boolean bad = trials.stream().anyMatch(t -> !t.outcome().acceptable(t.replicas()));
        return bad ? 1 : 0;
    }

    private static void record(FaultTrials.Injection injection, List<FaultTrials.Trial> trials, List<Long> detections) {
        injection.trials().forEach(t -> System.err.println("   " + FaultTrials.describe(t)));
        trials.addAll(injection.trials());
        if (injection.detectionMillis() >= 0) {
            detections.add(injection.detectionMillis());
        }
    }

    /** Each query's median latency without a fault, on the same cluster. */
    private Map<String, Long> undisturbed(FaultTrials faults) {
        Map<String, Long> medians = new LinkedHashMap<>();
        try (MallardSqlClient client = faults.cluster().client()) {
            for (FaultTrials.Query query : FaultTrials.QUERIES) {
                client.query(query.sql()); // warm
                List<Long> samples = new ArrayList<>();
                for (int i = 0; i < undisturbedRuns; i++) {
                    long start = System.nanoTime();
                    client.query(query.sql());
                    samples.add((System.nanoTime() - start) / 1_000_000);
                }
                medians.put(query.strategy(), median(samples));
            }
        }
        return medians;
    }

    /** Trials per family and R, by outcome. */
    private static Map<String, Map<FaultTrials.Outcome, Integer>> outcomes(List<FaultTrials.Trial> trials) {
        Map<String, Map<FaultTrials.Outcome, Integer>> counts = new LinkedHashMap<>();
        for (FaultTrials.Trial t : trials) {
            counts.computeIfAbsent(t.family() + " R=" + t.replicas(), k -> new EnumMap<>(FaultTrials.Outcome.class))
                    .merge(t.outcome(), 1, Integer::sum);
        }
        return counts;
    }

    /**
     * The latency a fault adds to a query answered by retries (R = 2, the victim took part, answered correctly): the
     * time from the fault to the answer, less the query's undisturbed latency; the median over those trials.
     */
    private static Map<String, Object> addedLatency(List<FaultTrials.Trial> trials, Map<String, Long> undisturbed) {
        Map<String, Object> added = new LinkedHashMap<>();
        for (FaultTrials.Family family : FaultTrials.Family.values()) {
            List<Long> samples = trials.stream().filter(t -> t.family() == family && t.replicas() == 2 && t.victimInvolved()
                    && t.outcome() == FaultTrials.Outcome.CORRECT && t.moment() != FaultTrials.Moment.COMBINE)
                    .map(t -> t.afterFaultMillis() - undisturbed.getOrDefault(t.query().strategy(), 0L)).toList();
            if (!samples.isEmpty()) {
                added.put(family.name(), Map.of("medianMillis", median(samples), "samples", samples.size()));
            }
        }
        return added;
    }

    /** The coordinator's peak memory on a GATHER of more than its memory budget (TPC-H SF 0.1). */
    private Map<String, Object> memory(Path cache) throws Exception {
        long budget = (long) memoryBudgetMib << 20;
        String sql = "SELECT l_shipmode, median(length(l_comment) + length(l_shipinstruct) + length(l_returnflag) "
                + "+ length(l_linestatus) + day(l_shipdate) + day(l_commitdate) + day(l_receiptdate) + l_linenumber) AS a, "
                + "median(l_extendedprice + l_discount + l_tax + l_quantity + l_partkey + l_suppkey + l_orderkey) AS b "
                + "FROM lineitem GROUP BY 1 ORDER BY 1";
        Map<String, Object> figures = new LinkedHashMap<>();
        try (FaultCluster cluster = FaultCluster.builder().cacheDir(cache).scaleFactor(0.1).shards(8).workers(2)
                .leaseMillis(10_000).coordinatorArgs("--memory-bytes", Long.toString(budget)).build();
                MallardSqlClient client = cluster.client()) {
            long rssBefore = peakRss(cluster.coordinatorPid());
            long start = System.nanoTime();
            int rows = client.query(sql).rows().size();
            long millis = (System.nanoTime() - start) / 1_000_000;
            List<Object> shipped = client.query("SELECT rows_shipped, bytes_shipped FROM mallard.queries WHERE sql = '"
                    + sql + "'").rows().get(0);
            List<Object> c = client.query("SELECT arrow_peak_bytes, spilled_bytes, budget_bytes FROM mallard.coordinator")
                    .rows().get(0);
            figures.put("budgetBytes", budget);
            figures.put("rowsGathered", shipped.get(0));
            figures.put("bytesGathered", shipped.get(1));
            figures.put("answerRows", rows);
            figures.put("millis", millis);
            figures.put("arrowPeakBytes", c.get(0));
            figures.put("spilledBytes", c.get(1));
            figures.put("processPeakRssBeforeBytes", rssBefore);
            figures.put("processPeakRssAfterBytes", peakRss(cluster.coordinatorPid()));
            figures.put("heapLimit", "-Xmx512m");
        }
        return figures;
    }

    /** A measurement that failed is reported as its error, and the others still run. */
    private static Map<String, Object> section(Measurement measurement) {
        try {
            return measurement.run();
        } catch (Exception | AssertionError e) {
            e.printStackTrace();
            return Map.of("error", String.valueOf(e.getMessage()));
        }
    }

    @FunctionalInterface
    private interface Measurement {
        Map<String, Object> run() throws Exception;
    }

    /**
     * The shards whose holders changed when a worker joined N others and when it drained again, by the coordinator's
     * own placement ({@link WorkerRegistry}: rendezvous hashing, incremental joins, rebalance after departures) over
     * 1,024 shards, R = 2, N = 2, 4, 8, 16.
     */
    private static Map<String, Object> placement() throws Exception {
        int shardCount = 1_024;
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("shards", shardCount);
        figures.put("replicas", 2);
        for (int n : List.of(2, 4, 8, 16)) {
            try (WorkerRegistry registry = new WorkerRegistry(Snapshot.empty(shardCount), f -> Path.of(f.storeKey()), "token",
                    2, 60_000, 1_000, (file, worker) -> "https://example.invalid/" + file.fileId(), id -> { })) {
                for (int w = 0; w < n; w++) {
                    registry.register(new Messages.RegisterWorker("token", "w" + w, "0", 1, 1, 0));
                }
                Map<String, Set<String>> before = assigned(registry);
                String joined = registry.register(new Messages.RegisterWorker("token", "joining", "0", 1, 1, 0)).workerId();
                Map<String, Set<String>> afterJoin = assigned(registry);
                registry.drain(joined);
                Map<String, Set<String>> afterDrain = assigned(registry);
                Map<String, Object> point = new LinkedHashMap<>();
                point.put("join", moved(before, afterJoin));
                point.put("drain", moved(afterJoin, afterDrain));
                point.put("expectedShardsMovedFraction", round(2.0 / (n + 1)));
                point.put("expectedPlacementsMovedFraction", round(1.0 / (n + 1)));
                figures.put("N=" + n, point);
            }
        }
        return figures;
    }

    /** Shard → the live workers placement assigns it to. */
    private static Map<String, Set<String>> assigned(WorkerRegistry registry) {
        Map<String, Set<String>> holders = new HashMap<>();
        for (Messages.WorkerView w : registry.status().workers()) {
            if (!w.state().equals("gone") && !w.state().equals("draining")) {
                w.assigned().forEach(shard -> holders.computeIfAbsent(shard, k -> new HashSet<>()).add(w.id()));
            }
        }
        return holders;
    }

    private static Map<String, Object> moved(Map<String, Set<String>> before, Map<String, Set<String>> after) {
        int shards = 0;
        int placements = 0;
        int movedShards = 0;
        int movedPlacements = 0;
        Set<String> all = new HashSet<>(before.keySet());
        all.addAll(after.keySet());
        for (String shard : all) {
            Set<String> was = before.getOrDefault(shard, Set.of());
            Set<String> is = after.getOrDefault(shard, Set.of());
            shards++;
            placements += is.size();
            if (!was.equals(is)) {
                movedShards++;
            }
            movedPlacements += (int) is.stream().filter(w -> !was.contains(w)).count();
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("shardsMoved", movedShards);
        figures.put("shardsMovedFraction", round((double) movedShards / shards));
        figures.put("placementsMoved", movedPlacements);
        figures.put("placementsMovedFraction", round((double) movedPlacements / placements));
        return figures;
    }

    /** The process's peak resident memory (VmHWM), or -1 where /proc does not say. */
    private static long peakRss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static void print(Map<String, Object> summary, List<FaultTrials.Trial> trials) {
        System.out.println();
        System.out.println("## Faults: outcomes per family (trials: one query of four per injection)");
        System.out.println();
        System.out.println("| family | correct | clear error | unclear error | wrong | hung |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
        @SuppressWarnings("unchecked")
        Map<String, Map<FaultTrials.Outcome, Integer>> outcomes = (Map<String, Map<FaultTrials.Outcome, Integer>>) summary
                .get("outcomes");
        outcomes.forEach((family, counts) -> System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %d | %d |%n", family,
                counts.getOrDefault(FaultTrials.Outcome.CORRECT, 0), counts.getOrDefault(FaultTrials.Outcome.CLEAR_ERROR, 0),
                counts.getOrDefault(FaultTrials.Outcome.UNCLEAR_ERROR, 0), counts.getOrDefault(FaultTrials.Outcome.WRONG, 0),
                counts.getOrDefault(FaultTrials.Outcome.HUNG, 0)));
        System.out.println();
        System.out.println("undisturbed median latency (ms): " + summary.get("undisturbedMedianMillis"));
        System.out.println("added latency of a retried query, fault to answer less undisturbed (ms): " + summary.get("addedLatency"));
        System.out.println("stall to detection (ms): " + summary.get("detectionMillis"));
        System.out.println("coordinator memory on a gather larger than its budget: " + summary.get("memory"));
        System.out.println("placement: " + summary.get("placement"));
        System.out.println("trials: " + trials.size());
    }

    private static long median(List<Long> values) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
