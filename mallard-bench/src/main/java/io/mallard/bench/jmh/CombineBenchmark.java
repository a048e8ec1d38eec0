package io.mallard.bench.jmh;

import io.mallard.bench.sim.PartialBatch;
import io.mallard.common.duck.DuckArrow;
import io.mallard.data.queries.DemoQueries;
import io.mallard.planner.plan.DistributedPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBConnection;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The coordinator's combine: N shards' partial results for the stations GROUP BY (one 412-row Arrow batch each) handed
 * to DuckDB through {@code registerArrowStream} over Arrow C Data, and the planner's combine SQL run over them on a
 * one-thread in-memory DuckDB, as the coordinator's {@code Combiner} does. No network: this is the merge alone.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/java.nio=ALL-UNNAMED")
public class CombineBenchmark {
    @Param({"8", "100", "1000"})
    int shards;

    private BufferAllocator allocator;
    private PartialBatch partial;
    private DuckDBConnection combineDatabase;
    private String combineSql;
    private Path sample;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        allocator = new RootAllocator();
        DistributedPlan plan;
        try (Warehouse warehouse = new Warehouse()) {
            plan = warehouse.planner.plan(DemoQueries.CHALLENGE_STATIONS.sql());
        }
        combineSql = plan.combineSql();
        sample = Files.createTempFile("mallard-combine-", ".duckdb");
        Files.delete(sample);
        partial = PartialBatch.compute(sample, 200_000, plan.streams().get(0).sql(), allocator);
        Properties properties = new Properties();
        properties.setProperty("threads", "1");
        combineDatabase = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", properties);
    }

    @Benchmark
    public long combine() throws Exception {
        try (Connection connection = combineDatabase.duplicate()) {
            ArrowArrayStream stream = DuckArrow.register(connection, DistributedPlan.PARTIALS,
                    new RepeatedBatchReader(allocator, partial.schema(), partial.batch(), shards), allocator);
            try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(combineSql);
                    ArrowReader result = DuckArrow.export(rs, allocator)) {
                long rows = 0;
                while (result.loadNextBatch()) {
                    rows += result.getVectorSchemaRoot().getRowCount();
                }
                return rows;
            } finally {
                stream.close();
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        combineDatabase.close();
        partial.close();
        allocator.close();
        Files.deleteIfExists(sample);
        Files.deleteIfExists(sample.resolveSibling(sample.getFileName() + ".wal"));
    }
}
