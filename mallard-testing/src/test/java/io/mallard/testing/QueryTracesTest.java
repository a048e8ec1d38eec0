package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import com.sun.net.httpserver.HttpServer;
import io.mallard.common.rows.QueryRows;
import io.mallard.oracle.Oracle;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code --otlp-endpoint}: a statement's trace reaches an OTLP/HTTP collector (here a plain HTTP server of the test that
 * decodes the protobuf by field number): a root span with the user, strategy and outcome, and one child span for the
 * planning, each task attempt (shard, worker, whether its answer was taken) and the combine, all in the root's trace.
 * The tasks the trace shows are the ones {@code mallard.tasks} records; a failed statement's span carries its error.
 */
class QueryTracesTest {

    /** One decoded span: the OTLP fields the test reads. */
    record SpanData(ByteString traceId, ByteString spanId, ByteString parentId, String name, long start, long end,
            Map<String, Object> attributes, long statusCode) {
    }

    @Test
    void aStatementsTraceShowsPlanningEachTaskAttemptAndTheCombine() throws Exception {
        BlockingQueue<SpanData> received = new LinkedBlockingQueue<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                decode(body).forEach(received::add);
                exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, -1);
            }
        });
        collector.start();
        try (LocalCluster cluster = LocalCluster.builder().shards(4).workers(2).privateData(true)
                .otlpEndpoint("http://127.0.0.1:" + collector.getAddress().getPort()).build();
                Oracle oracle = new Oracle(cluster.oracleFile());
                Connection connection = DriverManager.getConnection("jdbc:arrow-flight-sql://127.0.0.1:"
                        + cluster.coordinator().port() + "/?useEncryption=true&tlsRootCerts="
                        + cluster.caCertificate().toAbsolutePath(), JdbcRows.credentials("admin", cluster.adminPassword()))) {
            String marker = UUID.randomUUID().toString();
            String distributed = "SELECT l_returnflag, count(*) AS n FROM lineitem WHERE '" + marker
                    + "' <> '' GROUP BY l_returnflag ORDER BY l_returnflag";
            assertThat(oracle.difference(distributed, query(connection, distributed))).isEmpty();
            String failing = "SELECT 1 / 0 AS x FROM lineitem WHERE l_orderkey < 0 AND '" + marker + "' <> 'x' "
                    + "UNION ALL SELECT CAST('not a number " + marker + "' AS INTEGER)";
            catchThrowableOfType(SQLException.class, () -> query(connection, failing));

            List<SpanData> spans = new ArrayList<>();
            SpanData root = awaitRoot(received, spans, distributed);
            SpanData failed = awaitRoot(received, spans, failing);

            assertThat(root.parentId()).isEmpty();
            assertThat(root.attributes()).containsEntry("enduser.id", "admin").containsEntry("mallard.status", "finished")
                    .containsEntry("mallard.strategy", "PUSHDOWN_AGG").containsEntry("db.system.name", "mallard")
                    .containsEntry("mallard.rows", (long) oracle.query(distributed).rows().size());
            String queryId = (String) root.attributes().get("mallard.query_id");
            // the children arrive in the root's batch or an earlier one (they end first)
            List<SpanData> children = spans.stream().filter(s -> s.traceId().equals(root.traceId()) && s != root).toList();
            assertThat(children).allMatch(c -> c.parentId().equals(root.spanId()), "every step is a child of the statement")
                    .allMatch(c -> c.start() >= root.start() && c.end() <= root.end() && c.start() <= c.end(),
                            "every step lies within the statement");
            assertThat(children.stream().filter(c -> c.name().equals("plan")).toList()).singleElement()
                    .satisfies(p -> assertThat(p.attributes()).containsEntry("mallard.strategy", "PUSHDOWN_AGG"));
            assertThat(children.stream().filter(c -> c.name().equals("combine"))).hasSize(1);

            Set<List<Object>> answeredBy = children.stream().filter(c -> c.name().equals("task")
                    && "answered".equals(c.attributes().get("mallard.outcome")))
                    .map(c -> List.of(c.attributes().get("mallard.shard"), c.attributes().get("mallard.worker")))
                    .collect(Collectors.toSet());
            QueryRows tasks = query(connection, "SELECT shard_id, worker_id FROM mallard.tasks WHERE query_id = '"
                    + queryId + "' AND state = 'finished'");
            assertThat(answeredBy).as("the trace's answered attempts are the tasks the history records")
                    .isEqualTo(new HashSet<>(tasks.rows()));
            assertThat(answeredBy).hasSize(4);

            assertThat(failed.attributes()).containsEntry("mallard.status", "failed").containsKey("error.type");
            assertThat(failed.statusCode()).as("status ERROR").isEqualTo(2);
        } finally {
            collector.stop(0);
        }
    }

    private static QueryRows query(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            return JdbcRows.read(rs);
        }
    }

    /** Collects spans until the root span of {@code sql} arrived (30 s at most: the exporter sends every second). */
    private static SpanData awaitRoot(BlockingQueue<SpanData> received, List<SpanData> spans, String sql)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            for (SpanData span : spans) {
                if (span.parentId().isEmpty() && sql.equals(span.attributes().get("db.query.text"))) {
                    return span;
                }
            }
            long left = deadline - System.nanoTime();
            SpanData next = left > 0 ? received.poll(left, TimeUnit.NANOSECONDS) : null;
            if (next == null) {
                throw new AssertionError("no trace of " + sql + " reached the collector; spans seen: "
                        + spans.stream().map(SpanData::name).toList());
            }
            spans.add(next);
        }
    }

    // ---- OTLP's protobuf, read by field number (opentelemetry/proto/collector/trace/v1 and trace/v1)

    static List<SpanData> decode(byte[] body) throws IOException {
        List<SpanData> spans = new ArrayList<>();
        for (ByteString resourceSpans : UnknownFieldSet.parseFrom(body).getField(1).getLengthDelimitedList()) {
            for (ByteString scopeSpans : message(resourceSpans).getField(2).getLengthDelimitedList()) {
                for (ByteString span : message(scopeSpans).getField(2).getLengthDelimitedList()) {
                    spans.add(span(message(span)));
                }
            }
        }
        return spans;
    }

    private static SpanData span(UnknownFieldSet span) throws InvalidProtocolBufferException {
        Map<String, Object> attributes = new HashMap<>();
        for (ByteString keyValue : span.getField(9).getLengthDelimitedList()) {
            UnknownFieldSet kv = message(keyValue);
            UnknownFieldSet value = message(kv.getField(2).getLengthDelimitedList().get(0));
            Object v = !value.getField(1).getLengthDelimitedList().isEmpty()
                    ? value.getField(1).getLengthDelimitedList().get(0).toStringUtf8()
                    : !value.getField(3).getVarintList().isEmpty() ? (Object) value.getField(3).getVarintList().get(0)
                    : !value.getField(2).getVarintList().isEmpty() ? (Object) (value.getField(2).getVarintList().get(0) != 0)
                    : null;
            attributes.put(kv.getField(1).getLengthDelimitedList().get(0).toStringUtf8(), v);
        }
        List<ByteString> status = span.getField(15).getLengthDelimitedList();
        long code = status.isEmpty() ? 0 : message(status.get(0)).getField(3).getVarintList().stream().findFirst().orElse(0L);
        return new SpanData(first(span, 1), first(span, 2), first(span, 4), first(span, 5).toStringUtf8(),
                span.getField(7).getFixed64List().get(0), span.getField(8).getFixed64List().get(0), attributes, code);
    }

    private static ByteString first(UnknownFieldSet message, int field) {
        List<ByteString> values = message.getField(field).getLengthDelimitedList();
        return values.isEmpty() ? ByteString.EMPTY : values.get(0);
    }

    private static UnknownFieldSet message(ByteString bytes) throws InvalidProtocolBufferException {
        return UnknownFieldSet.parseFrom(bytes);
    }
}
