package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.client.ConnectOptions;
import io.mallard.client.MallardClient;
import io.mallard.client.MallardSqlClient;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.security.Credentials;
import io.mallard.common.security.TlsMaterial;
import io.mallard.common.security.UrlSigner;
import io.mallard.protocol.Messages;
import io.mallard.protocol.Rpc;
import io.mallard.protocol.ShardProofs;
import io.mallard.worker.Worker;
import io.mallard.worker.WorkerConfig;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The security paths of the foundation: join tokens, signed shard URLs, proof of possession, TLS only. */
class SecurityTest {
    private static LocalCluster cluster;

    @TempDir
    Path temp;

    @BeforeAll
    static void start() throws Exception {
        // two replicas: a second worker (the prover below) is granted every shard, whatever the rendezvous order
        cluster = LocalCluster.builder().shards(3).workers(1).replicas(2).build();
    }

    @AfterAll
    static void stop() {
        try {
            cluster.assertClean();
        } finally {
            cluster.close();
        }
    }

    private WorkerConfig workerConfig(String token) {
        return new WorkerConfig("127.0.0.1", cluster.coordinator().port(), cluster.caCertificate(), token, "intruder",
                temp, 1, 0, false);
    }

    @Test
    void workerWithWrongJoinTokenIsRefused() {
        MallardException e = catchThrowableOfType(MallardException.class, () -> Worker.start(workerConfig("not-the-token")));
        assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
        assertThat(e.getMessage()).contains("join token");
        assertThat(cluster.status().workers()).noneMatch(w -> w.name().equals("intruder"));
    }

    @Test
    void plaintextConnectionToTheTlsCoordinatorFails() {
        MallardException e = catchThrowableOfType(MallardException.class, () -> MallardSqlClient.connect(new ConnectOptions(
                "127.0.0.1", cluster.coordinator().port(), "admin", cluster.adminPassword(), null, true)));
        assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.TLS_FAILED);
        assertThat(e.getMessage()).isEqualTo("127.0.0.1:" + cluster.coordinator().port() + " closed the plaintext "
                + "connection: the coordinator requires TLS (leave out --insecure and trust the cluster's CA with --ca)");
    }

    @Test
    void clientTrustingAnotherCaIsRefused() throws Exception {
        TlsMaterial other = TlsMaterial.generate(temp.resolve("other-ca"), java.util.List.of());
        MallardException e = catchThrowableOfType(MallardException.class, () -> MallardClient.connect("127.0.0.1",
                cluster.coordinator().port(), other.caCertificate(), "admin", cluster.adminPassword()));
        assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.TLS_FAILED);
        assertThat(e.getMessage()).startsWith("the certificate of 127.0.0.1:" + cluster.coordinator().port()
                + " is not trusted: it is not signed by the CA in " + other.caCertificate())
                .contains("unable to find valid certification path").doesNotContain("SslHandler", "io exception");
        // the SQL client says the same
        MallardException sql = catchThrowableOfType(MallardException.class, () -> MallardSqlClient.connect(
                ConnectOptions.tls("127.0.0.1", cluster.coordinator().port(), "admin", cluster.adminPassword(),
                        other.caCertificate())));
        assertThat(sql.code()).isEqualTo(ErrorCode.TLS_FAILED);
        assertThat(sql.getMessage()).isEqualTo(e.getMessage());
    }

    @Test
    void aWrongPortIsAConnectionFailureThatSaysNothingListens() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort(); // free again once closed: nothing listens there
        }
        MallardException e = catchThrowableOfType(MallardException.class, () -> MallardSqlClient.connect(
                ConnectOptions.tls("127.0.0.1", closed, "admin", cluster.adminPassword(), cluster.caCertificate())));
        assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION_FAILED);
        assertThat(e.getMessage()).isEqualTo("nothing accepts connections at 127.0.0.1:" + closed + " (connection "
                + "refused): is the coordinator running, and is " + closed + " its SQL (Flight) port?");
    }

    @Test
    void anUnknownHostIsAConnectionFailureThatNamesIt() {
        MallardException e = catchThrowableOfType(MallardException.class, () -> MallardSqlClient.connect(
                ConnectOptions.tls("no-such-host.invalid", cluster.coordinator().port(), "admin",
                        cluster.adminPassword(), cluster.caCertificate())));
        assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION_FAILED);
        assertThat(e.getMessage()).isEqualTo("unknown host 'no-such-host.invalid': the name does not resolve; check "
                + "the coordinator's address");
    }

    @Test
    void tlsToAPlaintextServerSaysItDoesNotAnswerInTls() throws Exception {
        // a plaintext server that answers at once, as a coordinator started with --insecure does
        try (java.net.ServerSocket plain = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread answering = new Thread(() -> {
                try (java.net.Socket s = plain.accept()) {
                    s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes());
                    s.getOutputStream().flush();
                    s.getInputStream().read();
                } catch (java.io.IOException ignored) {
                    // the client hung up: the test checks what it saw
                }
            });
            answering.start();
            int port = plain.getLocalPort();
            MallardException e = catchThrowableOfType(MallardException.class, () -> MallardSqlClient.connect(
                    ConnectOptions.tls("127.0.0.1", port, "admin", cluster.adminPassword(), cluster.caCertificate())));
            assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.TLS_FAILED);
            assertThat(e.getMessage()).isEqualTo("127.0.0.1:" + port + " does not answer in TLS: a coordinator started "
                    + "with --insecure needs --insecure here too (or is this another service's port?)");
            answering.join(10_000);
        }
    }

    @Test
    void aMissingPasswordIsNotCalledAWrongOne() {
        for (String missing : new String[] {null, ""}) {
            MallardException e = catchThrowableOfType(MallardException.class, () -> MallardSqlClient.connect(
                    ConnectOptions.tls("127.0.0.1", cluster.coordinator().port(), "admin", missing,
                            cluster.caCertificate())));
            assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
            assertThat(e.getMessage()).isEqualTo("no password given for user 'admin'");
        }
    }

    @Test
    void aWorkerTrustingAnotherCaFailsAtOnceWithTheReason() throws Exception {
        TlsMaterial other = TlsMaterial.generate(temp.resolve("worker-other-ca"), java.util.List.of());
        WorkerConfig config = new WorkerConfig("127.0.0.1", cluster.coordinator().port(), other.caCertificate(),
                Credentials.load(cluster.dir()).joinToken(), "wrong-ca", temp.resolve("wrong-ca"), 1, 0, false);
        MallardException e = catchThrowableOfType(MallardException.class, () -> Worker.start(config));
        assertThat(e.code()).isEqualTo(ErrorCode.TLS_FAILED);
        assertThat(e.getMessage()).contains("is not signed by the CA in " + other.caCertificate());
        assertThat(cluster.status().workers()).noneMatch(w -> w.name().equals("wrong-ca"));
    }

    @Test
    void wrongPasswordIsRefused() {
        MallardException e = catchThrowableOfType(MallardException.class, () -> MallardClient.connect("127.0.0.1",
                cluster.coordinator().port(), cluster.caCertificate(), "admin", "wrong"));
        assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
    }

    @Test
    void expiredTamperedOrForeignFileUrlsAreRefused() throws Exception {
        UrlSigner signer = new UrlSigner(Credentials.load(cluster.dir()).urlSigningKey());
        String file = cluster.snapshot().files().get(0).storeKey();
        String other = cluster.snapshot().files().get(1).storeKey();
        long now = System.currentTimeMillis() / 1000;
        assertThat(download(file, signer.sign(file, "w1", now + 60))).isEqualTo(200);
        assertThat(download(file, signer.sign(file, "w1", now - 1))).isEqualTo(403);
        String good = signer.sign(file, "w1", now + 60);
        String tampered = good.substring(0, good.length() - 1) + (good.endsWith("0") ? "1" : "0");
        assertThat(download(file, tampered)).isEqualTo(403);
        assertThat(download(other, good)).isEqualTo(403);
        assertThat(download(file, "")).isEqualTo(403);
        UrlSigner foreign = new UrlSigner(new byte[32]);
        assertThat(download(file, foreign.sign(file, "w1", now + 60))).isEqualTo(403);
    }

    private int download(String key, String query) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(TlsMaterial.clientSslContext(cluster.caCertificate())).build();
        URI uri = URI.create("https://127.0.0.1:" + cluster.coordinator().shardPort() + "/store/" + key
                + (query.isEmpty() ? "" : "?" + query));
        return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void proofOfPossessionNeedsTheBytesAndANonceIsSingleUse() throws Exception {
        try (BufferAllocator allocator = new RootAllocator();
                FlightClient client = FlightClient.builder(allocator, Location.forGrpcTls("127.0.0.1", cluster.coordinator().port()))
                        .useTls().trustedCertificates(new ByteArrayInputStream(Files.readAllBytes(cluster.caCertificate())))
                        .build()) {
            Messages.WorkerRegistered registered = Rpc.call(client, new Messages.RegisterWorker(
                    Credentials.load(cluster.dir()).joinToken(), "prover", "test", 1, 1 << 30, -1), Messages.WorkerRegistered.class);
            CredentialCallOption auth = new CredentialCallOption(new BearerCredentialWriter(registered.sessionToken()));
            Messages.PollReply reply = Rpc.call(client, new Messages.Poll(registered.workerId(), java.util.List.of()),
                    Messages.PollReply.class, auth);
            assertThat(reply.grants()).as("with two replicas the second worker holds every shard").isNotEmpty();
            Messages.FileGrant grant = reply.grants().get(0);
            Path file = cluster.dir().resolve("data").resolve("store")
                    .resolve(cluster.snapshot().file(grant.fileId()).orElseThrow().storeKey());
            Messages.Challenge challenge = Rpc.call(client, new Messages.FileReady(registered.workerId(), grant.fileId()),
                    Messages.Challenge.class, auth);
            Messages.Ack echoedHash = Rpc.call(client, new Messages.FileProof(registered.workerId(), grant.fileId(),
                    challenge.nonce(), grant.sha256()), Messages.Ack.class, auth);
            assertThat(echoedHash.accepted()).as("echoing the file hash is no proof").isFalse();
            Messages.Ack replay = Rpc.call(client, new Messages.FileProof(registered.workerId(), grant.fileId(),
                    challenge.nonce(), ShardProofs.digest(challenge.nonce(), file)), Messages.Ack.class, auth);
            assertThat(replay.accepted()).as("a used nonce cannot be answered again").isFalse();
            Messages.Challenge fresh = Rpc.call(client, new Messages.FileReady(registered.workerId(), grant.fileId()),
                    Messages.Challenge.class, auth);
            Messages.Ack proof = Rpc.call(client, new Messages.FileProof(registered.workerId(), grant.fileId(),
                    fresh.nonce(), ShardProofs.digest(fresh.nonce(), file)), Messages.Ack.class, auth);
            assertThat(proof.accepted()).isTrue();
            Rpc.call(client, new Messages.Leaving(registered.workerId()), Messages.Ack.class, auth);
        }
    }

    @Test
    void callsWithoutASessionAreRefused() throws Exception {
        try (BufferAllocator allocator = new RootAllocator();
                FlightClient client = FlightClient.builder(allocator, Location.forGrpcTls("127.0.0.1", cluster.coordinator().port()))
                        .useTls().trustedCertificates(new ByteArrayInputStream(Files.readAllBytes(cluster.caCertificate())))
                        .build()) {
            MallardException e = catchThrowableOfType(MallardException.class,
                    () -> Rpc.call(client, new Messages.Poll("w1", java.util.List.of()), Messages.PollReply.class));
            assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
            MallardException status = catchThrowableOfType(MallardException.class,
                    () -> Rpc.call(client, new Messages.ClusterStatusRequest(), Messages.ClusterStatus.class));
            assertThat(status.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
        }
    }
}
