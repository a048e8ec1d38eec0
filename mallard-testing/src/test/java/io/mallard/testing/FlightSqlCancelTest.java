package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.client.MallardSqlClient;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.rows.QueryRows;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Statement.cancel through the JDBC driver stops a distributed query on the coordinator and its tasks on the workers. */
class FlightSqlCancelTest {

    @Test
    void statementCancelStopsTheDistributedQuery() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().shards(2).workers(0).build()) {
            cluster.addWorker(false, 6_000); // every task waits 6 s: the query runs long enough to cancel it
            cluster.awaitAllShardsServed(120_000);
            // the history lives in the (shared) cluster directory: a fresh literal finds this run's query
            String sql = "SELECT count(*) AS n FROM lineitem WHERE l_comment <> '" + java.util.UUID.randomUUID() + "'";
            try (Connection connection = DriverManager.getConnection(JdbcRows.url(cluster),
                    JdbcRows.credentials("admin", cluster.adminPassword()));
                    Statement statement = connection.createStatement()) {
                CompletableFuture<Long> running = CompletableFuture.supplyAsync(() -> {
                    try (ResultSet rs = statement.executeQuery(sql)) {
                        rs.next();
                        return rs.getLong(1);
                    } catch (SQLException e) {
                        throw new CompletionException(e);
                    }
                });
                long deadline = System.currentTimeMillis() + 30_000;
                while (cluster.coordinator().activeQueries() == 0 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(cluster.coordinator().activeQueries()).as("the query reached the workers").isEqualTo(1);
                long cancelledAt = System.nanoTime();
                statement.cancel();
                ExecutionException failure = null;
                try {
                    running.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    failure = e;
                }
                assertThat(failure).as("a cancelled query must not answer").isNotNull();
                long deadline2 = System.currentTimeMillis() + 5_000;
                while (cluster.coordinator().activeQueries() > 0 && System.currentTimeMillis() < deadline2) {
                    Thread.sleep(20);
                }
                assertThat(cluster.coordinator().activeQueries()).isZero();
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cancelledAt))
                        .as("cancelled before the workers' 6 s delay ran out").isLessThan(5_000);
                cluster.assertClean();

                try (Statement other = connection.createStatement();
                        ResultSet rs = other.executeQuery("SELECT status, error_code FROM mallard.queries WHERE sql = '"
                                + sql.replace("'", "''") + "'")) {
                    QueryRows rows = JdbcRows.read(rs);
                    assertThat(rows.rows()).hasSize(1);
                    assertThat(rows.rows().get(0)).containsExactly("cancelled", "QUERY_CANCELLED");
                }
            }

            // the application client cancels with Flight SQL's CancelFlightInfo
            try (MallardSqlClient client = cluster.sqlClient()) {
                CompletableFuture<QueryRows> running = CompletableFuture.supplyAsync(() -> client.query(sql));
                awaitActive(cluster, 1);
                long cancelledAt = System.nanoTime();
                assertThat(client.cancel()).isTrue();
                ExecutionException failure = null;
                try {
                    running.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    failure = e;
                }
                assertThat(failure).isNotNull();
                assertThat(((MallardException) failure.getCause()).code()).isEqualTo(ErrorCode.QUERY_CANCELLED);
                awaitActive(cluster, 0);
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cancelledAt)).isLessThan(5_000);
                assertThat(client.cancel()).as("nothing runs any more").isFalse();
            }
            cluster.assertClean();
        }
    }

    private static void awaitActive(LocalCluster cluster, int queries) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (cluster.coordinator().activeQueries() != queries && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(cluster.coordinator().activeQueries()).isEqualTo(queries);
    }
}
