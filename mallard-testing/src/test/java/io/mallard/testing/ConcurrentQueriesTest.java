package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.client.MallardClient;
import io.mallard.common.rows.QueryRows;
import io.mallard.data.queries.DemoQueries;
import io.mallard.data.queries.NamedQuery;
import io.mallard.oracle.Oracle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Queries running at the same time never see each other's partial results. */
class ConcurrentQueriesTest {

    @Test
    void concurrentQueriesEachEqualTheOracle() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().shards(8).workers(3).build();
                Oracle oracle = new Oracle(cluster.oracleFile())) {
            // the oracle answers first, so that the clients below do nothing but run queries at the same time
            Map<String, QueryRows> expected = new HashMap<>();
            for (NamedQuery query : DemoQueries.ALL) {
                expected.put(query.sql(), oracle.query(query.sql()));
            }
            AtomicInteger inFlight = new AtomicInteger();
            AtomicInteger mostInFlight = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<List<String>>> results = new ArrayList<>();
            try {
                for (int t = 0; t < 4; t++) {
                    int offset = t;
                    results.add(pool.submit(() -> {
                        List<String> problems = new ArrayList<>();
                        try (MallardClient client = cluster.client()) {
                            for (int i = 0; i < 12; i++) {
                                NamedQuery query = DemoQueries.ALL.get((i + offset) % DemoQueries.ALL.size());
                                mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                                QueryRows answer;
                                try {
                                    answer = client.query(query.sql());
                                } finally {
                                    inFlight.decrementAndGet();
                                }
                                oracle.difference(query.sql(), expected.get(query.sql()), answer)
                                        .ifPresent(d -> problems.add(query.name() + ": " + d));
                            }
                        }
                        return problems;
                    }));
                }
                for (Future<List<String>> result : results) {
                    assertThat(result.get()).isEmpty();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(mostInFlight.get()).as("queries that were running at the same time").isGreaterThan(1);
            cluster.assertClean();
        }
    }
}
