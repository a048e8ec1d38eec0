package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.client.MallardClient;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.data.queries.DemoQueries;
import io.mallard.oracle.Oracle;
import io.mallard.protocol.Messages;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A worker killed with kill -9 mid-query fails that query by name, never with a partial answer; the next one succeeds. */
class WorkerFailureTest {

    @Test
    void killedWorkerFailsTheQueryByNameAndTheClusterRecovers() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().shards(8).workers(1).workerProcesses(true).leaseMillis(3_000)
                .build()) {
            WorkerHandle victim = cluster.addWorker(true, 4_000);
            cluster.awaitTrustedWorkers(2, 120_000);
            Messages.WorkerView view = cluster.status().workers().stream().filter(w -> w.name().equals(victim.name()))
                    .findFirst().orElseThrow();
            assertThat(view.trusted()).as("the victim must hold shards for this test").isNotEmpty();
            String sql = DemoQueries.Q1.sql();
            try (MallardClient client = cluster.client(); Oracle oracle = new Oracle(cluster.oracleFile())) {
                CompletableFuture<Object> running = CompletableFuture.supplyAsync(() -> client.query(sql));
                awaitRunningTasks(cluster, view.id());
                victim.kill();
                ExecutionException failure = null;
                try {
                    running.get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    failure = e;
                }
                assertThat(failure).as("a query that lost a worker must fail, not answer").isNotNull();
                MallardException error = (MallardException) failure.getCause();
                assertThat(error.code()).as(error.getMessage()).isEqualTo(ErrorCode.WORKER_FAILED);
                assertThat(error.getMessage()).contains(view.id()).contains(victim.name()).contains(Long.toString(victim.pid()));
                assertThat(view.trusted().stream().anyMatch(error.getMessage()::contains))
                        .as("names one of the victim's shards: %s", error.getMessage()).isTrue();

                assertThat(oracle.difference(sql, client.query(sql))).as("the next query").isEmpty();
                assertThat(cluster.status().workers().stream().filter(w -> w.id().equals(view.id())).findFirst()
                        .orElseThrow().state()).isEqualTo("gone");
            }
            cluster.assertClean();
        }
    }

    private static void awaitRunningTasks(LocalCluster cluster, String workerId) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            if (cluster.status().workers().stream().anyMatch(w -> w.id().equals(workerId) && w.runningTasks() > 0)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no task reached " + workerId);
    }
}
