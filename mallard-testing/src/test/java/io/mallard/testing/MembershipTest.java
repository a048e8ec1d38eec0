package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.client.MallardClient;
import io.mallard.data.queries.DemoQueries;
import io.mallard.oracle.Oracle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Workers join while queries run: shards move by rendezvous hashing and every answer stays exact. */
class MembershipTest {

    @Test
    void workersJoiningDuringQueriesNeverChangeAnAnswer() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().shards(8).workers(1).build();
                MallardClient client = cluster.client();
                Oracle oracle = new Oracle(cluster.oracleFile())) {
            List<String> sqls = List.of(DemoQueries.Q1.sql(), DemoQueries.Q3.sql(), DemoQueries.CHALLENGE_STATIONS.sql());
            AtomicBoolean stop = new AtomicBoolean();
            List<String> problems = new ArrayList<>();
            int[] answered = {0};
            Thread load = new Thread(() -> {
                for (int i = 0; !stop.get(); i = (i + 1) % sqls.size()) {
                    try {
                        Optional<String> difference = oracle.difference(sqls.get(i), client.query(sqls.get(i)));
                        difference.ifPresent(problems::add);
                        answered[0]++;
                    } catch (Exception e) {
                        problems.add(e.toString());
                    }
                }
            });
            load.start();
            try {
                cluster.addWorker(false, 0);
                cluster.addWorker(false, 0);
                cluster.awaitTrustedWorkers(3, 60_000);
                Thread.sleep(1_000);
            } finally {
                stop.set(true);
                load.join();
            }
            assertThat(problems).isEmpty();
            assertThat(answered[0]).isGreaterThan(3);
            long holders = cluster.status().workers().stream().filter(w -> !w.trusted().isEmpty()).count();
            assertThat(holders).as("shards spread over the new workers").isGreaterThan(1);
            cluster.assertClean();
        }
    }
}
