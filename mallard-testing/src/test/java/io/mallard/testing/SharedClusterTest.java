package io.mallard.testing;

import io.mallard.client.MallardClient;
import io.mallard.oracle.Oracle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One cluster (8 shards, 3 workers, TLS), a logged-in client and the oracle, shared by a test class's tests. */
abstract class SharedClusterTest {
    static LocalCluster cluster;
    static MallardClient client;
    static Oracle oracle;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = LocalCluster.builder().shards(8).workers(3).build();
        client = cluster.client();
        oracle = new Oracle(cluster.oracleFile());
    }

    @AfterAll
    static void stopCluster() throws Exception {
        try {
            cluster.assertClean();
        } finally {
            oracle.close();
            client.close();
            cluster.close();
        }
    }
}
