package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.client.MallardSqlClient;
import io.mallard.protocol.client.QueryRows;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * With two replicas of every shard, a worker killed with {@code kill -9} while its tasks are in flight costs its
 * queries nothing but time: each of its tasks runs again on the other holder of its shard, and the answers equal the
 * oracle. Real processes throughout.
 */
class WorkerFailoverTest {
    /** Only a hang takes this long. */
    private static final long HANG_SECONDS = 90;

    @Test
    void aWorkerKilledMidQueryIsReplacedByTheOtherReplica() throws Exception {
        try (FaultCluster cluster = FaultCluster.builder().workers(2).shards(4).replicas(2).leaseMillis(3_000).build()) {
            int victim = cluster.addWorker(2_000); // its tasks wait 2 s: the kill lands while they are in flight
            cluster.awaitServed(3, 120_000);
            List<String> sqls = List.of(DemoQueries.Q1.sql(), DemoQueries.Q3.sql());
            try (MallardSqlClient client = cluster.client(); Oracle oracle = new Oracle(cluster.oracleFile())) {
                List<CompletableFuture<QueryRows>> running = sqls.stream()
                        .map(sql -> CompletableFuture.supplyAsync(() -> client.query(sql))).toList();
                cluster.await("tasks on the victim", 30_000, () -> liveRow(cluster, victim).runningTasks() > 0);
                cluster.killWorker(victim);
                for (int i = 0; i < sqls.size(); i++) {
                    QueryRows rows = running.get(i).get(HANG_SECONDS, TimeUnit.SECONDS);
                    assertThat(oracle.difference(sqls.get(i), rows)).as(sqls.get(i)).isEmpty();
                }
                Number retried = (Number) client.query("SELECT count(*) FROM mallard.tasks WHERE attempt > 1").rows().get(0).get(0);
                assertThat(retried.longValue()).as("tasks answered by a second attempt").isPositive();
            }
        }
    }

    private static FaultCluster.WorkerRow liveRow(FaultCluster cluster, int worker) {
        return cluster.workers().stream().filter(w -> w.name().equals(cluster.workerName(worker)) && !w.state().equals("gone"))
                .reduce((first, second) -> second)
                .orElseThrow(() -> new AssertionError("no live registration of " + cluster.workerName(worker)));
    }
}
