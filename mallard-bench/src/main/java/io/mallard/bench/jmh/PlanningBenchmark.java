package io.mallard.bench.jmh;

import io.mallard.data.queries.TpchQueries;
import io.mallard.planner.plan.DistributedPlan;
import java.util.concurrent.TimeUnit;
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
 * {@code DistributedPlanner.plan} on TPC-H queries: parse with DuckDB's serializer, bind, choose a strategy, split and
 * render. The coordinator caches plans by text, so this is the cost of a query's first run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/java.nio=ALL-UNNAMED")
public class PlanningBenchmark {
    @Param({"1", "3", "5", "6", "9", "18"})
    int query;

    private Warehouse warehouse;
    private String sql;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        warehouse = new Warehouse();
        sql = TpchQueries.query(query).sql();
    }

    @Benchmark
    public DistributedPlan plan() {
        return warehouse.planner.plan(sql);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        warehouse.close();
    }
}
