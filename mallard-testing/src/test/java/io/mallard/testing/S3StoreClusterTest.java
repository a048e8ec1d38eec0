package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.client.MallardSqlClient;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.security.Credentials;
import io.mallard.coordinator.CoordinatorConfig;
import io.mallard.coordinator.ImportConfig;
import io.mallard.coordinator.StoreConfig;
import io.mallard.coordinator.server.Coordinator;
import io.mallard.data.queries.DemoQueries;
import io.mallard.data.queries.NamedQuery;
import io.mallard.data.store.S3Endpoint;
import io.mallard.data.store.S3Location;
import io.mallard.data.store.S3ShardStore;
import io.mallard.data.table.DataFile;
import io.mallard.oracle.Oracle;
import io.mallard.protocol.Messages;
import io.mallard.protocol.Rpc;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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

/**
 * A cluster whose store is an S3 bucket (s3proxy in this JVM): bootstrap writes the generated tables into the bucket,
 * queries equal the oracle, changes of partitioned, replicated and dimension tables equal one DuckDB, the coordinator
 * restarts over the bucket (garbage collection lists and deletes there), and workers get pre-signed URLs, never the
 * credentials.
 */
class S3StoreClusterTest {
    private static final String BUCKET = "mallard-store";

    private static final String[] CREATE = {
        "CREATE TABLE f (k BIGINT, g VARCHAR, x DOUBLE, dk BIGINT)",
        "CREATE TABLE r (id INTEGER, name VARCHAR)",
        "CREATE TABLE dim (dk BIGINT, label VARCHAR)",
    };
    private static final String[] DISTRIBUTE = {
        "ALTER TABLE f SET PARTITIONED BY (k)",
        "ALTER TABLE r SET REPLICATED",
        "ALTER TABLE dim SET DIMENSION (dk) REFERENCED BY f (dk)",
    };
    private static final String[] CHANGES = {
        "INSERT INTO f SELECT i, chr(97 + (i % 5)::INTEGER), i * 1.5, i % 7 FROM range(200) t(i)",
        "INSERT INTO r VALUES (0, 'zero'), (1, 'one'), (2, 'two'), (3, 'three'), (4, 'four')",
        "INSERT INTO dim SELECT i, 'L' || i FROM range(7) t(i)",
        "DELETE FROM f WHERE k % 3 = 0",
        "UPDATE f SET x = x * 2, g = upper(g) WHERE k % 5 = 1",
        "UPDATE f SET dk = (dk + 1) % 7 WHERE k < 50",
        "UPDATE r SET name = name || '!' WHERE id % 2 = 0",
        "DELETE FROM r WHERE id = 3",
        "UPDATE dim SET label = label || '*' WHERE dk < 3",
        "DELETE FROM dim WHERE dk = 6",
        "INSERT INTO f VALUES (1000, 'z', NULL, 2), (1001, NULL, 0.5, 6)",
        "CREATE TABLE f2 AS SELECT k, g, x FROM f WHERE k < 100",
        "DELETE FROM f2 WHERE g = 'B'",
    };
    private static final String[] CHECKS = {
        "SELECT * FROM f ORDER BY ALL",
        "SELECT g, count(*), sum(x), max(k) FROM f GROUP BY g ORDER BY g",
        "SELECT * FROM r ORDER BY ALL",
        "SELECT * FROM dim ORDER BY ALL",
        "SELECT * FROM f2 ORDER BY ALL",
        "SELECT f.g, dim.label, count(*), sum(f.x) FROM f JOIN dim ON f.dk = dim.dk GROUP BY ALL ORDER BY ALL",
        "SELECT r.name, count(*) FROM f JOIN r ON f.k % 5 = r.id GROUP BY r.name ORDER BY r.name",
    };
    private static final List<NamedQuery> GENERATED = List.of(DemoQueries.Q1, DemoQueries.Q3, DemoQueries.Q5,
            DemoQueries.CHALLENGE_STATIONS, new NamedQuery("replicated and dimension",
                    "SELECT n_name, r_name, count(*) FROM customer JOIN nation ON c_nationkey = n_nationkey "
                            + "JOIN region ON n_regionkey = r_regionkey GROUP BY ALL ORDER BY ALL"));

    private static S3ProxyFixture s3;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3ProxyFixture.start();
        s3.createBucket(BUCKET);
    }

    @AfterAll
    static void stopS3() throws Exception {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void aClusterOnS3AnswersChangesAndRestartsOverTheBucket(@TempDir Path temp) throws Exception {
        S3Location location = s3.location(BUCKET, "cluster-" + UUID.randomUUID());
        try (LocalCluster cluster = LocalCluster.builder().workers(2).shards(4).measurementRows(5_000).privateData(true)
                        .store(StoreConfig.s3(location, s3.credentials()))
                        .imports(ImportConfig.none().withS3(new S3Endpoint(s3.endpoint(), null, true), s3.credentials()))
                        .build();
                S3ShardStore bucket = new S3ShardStore(location, s3.credentials());
                Oracle oracle = new Oracle(cluster.oracleFile());
                Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Oracle single = Oracle.over(duck)) {
            // the generated tables' files are in the bucket, and only there
            assertThat(new HashSet<>(bucket.list("tables/"))).isEqualTo(liveKeys(cluster)).isNotEmpty();
            assertThat(cluster.dir().resolve("data").resolve("store")).doesNotExist();
            assertThat(cluster.coordinator().shardPort()).as("no local store to serve").isEqualTo(-1);
            // the coordinator proved the workers' files on its own verified copies, downloaded from the bucket
            try (Stream<Path> copies = Files.list(cluster.dir().resolve("data").resolve("work").resolve("cache"))) {
                assertThat(copies.count()).isEqualTo(cluster.snapshot().files().size());
            }
            try (MallardSqlClient client = cluster.sqlClient()) {
                for (NamedQuery q : GENERATED) {
                    assertThat(oracle.difference(q.sql(), client.query(q.sql()))).as(q.name()).isEmpty();
                }
                for (String ddl : CREATE) {
                    client.query(ddl);
                    execute(duck, ddl);
                }
                for (String ddl : DISTRIBUTE) {
                    client.query(ddl);
                }
                for (String sql : CHANGES) {
                    long expected = execute(duck, sql);
                    assertThat(((Number) client.query(sql).rows().get(0).get(0)).longValue()).as(sql).isEqualTo(expected);
                }
                assertSameAnswers(client, single);
                // the store's own objects are not an import source, even with credentials that could read them
                String storeFiles = "s3://" + BUCKET + "/" + location.prefix() + "tables/*/*/*.duckdb";
                MallardException refused = org.assertj.core.api.Assertions.catchThrowableOfType(MallardException.class,
                        () -> client.query("INSERT INTO f SELECT * FROM read_parquet('" + storeFiles + "')"));
                assertThat(refused).isNotNull();
                assertThat(refused.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
                assertThat(refused.getMessage()).contains(storeFiles, "shard store");
            }
            assertThat(new HashSet<>(bucket.list("tables/"))).as("every live file is in the bucket")
                    .containsAll(liveKeys(cluster));

            // a file no version names (a crash between writing and committing) is deleted from the bucket at start
            Path stray = Files.writeString(temp.resolve("stray.duckdb"), "left over");
            bucket.put("tables/999/shard-000/stray.duckdb", stray);
            cluster.restartCoordinator();
            assertThat(bucket.exists("tables/999/shard-000/stray.duckdb")).isFalse();
            assertThat(new HashSet<>(bucket.list("tables/"))).as("only live files remain after garbage collection")
                    .isEqualTo(liveKeys(cluster));
            try (MallardSqlClient client = cluster.sqlClient()) {
                assertSameAnswers(client, single);
                for (NamedQuery q : GENERATED) {
                    assertThat(oracle.difference(q.sql(), client.query(q.sql()))).as(q.name()).isEmpty();
                }
            }
            cluster.assertClean();
        }
    }

    @Test
    void workersAreGivenPreSignedUrlsAndNoCredentials() throws Exception {
        S3Location location = s3.location(BUCKET, "urls-" + UUID.randomUUID());
        // three replicas of every shard over two workers: a third worker joining is given every file
        try (LocalCluster cluster = LocalCluster.builder().workers(2).replicas(3).shards(2).measurementRows(1_000)
                        .scaleFactor(0.001).privateData(true).store(StoreConfig.s3(location, s3.credentials())).build();
                BufferAllocator allocator = new RootAllocator();
                FlightClient flight = FlightClient.builder(allocator, Location.forGrpcTls("127.0.0.1",
                                cluster.coordinator().port())).useTls()
                        .trustedCertificates(new ByteArrayInputStream(Files.readAllBytes(cluster.caCertificate()))).build()) {
            Messages.WorkerRegistered registered = Rpc.call(flight, new Messages.RegisterWorker(
                    Credentials.load(cluster.dir()).joinToken(), "prober", "test", 1, 1 << 30, -1),
                    Messages.WorkerRegistered.class);
            CredentialCallOption auth = new CredentialCallOption(new BearerCredentialWriter(registered.sessionToken()));
            Messages.PollReply reply = Rpc.call(flight, new Messages.Poll(registered.workerId(), List.of()),
                    Messages.PollReply.class, auth);
            assertThat(reply.grants()).as("every file a shard holds (the coordinator's reference files are not granted)")
                    .hasSize((int) cluster.snapshot().files().stream().filter(f -> f.shard() != DataFile.REFERENCE).count());
            HttpClient http = HttpClient.newHttpClient(); // no credentials of any kind
            for (Messages.FileGrant grant : reply.grants()) {
                URI url = URI.create(grant.url());
                DataFile file = cluster.snapshot().file(grant.fileId()).orElseThrow();
                assertThat(url.getScheme() + "://" + url.getAuthority()).isEqualTo(s3.endpoint().toString());
                assertThat(url.getPath()).isEqualTo("/" + BUCKET + "/" + location.objectKey(file.storeKey()));
                assertThat(url.getQuery()).contains("X-Amz-Signature=", "X-Amz-Expires=", "X-Amz-Credential=")
                        .doesNotContain(s3.secretKey());
                assertThat(grant.toString()).doesNotContain(s3.secretKey());
                HttpResponse<byte[]> download = http.send(HttpRequest.newBuilder(url).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertThat(download.statusCode()).isEqualTo(200);
                assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(download.body())))
                        .isEqualTo(grant.sha256());
            }
            // the signature covers the key: the URL of one file does not open another
            Messages.FileGrant first = reply.grants().get(0);
            Messages.FileGrant second = reply.grants().get(1);
            String forged = first.url().replace(cluster.snapshot().file(first.fileId()).orElseThrow().storeKey(),
                    cluster.snapshot().file(second.fileId()).orElseThrow().storeKey());
            assertThat(http.send(HttpRequest.newBuilder(URI.create(forged)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(403);
        }
    }

    @Test
    void aCoordinatorConfiguredWithAnotherStoreRefusesToStart() throws Exception {
        S3Location location = s3.location(BUCKET, "refuse-" + UUID.randomUUID());
        try (LocalCluster cluster = LocalCluster.builder().workers(0).shards(2).measurementRows(1_000).scaleFactor(0.001)
                .privateData(true).store(StoreConfig.s3(location, s3.credentials())).build()) {
            for (StoreConfig other : List.of(StoreConfig.local(),
                    StoreConfig.s3(location.withPrefix("elsewhere"), s3.credentials()))) {
                CoordinatorConfig config = CoordinatorConfig.defaults(cluster.dir()).withStore(other)
                        .withMetadataFile(cluster.dir().resolve("other-metadata.duckdb"));
                MallardException e = org.assertj.core.api.Assertions.catchThrowableOfType(MallardException.class,
                        () -> Coordinator.start(config).close());
                assertThat(e).as("starting with %s", other.identity()).isNotNull();
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                assertThat(e.getMessage()).contains(location.uri()).contains(other.isLocal() ? "local store"
                        : other.identity());
            }
            try (S3ShardStore bucket = new S3ShardStore(location, s3.credentials())) {
                assertThat(new HashSet<>(bucket.list("tables/"))).as("nothing was collected from the cluster's bucket")
                        .isEqualTo(liveKeys(cluster));
            }
        }
    }

    private static Set<String> liveKeys(LocalCluster cluster) {
        return cluster.snapshot().files().stream().map(DataFile::storeKey).collect(Collectors.toSet());
    }

    private static void assertSameAnswers(MallardSqlClient client, Oracle single) throws Exception {
        for (String check : CHECKS) {
            assertThat(single.difference(check, client.query(check))).as(check).isEmpty();
        }
    }

    private static long execute(Connection duck, String sql) throws Exception {
        try (Statement s = duck.createStatement()) {
            return s.execute(sql) ? 0 : Math.max(0, s.getUpdateCount());
        }
    }
}
