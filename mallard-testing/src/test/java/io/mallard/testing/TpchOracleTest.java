package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.client.MallardClient;
import io.mallard.common.rows.QueryRows;
import io.mallard.data.queries.NamedQuery;
import io.mallard.data.queries.TpchQueries;
import io.mallard.oracle.Oracle;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** All 22 TPC-H queries at SF 0.1, distributed over 1, 3 and 8 shards, equal one DuckDB over the same data. */
class TpchOracleTest {

    @ParameterizedTest(name = "{0} shards")
    @ValueSource(ints = {1, 3, 8})
    void everyTpchQueryMatchesTheOracle(int shards) throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().scaleFactor(0.1).shards(shards).workers(Math.min(3, shards)).build();
                MallardClient client = cluster.client();
                Oracle oracle = new Oracle(cluster.oracleFile())) {
            List<String> problems = new ArrayList<>();
            for (NamedQuery query : TpchQueries.all()) {
                try {
                    QueryRows rows = client.query(query.sql());
                    oracle.difference(query.sql(), rows).ifPresent(d -> problems.add(query.name() + ": " + d));
                } catch (RuntimeException e) {
                    problems.add(query.name() + ": " + e);
                }
            }
            assertThat(problems).isEmpty();
            cluster.assertClean();
        }
    }
}
