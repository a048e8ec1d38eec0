package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.client.ConnectOptions;
import io.mallard.client.MallardSqlClient;
import io.mallard.client.PreparedQuery;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.rows.ArrowValues;
import io.mallard.common.rows.QueryRows;
import io.mallard.data.queries.DemoQueries;
import io.mallard.data.queries.NamedQuery;
import io.mallard.oracle.Oracle;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The application client (mallard-client) against a real cluster: queries, Arrow streaming, EXPLAIN, settings, parameters. */
class MallardSqlClientTest {
    private static LocalCluster cluster;
    private static Oracle oracle;
    private static MallardSqlClient client;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.builder().shards(4).workers(2).build();
        oracle = new Oracle(cluster.oracleFile());
        client = cluster.sqlClient();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            cluster.assertClean();
        } finally {
            client.close();
            oracle.close();
            cluster.close();
        }
    }

    @Test
    void queriesAndArrowStreamsMatchTheOracle() throws Exception {
        for (NamedQuery query : DemoQueries.ALL) {
            assertThat(oracle.difference(query.sql(), client.query(query.sql()))).as(query.name()).isEmpty();
        }
        AtomicLong rows = new AtomicLong();
        client.stream("SELECT l_orderkey FROM lineitem", root -> rows.addAndGet(root.getRowCount()));
        assertThat(rows.get()).isEqualTo(oracle.query("SELECT count(*) FROM lineitem").rows().get(0).get(0));
    }

    @Test
    void explainSettingsAndErrors() {
        assertThat(client.explain("SELECT count(*) FROM lineitem")).contains("PUSHDOWN_AGG").contains("worker:");
        try (MallardSqlClient other = cluster.sqlClient()) {
            other.set("mallard.distributed", "off");
            assertThat(other.settings()).containsEntry("mallard.distributed", "false").containsEntry("mallard.summarize", "true");
            assertThat(client.settings()).containsEntry("mallard.distributed", "true");
            MallardException refused = catchThrowableOfType(MallardException.class,
                    () -> other.query("SELECT count(*) FROM lineitem"));
            assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            MallardException unknown = catchThrowableOfType(MallardException.class, () -> other.set("mallard.fast", "on"));
            assertThat(unknown.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        }
        MallardException syntax = catchThrowableOfType(MallardException.class, () -> client.query("SELEC 1"));
        assertThat(syntax.code()).isEqualTo(ErrorCode.SYNTAX_ERROR);
        MallardException wrong = catchThrowableOfType(MallardException.class, () -> MallardSqlClient.connect(
                ConnectOptions.tls("127.0.0.1", cluster.coordinator().port(), "admin", "wrong", cluster.caCertificate())));
        assertThat(wrong.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
        assertThat(client.tables()).contains("lineitem", "nation", "measurements", "mallard.queries", "mallard.workers");
    }

    @Test
    void preparedQueriesBindEveryParameterType() throws Exception {
        String sql = "SELECT count(*) AS n, sum(l_extendedprice) AS price FROM lineitem "
                + "WHERE l_shipdate >= ? AND l_discount BETWEEN ? AND ? AND l_quantity < ? AND l_shipmode <> ?";
        try (PreparedQuery prepared = client.prepare(sql)) {
            assertThat(prepared.parameterCount()).isEqualTo(5);
            QueryRows rows = prepared.query(LocalDate.parse("1994-01-01"), new BigDecimal("0.05"), 0.07, 24, "MAIL");
            assertThat(oracle.difference("SELECT count(*) AS n, sum(l_extendedprice) AS price FROM lineitem "
                    + "WHERE l_shipdate >= DATE '1994-01-01' AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24 "
                    + "AND l_shipmode <> 'MAIL'", rows)).isEmpty();
            QueryRows injected = prepared.query(LocalDate.parse("1994-01-01"), 0.05, 0.07, 24, "x' OR 1=1 --");
            assertThat(injected.rows()).hasSize(1);
        }
        try (PreparedQuery nulls = client.prepare("SELECT count(*) AS n FROM nation WHERE n_name = ?")) {
            assertThat(nulls.query((Object) null).rows().get(0).get(0)).isEqualTo(0L);
        }
    }

    @Test
    void typeInfoAndCatalogsThroughFlightSql() throws Exception {
        try (BufferAllocator allocator = new RootAllocator();
                FlightClient flight = FlightClient.builder(allocator, Location.forGrpcTls("127.0.0.1", cluster.coordinator().port()))
                        .useTls().trustedCertificates(new ByteArrayInputStream(Files.readAllBytes(cluster.caCertificate())))
                        .build()) {
            CredentialCallOption auth = flight.authenticateBasicToken("admin", cluster.adminPassword()).orElseThrow();
            FlightSqlClient sql = new FlightSqlClient(flight);
            assertThat(column(sql, sql.getXdbcTypeInfo(auth), auth, 0)).contains("BIGINT", "VARCHAR", "DECIMAL", "DATE");
            assertThat(column(sql, sql.getCatalogs(auth), auth, 0)).containsExactly("mallard");
            assertThat(column(sql, sql.getTableTypes(auth), auth, 0)).containsExactly("SYSTEM TABLE", "TABLE");
            assertThat(column(sql, sql.getPrimaryKeys(org.apache.arrow.flight.sql.util.TableRef.of(null, "main",
                    "lineitem"), auth), auth, 0)).isEmpty();
        }
    }

    private static List<Object> column(FlightSqlClient sql, FlightInfo info, CredentialCallOption auth, int column)
            throws Exception {
        List<Object> values = new ArrayList<>();
        for (FlightEndpoint endpoint : info.getEndpoints()) {
            try (FlightStream stream = sql.getStream(endpoint.getTicket(), auth)) {
                while (stream.next()) {
                    ArrowValues.rows(stream.getRoot()).forEach(r -> values.add(r.get(column)));
                }
            }
        }
        return values;
    }
}
