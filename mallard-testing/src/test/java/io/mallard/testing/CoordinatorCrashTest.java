package io.mallard.testing;

import io.mallard.bench.faults.FaultCluster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.client.IngestOptions;
import io.mallard.client.MallardSqlClient;
import io.mallard.common.duck.DuckArrow;
import io.mallard.common.rows.QueryRows;
import io.mallard.oracle.Oracle;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of the coordinator process during a load (INSERT … SELECT, while its files are being written and
 * again once they are in the store), a bulk ingest (while the stream is written into a table's files), a CREATE TABLE …
 * AS, a DELETE, an UPDATE and a compaction. After each restart:
 * every statement the client saw succeed is in the commit log, the interrupted one is not, the tables equal one DuckDB
 * to which exactly the logged statements were applied (so no leftover file changes an answer), the store holds exactly
 * the files the current version names, and the work directory is empty. To kill "during" a commit the coordinator runs
 * with its fault injection, which stops a commit of a given kind right before it is recorded and logs it; the test
 * waits for that line (or for files in the work directory), never for a while.
 */
class CoordinatorCrashTest {
    private static final long START_MILLIS = 120_000;
    private static final String[] CHECKS = {
        "SELECT * FROM t ORDER BY ALL",
        "SELECT g, count(*), sum(x), min(id), max(id) FROM t GROUP BY g ORDER BY g",
        "SELECT count(*), sum(x) FROM t",
        "SELECT count(*), sum(k), min(v), max(v) FROM s",
    };

    /** The statements the client saw succeed: each must be in the commit log after every restart. */
    private final List<String> acknowledged = new ArrayList<>();

    @Test
    void everyCommittedChangeSurvivesAKillAndNothingElseIsVisible() throws Exception {
        try (FaultCluster cluster = FaultCluster.builder().workers(2).shards(4).leaseMillis(3_000).build()) {
            try (MallardSqlClient client = cluster.client()) {
                run(client, "CREATE TABLE t AS SELECT i AS id, 'g' || (i % 10) AS g, i * 0.5 AS x FROM range(0, 20000) r(i)");
                run(client, "ALTER TABLE t SET PARTITIONED BY (id)");
                run(client, "INSERT INTO t VALUES (-1, 'neg', -0.5), (-2, 'neg', -1.0)");
                run(client, "DELETE FROM t WHERE id % 7 = 3");
                run(client, "CREATE TABLE s AS SELECT i AS k, 'v' || i AS v FROM range(0, 1000) r(i)"); // spread evenly

                // a load killed while its files are being written: the work directory holds them, the store not yet
                String big = "INSERT INTO t SELECT i, 'big', i * 0.25 FROM range(100000, 2100000) r(i)";
                CompletableFuture<QueryRows> load = CompletableFuture.supplyAsync(() -> client.query(big));
                awaitWorkFiles(cluster);
                cluster.killCoordinator();
                assertFails(load);
                restartAndVerify(cluster, "INSERT:t", big);
            }

            // a bulk ingest into a table spread evenly, killed while the stream is written straight into its files
            try (MallardSqlClient client = cluster.client();
                    Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                    BufferAllocator allocator = new RootAllocator();
                    Statement s = duck.createStatement();
                    ResultSet rs = s.executeQuery("SELECT i AS k, 'ingested' AS v FROM range(1000, 2001000) r(i)");
                    ArrowReader rows = StepAfterBatches.continuing(DuckArrow.export(rs, allocator), 6, () -> {
                        awaitWorkFiles(cluster);
                        cluster.killCoordinator();
                    })) {
                assertFails(CompletableFuture.supplyAsync(() -> client.ingest("s", rows, IngestOptions.append())));
            }
            restartAndVerify(cluster, "INSERT:t", null);

            // the same load, killed once its files are in the store and only the commit is missing
            interruptAndVerify(cluster, "INSERT INTO t SELECT i, 'big', i * 0.25 FROM range(100000, 400000) r(i)",
                    "CREATE TABLE:u", true);
            interruptAndVerify(cluster, "CREATE TABLE u AS SELECT id, g FROM t WHERE id % 2 = 0", "DELETE:t", true);
            interruptAndVerify(cluster, "DELETE FROM t WHERE g = 'g4' OR id < 100", "UPDATE:t", true);
            interruptAndVerify(cluster, "UPDATE t SET x = x + 1000, g = upper(g) WHERE id % 3 = 1", null, false);

            // a compaction killed before its commit: ten small appends give every shard more than 8 small files, then
            // a coordinator with compaction on starts on them
            try (MallardSqlClient client = cluster.client()) {
                for (int i = 0; i < 10; i++) {
                    run(client, String.format(Locale.ROOT, "INSERT INTO t SELECT i, 'small%d', i FROM range(%d, %d) r(i)", i,
                            5_000_000 + i * 40, 5_000_000 + i * 40 + 40));
                }
            }
            cluster.killCoordinator();
            cluster.startCoordinator("COMPACT:t", 500);
            String paused = cluster.awaitCoordinatorLog(FaultCluster.PAUSED_BEFORE_COMMIT, START_MILLIS);
            assertThat(paused).contains("COMPACT on t");
            cluster.killCoordinator();
            restartAndVerify(cluster, null, null);
            try (MallardSqlClient client = cluster.client()) {
                assertThat(client.query("SELECT count(*) FROM mallard.commits WHERE kind = 'COMPACT'").rows().get(0).get(0))
                        .as("the interrupted compaction did not commit").isEqualTo(0L);
            }
        }
    }

    /**
     * Runs {@code sql}, which the coordinator's fault injection stops right before its commit; kills the coordinator
     * there and restarts it with {@code nextPause}, then checks that {@code sql} left no trace.
     */
    private void interruptAndVerify(FaultCluster cluster, String sql, String nextPause, boolean filesInStore)
            throws Exception {
        try (MallardSqlClient client = cluster.client()) {
            int storedBefore = cluster.storeFiles().size();
            CompletableFuture<QueryRows> statement = CompletableFuture.supplyAsync(() -> client.query(sql));
            String paused = cluster.awaitCoordinatorLog(FaultCluster.PAUSED_BEFORE_COMMIT, START_MILLIS);
            if (filesInStore) {
                assertThat(cluster.storeFiles().size()).as("the files of %s are in the store: %s", sql, paused)
                        .isGreaterThan(storedBefore);
            }
            cluster.killCoordinator();
            assertFails(statement);
        }
        restartAndVerify(cluster, nextPause, sql);
    }

    private void restartAndVerify(FaultCluster cluster, String nextPause, String interrupted) throws Exception {
        cluster.startCoordinator(nextPause);
        cluster.awaitServed(2, START_MILLIS);
        try (MallardSqlClient client = cluster.client();
                Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Oracle oracle = Oracle.over(duck)) {
            QueryRows log = client.query("SELECT kind, table_name, statement FROM mallard.commits ORDER BY version");
            List<String> logged = log.rows().stream().map(r -> (String) r.get(2)).toList();
            assertThat(logged).as("every acknowledged statement is in the commit log").containsAll(acknowledged);
            if (interrupted != null) {
                assertThat(logged).as("the interrupted statement did not commit").doesNotContain(interrupted);
            }
            // one DuckDB given exactly the committed statements of the test's tables
            for (List<Object> commit : log.rows()) {
                String kind = (String) commit.get(0);
                String table = (String) commit.get(1);
                String statement = (String) commit.get(2);
                boolean distribution = statement != null && statement.contains(" SET PARTITIONED BY ");
                if (List.of("t", "u", "s").contains(table) && !kind.equals("COMPACT") && !distribution) {
                    try (Statement s = duck.createStatement()) {
                        s.execute(statement);
                    }
                }
            }
            for (String check : CHECKS) {
                assertThat(oracle.difference(check, client.query(check))).as("after the restart: %s", check).isEmpty();
            }
            boolean uExpected = logged.stream().anyMatch(s -> s != null && s.startsWith("CREATE TABLE u"));
            QueryRows u = client.query("SELECT count(*) FROM mallard.tables WHERE name = 'u'");
            assertThat(u.rows().get(0).get(0)).isEqualTo(uExpected ? 1L : 0L);
            if (uExpected) {
                assertThat(oracle.difference("SELECT * FROM u ORDER BY ALL", client.query("SELECT * FROM u ORDER BY ALL")))
                        .isEmpty();
            }
            // the store holds what the current version names and nothing else; nothing is left half-written
            long named = ((Number) client.query("SELECT sum(files) FROM mallard.tables").rows().get(0).get(0)).longValue();
            assertThat(cluster.storeFiles()).as("store files after the restart").hasSize((int) named);
            assertThat(cluster.workFiles()).as("work directory after the restart").isEmpty();
        }
    }

    /** Waits until a statement's files are in the coordinator's work directory (being written, not yet stored). */
    private static void awaitWorkFiles(FaultCluster cluster) {
        cluster.await("a statement's files in the work directory", START_MILLIS, () -> {
            try {
                return !cluster.workFiles().isEmpty();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private void run(MallardSqlClient client, String sql) {
        client.query(sql);
        acknowledged.add(sql);
    }

    private static void assertFails(CompletableFuture<?> statement) throws Exception {
        ExecutionException e = catchThrowableOfType(ExecutionException.class, () -> statement.get(90, TimeUnit.SECONDS));
        assertThat(e).as("the statement's client gets an error when the coordinator dies").isNotNull();
    }
}
