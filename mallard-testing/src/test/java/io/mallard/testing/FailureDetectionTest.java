package io.mallard.testing;

import io.mallard.oracle.Oracle;
import io.mallard.data.queries.DemoQueries;
import io.mallard.bench.faults.FaultCluster;
import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.client.MallardSqlClient;
import io.mallard.common.rows.QueryRows;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A worker that is merely slow gets its tasks duplicated (speculation) and the faster copy answers. Real processes;
 * R = 2; a 20 s lease. (Silent and dead workers: {@link FaultInjectionTest}.)
 */
class FailureDetectionTest {
    private static final long HANG_SECONDS = 90;
    private static final String SQL = DemoQueries.Q1.sql();

    @Test
    void aSlowWorkersTasksAreDuplicatedAndTheFasterCopyAnswers() throws Exception {
        try (FaultCluster cluster = FaultCluster.builder().workers(2).shards(4).replicas(2).leaseMillis(20_000)
                .speculation(3.0, 500).build()) {
            int slow = cluster.addWorker(30_000); // far slower than any sibling, but alive and polling
            cluster.awaitServed(3, 120_000);
            cluster.ensureHoldsShards(slow, 3);
            try (MallardSqlClient client = cluster.client(); Oracle oracle = new Oracle(cluster.oracleFile())) {
                CompletableFuture<QueryRows> running = CompletableFuture.supplyAsync(() -> client.query(SQL));
                cluster.await("tasks on the slow worker", 30_000, () -> liveRow(cluster, slow).runningTasks() > 0);
                QueryRows rows = running.get(HANG_SECONDS, TimeUnit.SECONDS);
                assertThat(oracle.difference(SQL, rows)).isEmpty();
                Number duplicated = (Number) client.query("SELECT count(*) FROM mallard.tasks WHERE attempt > 1")
                        .rows().get(0).get(0);
                assertThat(duplicated.longValue()).as("tasks answered by their duplicate").isPositive();
                cluster.await("the slow worker's cancelled tasks to end", 30_000,
                        () -> liveRow(cluster, slow).runningTasks() == 0);
            }
        }
    }

    private static FaultCluster.WorkerRow row(FaultCluster cluster, String id) {
        return cluster.workers().stream().filter(w -> w.id().equals(id)).findFirst().orElseThrow();
    }

    private static FaultCluster.WorkerRow liveRow(FaultCluster cluster, int worker) {
        return cluster.workers().stream().filter(w -> w.name().equals(cluster.workerName(worker)) && !w.state().equals("gone"))
                .reduce((first, second) -> second)
                .orElseThrow(() -> new AssertionError("no live registration of " + cluster.workerName(worker)));
    }
}
