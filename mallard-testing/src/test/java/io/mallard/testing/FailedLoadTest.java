package io.mallard.testing;

import io.mallard.bench.faults.FaultCluster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.client.MallardSqlClient;
import io.mallard.common.MallardException;
import io.mallard.common.rows.QueryRows;
import io.mallard.oracle.Oracle;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A load that fails halfway leaves the table exactly as it was: one with a bad row in the middle of its rows, and one
 * whose client process is killed while the load waits for its commit (the coordinator's fault injection holds that
 * commit back until the client is gone). Nothing is committed, the store keeps no file of either, and the coordinator
 * takes the next change as usual.
 */
class FailedLoadTest {
    private static final String[] CHECKS = {
        "SELECT * FROM loaded ORDER BY ALL",
        "SELECT count(*), sum(v), min(id), max(id) FROM loaded",
    };

    @Test
    void aLoadThatFailsHalfwayOrLosesItsClientLeavesTheTableAsItWas() throws Exception {
        try (FaultCluster cluster = FaultCluster.builder().workers(2).shards(4).build()) {
            cluster.killCoordinator();
            cluster.startCoordinator("INSERT:loaded");
            cluster.awaitServed(2, 120_000);
            try (MallardSqlClient client = cluster.client();
                    Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                    Oracle oracle = Oracle.over(duck)) {
                both(client, duck, "CREATE TABLE loaded AS SELECT i AS id, i * 2 AS v FROM range(0, 5000) r(i)");
                client.query("ALTER TABLE loaded SET PARTITIONED BY (id)");
                long version = lastVersion(client);
                int stored = cluster.storeFiles().size();

                // a bad value at row 140,000 of 290,000
                String bad = "INSERT INTO loaded SELECT i, CAST(CASE WHEN i = 150000 THEN 'oops' ELSE CAST(i AS VARCHAR) END "
                        + "AS BIGINT) FROM range(10000, 300000) r(i)";
                CompletableFuture<QueryRows> failing = CompletableFuture.supplyAsync(() -> client.query(bad));
                ExecutionException e = catchThrowableOfType(ExecutionException.class,
                        () -> failing.get(120, TimeUnit.SECONDS));
                assertThat(e).as("the load with a bad row fails").isNotNull();
                assertThat(e.getCause()).isInstanceOf(MallardException.class).hasMessageContaining("oops");
                assertUnchanged(cluster, client, oracle, version, stored);

                // the client gone: its process is killed while the load waits for its commit
                String load = "INSERT INTO loaded SELECT i, i FROM range(20000, 60000) r(i)";
                Process clientProcess = launchClient(cluster, load);
                try {
                    cluster.awaitCoordinatorLog(FaultCluster.PAUSED_BEFORE_COMMIT, 120_000);
                    clientProcess.destroyForcibly();
                    assertThat(clientProcess.waitFor(30, TimeUnit.SECONDS)).isTrue();
                } finally {
                    clientProcess.destroyForcibly();
                }
                cluster.await("the load of the killed client to end", 60_000, () -> !status(client, load).isEmpty());
                assertThat(status(client, load)).containsExactly("cancelled");
                assertUnchanged(cluster, client, oracle, version, stored);

                // the next change goes through as usual
                both(client, duck, "DELETE FROM loaded WHERE id % 4 = 1");
                for (String check : CHECKS) {
                    assertThat(oracle.difference(check, client.query(check))).as(check).isEmpty();
                }
            }
        }
    }

    private static void assertUnchanged(FaultCluster cluster, MallardSqlClient client, Oracle oracle, long version,
            int stored) throws Exception {
        assertThat(lastVersion(client)).as("no commit").isEqualTo(version);
        for (String check : CHECKS) {
            assertThat(oracle.difference(check, client.query(check))).as(check).isEmpty();
        }
        assertThat(cluster.storeFiles()).as("the store keeps no file of the failed load").hasSize(stored);
        assertThat(cluster.workFiles()).as("nothing left in the work directory").isEmpty();
    }

    private static long lastVersion(MallardSqlClient client) {
        return (Long) client.query("SELECT max(version) FROM mallard.commits").rows().get(0).get(0);
    }

    /** The history's status of the statement (empty while it runs). */
    private static List<Object> status(MallardSqlClient client, String sql) {
        QueryRows rows = client.query("SELECT status FROM mallard.queries WHERE sql = '" + sql.replace("'", "''")
                + "' AND status <> 'running'");
        return rows.rows().stream().map(r -> r.get(0)).toList();
    }

    private static void both(MallardSqlClient client, Connection duck, String sql) throws Exception {
        client.query(sql);
        try (Statement s = duck.createStatement()) {
            s.execute(sql);
        }
    }

    private static Process launchClient(FaultCluster cluster, String sql) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                StatementClientMain.class.getName(), Integer.toString(cluster.port()), cluster.caCertificate().toString(),
                sql));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(cluster.dir().resolve("client.log").toFile());
        builder.environment().put("MALLARD_PASSWORD", cluster.adminPassword());
        return builder.start();
    }
}
