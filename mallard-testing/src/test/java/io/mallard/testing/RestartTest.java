package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.client.MallardSqlClient;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.data.ShardInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Restarts with real processes: clients of a coordinator killed with {@code kill -9} get UNAVAILABLE at once (the
 * application client and JDBC), the application client carries on after the restart with its session's settings, the
 * history keeps a statement that finished just before the kill, and a worker that finds a damaged shard file on disk
 * deletes it and downloads it again.
 */
class RestartTest {
    /** Only a hang takes this long. */
    private static final long HANG_SECONDS = 60;

    @Test
    void clientsOfAKilledCoordinatorGetUnavailableAndCarryOnAfterItsRestartWithTheHistoryWhole() throws Exception {
        try (FaultCluster cluster = FaultCluster.builder().workers(1).shards(4).build();
                MallardSqlClient client = cluster.client(); Oracle oracle = new Oracle(cluster.oracleFile());
                Connection jdbc = DriverManager.getConnection("jdbc:arrow-flight-sql://127.0.0.1:" + cluster.port()
                        + "/?useEncryption=true&tlsRootCerts=" + cluster.caCertificate().toAbsolutePath(),
                        credentials(cluster))) {
            client.query("SET mallard.query_timeout = '77s'");
            String last = "SELECT count(*) AS finished_right_before_the_kill FROM lineitem";
            client.query(last);
            cluster.killCoordinator(); // within the history's 200 ms batch, as likely as not

            MallardException gone = failure(CompletableFuture.supplyAsync(() -> client.query("SELECT 1")));
            assertThat(gone.code()).as(gone.getMessage()).isEqualTo(ErrorCode.UNAVAILABLE);
            ExecutionException jdbcFailure = catchExecution(CompletableFuture.supplyAsync(() -> {
                try (Statement statement = jdbc.createStatement()) {
                    return statement.executeQuery("SELECT 1").next();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }));
            assertThat(jdbcFailure.getCause()).as("JDBC fails, it does not hang").hasCauseInstanceOf(SQLException.class);

            cluster.startCoordinator();
            cluster.awaitServed(1, 60_000);
            // the same client object: it logs in again and its session keeps its settings
            assertThat(oracle.difference(DemoQueries.Q1.sql(), client.query(DemoQueries.Q1.sql()))).isEmpty();
            assertThat(client.settings()).containsEntry("mallard.query_timeout", "77000ms");
            Number kept = (Number) client.query("SELECT count(*) FROM mallard.queries WHERE sql = '" + last + "'")
                    .rows().get(0).get(0);
            assertThat(kept.longValue()).as("the statement finished right before the kill is in the history").isEqualTo(1);
        }
    }

    @Test
    void aWorkerThatFindsADamagedShardFileDeletesItAndDownloadsItAgain() throws Exception {
        try (FaultCluster cluster = FaultCluster.builder().workers(1).shards(4).build()) {
            ShardInfo shard = cluster.manifest().allShards().stream().filter(s -> s.dataset().equals("tpch")).findFirst()
                    .orElseThrow();
            Path file = cluster.workerDataDir(0).resolve(shard.id() + ".duckdb");
            assertThat(sha256(file)).isEqualTo(shard.sha256());
            cluster.killWorker(0);
            damage(file);
            assertThat(sha256(file)).isNotEqualTo(shard.sha256());

            cluster.restartWorker(0);
            cluster.awaitServed(1, 60_000);
            assertThat(sha256(file)).as("downloaded again").isEqualTo(shard.sha256());
            try (MallardSqlClient client = cluster.client(); Oracle oracle = new Oracle(cluster.oracleFile())) {
                for (String sql : List.of(DemoQueries.Q1.sql(), DemoQueries.Q3.sql())) {
                    assertThat(oracle.difference(sql, client.query(sql))).as(sql).isEmpty();
                }
            }
        }
    }

    /** Overwrites 4 KiB in the middle of the file: same size, other bytes. */
    private static void damage(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer junk = ByteBuffer.allocate(4096);
            for (int i = 0; i < junk.capacity(); i++) {
                junk.put((byte) (i * 31 + 7));
            }
            channel.write(junk.flip(), channel.size() / 2);
        }
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static Properties credentials(FaultCluster cluster) {
        Properties properties = new Properties();
        properties.setProperty("user", "admin");
        properties.setProperty("password", cluster.adminPassword());
        return properties;
    }

    private static MallardException failure(CompletableFuture<?> call) throws Exception {
        Throwable cause = catchExecution(call).getCause();
        assertThat(cause).isInstanceOf(MallardException.class);
        return (MallardException) cause;
    }

    private static ExecutionException catchExecution(CompletableFuture<?> call) throws Exception {
        try {
            call.get(HANG_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e;
        }
        throw new AssertionError("the call succeeded against a dead coordinator");
    }
}
