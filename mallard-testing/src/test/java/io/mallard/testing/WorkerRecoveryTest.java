package io.mallard.testing;

import io.mallard.bench.faults.FaultCluster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.client.MallardSqlClient;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.rows.QueryRows;
import io.mallard.data.queries.DemoQueries;
import io.mallard.oracle.Oracle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Regression tests for the wedge the fault probe found: a worker frozen past its lease (SIGSTOP, then SIGCONT) or a
 * coordinator killed with {@code kill -9} and restarted, each while a task was in flight, left the worker's task
 * threads parked on an upload nobody would read and the worker unable to reopen its shards, so every later query hung.
 * Every process here is real; each case ends with queries that must equal the oracle, none allowed to hang.
 */
class WorkerRecoveryTest {
    private static final String SQL = DemoQueries.Q1.sql();
    /** Only a hang takes this long. */
    private static final long HANG_SECONDS = 90;

    @Test
    void aWorkerFrozenPastItsLeaseMidQueryRejoinsByItselfAndServesQueries() throws Exception {
        try (FaultCluster cluster = FaultCluster.builder().workers(1).shards(4).leaseMillis(3_000).build()) {
            int victim = cluster.addWorker(2_000); // its tasks wait 2 s: the freeze lands while one is in flight
            cluster.awaitServed(2, 120_000);
            cluster.ensureHoldsShards(victim, 2);
            FaultCluster.WorkerRow before = row(cluster, victim);
            assertThat(before.trusted()).as("the victim must hold shards for this test").isNotEmpty();

            try (MallardSqlClient client = cluster.client(); Oracle oracle = new Oracle(cluster.oracleFile())) {
                CompletableFuture<QueryRows> running = CompletableFuture.supplyAsync(() -> client.query(SQL));
                cluster.await("a task on the victim", 30_000, () -> row(cluster, victim).runningTasks() > 0);
                cluster.freezeWorker(victim);
                cluster.await("the frozen worker to lose its lease", 30_000,
                        () -> cluster.workers().stream().anyMatch(w -> w.id().equals(before.id()) && w.state().equals("gone")));
                MallardException lost = failure(running);
                assertThat(lost.code()).as(lost.getMessage()).isEqualTo(ErrorCode.WORKER_FAILED);

                cluster.thawWorker(victim);
                // it registers again, under a new id, and proves its shards again: nothing wedged, nothing stuck downloading
                cluster.awaitServed(2, 60_000);
                assertThat(row(cluster, victim).id()).isNotEqualTo(before.id());
                for (int i = 0; i < 3; i++) {
                    assertThat(oracle.difference(SQL, queryWithin(client))).as("query %d after the thaw", i).isEmpty();
                }
            }
        }
    }

    @Test
    void afterTheCoordinatorIsKilledMidQueryAndRestartedQueriesWorkAgainWithoutDownloads() throws Exception {
        try (FaultCluster cluster = FaultCluster.builder().workers(1).shards(4).leaseMillis(3_000).build()) {
            int slow = cluster.addWorker(2_000); // a task of it is in flight when the coordinator dies
            cluster.awaitServed(2, 120_000);
            cluster.ensureHoldsShards(slow, 2);
            Map<Path, FileTime> shardFiles = shardFiles(cluster);
            assertThat(shardFiles).isNotEmpty();

            try (MallardSqlClient client = cluster.client()) {
                CompletableFuture<QueryRows> running = CompletableFuture.supplyAsync(() -> client.query(SQL));
                cluster.await("a task on the slow worker", 30_000, () -> row(cluster, slow).runningTasks() > 0);
                cluster.killCoordinator();
                assertThat(failure(running)).as("the client of a killed coordinator gets an error, not a hang").isNotNull();
            }
            cluster.startCoordinator();
            // the workers register again by themselves and prove the shards they kept
            cluster.awaitServed(2, 30_000);
            try (MallardSqlClient client = cluster.client(); Oracle oracle = new Oracle(cluster.oracleFile())) {
                for (int i = 0; i < 3; i++) {
                    assertThat(oracle.difference(SQL, queryWithin(client))).as("query %d after the restart", i).isEmpty();
                }
            }
            // every file a worker kept is the same file (not downloaded again); a worker may also have fetched shards of
            // the other one if it registered first, since the restarted coordinator places shards over the workers
            // registered so far (docs/operations.md, "Restart the coordinator")
            assertThat(shardFiles(cluster)).as("no kept shard file was downloaded again").containsAllEntriesOf(shardFiles);
        }
    }

    private static FaultCluster.WorkerRow row(FaultCluster cluster, int worker) {
        // the newest registration under that name (a worker that registered again has a new id)
        return cluster.workers().stream().filter(w -> w.name().equals(cluster.workerName(worker)) && !w.state().equals("gone"))
                .reduce((first, second) -> second)
                .orElseThrow(() -> new AssertionError("no live registration of " + cluster.workerName(worker)));
    }

    private static QueryRows queryWithin(MallardSqlClient client) throws Exception {
        return CompletableFuture.supplyAsync(() -> client.query(SQL)).get(HANG_SECONDS, TimeUnit.SECONDS);
    }

    private static MallardException failure(CompletableFuture<QueryRows> running) throws Exception {
        ExecutionException e = catchThrowableOfType(ExecutionException.class, () -> running.get(HANG_SECONDS, TimeUnit.SECONDS));
        assertThat(e).as("the query must fail, not answer").isNotNull();
        assertThat(e.getCause()).isInstanceOf(MallardException.class);
        return (MallardException) e.getCause();
    }

    /** Every worker's shard files with their modification times. */
    private static Map<Path, FileTime> shardFiles(FaultCluster cluster) throws IOException {
        Map<Path, FileTime> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(cluster.dir().resolve("workers"))) {
            for (Path p : paths.filter(p -> p.toString().endsWith(".duckdb")).toList()) {
                files.put(p, Files.getLastModifiedTime(p));
            }
        }
        return files;
    }
}
