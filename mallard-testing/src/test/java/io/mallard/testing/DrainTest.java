package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.client.MallardSqlClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Planned departures, with real processes and queries running all along: a worker stopped with SIGTERM and one an
 * administrator drains ({@code CALL mallard_drain('…')}) each finish their tasks, wait until another worker proved
 * their shards, and exit; no query fails and every answer equals the oracle. R = 1, so every shard must move.
 */
class DrainTest {
    @Test
    void workersLeavingBySigtermOrByAnAdministratorsDrainFailNoQuery() throws Exception {
        try (FaultCluster cluster = FaultCluster.builder().workers(1).shards(8).build()) {
            int terminated = cluster.addWorker(300);
            int drained = cluster.addWorker(300);
            cluster.awaitServed(3, 120_000);
            List<String> sqls = List.of(DemoQueries.Q1.sql(), DemoQueries.Q3.sql(), DemoQueries.CHALLENGE_STATIONS.sql());
            List<String> problems = new CopyOnWriteArrayList<>();
            AtomicInteger answered = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            Thread load = new Thread(() -> {
                try (MallardSqlClient client = cluster.client(); Oracle oracle = new Oracle(cluster.oracleFile())) {
                    for (int i = 0; !stop.get(); i = (i + 1) % sqls.size()) {
                        try {
                            oracle.difference(sqls.get(i), client.query(sqls.get(i))).ifPresent(problems::add);
                            answered.incrementAndGet();
                        } catch (RuntimeException e) {
                            problems.add(sqls.get(i) + ": " + e);
                        }
                    }
                } catch (Exception e) {
                    problems.add(e.toString());
                }
            }, "load");
            load.start();
            try {
                cluster.await("queries to run", 60_000, () -> answered.get() >= 3);
                cluster.terminateWorker(terminated);
                cluster.awaitWorkerExit(terminated, 120_000);
                int afterFirst = answered.get();

                try (MallardSqlClient admin = cluster.client()) {
                    String outcome = (String) admin.query("CALL mallard_drain('" + cluster.workerName(drained) + "')")
                            .rows().get(0).get(0);
                    assertThat(outcome).contains(cluster.workerName(drained)).contains("draining");
                }
                cluster.awaitWorkerExit(drained, 120_000);
                cluster.await("queries after both left", 60_000, () -> answered.get() >= afterFirst + 3);
            } finally {
                stop.set(true);
                load.join();
            }
            assertThat(problems).as("no query may fail or differ because of a drain").isEmpty();
            List<FaultCluster.WorkerRow> rows = cluster.workers();
            for (int left : List.of(terminated, drained)) {
                assertThat(rows.stream().filter(w -> w.name().equals(cluster.workerName(left))).map(FaultCluster.WorkerRow::state))
                        .as("%s left cleanly", cluster.workerName(left)).containsOnly("gone");
            }
            assertThat(cluster.isServed(1)).as("the remaining worker serves every shard").isTrue();
        }
    }
}
