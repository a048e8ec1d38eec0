package io.mallard.client;

import io.mallard.common.SetStatement;
import io.mallard.common.rows.QueryRows;
import io.mallard.protocol.Codec;
import io.mallard.protocol.Messages;
import io.mallard.protocol.QuerySettings;
import io.mallard.protocol.Rpc;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A connection to a coordinator over Mallard's own calls: queries as {@code QueryRequest} tickets (one DoGet, no
 * GetFlightInfo first), EXPLAIN as a typed plan, and the cluster's status. The tests and the benchmarks use it;
 * applications use {@link MallardSqlClient}. The session's {@code SET mallard.…} settings are kept here and sent with
 * every query.
 */
public final class MallardClient implements AutoCloseable {
    private final FlightLogin login;
    private final FlightClient client;
    private final Map<String, String> settings = new ConcurrentHashMap<>();

    private MallardClient(FlightLogin login) {
        this.login = login;
        this.client = login.flight();
    }

    /** Connects and logs in; fails with AUTHENTICATION_FAILED on a wrong user or password. */
    public static MallardClient connect(ConnectOptions options) {
        return new MallardClient(FlightLogin.open(options));
    }

    /** Connects over TLS trusting {@code caCertificate} and exchanges user name and password for a bearer token. */
    public static MallardClient connect(String host, int port, Path caCertificate, String user, String password) {
        return connect(ConnectOptions.tls(host, port, user, password, caCertificate));
    }

    /** Applies {@code SET mallard.name = value} to this session, validated at once. */
    private void apply(SetStatement set) {
        QuerySettings.of(settings).with(set.name(), set.value());
        settings.put(set.name(), set.value());
    }

    private Ticket request(String sql) {
        return new Ticket(Codec.encode(new Messages.QueryRequest(sql, Map.copyOf(settings))));
    }

    /** Runs a query and hands each Arrow batch to {@code consumer} while it streams in. */
    public void stream(String sql, Consumer<VectorSchemaRoot> consumer) {
        FlightResults.read(() -> {
            try (FlightStream stream = client.getStream(request(sql), login.token())) {
                while (stream.next()) {
                    consumer.accept(stream.getRoot());
                }
            }
            return null;
        });
    }

    /** Runs a query and returns all of its rows; a {@code SET mallard.…} statement changes the session and returns it. */
    public QueryRows query(String sql) {
        Optional<SetStatement> set = SetStatement.parse(sql);
        if (set.isPresent()) {
            apply(set.get());
            return new QueryRows(List.of("setting", "value"), List.of("Utf8", "Utf8"),
                    List.of(List.of(set.get().name(), set.get().value())));
        }
        FlightResults.Rows rows = new FlightResults.Rows();
        return FlightResults.read(() -> {
            try (FlightStream stream = client.getStream(request(sql), login.token())) {
                rows.read(stream);
            }
            return rows.rows();
        });
    }

    public Messages.PlanDescription explain(String sql) {
        return Rpc.call(client, new Messages.ExplainRequest(sql), Messages.PlanDescription.class, login.token());
    }

    public Messages.ClusterStatus status() {
        return Rpc.call(client, new Messages.ClusterStatusRequest(), Messages.ClusterStatus.class, login.token());
    }

    @Override
    public void close() {
        login.close();
    }
}
