package io.mallard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.client.ConnectOptions;
import io.mallard.client.MallardSqlClient;
import io.mallard.coordinator.ClusterLayout;
import io.mallard.coordinator.bootstrap.Bootstrap;
import io.mallard.data.DataParams;
import io.mallard.data.Datasets;
import io.mallard.data.store.S3ShardStore;
import io.mallard.oracle.Oracle;
import io.mallard.testing.S3ProxyFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mallard up --store s3://… --import-dir … --import-s3-endpoint …} as a user runs it: a separate process with the
 * S3 credentials in its environment only. The generated data lands in the bucket, queries equal the oracle, imports
 * load from S3 and the import directory, no process shows a credential on its command line, and the workers' processes
 * hold none in their environment.
 */
class UpOnS3Test {
    @TempDir
    Path dir;

    @Test
    void upKeepsTheTablesInTheBucketAndOnlyTheCoordinatorHoldsTheCredentials() throws Exception {
        try (S3ProxyFixture s3 = S3ProxyFixture.start()) {
            s3.createBucket("cli-store");
            s3.createBucket("cli-imports");
            Path importDir = Files.createDirectories(dir.resolve("import"));
            Path cluster = dir.resolve("cluster");
            try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duck.createStatement()) {
                Path parquet = dir.resolve("rows.parquet");
                statement.execute("COPY (SELECT i AS id, 'p' || i AS name FROM range(500) t(i)) TO '"
                        + parquet + "' (FORMAT parquet)");
                s3.putObject("cli-imports", "in/rows.parquet", parquet);
                statement.execute("COPY (SELECT i + 1000 AS id, 'c' || i AS name FROM range(70) t(i)) TO '"
                        + importDir.resolve("rows.csv") + "' (HEADER)");
            }
            int port = MallardProcess.freePort();
            try (MallardProcess up = MallardProcess.up(List.of("--dir", cluster.toString(), "--workers", "1", "--port",
                    Integer.toString(port), "--http-port", "0", "--sf", "0.001", "--rows", "1000", "--shards", "2",
                    "--store", "s3://cli-store/clusters/one", "--store-endpoint", s3.endpoint().toString(),
                    "--store-path-style", "--import-dir", importDir.toString(),
                    "--import-s3-endpoint", s3.endpoint().toString(), "--import-s3-path-style"),
                    Map.of("AWS_ACCESS_KEY_ID", s3.accessKey(), "AWS_SECRET_ACCESS_KEY", s3.secretKey()))) {
                assertThat(up.awaitUp()).as("mallard up came up: %s", up.output()).isTrue();
                List<ProcessHandle> children = up.process().descendants().filter(ProcessHandle::isAlive).toList();
                assertThat(children).hasSize(2);
                for (ProcessHandle child : children) {
                    String commandLine = read("/proc/" + child.pid() + "/cmdline");
                    String environment = read("/proc/" + child.pid() + "/environ");
                    assertThat(commandLine).doesNotContain(s3.secretKey()).doesNotContain(s3.accessKey());
                    if (commandLine.contains("\0coordinator\0")) {
                        assertThat(commandLine).contains("s3://cli-store/clusters/one");
                        assertThat(environment).contains("AWS_SECRET_ACCESS_KEY=" + s3.secretKey());
                    } else {
                        assertThat(commandLine).contains("\0worker\0");
                        assertThat(environment).doesNotContain("AWS_").doesNotContain(s3.secretKey());
                    }
                }
                assertThat(up.output()).doesNotContain(s3.secretKey());

                ConnectOptions options = ConnectOptions.tls("127.0.0.1", port, "admin", Bootstrap.adminPassword(cluster),
                        new ClusterLayout(cluster).caCertificate());
                Path oracleFile = Datasets.ensureOracle(new ClusterLayout(cluster).data(),
                        new DataParams(0.001, 1000, 42, 0), null);
                try (MallardSqlClient client = MallardSqlClient.connect(options); Oracle oracle = new Oracle(oracleFile)) {
                    String sql = "SELECT l_returnflag, count(*), sum(l_quantity) FROM lineitem GROUP BY ALL ORDER BY ALL";
                    assertThat(oracle.difference(sql, client.query(sql))).isEmpty();
                    client.query("CREATE TABLE people (id BIGINT, name VARCHAR)");
                    assertThat(client.query("INSERT INTO people SELECT * FROM read_parquet('s3://cli-imports/in/*.parquet')")
                            .rows().get(0).get(0)).isEqualTo(500L);
                    assertThat(client.query("COPY people FROM 'rows.csv' (HEADER)").rows().get(0).get(0)).isEqualTo(70L);
                    assertThat(client.query("SELECT count(*), min(id), max(id) FROM people").rows().get(0))
                            .containsExactly(570L, 0L, 1069L);
                }
                try (S3ShardStore bucket = new S3ShardStore(s3.location("cli-store", "clusters/one"), s3.credentials())) {
                    assertThat(bucket.list("tables/")).isNotEmpty();
                }
                assertThat(cluster.resolve("data").resolve("store")).doesNotExist();
            }
            assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count())
                    .as("child processes left running").isZero();
        }
    }

    private static String read(String procFile) throws IOException {
        return new String(Files.readAllBytes(Path.of(procFile)), StandardCharsets.UTF_8);
    }
}
