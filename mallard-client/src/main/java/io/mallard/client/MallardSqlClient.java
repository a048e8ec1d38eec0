package io.mallard.client;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.protocol.SessionOptionText;
import io.mallard.protocol.WireErrors;
import io.mallard.protocol.client.ArrowValues;
import io.mallard.protocol.client.QueryRows;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.GetSessionOptionsRequest;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.SessionOptionValue;
import org.apache.arrow.flight.grpc.CredentialCallOption;
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
    private final BufferAllocator allocator;
    private final FlightClient flight;
    private final FlightSqlClient sql;
    private final CallOption auth;
    private volatile FlightInfo running;

    private MallardSqlClient(BufferAllocator allocator, FlightClient flight, CallOption auth) {
        this.allocator = allocator;
        this.flight = flight;
        this.sql = new FlightSqlClient(flight);
        this.auth = auth;
    }

    /** Connects and logs in; fails with AUTHENTICATION_FAILED on a wrong user or password. */
    public static MallardSqlClient connect(ConnectOptions options) {
        BufferAllocator allocator = new RootAllocator();
        FlightClient flight = null;
        try {
            FlightClient.Builder builder = FlightClient.builder(allocator, options.insecure()
                    ? Location.forGrpcInsecure(options.host(), options.port())
                    : Location.forGrpcTls(options.host(), options.port()));
            if (!options.insecure()) {
                builder.useTls().trustedCertificates(new ByteArrayInputStream(Files.readAllBytes(options.caCertificate())));
            }
            flight = builder.build();
            CredentialCallOption token = flight.authenticateBasicToken(options.user(), options.password())
                    .orElseThrow(() -> new MallardException(ErrorCode.AUTHENTICATION_FAILED, "the coordinator issued no token"));
            return new MallardSqlClient(allocator, flight, token);
        } catch (IOException e) {
            closeQuietly(flight, allocator);
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "cannot read CA certificate " + options.caCertificate()
                    + ": " + e.getMessage(), e);
        } catch (FlightRuntimeException e) {
            closeQuietly(flight, allocator);
            throw WireErrors.fromFlight(e);
        } catch (RuntimeException e) {
            closeQuietly(flight, allocator);
            throw e;
        }
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
            FlightInfo info = sql.execute(statement, auth);
            if (cancellable) {
                running = info;
            }
            try {
                for (FlightEndpoint endpoint : info.getEndpoints()) {
                    try (FlightStream stream = sql.getStream(endpoint.getTicket(), auth)) {
                        VectorSchemaRoot root = stream.getRoot();
                        schema.accept(root);
                        schema = r -> { };
                        while (stream.next()) {
                            batches.accept(root);
                        }
                    }
                }
            } finally {
                if (cancellable) {
                    running = null;
                }
            }
        } catch (FlightRuntimeException e) {
            throw WireErrors.fromFlight(e);
        } catch (MallardException e) {
            throw e;
        } catch (Exception e) {
            throw new MallardException(ErrorCode.INTERNAL_ERROR, "reading the result failed: " + e.getMessage(), e);
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
            sql.executeUpdate("SET " + name + " = " + value, auth);
        } catch (FlightRuntimeException e) {
            throw WireErrors.fromFlight(e);
        }
    }

    /** This session's settings as the coordinator holds them (Flight SQL session options). */
    public Map<String, String> settings() {
        try {
            Map<String, SessionOptionValue> options = flight.getSessionOptions(new GetSessionOptionsRequest(), auth)
                    .getSessionOptions();
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
            FlightInfo info = sql.getTables(null, null, null, null, false, auth);
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
            return new PreparedQuery(sql, sql.prepare(statement, auth), allocator, auth);
        } catch (FlightRuntimeException e) {
            throw WireErrors.fromFlight(e);
        }
    }

    private static long number(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }

    private static void closeQuietly(FlightClient flight, BufferAllocator allocator) {
        try {
            if (flight != null) {
                flight.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        allocator.close();
    }

    @Override
    public void close() {
        closeQuietly(flight, allocator); // the FlightSqlClient holds nothing but this FlightClient
    }
}
