package io.mallard.testing;

import io.mallard.oracle.Oracle;
import io.mallard.data.queries.DemoQueries;
import io.mallard.bench.faults.FaultCluster;
import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.client.MallardSqlClient;
import io.mallard.common.rows.QueryRows;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A worker that is merely slow gets its tasks duplicated (speculation) and the faster copy answers. Real processes;
 * R = 2; a 20 s lease. (Silent and dead workers: {@link FaultInjectionTest}.)
 *
 * <p>Which worker the scheduler picks for a shard depends on placement and on its holders' running tasks, so the test
 * first runs the query with every worker fast and makes slow a worker that answered a first attempt: with nothing
 * running, the same query's tasks go to the same workers again, so the slow worker certainly gets a task. Everything
 * is read from the history after the query, not from live state a fast query may pass by unseen.
 */
class FailureDetectionTest {
    private static final String SQL = DemoQueries.Q1.sql();

    @Test
    void aSlowWorkersTasksAreDuplicatedAndTheFasterCopyAnswers() throws Exception {
        try (FaultCluster cluster = FaultCluster.builder().workers(3).shards(4).replicas(2).leaseMillis(20_000)
                .speculation(3.0, 500).build()) {
            cluster.awaitServed(3, 120_000);
            try (MallardSqlClient client = cluster.client(); Oracle oracle = new Oracle(cluster.oracleFile())) {
                String first = SQL + "\n-- all fast";
                assertThat(oracle.difference(SQL, client.query(first))).isEmpty();
                String slowId = (String) tasksOf(client, "-- all fast", "attempt = 1").get(0).get(0);
                int slow = indexOf(cluster, slowId);
                cluster.await("every worker idle", 30_000,
                        () -> cluster.workers().stream().allMatch(w -> w.runningTasks() == 0));
                cluster.setFaultHooks(slow, 30_000, 0); // far slower than any sibling, but alive and polling

                QueryRows rows = client.query(SQL + "\n-- one slow");
                assertThat(oracle.difference(SQL, rows)).isEmpty();
                List<List<Object>> tasks = tasksOf(client, "-- one slow", "true");
                assertThat(tasks).as("tasks answered by the slow worker").noneMatch(t -> t.get(0).equals(slowId));
                assertThat(tasks).as("tasks answered by their duplicate").anyMatch(t -> ((Number) t.get(1)).intValue() > 1);
                cluster.await("the slow worker's cancelled tasks to end", 30_000,
                        () -> cluster.workers().stream().filter(w -> w.id().equals(slowId))
                                .allMatch(w -> w.runningTasks() == 0));
            }
        }
    }

    /** (worker_id, attempt) of the answered tasks of the statement whose text ends with {@code marker}. */
    private static List<List<Object>> tasksOf(MallardSqlClient client, String marker, String where) {
        return client.query("SELECT t.worker_id, t.attempt FROM mallard.tasks t JOIN mallard.queries q USING (query_id) "
                + "WHERE ends_with(q.sql, '" + marker + "') AND " + where + " ORDER BY t.shard_id").rows();
    }

    private static int indexOf(FaultCluster cluster, String workerId) {
        String name = cluster.workers().stream().filter(w -> w.id().equals(workerId)).findFirst().orElseThrow().name();
        for (int i = 0; ; i++) {
            if (cluster.workerName(i).equals(name)) {
                return i;
            }
        }
    }
}
