package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.common.rows.QueryRows;
import io.mallard.coordinator.CoordinatorConfig;
import io.mallard.coordinator.server.Coordinator;
import io.mallard.oracle.Oracle;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** mallard.queries, mallard.tasks, mallard.workers and mallard.shards over Flight SQL, and the history across a restart. */
class SystemTablesTest {

    private static Connection connect(LocalCluster cluster, int port) throws SQLException {
        String url = "jdbc:arrow-flight-sql://127.0.0.1:" + port + "/?useEncryption=true&tlsRootCerts="
                + cluster.caCertificate().toAbsolutePath();
        return DriverManager.getConnection(url, JdbcRows.credentials("admin", cluster.adminPassword()));
    }

    private static QueryRows query(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            return JdbcRows.read(rs);
        }
    }

    @Test
    void systemTablesShowQueriesTasksWorkersAndShardsAndTheHistorySurvivesARestart() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().shards(4).workers(2).privateData(true).build();
                Oracle oracle = new Oracle(cluster.oracleFile())) {
            // every shard has a holder once the first worker proved them all: wait until each serves what placement
            // gave it (with R = 1 and four shards one worker may be given all of them)
            cluster.await("both workers trusted with their shards", 60_000, () -> cluster.coordinator().status().workers()
                    .stream().filter(w -> w.state().equals("trusted")).count() == 2);
            String marker = UUID.randomUUID().toString();
            String distributed = "SELECT l_returnflag, count(*) AS n FROM lineitem WHERE '" + marker
                    + "' <> '' GROUP BY l_returnflag ORDER BY l_returnflag";
            String local = "SELECT count(*) AS n FROM nation WHERE '" + marker + "' <> ''";
            try (Connection connection = connect(cluster, cluster.coordinator().port())) {
                assertThat(oracle.difference(distributed, query(connection, distributed))).isEmpty();
                assertThat(oracle.difference(local, query(connection, local))).isEmpty();
                catchThrowableOfType(SQLException.class, () -> query(connection, "SELECT * FROM lineitem_typo WHERE '"
                        + marker + "' <> ''"));

                QueryRows history = query(connection, "SELECT sql, user_name, strategy, status, tasks, tasks_finished, "
                        + "rows, rows_shipped, bytes_shipped, error_code, len(workers) AS workers, duration_ms "
                        + "FROM mallard.queries WHERE contains(sql, '" + marker + "') AND strategy IS DISTINCT FROM 'SYSTEM' "
                        + "ORDER BY started");
                assertThat(history.rows()).hasSize(3);
                List<Object> first = history.rows().get(0);
                assertThat(first.subList(0, 4)).containsExactly(distributed, "admin", "PUSHDOWN_AGG", "finished");
                assertThat(first.get(4)).isEqualTo(4); // one task per shard
                assertThat(first.get(5)).isEqualTo(4);
                assertThat((Long) first.get(6)).isEqualTo(oracle.query(distributed).rows().size());
                assertThat((Long) first.get(7)).isPositive();
                assertThat((Long) first.get(8)).isPositive();
                int workersOfQuery = ((Number) first.get(10)).intValue();
                assertThat(workersOfQuery).isBetween(1, 2);
                assertThat(history.rows().get(1).subList(2, 4)).containsExactly("LOCAL", "finished");
                assertThat(history.rows().get(2).get(3)).isEqualTo("failed");
                assertThat(history.rows().get(2).get(9)).isEqualTo("TABLE_NOT_FOUND");

                QueryRows tasks = query(connection, "SELECT t.shard_id, t.worker_id, t.state, t.rows FROM mallard.tasks t "
                        + "JOIN mallard.queries q USING (query_id) WHERE q.sql = '" + distributed.replace("'", "''")
                        + "' ORDER BY shard_id");
                assertThat(tasks.rows()).hasSize(4).allMatch(r -> r.get(2).equals("finished") && (Long) r.get(3) > 0);
                assertThat(tasks.rows().stream().map(r -> r.get(1)).distinct().count())
                        .as("the query's workers are its tasks' workers").isEqualTo(workersOfQuery);
                assertThat(tasks.rows().stream().map(r -> r.get(0)).toList())
                        .containsExactly("shard-000", "shard-001", "shard-002", "shard-003");

                QueryRows workers = query(connection, "SELECT worker_id, name, state, len(shards) AS shards, address, "
                        + "version, cpus, memory_bytes, last_heartbeat FROM mallard.workers ORDER BY worker_id");
                assertThat(workers.rows()).hasSize(2).allMatch(r -> r.get(2).equals("trusted"));
                assertThat(workers.rows().stream().mapToInt(r -> ((Number) r.get(3)).intValue()).sum()).isEqualTo(4);
                assertThat(workers.rows()).allMatch(r -> r.get(4).toString().startsWith("127.0.0.1:"));

                QueryRows shards = query(connection, "SELECT shard_id, files, size_bytes, len(replicas), state "
                        + "FROM mallard.shards ORDER BY shard_id");
                assertThat(shards.rows()).hasSize(4).allMatch(r -> r.get(4).equals("served") && ((Number) r.get(3)).intValue() == 1
                        && ((Number) r.get(1)).intValue() > 0 && ((Number) r.get(2)).longValue() > 0);

                SQLException mixed = catchThrowableOfType(SQLException.class,
                        () -> query(connection, "SELECT * FROM mallard.queries, lineitem"));
                assertThat(mixed.getMessage()).contains("UNSUPPORTED_STATEMENT");
                QueryRows cte = query(connection, "WITH q AS (SELECT * FROM mallard.queries WHERE contains(sql, '"
                        + marker + "') AND strategy IS DISTINCT FROM 'SYSTEM') SELECT count(*) AS n FROM q");
                assertThat(cte.rows().get(0).get(0)).isEqualTo(3L);
            }

            cluster.assertClean();

            CoordinatorConfig config = cluster.coordinator().config();
            cluster.coordinator().close();
            try (Coordinator restarted = Coordinator.start(config)) {
                try (Connection connection = connect(cluster, restarted.port())) {
                    QueryRows history = query(connection, "SELECT status FROM mallard.queries WHERE contains(sql, '"
                            + marker + "') AND NOT contains(sql, 'mallard.queries') ORDER BY started");
                    assertThat(history.rows().stream().map(r -> r.get(0)).toList())
                            .containsExactly("finished", "finished", "failed");
                }
                // the restarted coordinator ends clean as well: nothing running, its Arrow memory all returned
                Await.until("the restarted coordinator idle with no Arrow memory held", Duration.ofSeconds(10),
                        () -> restarted.activeQueries() == 0 && restarted.allocatedBytes() == 0);
            }
        }
    }
}
