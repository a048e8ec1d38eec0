package io.mallard.cli;

import io.mallard.bench.SideBySide;
import io.mallard.client.MallardClient;
import io.mallard.common.MallardException;
import io.mallard.coordinator.ClusterLayout;
import io.mallard.coordinator.bootstrap.Bootstrap;
import io.mallard.coordinator.bootstrap.BootstrapOptions;
import io.mallard.data.queries.DemoQueries;
import io.mallard.data.queries.NamedQuery;
import io.mallard.oracle.Oracle;
import io.mallard.protocol.Messages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mallard demo}: generate, shard, start a TLS cluster of separate processes, run and check the demo queries. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Generate TPC-H and measurements data, shard it, start a coordinator and worker processes with TLS, "
                + "run TPC-H Q1, Q3, Q5, Q6 and the two challenge queries distributed, and compare each with a single "
                + "DuckDB over the unsharded data. Exits 0 only if every result matches.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--dir", defaultValue = "mallard-demo", description = "Working directory (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Mixin
    DataOptions data;

    @Option(names = "--workers", defaultValue = "3", description = "Worker processes (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--runs", defaultValue = "3", description = "Timed runs per query after one warm-up; the median is shown (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--shell", description = "Leave the cluster running and open a SQL prompt against it.")
    boolean shell;

    @Option(names = "--edge", description = "The edge demo instead: three simulated devices keep their own readings "
            + "files as the worker-local table readings, joined with a central stations table; one device goes offline "
            + "and the partial-result mode is shown (docs/edge.md). Small data is enough: --sf 0.01 --rows 100000.")
    boolean edge;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        System.out.println("== data: TPC-H SF " + data.scaleFactor + ", " + data.rows + " measurements, " + data.shards + " shards");
        Bootstrap.Result made = Bootstrap.run(new BootstrapOptions(dir, data.params(), data.shards, "admin",
                null, List.of()), System.out);
        if (edge) {
            return edgeDemo(started);
        }
        System.out.println("== cluster: coordinator and " + workers + " workers (separate processes, TLS)");
        int mismatches = 0;
        List<String> summary = new ArrayList<>();
        try (ProcessCluster cluster = ProcessCluster.start(dir, workers, 0, System.out);
                MallardClient client = cluster.client();
                Oracle oracle = new Oracle(made.oracleFile())) {
            for (NamedQuery query : DemoQueries.ALL) {
                System.out.println();
                System.out.println("== " + query.name());
                System.out.println(query.sql().strip());
                try {
                    Messages.PlanDescription plan = client.explain(query.sql());
                    System.out.println("-- strategy: " + plan.strategy() + " over " + plan.shards().size() + " shards");
                    System.out.println("-- worker SQL:  " + plan.workerSql());
                    System.out.println("-- combine SQL: " + plan.combineSql());
                    SideBySide.measure(client, oracle, query.sql(), 1); // warm-up: JIT, caches, plan cache
                    SideBySide.Timing timing = SideBySide.measure(client, oracle, query.sql(), runs);
                    TablePrinter.print(timing.distributed(), 5, System.out);
                    Optional<String> difference = oracle.difference(query.sql(), timing.distributed());
                    String verdict = difference.map(d -> "DIFFERENT: " + d).orElse("MATCH");
                    if (difference.isPresent()) {
                        mismatches++;
                    }
                    System.out.printf("%s   distributed %.1f ms, single DuckDB %.1f ms (medians of " + runs + " warm runs)%n", verdict,
                            timing.distributedMillis(), timing.duckdbMillis());
                    summary.add(String.format("| %-18s | %-9s | %10.1f | %10.1f |", query.name(),
                            difference.isPresent() ? "DIFFERENT" : "MATCH", timing.distributedMillis(), timing.duckdbMillis()));
                } catch (MallardException e) {
                    mismatches++;
                    System.out.println("FAILED: " + e.describe());
                    summary.add(String.format("| %-18s | %-9s | %10s | %10s |", query.name(), "FAILED", "-", "-"));
                }
            }
            System.out.println();
            System.out.println("| query              | result    | Mallard ms | DuckDB ms  |");
            System.out.println("|--------------------|-----------|------------|------------|");
            summary.forEach(System.out::println);
            System.out.printf("%n%s in %.1f s%n", mismatches == 0 ? "ALL MATCH" : mismatches + " QUERIES DID NOT MATCH",
                    (System.nanoTime() - started) / 1e9);
            if (shell) {
                System.out.println("\nSQL prompt against the running cluster at 127.0.0.1:" + cluster.port()
                        + " (.help for commands, .quit to stop the cluster)");
                ClusterLayout layout = new ClusterLayout(dir);
                System.out.println("web page (SQL and cluster) at " + cluster.webUrl() + ": log in as admin with the "
                        + "password in " + layout.adminPassword() + "; the certificate is the demo's own (CA "
                        + layout.caCertificate() + ")");
                cluster.shell();
            }
        }
        return mismatches == 0 ? 0 : 1;
    }

    /** {@code --edge}: one central worker and three devices with local tables ({@link EdgeDemo}). */
    private int edgeDemo(long started) throws Exception {
        System.out.println("== cluster: coordinator and one central worker (separate processes, TLS); three devices follow");
        try (ProcessCluster cluster = ProcessCluster.start(dir, 1, 0, System.out)) {
            int mismatches = new EdgeDemo(dir, System.out).run(cluster);
            System.out.printf("%n%s in %.1f s%n", mismatches == 0 ? "ALL MATCH" : mismatches + " ANSWERS DID NOT MATCH",
                    (System.nanoTime() - started) / 1e9);
            if (shell) {
                System.out.println("\nSQL prompt against the running cluster at 127.0.0.1:" + cluster.port()
                        + " (.help for commands, .quit to stop the cluster)");
                cluster.shell();
            }
            return mismatches == 0 ? 0 : 1;
        }
    }

}
