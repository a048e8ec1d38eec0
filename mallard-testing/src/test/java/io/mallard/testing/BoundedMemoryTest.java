package io.mallard.testing;

import io.mallard.oracle.Oracle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.client.MallardSqlClient;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.stream.Stream;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightGrpcUtils;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's memory for query data is bounded (64 MiB here, at TPC-H SF 0.1): a GATHER of more than that spills
 * received batches to disk and answers right; a query that cannot fit fails with OUT_OF_MEMORY and the next one runs;
 * an answer streamed to a client that does not read is held back, not piled up. Nothing is left in memory or on disk.
 */
class BoundedMemoryTest {
    private static final long BUDGET = 64L << 20;
    private static Path spillDir;
    private static LocalCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        spillDir = Files.createTempDirectory("mallard-spill-test-");
        cluster = LocalCluster.builder().scaleFactor(0.1).shards(8).workers(2).memory(BUDGET, spillDir).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        try (Stream<Path> paths = Files.walk(spillDir)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void aGatherOfMoreThanTheBudgetSpillsAndAnswersRight() throws Exception {
        // holistic aggregates over (nearly) every column: GATHER ships the whole table, about 90 MB
        String sql = "SELECT l_shipmode, median(length(l_comment) + length(l_shipinstruct) + length(l_returnflag) "
                + "+ length(l_linestatus) + day(l_shipdate) + day(l_commitdate) + day(l_receiptdate) + l_linenumber) AS a, "
                + "median(l_extendedprice + l_discount + l_tax + l_quantity + l_partkey + l_suppkey + l_orderkey) AS b "
                + "FROM lineitem GROUP BY 1 ORDER BY 1";
        try (MallardSqlClient client = cluster.sqlClient(); Oracle oracle = new Oracle(cluster.oracleFile())) {
            long spilledBefore = cluster.coordinator().spilledBytes();
            assertThat(oracle.difference(sql, client.query(sql))).isEmpty();
            Number shipped = (Number) client.query("SELECT bytes_shipped FROM mallard.queries WHERE sql = '" + sql
                    + "' ORDER BY started DESC LIMIT 1").rows().get(0).get(0);
            assertThat(shipped.longValue()).as("the query gathered more than the budget").isGreaterThan(BUDGET);
            assertThat(cluster.coordinator().spilledBytes()).as("received batches went to disk").isGreaterThan(spilledBefore);
        }
        assertNothingLeft();
    }

    @Test
    void aQueryThatCannotFitFailsWithOutOfMemoryAndTheNextOneRuns() throws Exception {
        try (MallardSqlClient client = cluster.sqlClient(); Oracle oracle = new Oracle(cluster.oracleFile())) {
            // one string of every comment, eight times over: a single value larger than the combine's memory limit,
            // which nothing can spill
            MallardException e = catchThrowableOfType(MallardException.class,
                    () -> client.query("SELECT string_agg(repeat(l_comment, 8), ',') AS comments FROM lineitem"));
            assertThat(e).isNotNull();
            assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.OUT_OF_MEMORY);
            String next = "SELECT l_returnflag, count(*), sum(l_quantity) FROM lineitem GROUP BY 1 ORDER BY 1";
            assertThat(oracle.difference(next, client.query(next))).isEmpty();
        }
        assertNothingLeft();
    }

    @Test
    void anAnswerForAClientThatDoesNotReadIsHeldBack() throws Exception {
        String sql = "SELECT l_orderkey, l_comment, l_shipinstruct FROM lineitem";
        // a client with a small, fixed HTTP/2 window: what it does not read stays with the coordinator, not in its buffers
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", cluster.coordinator().port())
                .sslContext(GrpcSslContexts.forClient().trustManager(cluster.caCertificate().toFile()).build())
                .flowControlWindow(64 * 1024).build();
        try (BufferAllocator allocator = new RootAllocator();
                FlightClient flight = FlightGrpcUtils.createFlightClient(allocator, channel, new ArrayList<>());
                MallardSqlClient observer = cluster.sqlClient(); Oracle oracle = new Oracle(cluster.oracleFile())) {
            long total = ((Number) oracle.query("SELECT count(*) FROM lineitem").rows().get(0).get(0)).longValue();
            CallOption auth = flight.authenticateBasicToken("admin", cluster.adminPassword()).orElseThrow();
            FlightSqlClient sqlClient = new FlightSqlClient(flight);
            FlightInfo info = sqlClient.execute(sql, auth);
            long received = 0;
            try (FlightStream stream = sqlClient.getStream(info.getEndpoints().get(0).getTicket(), auth)) {
                assertThat(stream.next()).isTrue();
                received += stream.getRoot().getRowCount();
                // the client stops reading: the coordinator must wait for it
                cluster.await("the coordinator to wait for the client", 60_000,
                        () -> cluster.coordinator().answersWaitingForClients() == 1);
                Number sent = (Number) observer.query("SELECT rows FROM mallard.queries WHERE status = 'running' AND sql = '"
                        + sql + "'").rows().get(0).get(0);
                assertThat(sent.longValue()).as("held back, not all sent").isLessThan(total);
                assertThat(cluster.coordinator().allocatedBytes()).isLessThanOrEqualTo(BUDGET);
                while (stream.next()) {
                    received += stream.getRoot().getRowCount();
                }
            }
            assertThat(received).as("every row arrived once the client read on").isEqualTo(total);
        }
        assertNothingLeft();
    }

    private static void assertNothingLeft() throws Exception {
        cluster.assertClean();
        assertThat(cluster.coordinator().spillFiles()).isZero();
        try (Stream<Path> files = Files.walk(spillDir.resolve("batches"))) {
            assertThat(files.filter(Files::isRegularFile)).as("no spill file is left").isEmpty();
        }
    }
}
