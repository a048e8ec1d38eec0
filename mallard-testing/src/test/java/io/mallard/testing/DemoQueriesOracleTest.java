package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.client.MallardClient;
import io.mallard.common.rows.QueryRows;
import io.mallard.data.queries.DemoQueries;
import io.mallard.data.queries.NamedQuery;
import io.mallard.oracle.Oracle;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every demo query, distributed over 1, 3 and 8 shards on 1, 2 and 3 workers, equals one DuckDB over the same data. */
class DemoQueriesOracleTest {

    static Stream<Arguments> topologies() {
        return Stream.of(1, 3, 8).flatMap(shards -> Stream.of(1, 2, 3).map(workers -> Arguments.of(shards, workers)));
    }

    @ParameterizedTest(name = "{0} shards on {1} workers")
    @MethodSource("topologies")
    void demoQueriesMatchTheOracle(int shards, int workers) throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().shards(shards).workers(workers).build();
                MallardClient client = cluster.client();
                Oracle oracle = new Oracle(cluster.oracleFile())) {
            for (NamedQuery query : DemoQueries.ALL) {
                QueryRows rows = client.query(query.sql());
                assertThat(rows.rows()).as(query.name()).isNotEmpty();
                assertThat(oracle.difference(query.sql(), rows)).as(query.name()).isEmpty();
            }
            cluster.assertClean();
        }
    }
}
