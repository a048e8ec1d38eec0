package io.mallard.testing;

import io.mallard.oracle.Oracle;
import io.mallard.data.queries.DemoQueries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.client.MallardSqlClient;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.rows.QueryRows;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Query timeouts (per session and the cluster's default) stop everything a query started, and a cap on running queries
 * queues the rest in arrival order, visibly. One slow worker (every task waits 1.5 s) makes every distributed query
 * take at least that long; the cluster's default timeout is 1 s, and one query runs at a time.
 */
class QueryLimitsTest {
    private static final String SQL = DemoQueries.Q1.sql();
    private static final long HANG_SECONDS = 90;
    private static LocalCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.builder().workers(0).shards(4).queryTimeoutMillis(1_000).maxRunningQueries(1).build();
        cluster.addWorker(false, 1_500);
        cluster.awaitTrustedWorkers(1, 120_000);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theClusterDefaultTimeoutStopsAQueryAndItsTasks() {
        try (MallardSqlClient client = cluster.sqlClient()) {
            MallardException e = catchThrowableOfType(MallardException.class, () -> client.query(SQL));
            assertThat(e).as("the query must time out").isNotNull();
            assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.TIMEOUT);
            assertThat(e.getMessage()).contains("1 s").contains("--query-timeout-ms");
        }
        cluster.assertClean(); // its tasks were cancelled on the worker, nothing is left allocated
    }

    @Test
    void aSessionSetsItsOwnTimeout() throws Exception {
        try (MallardSqlClient client = cluster.sqlClient(); Oracle oracle = new Oracle(cluster.oracleFile())) {
            client.query("SET mallard.query_timeout = '60s'");
            assertThat(oracle.difference(SQL, client.query(SQL))).as("a minute is enough").isEmpty();
            client.query("SET mallard.query_timeout = '200ms'");
            MallardException e = catchThrowableOfType(MallardException.class, () -> client.query(SQL));
            assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.TIMEOUT);
            assertThat(e.getMessage()).contains("200 ms");
            assertThat(client.settings()).containsEntry("mallard.query_timeout", "200ms");
        }
        cluster.assertClean();
    }

    @Test
    void queriesBeyondTheCapWaitTheirTurnVisiblyAndAQueuedQueryTimesOut() throws Exception {
        try (MallardSqlClient first = cluster.sqlClient(); MallardSqlClient second = cluster.sqlClient();
                MallardSqlClient third = cluster.sqlClient(); MallardSqlClient observer = cluster.sqlClient();
                Oracle oracle = new Oracle(cluster.oracleFile())) {
            first.query("SET mallard.query_timeout = '60s'");
            second.query("SET mallard.query_timeout = '60s'");
            third.query("SET mallard.query_timeout = '300ms'");
            CompletableFuture<QueryRows> running = CompletableFuture.supplyAsync(() -> first.query(SQL));
            cluster.await("the first query to run", 30_000, () -> count(observer, "running") == 1);
            CompletableFuture<QueryRows> queued = CompletableFuture.supplyAsync(() -> second.query(SQL));
            cluster.await("the second query to queue", 30_000, () -> count(observer, "queued") == 1);

            // a queued query's clock runs too
            MallardException e = catchThrowableOfType(MallardException.class, () -> third.query(SQL));
            assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.TIMEOUT);

            assertThat(oracle.difference(SQL, running.get(HANG_SECONDS, TimeUnit.SECONDS))).isEmpty();
            assertThat(oracle.difference(SQL, queued.get(HANG_SECONDS, TimeUnit.SECONDS))).isEmpty();
            List<List<Object>> history = observer.query("SELECT status, error_code FROM mallard.queries WHERE sql = '"
                    + SQL.replace("'", "''") + "' AND status <> 'finished' ORDER BY started").rows();
            assertThat(history).contains(List.of("failed", "TIMEOUT"));
        }
        cluster.assertClean();
    }

    /** Statements other than system-table reads in {@code status} now. */
    private static long count(MallardSqlClient observer, String status) {
        return ((Number) observer.query("SELECT count(*) FROM mallard.queries WHERE status = '" + status
                + "' AND strategy IS DISTINCT FROM 'SYSTEM'").rows().get(0).get(0)).longValue();
    }
}
