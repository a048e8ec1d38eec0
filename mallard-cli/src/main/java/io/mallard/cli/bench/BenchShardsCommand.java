package io.mallard.cli.bench;

import io.mallard.bench.Samples;
import io.mallard.bench.report.BenchReport;
import io.mallard.bench.report.Machine;
import io.mallard.bench.report.MarkdownTable;
import io.mallard.common.duck.DuckArrow;
import io.mallard.common.duck.DuckLockdown;
import io.mallard.common.duck.ShardSettings;
import io.mallard.coordinator.ClusterLayout;
import io.mallard.coordinator.catalog.Catalog;
import io.mallard.coordinator.catalog.PlannerCatalog;
import io.mallard.coordinator.catalog.ReferenceCopy;
import io.mallard.coordinator.catalog.ShardReader;
import io.mallard.coordinator.catalog.TableWriter;
import io.mallard.data.DataParams;
import io.mallard.data.store.LocalShardStore;
import io.mallard.data.table.Snapshot;
import io.mallard.data.queries.NamedQuery;
import io.mallard.planner.plan.DistributedPlan;
import io.mallard.planner.plan.DistributedPlanner;
import io.mallard.planner.sql.DuckDbSqlEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mallard bench shards}: how much DuckDB work a query's worker SQL takes on all the shards together, against
 * the query on the unsharded data, both with one thread and no network: what sharding costs DuckDB itself, apart from
 * the transport and the machine's sharing. Answers are read as Arrow batches on both sides, as a worker reads them.
 */
@Command(name = "shards", mixinStandardHelpOptions = true,
        description = "DuckDB's own work per TPC-H query on the shards against the whole data: the worker SQL of every "
                + "stream run on every shard file in turn (with the workers' DuckDB settings, then with DuckDB's "
                + "defaults) beside the query on the unsharded data, one thread each, no cluster. Prints a Markdown "
                + "table and writes JSON.")
final class BenchShardsCommand implements Callable<Integer> {
    @Mixin
    BenchOptions options;

    @Mixin
    TpchOptions tpch;

    @Option(names = "--runs", defaultValue = "5", description = "Timed runs of each statement, after two untimed ones "
            + "(default: ${DEFAULT-VALUE}).")
    int runs;

    /** One query: its plan's strategy and DuckDB's time on the shards (both settings) and on the whole data. */
    record ShardWork(String query, String strategy, int streams, double shardsMs, double slowestShardMs,
            double shardsDefaultsMs, double wholeMs) {
        double ratio() {
            return shardsMs / wholeMs;
        }

        double defaultsRatio() {
            return shardsDefaultsMs / wholeMs;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (runs < 1) {
            throw new IllegalArgumentException("--runs must be at least 1");
        }
        LocalDateTime started = LocalDateTime.now();
        List<NamedQuery> selected = tpch.selected();
        BenchCluster.Data data = BenchCluster.data(options, new DataParams(tpch.scaleFactor, 0, 42), tpch.shards, System.err);
        ClusterLayout layout = new ClusterLayout(data.clusterDir());
        List<DistributedPlan> plans = new ArrayList<>();
        List<double[]> onShards;
        try (LocalShardStore store = new LocalShardStore(layout.store(), (key, worker, ttl) -> {
                    throw new IllegalStateException("no downloads here");
                });
                Catalog catalog = Catalog.open(layout.catalog(), store, layout.work().resolve("cache"));
                TableWriter writer = new TableWriter(catalog, layout.work(), List.of(layout.store()));
                BufferAllocator allocator = new RootAllocator();
                ReferenceCopy reference = ReferenceCopy.build(layout.work().resolve("bench-reference.duckdb"),
                        catalog.snapshot(), writer, allocator, 1)) {
            Snapshot snapshot = catalog.snapshot();
            DistributedPlanner planner = new DistributedPlanner(new PlannerCatalog(() -> snapshot),
                    new DuckDbSqlEngine(reference.planning()));
            for (NamedQuery query : selected) {
                plans.add(planner.plan(query.sql()));
            }
            System.err.println("== shards, with the workers' settings (disabled_optimizers = '"
                    + ShardSettings.DISABLED_OPTIMIZERS + "') and DuckDB's defaults in turn");
            onShards = onShards(snapshot, catalog, plans);
        }
        System.err.println("== the unsharded data");
        List<Double> whole = new ArrayList<>();
        try (Connection oracle = open(data.oracleFile(), true)) {
            for (NamedQuery query : selected) {
                whole.add(median(oracle, query.sql()));
            }
        }
        List<ShardWork> results = new ArrayList<>();
        for (int i = 0; i < selected.size(); i++) {
            DistributedPlan plan = plans.get(i);
            double[] work = onShards.get(i);
            results.add(new ShardWork(selected.get(i).name(), plan.strategy().name(), plan.streams().size(), work[0],
                    work[1], work[2], whole.get(i)));
        }
        print(results);
        Map<String, Object> summary = new LinkedHashMap<>();
        List<ShardWork> sharded = results.stream().filter(r -> r.streams() > 0).toList();
        summary.put("geometricMeanWorkRatio",
                BenchTpchCommand.round(Samples.geometricMean(sharded.stream().map(ShardWork::ratio).toList())));
        summary.put("geometricMeanWorkRatioDuckDbDefaults",
                BenchTpchCommand.round(Samples.geometricMean(sharded.stream().map(ShardWork::defaultsRatio).toList())));
        Map<String, Object> runParams = new LinkedHashMap<>();
        runParams.put("scaleFactor", tpch.scaleFactor);
        runParams.put("shards", tpch.shards);
        runParams.put("runs", runs);
        runParams.put("threads", 1);
        runParams.put("disabledOptimizers", ShardSettings.DISABLED_OPTIMIZERS);
        String stem = BenchReport.stem(started, "shards");
        Path json = new BenchReport("shards", started.toString(), Machine.current(), runParams, results, summary)
                .write(options.out, stem);
        System.out.printf(Locale.ROOT, "geometric mean of work ratios over %d pushed-down queries: %s with the workers' "
                + "settings, %s with DuckDB's defaults%n", sharded.size(), summary.get("geometricMeanWorkRatio"),
                summary.get("geometricMeanWorkRatioDuckDbDefaults"));
        System.out.println("results: " + json);
        return 0;
    }

    /**
     * Per plan: the sum over streams and shards of the median time with the workers' settings, the slowest shard's, and
     * the sum with DuckDB's defaults. The two settings take turns run by run on the same connection, so that both
     * see the same caches and the same machine.
     */
    private List<double[]> onShards(Snapshot snapshot, Catalog catalog, List<DistributedPlan> plans)
            throws SQLException, IOException {
        List<Connection> shards = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator()) {
            Properties settings = new Properties();
            settings.setProperty("threads", "1");
            for (int shard = 0; shard < snapshot.shardCount(); shard++) {
                shards.add(ShardReader.open(snapshot, shard, catalog::localCopy, settings));
            }
            List<double[]> out = new ArrayList<>();
            for (DistributedPlan plan : plans) {
                double tuned = 0;
                double slowest = 0;
                double defaults = 0;
                for (DistributedPlan.WorkerStream stream : plan.streams()) {
                    for (Connection shard : shards) {
                        List<Double> withSettings = new ArrayList<>();
                        List<Double> withDefaults = new ArrayList<>();
                        try (Statement statement = shard.createStatement()) {
                            for (int i = -2; i < runs; i++) {
                                statement.execute("SET disabled_optimizers = '" + ShardSettings.DISABLED_OPTIMIZERS + "'");
                                double a = time(statement, stream.sql(), allocator);
                                statement.execute("RESET disabled_optimizers");
                                double b = time(statement, stream.sql(), allocator);
                                if (i >= 0) {
                                    withSettings.add(a);
                                    withDefaults.add(b);
                                }
                            }
                        }
                        double ms = new Samples(withSettings).median();
                        tuned += ms;
                        slowest = Math.max(slowest, ms);
                        defaults += new Samples(withDefaults).median();
                    }
                }
                out.add(new double[] {tuned, slowest, defaults});
            }
            return out;
        } finally {
            for (Connection c : shards) {
                c.close();
            }
        }
    }

    /** The median time to run {@code sql} and read its answer as Arrow batches, the way a worker does. */
    private double median(Connection connection, String sql) throws SQLException, IOException {
        List<Double> millis = new ArrayList<>();
        try (Statement statement = connection.createStatement(); BufferAllocator allocator = new RootAllocator()) {
            for (int i = -2; i < runs; i++) {
                double ms = time(statement, sql, allocator);
                if (i >= 0) {
                    millis.add(ms);
                }
            }
        }
        return new Samples(millis).median();
    }

    private static double time(Statement statement, String sql, BufferAllocator allocator) throws SQLException, IOException {
        long start = System.nanoTime();
        try (ResultSet rs = statement.executeQuery(sql); ArrowReader reader = DuckArrow.export(rs, allocator)) {
            while (reader.loadNextBatch()) {
                // drain
            }
        }
        return (System.nanoTime() - start) / 1e6;
    }

    /**
     * A read-only DuckDB with one thread, without external access; locked against setting changes unless the bench
     * switches the shard settings on it.
     */
    private static DuckDBConnection open(Path file, boolean locked) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("duckdb.read_only", "true");
        properties.setProperty("threads", "1");
        properties.setProperty("enable_external_access", "false");
        DuckDBConnection connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file, properties);
        try {
            if (locked) {
                DuckLockdown.apply(connection);
            }
            return connection;
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }

    private static void print(List<ShardWork> results) {
        MarkdownTable table = new MarkdownTable("query", "strategy", "shards ms", "slowest shard ms",
                "shards ms (DuckDB defaults)", "whole data ms", "work ratio", "work ratio (defaults)");
        for (ShardWork r : results) {
            boolean sharded = r.streams() > 0;
            table.row(r.query(), r.strategy(), sharded ? ms(r.shardsMs()) : "–", sharded ? ms(r.slowestShardMs()) : "–",
                    sharded ? ms(r.shardsDefaultsMs()) : "–", ms(r.wholeMs()),
                    sharded ? String.format(Locale.ROOT, "%.2f", r.ratio()) : "–",
                    sharded ? String.format(Locale.ROOT, "%.2f", r.defaultsRatio()) : "–");
        }
        System.out.println();
        System.out.print(table.render());
        System.out.println();
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.1f", v);
    }
}
