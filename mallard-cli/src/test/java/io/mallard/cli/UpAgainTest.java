package io.mallard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.client.ConnectOptions;
import io.mallard.client.MallardSqlClient;
import io.mallard.coordinator.ClusterLayout;
import io.mallard.coordinator.bootstrap.Bootstrap;
import io.mallard.data.DataParams;
import io.mallard.data.Datasets;
import io.mallard.oracle.Oracle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mallard up} again on a directory whose users changed its data: the cluster comes up with every committed change
 * (a table of their own, rows deleted from and changed in generated tables), equal to one DuckDB given the same
 * statements; started with other data options, it refuses and says which options the directory was made with.
 */
class UpAgainTest {
    private static final List<String> CHANGES = List.of(
            "CREATE TABLE people (id BIGINT, name VARCHAR)",
            "INSERT INTO people SELECT i, 'p' || i FROM range(300) t(i)",
            "DELETE FROM lineitem WHERE l_orderkey % 3 = 0",
            "UPDATE orders SET o_comment = 'changed' WHERE o_orderkey % 5 = 0",
            "DELETE FROM people WHERE id % 7 = 0");
    private static final List<String> QUERIES = List.of(
            "SELECT count(*), sum(id), min(name), max(name) FROM people",
            "SELECT l_returnflag, count(*), sum(l_quantity) FROM lineitem GROUP BY ALL ORDER BY ALL",
            "SELECT count(*) FILTER (WHERE o_comment = 'changed'), count(*) FROM orders",
            "SELECT n_name, count(*) FROM customer JOIN nation ON c_nationkey = n_nationkey GROUP BY ALL ORDER BY ALL");

    @TempDir
    Path dir;

    @Test
    void upAgainKeepsWhatUsersCommittedAndRefusesOtherDataOptions() throws Exception {
        Path cluster = dir.resolve("cluster");
        int port = MallardProcess.freePort();
        List<String> options = List.of("--dir", cluster.toString(), "--workers", "1", "--port", Integer.toString(port),
                "--http-port", "0", "--sf", "0.001", "--rows", "1000", "--shards", "2");
        try (MallardProcess up = MallardProcess.up(options, Map.of())) {
            assertThat(up.awaitUp()).as("mallard up came up: %s", up.output()).isTrue();
            try (MallardSqlClient client = MallardSqlClient.connect(connect(cluster, port))) {
                for (String change : CHANGES) {
                    client.query(change);
                }
            }
        }
        Path expected = Files.copy(Datasets.ensureOracle(new ClusterLayout(cluster).data(),
                new DataParams(0.001, 1000, 42, 0), null), dir.resolve("expected.duckdb"));
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:" + expected);
                Statement statement = duck.createStatement()) {
            for (String change : CHANGES) {
                statement.execute(change);
            }
        }

        try (MallardProcess again = MallardProcess.up(options, Map.of())) {
            assertThat(again.awaitUp()).as("mallard up came up again: %s", again.output()).isTrue();
            assertThat(again.output()).contains("with the changes users committed");
            try (MallardSqlClient client = MallardSqlClient.connect(connect(cluster, port));
                    Oracle oracle = new Oracle(expected)) {
                List<String> differences = new ArrayList<>();
                for (String sql : QUERIES) {
                    oracle.difference(sql, client.query(sql)).ifPresent(d -> differences.add(sql + ": " + d));
                }
                assertThat(differences).isEmpty();
            }
            // a second mallard up on a directory in use says so, naming the process that holds it
            try (MallardProcess second = MallardProcess.up(options, Map.of())) {
                assertThat(second.awaitUp()).as("a second mallard up: %s", second.output()).isFalse();
                assertThat(second.awaitExit()).isNotZero();
                assertThat(second.output()).contains("error: IO_ERROR: the cluster directory " + cluster.toRealPath()
                        + " is in use by another process (PID ").contains("stop it (or wait until it has exited)");
            }
        }

        List<String> otherData = new ArrayList<>(options);
        otherData.set(otherData.indexOf("0.001"), "0.002");
        try (MallardProcess refused = MallardProcess.up(otherData, Map.of())) {
            assertThat(refused.awaitUp()).as("mallard up with other data options: %s", refused.output()).isFalse();
            assertThat(refused.awaitExit()).isNotZero();
            assertThat(refused.output()).contains("holds data users committed, made with --sf 0.001 --rows 1000 --seed 42 "
                    + "--shards 2; start it with those options");
        }
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count())
                .as("child processes left running").isZero();
    }

    private static ConnectOptions connect(Path cluster, int port) throws IOException {
        return ConnectOptions.tls("127.0.0.1", port, "admin", Bootstrap.adminPassword(cluster),
                new ClusterLayout(cluster).caCertificate());
    }
}
