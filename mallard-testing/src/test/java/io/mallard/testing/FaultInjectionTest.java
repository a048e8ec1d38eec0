package io.mallard.testing;

import io.mallard.oracle.Oracle;
import io.mallard.data.queries.DemoQueries;
import io.mallard.bench.faults.FaultCluster;
import io.mallard.bench.faults.FaultTrials;
import io.mallard.bench.faults.NetworkNamespace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mallard.client.MallardSqlClient;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.data.table.DataFile;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults injected into a real worker process while four queries run, one per distributed strategy: {@code kill -9},
 * SIGSTOP (then SIGCONT) and a network cut (the victim runs in a network namespace whose veth link is taken down; needs
 * root, skipped visibly otherwise), each at the start of the victim's tasks, in the middle of its upload, and during
 * the combine. With R = 2 every answer equals the oracle; with R = 1 a query the victim took part in fails with an error
 * naming the shard; never a wrong answer, an unclear error or a hang; and after each trial nothing is left running,
 * allocated or spilled on the coordinator. Then, on the same cluster: the coordinator killed and restarted (clients get
 * UNAVAILABLE at once and carry on; the history keeps the last statement), a damaged shard file downloaded again, and
 * two planned departures under load. One cluster for the whole suite, so the tests run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultInjectionTest {
    private static final String NO_CUT = NetworkNamespace.unavailableBecause();
    private static FaultTrials faults;

    @BeforeAll
    static void start() throws Exception {
        if (NO_CUT != null) {
            System.out.println("SKIPPING the network-cut family of the fault-injection suite: " + NO_CUT);
        }
        faults = FaultTrials.start(2, NO_CUT == null);
        try (MallardSqlClient client = faults.cluster().client()) {
            for (FaultTrials.Query query : FaultTrials.QUERIES) {
                assertThat(client.explain(query.sql())).as(query.name()).contains(query.strategy());
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (faults != null) {
            faults.close();
        }
    }

    @Test
    @Order(1)
    void killNineNeverCostsAnAnswer() throws Exception {
        runAllMoments(FaultTrials.Family.KILL);
    }

    @Test
    @Order(2)
    void aFrozenWorkerNeverCostsAnAnswer() throws Exception {
        runAllMoments(FaultTrials.Family.FREEZE);
    }

    @Test
    @Order(3)
    void aNetworkCutNeverCostsAnAnswer() throws Exception {
        assumeTrue(NO_CUT == null, "the network-cut family needs network namespaces: " + NO_CUT);
        runAllMoments(FaultTrials.Family.CUT);
    }

    @Test
    @Order(4)
    void clientsOfAKilledCoordinatorGetUnavailableAndCarryOnAfterItsRestartWithTheHistoryWhole() throws Exception {
        FaultCluster cluster = faults.cluster();
        try (MallardSqlClient client = cluster.client(); Oracle oracle = new Oracle(cluster.oracleFile());
                Connection jdbc = DriverManager.getConnection("jdbc:arrow-flight-sql://127.0.0.1:" + cluster.port()
                        + "/?useEncryption=true&tlsRootCerts=" + cluster.caCertificate().toAbsolutePath(),
                        credentials(cluster))) {
            client.query("SET mallard.query_timeout = '77s'");
            String last = "SELECT count(*) AS finished_right_before_the_kill FROM lineitem";
            client.query(last);
            cluster.killCoordinator(); // within the history's 200 ms batch, as likely as not

            ExecutionException gone = failure(CompletableFuture.supplyAsync(() -> client.query("SELECT 1")));
            assertThat(gone.getCause()).isInstanceOfSatisfying(MallardException.class,
                    e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.CONNECTION_FAILED));
            ExecutionException jdbcFailure = failure(CompletableFuture.supplyAsync(() -> {
                try (Statement statement = jdbc.createStatement()) {
                    return statement.executeQuery("SELECT 1").next();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }));
            assertThat(jdbcFailure.getCause()).as("JDBC fails, it does not hang").hasCauseInstanceOf(SQLException.class);

            faults.useReplicas(1); // the coordinator comes back, with R = 1 for the rest of the suite
            // the same client object: it logs in again and its session keeps its settings
            assertThat(oracle.difference(DemoQueries.Q1.sql(), client.query(DemoQueries.Q1.sql()))).isEmpty();
            assertThat(client.settings()).containsEntry("mallard.query_timeout", "77000ms");
            Number kept = (Number) client.query("SELECT count(*) FROM mallard.queries WHERE sql = '" + last + "'")
                    .rows().get(0).get(0);
            assertThat(kept.longValue()).as("the statement finished right before the kill is in the history").isEqualTo(1);
        }
    }

    @Test
    @Order(5)
    void withOneReplicaAFaultFailsItsQueriesClearly() throws Exception {
        List<FaultTrials.Trial> trials = new ArrayList<>();
        for (FaultTrials.Family family : FaultTrials.Family.values()) {
            if (family != FaultTrials.Family.CUT || faults.canCut()) {
                trials.addAll(run(family, FaultTrials.Moment.TASK_START));
            }
        }
        assertThat(trials).filteredOn(FaultTrials.Trial::victimInvolved).as("the victim took part in queries").isNotEmpty()
                .allSatisfy(t -> assertThat(t.outcome()).as(FaultTrials.describe(t)).isEqualTo(FaultTrials.Outcome.CLEAR_ERROR));
        assertThat(trials).allSatisfy(t -> assertThat(t.outcome().acceptable(1)).as(FaultTrials.describe(t)).isTrue());
    }

    @Test
    @Order(6)
    void aWorkerThatFindsDamagedShardFilesDeletesThemAndDownloadsThemAgain() throws Exception {
        List<DataFile> held = faults.restartVictimWithDamagedFiles();
        assertThat(held).as("the restarted victim holds shards").isNotEmpty();
        for (DataFile data : held) {
            Path file = faults.cluster().workerDataDir(faults.victim()).resolve(data.fileId() + ".duckdb");
            assertThat(sha256(file)).as("file %s downloaded again", data.fileId()).isEqualTo(data.sha256());
        }
        try (MallardSqlClient client = faults.cluster().client(); Oracle oracle = new Oracle(faults.cluster().oracleFile())) {
            for (FaultTrials.Query query : FaultTrials.QUERIES) {
                assertThat(oracle.difference(query.sql(), client.query(query.sql()))).as(query.name()).isEmpty();
            }
        }
    }

    /**
     * Planned departures with queries running all along: the slow worker stopped with SIGTERM and the victim drained by
     * an administrator ({@code CALL mallard_drain}) each finish their tasks, wait until the remaining worker proved their
     * shards, and exit; no query fails and every answer equals the oracle (R = 1: every shard must move).
     */
    @Test
    @Order(7)
    void workersLeavingBySigtermOrByAnAdministratorsDrainFailNoQuery() throws Exception {
        FaultCluster cluster = faults.cluster();
        List<String> problems = new CopyOnWriteArrayList<>();
        AtomicInteger answered = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        Thread load = new Thread(() -> {
            try (MallardSqlClient client = cluster.client(); Oracle oracle = new Oracle(cluster.oracleFile())) {
                for (int i = 0; !stop.get(); i = (i + 1) % FaultTrials.QUERIES.size()) {
                    String sql = FaultTrials.QUERIES.get(i).sql();
                    try {
                        oracle.difference(sql, client.query(sql)).ifPresent(problems::add);
                        answered.incrementAndGet();
                    } catch (RuntimeException e) {
                        problems.add(sql + ": " + e);
                    }
                }
            } catch (Exception e) {
                problems.add(e.toString());
            }
        }, "load");
        load.start();
        try {
            cluster.await("queries to run", 60_000, () -> answered.get() >= 3);
            cluster.terminateWorker(faults.slowWorker());
            cluster.awaitWorkerExit(faults.slowWorker(), 120_000);
            int afterFirst = answered.get();
            try (MallardSqlClient admin = cluster.client()) {
                String outcome = (String) admin.query("CALL mallard_drain('" + cluster.workerName(faults.victim()) + "')")
                        .rows().get(0).get(0);
                assertThat(outcome).contains(cluster.workerName(faults.victim())).contains("draining");
            }
            cluster.awaitWorkerExit(faults.victim(), 120_000);
            cluster.await("queries after both left", 60_000, () -> answered.get() >= afterFirst + 3);
        } finally {
            stop.set(true);
            load.join();
        }
        assertThat(problems).as("no query may fail or differ because of a drain").isEmpty();
        List<FaultCluster.WorkerRow> rows = cluster.workers();
        for (int left : List.of(faults.slowWorker(), faults.victim())) {
            assertThat(rows.stream().filter(w -> w.name().equals(cluster.workerName(left))).map(FaultCluster.WorkerRow::state))
                    .as("%s left cleanly", cluster.workerName(left)).containsOnly("gone");
        }
        assertThat(cluster.isServed(1)).as("the remaining worker serves every shard").isTrue();
    }

    private static void runAllMoments(FaultTrials.Family family) throws Exception {
        List<FaultTrials.Trial> trials = new ArrayList<>();
        for (FaultTrials.Moment moment : FaultTrials.Moment.values()) {
            trials.addAll(run(family, moment));
        }
        assertThat(trials).as("every answer equals the oracle")
                .allSatisfy(t -> assertThat(t.outcome()).as(FaultTrials.describe(t)).isEqualTo(FaultTrials.Outcome.CORRECT));
        assertThat(trials).filteredOn(FaultTrials.Trial::victimInvolved).as("the victim took part in queries").isNotEmpty();
    }

    private static ExecutionException failure(CompletableFuture<?> call) throws Exception {
        try {
            call.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e;
        }
        throw new AssertionError("the call succeeded against a dead coordinator");
    }

    private static Properties credentials(FaultCluster cluster) {
        Properties properties = new Properties();
        properties.setProperty("user", "admin");
        properties.setProperty("password", cluster.adminPassword());
        return properties;
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** One injection: its trials, printed; and nothing left on the coordinator afterwards. */
    private static List<FaultTrials.Trial> run(FaultTrials.Family family, FaultTrials.Moment moment) throws Exception {
        long start = System.nanoTime();
        FaultTrials.Injection injection = faults.run(family, moment);
        injection.trials().forEach(t -> System.out.println("FAULT " + FaultTrials.describe(t)));
        FaultTrials.Leftovers left = faults.leftovers(20_000);
        System.out.println("FAULT-TIME " + family + " " + moment + ": " + (System.nanoTime() - start) / 1_000_000 + " ms"
                + (injection.detectionMillis() >= 0 ? ", suspected after " + injection.detectionMillis() + " ms" : ""));
        assertThat(left).as("nothing left running, allocated or spilled after %s %s", family, moment)
                .isNotNull().matches(FaultTrials.Leftovers::none, "none");
        return injection.trials();
    }
}
