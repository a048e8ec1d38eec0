package io.mallard.client;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.protocol.SessionOptionText;
import io.mallard.protocol.WireErrors;
import io.mallard.protocol.client.ArrowValues;
import io.mallard.protocol.client.QueryRows;
import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.mallard.protocol.QuerySettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightGrpcUtils;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.GetSessionOptionsRequest;
import org.apache.arrow.flight.SessionOptionValue;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * An application's connection to a Mallard coordinator over Arrow Flight SQL (TLS, user and password exchanged for a
 * bearer token; the token is the session). Thread-safe: one query at a time per caller thread, and {@link #cancel()} or
 * {@link #progress()} from any thread. Every failure is a {@link MallardException} with the coordinator's code.
 *
 * <pre>{@code
 * try (MallardSqlClient mallard = MallardSqlClient.connect(ConnectOptions.tls("127.0.0.1", 31337, "admin", pw, ca))) {
 *     QueryRows rows = mallard.query("SELECT count(*) FROM lineitem");
 *     mallard.set("mallard.distributed", "false");
 * }
 * }</pre>
 */
public final class MallardSqlClient implements AutoCloseable {
    /** How often an idle connection is pinged, and how long a ping may go unanswered: a vanished coordinator is noticed. */
    static final long KEEPALIVE_MILLIS = 10_000;
    static final long KEEPALIVE_TIMEOUT_MILLIS = 5_000;

    private final ConnectOptions options;
    private final BufferAllocator allocator;
    private final ManagedChannel channel;
    private final FlightClient flight;
    private final FlightSqlClient sql;
    /** The session's bearer token; replaced when the coordinator no longer knows it (it restarted). */
    private volatile CallOption auth;
    /** Settings this client changed, applied again to a new session after the coordinator restarted. */
    private final Map<String, String> sessionSettings = new LinkedHashMap<>();
    private volatile FlightInfo running;

    private MallardSqlClient(ConnectOptions options, BufferAllocator allocator, ManagedChannel channel, FlightClient flight,
            CallOption auth) {
        this.options = options;
        this.allocator = allocator;
        this.channel = channel;
        this.flight = flight;
        this.sql = new FlightSqlClient(flight);
        this.auth = auth;
    }

    /**
     * Connects and logs in; fails with AUTHENTICATION_FAILED on a wrong user or password, and with UNAVAILABLE when
     * the coordinator cannot be reached.
     */
    public static MallardSqlClient connect(ConnectOptions options) {
        BufferAllocator allocator = new RootAllocator();
        ManagedChannel channel = null;
        FlightClient flight = null;
        try {
            NettyChannelBuilder builder = NettyChannelBuilder.forAddress(options.host(), options.port())
                    .maxInboundMessageSize(Integer.MAX_VALUE)
                    .keepAliveTime(KEEPALIVE_MILLIS, TimeUnit.MILLISECONDS)
                    .keepAliveTimeout(KEEPALIVE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                    .keepAliveWithoutCalls(true);
            if (options.insecure()) {
                builder.usePlaintext();
            } else {
                builder.sslContext(GrpcSslContexts.forClient().trustManager(options.caCertificate().toFile()).build());
            }
            channel = builder.build();
            flight = FlightGrpcUtils.createFlightClient(allocator, channel, new ArrayList<>());
            return new MallardSqlClient(options, allocator, channel, flight, login(flight, options));
        } catch (IOException | IllegalArgumentException e) {
            closeQuietly(flight, channel, allocator);
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "cannot read CA certificate " + options.caCertificate()
                    + ": " + e.getMessage(), e);
        } catch (FlightRuntimeException e) {
            closeQuietly(flight, channel, allocator);
            throw WireErrors.fromFlight(e);
        } catch (RuntimeException e) {
            closeQuietly(flight, channel, allocator);
            throw e;
        }
    }

    private static CallOption login(FlightClient flight, ConnectOptions options) {
        return flight.authenticateBasicToken(options.user(), options.password())
                .orElseThrow(() -> new MallardException(ErrorCode.AUTHENTICATION_FAILED, "the coordinator issued no token"));
    }

    /**
     * Runs one exchange with the session's token. When the coordinator no longer knows the token (it restarted), this
     * logs in again, applies the settings this client had changed to the new session, and runs the exchange once more
     * (it has not started then: a token is checked before anything runs). A failure to reach the coordinator resets
     * the connection's back-off, so that the next call tries at once instead of after gRPC's growing pause.
     */
    private <T> T withSession(Function<CallOption, T> exchange) {
        CallOption used = auth;
        try {
            return exchange.apply(used);
        } catch (FlightRuntimeException e) {
            if (e.status().code() == FlightStatusCode.UNAVAILABLE) {
                channel.resetConnectBackoff();
            }
            if (e.status().code() != FlightStatusCode.UNAUTHENTICATED) {
                throw e;
            }
            renewSession(used);
            return exchange.apply(auth);
        }
    }

    private synchronized void renewSession(CallOption expired) {
        if (auth != expired) {
            return; // another thread renewed it already
        }
        auth = login(flight, options);
        for (Map.Entry<String, String> setting : sessionSettings.entrySet()) {
            sql.executeUpdate("SET " + setting.getKey() + " = '" + setting.getValue() + "'", auth);
        }
    }

    private synchronized void remember(String name, String value) {
        sessionSettings.put(name.toLowerCase(java.util.Locale.ROOT), value);
    }

    /** Runs a statement and returns all its rows (a SET statement returns no columns). */
    public QueryRows query(String statement) {
        List<String> columns = new ArrayList<>();
        List<String> types = new ArrayList<>();
        List<List<Object>> rows = new ArrayList<>();
        stream(statement, true, root -> rows.addAll(ArrowValues.rows(root)), root -> {
            for (FieldVector vector : root.getFieldVectors()) {
                columns.add(vector.getName());
                types.add(ArrowValues.typeName(vector));
            }
        });
        QuerySettings.parseSet(statement).ifPresent(set -> remember(set.getKey(), set.getValue()));
        return new QueryRows(columns, types, rows);
    }

    /** Runs a statement and hands each Arrow batch to {@code batches} while it streams in; the root is reused. */
    public void stream(String statement, Consumer<VectorSchemaRoot> batches) {
        stream(statement, true, batches, root -> { });
    }

    /** @param cancellable whether {@link #cancel()} is to stop this statement (not so for progress looks) */
    private void stream(String statement, boolean cancellable, Consumer<VectorSchemaRoot> batches,
            Consumer<VectorSchemaRoot> schema) {
        try {
            withSession(token -> {
                streamOnce(statement, cancellable, batches, schema, token);
                return null;
            });
        } catch (FlightRuntimeException e) {
            throw WireErrors.fromFlight(e);
        } catch (MallardException e) {
            throw e;
        } catch (Exception e) {
            throw new MallardException(ErrorCode.INTERNAL_ERROR, "reading the result failed: " + e.getMessage(), e);
        }
    }

    private void streamOnce(String statement, boolean cancellable, Consumer<VectorSchemaRoot> batches,
            Consumer<VectorSchemaRoot> schema, CallOption token) {
        FlightInfo info = sql.execute(statement, token);
        if (cancellable) {
            running = info;
        }
        try {
            Consumer<VectorSchemaRoot> onSchema = schema;
            for (FlightEndpoint endpoint : info.getEndpoints()) {
                try (FlightStream stream = sql.getStream(endpoint.getTicket(), token)) {
                    VectorSchemaRoot root = stream.getRoot();
                    onSchema.accept(root);
                    onSchema = r -> { };
                    while (stream.next()) {
                        batches.accept(root);
                    }
                } catch (FlightRuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new MallardException(ErrorCode.INTERNAL_ERROR, "reading the result failed: " + e.getMessage(), e);
                }
            }
        } finally {
            if (cancellable) {
                running = null;
            }
        }
    }

    /** The distributed plan of a query, as EXPLAIN prints it. */
    public String explain(String query) {
        return query("EXPLAIN " + query).rows().stream().map(r -> String.valueOf(r.get(0)))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    /**
     * Changes a setting of this session on the coordinator: {@code mallard.distributed} or {@code mallard.summarize},
     * {@code true} / {@code false}. Refused with INVALID_ARGUMENT for unknown names or values.
     */
    public void set(String name, String value) {
        if (!name.matches("mallard\\.[a-z_]+") || !value.matches("[A-Za-z0-9_]+")) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "settings look like mallard.name = value, not "
                    + name + " = " + value);
        }
        try {
            withSession(token -> sql.executeUpdate("SET " + name + " = '" + value + "'", token));
        } catch (FlightRuntimeException e) {
            throw WireErrors.fromFlight(e);
        }
        remember(name, value);
    }

    /** This session's settings as the coordinator holds them (Flight SQL session options). */
    public Map<String, String> settings() {
        try {
            Map<String, SessionOptionValue> options = withSession(token ->
                    flight.getSessionOptions(new GetSessionOptionsRequest(), token)).getSessionOptions();
            Map<String, String> settings = new java.util.TreeMap<>();
            options.forEach((name, value) -> settings.put(name, java.util.Objects.requireNonNullElse(SessionOptionText.of(value), "")));
            return settings;
        } catch (FlightRuntimeException e) {
            throw WireErrors.fromFlight(e);
        }
    }

    /** Cancels the query this client is running (from another thread); returns false when none runs. */
    public boolean cancel() {
        FlightInfo info = running;
        if (info == null) {
            return false;
        }
        try {
            flight.cancelFlightInfo(new CancelFlightInfoRequest(info), auth);
            return true;
        } catch (FlightRuntimeException e) {
            throw WireErrors.fromFlight(e);
        }
    }

    /** The progress of this session's running query, read from {@code mallard.queries}; empty when none runs. */
    public Optional<Progress> progress() {
        List<List<Object>> found = new ArrayList<>();
        stream("SELECT tasks_finished, tasks, rows_shipped, duration_ms FROM mallard.queries "
                + "WHERE current_session AND status = 'running' AND strategy IS DISTINCT FROM 'SYSTEM' "
                + "ORDER BY started LIMIT 1", false, root -> found.addAll(ArrowValues.rows(root)), root -> { });
        if (found.isEmpty()) {
            return Optional.empty();
        }
        List<Object> row = found.get(0);
        return Optional.of(new Progress(number(row.get(0)), number(row.get(1)), number(row.get(2)), number(row.get(3))));
    }

    /** Names of the tables a query can read: dataset tables, then {@code mallard.*} system tables. */
    public List<String> tables() {
        try {
            FlightInfo info = withSession(token -> sql.getTables(null, null, null, null, false, token));
            List<String> names = new ArrayList<>();
            for (FlightEndpoint endpoint : info.getEndpoints()) {
                try (FlightStream stream = sql.getStream(endpoint.getTicket(), auth)) {
                    while (stream.next()) {
                        for (List<Object> row : ArrowValues.rows(stream.getRoot())) {
                            names.add("main".equals(row.get(1)) ? (String) row.get(2) : row.get(1) + "." + row.get(2));
                        }
                    }
                }
            }
            return names;
        } catch (FlightRuntimeException e) {
            throw WireErrors.fromFlight(e);
        } catch (Exception e) {
            throw new MallardException(ErrorCode.INTERNAL_ERROR, "reading the table list failed: " + e.getMessage(), e);
        }
    }

    /** Prepares a statement with {@code ?} parameters; close it when done. */
    public PreparedQuery prepare(String statement) {
        try {
            return withSession(token -> new PreparedQuery(sql, sql.prepare(statement, token), allocator, token));
        } catch (FlightRuntimeException e) {
            throw WireErrors.fromFlight(e);
        }
    }

    private static long number(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }

    private static void closeQuietly(FlightClient flight, ManagedChannel channel, BufferAllocator allocator) {
        try {
            if (flight != null) {
                flight.close(); // closes the channel it was made over
            } else if (channel != null) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        allocator.close();
    }

    @Override
    public void close() {
        closeQuietly(flight, channel, allocator); // the FlightSqlClient holds nothing but this FlightClient
    }
}
