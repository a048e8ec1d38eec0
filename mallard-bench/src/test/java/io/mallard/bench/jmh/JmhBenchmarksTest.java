package io.mallard.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.planner.plan.Strategy;
import org.junit.jupiter.api.Test;

/**
 * The JMH benchmarks' own bodies, run once each outside JMH (`mallard bench jmh` times them): a benchmark that no
 * longer works would otherwise only fail when someone runs it.
 */
class JmhBenchmarksTest {
    @Test
    void combiningManyCopiesOfAPartialResultYieldsItsGroupsOnce() throws Exception {
        long one = combine(1);
        long eight = combine(8);
        assertThat(one).as("stations in the sample's partial result").isGreaterThan(400);
        assertThat(eight).as("eight shards' copies merge into the same groups").isEqualTo(one);
    }

    @Test
    void planningBenchmarkPlansTheTpchQueriesItTimes() throws Exception {
        assertThat(plan(1)).isEqualTo(Strategy.PUSHDOWN_AGG);
        assertThat(plan(18)).isEqualTo(Strategy.SHARD_LOCAL);
    }

    private static long combine(int shards) throws Exception {
        CombineBenchmark benchmark = new CombineBenchmark();
        benchmark.shards = shards;
        benchmark.setUp();
        try {
            return benchmark.combine();
        } finally {
            benchmark.tearDown();
        }
    }

    private static Strategy plan(int query) throws Exception {
        PlanningBenchmark benchmark = new PlanningBenchmark();
        benchmark.query = query;
        benchmark.setUp();
        try {
            return benchmark.plan().strategy();
        } finally {
            benchmark.tearDown();
        }
    }
}
