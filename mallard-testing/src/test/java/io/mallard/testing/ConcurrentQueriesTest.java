package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.client.MallardClient;
import io.mallard.common.rows.QueryRows;
import io.mallard.data.queries.DemoQueries;
import io.mallard.data.queries.NamedQuery;
import io.mallard.oracle.Oracle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Queries running at the same time never see each other's partial results. */
class ConcurrentQueriesTest {

    @Test
    void concurrentQueriesEachEqualTheOracle() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().shards(8).workers(3).build();
                Oracle oracle = new Oracle(cluster.oracleFile())) {
            Map<String, QueryRows> expected = new ConcurrentHashMap<>();
            for (NamedQuery query : DemoQueries.ALL) {
                expected.put(query.sql(), oracle.query(query.sql()));
            }
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
                                oracle.difference(query.sql(), client.query(query.sql()))
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
            cluster.assertClean();
        }
    }
}
