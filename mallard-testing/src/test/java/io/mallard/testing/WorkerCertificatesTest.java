package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.client.MallardClient;
import io.mallard.common.rows.QueryRows;
import io.mallard.common.security.ClientCertificates;
import io.mallard.common.security.Credentials;
import io.mallard.common.security.TlsMaterial;
import io.mallard.common.security.UrlSigner;
import io.mallard.coordinator.ClusterLayout;
import io.mallard.coordinator.CoordinatorConfig;
import io.mallard.data.queries.DemoQueries;
import io.mallard.oracle.Oracle;
import io.mallard.protocol.Messages;
import io.mallard.worker.WorkerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator with {@code --worker-mtls} and real worker processes: a worker without a certificate, with one of
 * another CA, with an expired one, with a client's certificate or under another name than its certificate's is refused
 * and says why in its log; a worker with a good certificate joins and answers as the oracle does. On the same cluster:
 * shard URLs of a worker that is gone are refused, and names are labels (a second worker under a name in use gets its
 * own id and a visible marker).
 */
class WorkerCertificatesTest {
    private static final Duration REFUSED_WITHIN = Duration.ofSeconds(60);
    private static LocalCluster cluster;

    @TempDir
    Path temp;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.builder().shards(3).workers(1).workerProcesses(true).leaseMillis(3_000)
                .auth(CoordinatorConfig.Auth.DEFAULTS.withMtls(true, false)).build();
    }

    @AfterAll
    static void stop() {
        try {
            cluster.assertClean();
        } finally {
            cluster.close();
        }
    }

    @Test
    void aWorkerWithAGoodCertificateJoinsAndAnswersAsTheOracle() throws Exception {
        assertThat(cluster.status().workers()).filteredOn(w -> !w.state().equals("gone")).singleElement()
                .satisfies(w -> assertThat(w.certified()).as("registered over its certificate").isTrue())
                .satisfies(w -> assertThat(w.state()).isEqualTo("trusted"));
        String sql = DemoQueries.Q1.sql();
        try (MallardClient client = cluster.client(); Oracle oracle = new Oracle(cluster.oracleFile())) {
            QueryRows answer = client.query(sql);
            assertThat(answer.rows()).isNotEmpty();
            assertThat(oracle.difference(sql, oracle.query(sql), answer)).isEmpty();
        }
    }

    /**
     * Five workers that must be refused, started at once (each is a JVM): without a certificate, with one of another CA,
     * an expired one, a client's, and another worker's name than its certificate's.
     */
    @Test
    void workersWithoutAGoodCertificateAreRefusedAndSayWhyInTheirLog() throws Exception {
        Path clusterTls = new ClusterLayout(cluster.dir()).tls();
        Instant now = Instant.now();
        Path otherTls = temp.resolve("other-ca");
        TlsMaterial.generate(otherTls, List.of());
        ClientCertificates.Issued foreign = ClientCertificates.issue(otherTls, ClientCertificates.Role.WORKER, "foreign");
        ClientCertificates.Issued expired = ClientCertificates.issue(clusterTls, ClientCertificates.Role.WORKER,
                "expired", now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)), temp.resolve("expired"));
        ClientCertificates.Issued client = ClientCertificates.issue(clusterTls, ClientCertificates.Role.CLIENT, "alice",
                now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), temp.resolve("alice"));

        WorkerHandle none = cluster.startWorkerProcess("no-cert", null);
        WorkerHandle ofOtherCa = cluster.startWorkerProcess("foreign", certificate(foreign));
        WorkerHandle outOfDate = cluster.startWorkerProcess("expired", certificate(expired));
        WorkerHandle asClient = cluster.startWorkerProcess("alice", certificate(client));
        WorkerHandle misnamed = cluster.startWorkerProcess("edge-10", cluster.issueWorkerCertificate("edge-9", temp));

        assertRefused(none, "requires a worker certificate (--worker-mtls) and the connection presented none");
        // its TLS stack does not even send it (the coordinator asks for the cluster CA's): refused as without one
        assertThat(assertRefused(ofOtherCa, "requires a worker certificate (--worker-mtls) and the connection presented none"))
                .contains("the worker certificate will not be accepted").contains("is not issued by the cluster CA");
        assertThat(assertRefused(outOfDate, "TLS handshake with the coordinator failed"))
                .contains("refused this worker's certificate").contains("expired on");
        assertRefused(asClient, "presented a client certificate (alice)");
        assertRefused(misnamed, "its certificate names 'edge-9'");
    }

    private static WorkerConfig.ClientCertificate certificate(ClientCertificates.Issued issued) {
        return new WorkerConfig.ClientCertificate(issued.certificate(), issued.privateKey());
    }

    @Test
    void aShardUrlOfAWorkerThatIsGoneIsRefusedWhileALiveWorkersWorks() throws Exception {
        String live = cluster.status().workers().stream().filter(w -> w.state().equals("trusted")).findFirst()
                .orElseThrow().id();
        WorkerHandle leaving = cluster.addWorker(true, 0);
        cluster.await("the second worker registered", 60_000, () -> idOf(leaving.name()) != null);
        String gone = idOf(leaving.name());
        UrlSigner signer = new UrlSigner(Credentials.load(cluster.dir()).urlSigningKey());
        String file = cluster.snapshot().files().get(0).storeKey();
        long expires = System.currentTimeMillis() / 1000 + 60;
        String capturedOfGone = signer.sign(file, gone, expires); // as the coordinator signs it (ShardServer.signedUrl)
        String ofLive = signer.sign(file, live, expires);
        assertThat(download(file, capturedOfGone).statusCode()).as("while its worker is a member").isEqualTo(200);

        leaving.kill();
        cluster.await("the killed worker declared gone", 60_000, () -> cluster.status().workers().stream()
                .noneMatch(w -> w.id().equals(gone) && !w.state().equals("gone")));

        HttpResponse<String> refused = download(file, capturedOfGone);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("worker_gone").contains(gone);
        assertThat(download(file, ofLive).statusCode()).isEqualTo(200);
        cluster.awaitAllShardsServed(60_000);
    }

    @Test
    void aSecondWorkerUnderANameInUseGetsItsOwnIdAndIsMarked() throws Exception {
        Messages.WorkerView first = cluster.status().workers().stream().filter(w -> w.state().equals("trusted"))
                .findFirst().orElseThrow();
        Path dir = cluster.workerDir(first.name());
        WorkerHandle twin = cluster.startWorkerProcess(first.name(), cluster.issueWorkerCertificate(first.name(), dir));
        cluster.await("the second worker named " + first.name() + " registered", 60_000,
                () -> live(first.name()).size() == 2);
        try (MallardClient client = cluster.client()) {
            QueryRows rows = client.query("SELECT worker_id, certified, duplicate_name FROM mallard.workers "
                    + "WHERE name = '" + first.name() + "' AND state <> 'gone' ORDER BY worker_id");
            assertThat(rows.rows()).hasSize(2).allMatch(r -> r.get(1).equals(true) && r.get(2).equals(true));
            assertThat(rows.rows().stream().map(r -> r.get(0)).distinct()).hasSize(2).contains(first.id());
        }
        assertThat(live(first.name())).as("the first keeps its session").contains(first.id());
        twin.close(); // SIGTERM: it drains and leaves
        cluster.await("the twin left", 60_000, () -> live(first.name()).size() == 1);
        cluster.awaitAllShardsServed(60_000);
    }

    private static List<String> live(String name) {
        return cluster.status().workers().stream().filter(w -> w.name().equals(name) && !w.state().equals("gone"))
                .map(Messages.WorkerView::id).toList();
    }

    private static String idOf(String name) {
        List<String> ids = live(name);
        return ids.isEmpty() ? null : ids.get(0);
    }

    /** A worker process that must be refused: it exits with an error, its log says why, it never registered. */
    private String assertRefused(WorkerHandle worker, String why) throws Exception {
        int exit = worker.awaitExit(REFUSED_WITHIN);
        String log = Files.readString(worker.log());
        assertThat(exit).as(log).isNotZero();
        assertThat(log).contains(why);
        assertThat(cluster.status().workers()).noneMatch(w -> w.name().equals(worker.name()));
        return log;
    }

    private HttpResponse<String> download(String key, String query) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(TlsMaterial.clientSslContext(cluster.caCertificate())).build();
        URI uri = URI.create("https://127.0.0.1:" + cluster.coordinator().shardPort() + "/store/" + key + "?" + query);
        return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
