package io.mallard.client;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.rows.QueryRows;
import io.mallard.common.SetStatement;
import io.mallard.protocol.SessionOptionText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.GetSessionOptionsRequest;
import org.apache.arrow.flight.SessionOptionValue;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * An application's connection to a Mallard coordinator over Arrow Flight SQL (TLS, user and password exchanged for a
 * bearer token; the token is the session). Thread-safe: one query at a time per caller thread, and {@link #cancel()} or
 * {@link #progress()} from any thread. Every failure is a {@link MallardException} with the coordinator's code.
 *
 * <pre>{@code
 * try (MallardSqlClient mallard = MallardSqlClient.connect(ConnectOptions.tls("127.0.0.1", 31337, "admin", pw, ca))) {
 *     QueryRows rows = mallard.query("SELECT count(*) FROM lineitem");
 *     mallard.set("mallard.distributed", "false");
 *     long added = mallard.ingest("events", arrowReader, IngestOptions.create().partitionedBy("device_id"));
 * }
 * }</pre>
 */
public final class MallardSqlClient implements AutoCloseable {
    /** How long a client whose connection was refused waits for a new one before it reports the refusal. */
    private static final long RECONNECT_MILLIS = 2_000;
    private final FlightLogin login;
    private final FlightClient flight;
    private final FlightSqlClient sql;
    /** The session's bearer token; replaced when the coordinator no longer knows it (it restarted). */
    private volatile CallOption auth;
    /** Settings this client changed, applied again to a new session after the coordinator restarted. */
    private final Map<String, String> sessionSettings = new LinkedHashMap<>();
    private volatile FlightInfo running;

    private MallardSqlClient(FlightLogin login) {
        this.login = login;
        this.flight = login.flight();
        this.sql = new FlightSqlClient(flight);
        this.auth = login.token();
    }

    /**
     * Connects and logs in; fails with AUTHENTICATION_FAILED on a wrong user or password, and with CONNECTION_FAILED
     * (Flight status UNAVAILABLE) when the coordinator cannot be reached.
     */
    public static MallardSqlClient connect(ConnectOptions options) {
        return new MallardSqlClient(FlightLogin.open(options));
    }

    /**
     * Runs one exchange with the session's token. When the coordinator no longer knows the token (it restarted), this
     * logs in again, applies the settings this client had changed to the new session, and runs the exchange once more
     * (it has not started then: a token is checked before anything runs). A failure to reach the coordinator resets
     * the connection's back-off, so that the next call tries at once instead of after gRPC's growing pause.
     */
    private <T> T withSession(Function<CallOption, T> exchange) {
        return withSession(exchange, true);
    }

    /**
     * @param reconnect whether a refused connection is tried again: nothing reached the coordinator then, and the
     *                  channel may still be waiting out gRPC's reconnect pause from an outage that is over
     */
    private <T> T withSession(Function<CallOption, T> exchange, boolean reconnect) {
        CallOption used = auth;
        try {
            return exchange.apply(used);
        } catch (FlightRuntimeException e) {
            if (e.status().code() == FlightStatusCode.UNAVAILABLE) {
                login.resetConnectBackoff();
                if (reconnect && neverConnected(e) && reconnected()) {
                    return withSession(exchange, false);
                }
            }
            if (e.status().code() != FlightStatusCode.UNAUTHENTICATED) {
                throw e;
            }
            renewSession(used);
            return exchange.apply(auth);
        }
    }

    /** Whether a new connection to the coordinator could be made within a couple of seconds. */
    private boolean reconnected() {
        try {
            return login.reconnect(RECONNECT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether the call failed because no connection could be made (so the coordinator never saw it). */
    private static boolean neverConnected(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException) {
                return true;
            }
        }
        return false;
    }

    private synchronized void renewSession(CallOption expired) {
        if (auth != expired) {
            return; // another thread renewed it already
        }
        auth = login.logInAgain();
        for (Map.Entry<String, String> setting : sessionSettings.entrySet()) {
            sql.executeUpdate("SET " + setting.getKey() + " = '" + setting.getValue() + "'", auth);
        }
    }

    private synchronized void remember(String name, String value) {
        sessionSettings.put(name.toLowerCase(Locale.ROOT), value);
    }

    /** Runs a statement and returns all its rows (a SET statement returns no columns). */
    public QueryRows query(String statement) {
        FlightResults.Rows rows = new FlightResults.Rows();
        execute(statement, true, rows);
        SetStatement.parse(statement).ifPresent(set -> remember(set.name(), set.value()));
        return rows.rows();
    }

    /** Runs a statement and hands each Arrow batch to {@code batches} while it streams in; the root is reused. */
    public void stream(String statement, Consumer<VectorSchemaRoot> batches) {
        execute(statement, true, stream -> {
            while (stream.next()) {
                batches.accept(stream.getRoot());
            }
        });
    }

    /**
     * @param cancellable whether {@link #cancel()} is to stop this statement (not so for progress looks). Only the
     *                    statement's start is tried again with a new session: once it ran, its results are read with
     *                    the token it ran with, and a failure then is the statement's (a change is never applied twice)
     */
    private void execute(String statement, boolean cancellable, FlightResults.StreamReader reader) {
        FlightResults.read(() -> {
            CallOption[] token = new CallOption[1];
            FlightInfo info = withSession(t -> {
                token[0] = t;
                return sql.execute(statement, t);
            });
            if (cancellable) {
                running = info;
            }
            try {
                FlightResults.readEndpoints(sql, info, token[0], reader);
            } finally {
                if (cancellable) {
                    running = null;
                }
            }
            return null;
        });
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
        FlightResults.read(() -> withSession(token -> sql.executeUpdate("SET " + name + " = " + value, token)));
        remember(name, value);
    }

    /** This session's settings as the coordinator holds them (Flight SQL session options). */
    public Map<String, String> settings() {
        Map<String, SessionOptionValue> options = FlightResults.read(
                () -> withSession(token -> flight.getSessionOptions(new GetSessionOptionsRequest(), token)).getSessionOptions());
        Map<String, String> settings = new TreeMap<>();
        options.forEach((name, value) -> settings.put(name, Objects.requireNonNullElse(SessionOptionText.of(value), "")));
        return settings;
    }

    /** Cancels the query this client is running (from another thread); returns false when none runs. */
    public boolean cancel() {
        FlightInfo info = running;
        if (info == null) {
            return false;
        }
        FlightResults.read(() -> flight.cancelFlightInfo(new CancelFlightInfoRequest(info), auth));
        return true;
    }

    /** The progress of this session's running query, read from {@code mallard.queries}; empty when none runs. */
    public Optional<Progress> progress() {
        FlightResults.Rows found = new FlightResults.Rows();
        execute("SELECT tasks_finished, tasks, rows_shipped, duration_ms FROM mallard.queries "
                + "WHERE current_session AND status = 'running' AND strategy IS DISTINCT FROM 'SYSTEM' "
                + "ORDER BY started LIMIT 1", false, found);
        if (found.rows().rows().isEmpty()) {
            return Optional.empty();
        }
        List<Object> row = found.rows().rows().get(0);
        return Optional.of(new Progress(number(row.get(0)), number(row.get(1)), number(row.get(2)), number(row.get(3))));
    }

    /** Names of the tables a query can read: dataset tables, then {@code mallard.*} system tables. */
    public List<String> tables() {
        FlightResults.Rows rows = new FlightResults.Rows();
        FlightResults.read(() -> {
            FlightInfo info = withSession(token -> sql.getTables(null, null, null, null, false, token));
            FlightResults.readEndpoints(sql, info, auth, rows);
            return null;
        });
        List<String> names = new ArrayList<>();
        for (List<Object> row : rows.rows().rows()) {
            names.add("main".equals(row.get(1)) ? (String) row.get(2) : row.get(1) + "." + row.get(2));
        }
        return names;
    }

    /** A column of a table as the catalog describes it: its name and DuckDB type. */
    public record Column(String name, String type) {
    }

    /**
     * The columns of every table a query can read, by table name as {@link #tables()} names them, from the catalog's
     * metadata (no query runs).
     */
    public Map<String, List<Column>> columns() {
        FlightResults.Rows rows = new FlightResults.Rows();
        FlightResults.read(() -> {
            FlightInfo info = withSession(token -> sql.getTables(null, null, null, null, true, token));
            FlightResults.readEndpoints(sql, info, auth, rows);
            return null;
        });
        Map<String, List<Column>> tables = new LinkedHashMap<>();
        for (List<Object> row : rows.rows().rows()) {
            String name = "main".equals(row.get(1)) ? (String) row.get(2) : row.get(1) + "." + row.get(2);
            List<Column> columns = new ArrayList<>();
            for (org.apache.arrow.vector.types.pojo.Field field : schemaOf((byte[]) row.get(4)).getFields()) {
                String type = field.getMetadata().get("ARROW:FLIGHT:SQL:TYPE_NAME");
                columns.add(new Column(field.getName(), type == null ? field.getType().toString() : type));
            }
            tables.put(name, columns);
        }
        return tables;
    }

    private static org.apache.arrow.vector.types.pojo.Schema schemaOf(byte[] serialized) {
        try {
            return org.apache.arrow.vector.ipc.message.MessageSerializer.deserializeSchema(
                    new org.apache.arrow.vector.ipc.ReadChannel(java.nio.channels.Channels.newChannel(
                            new java.io.ByteArrayInputStream(serialized))));
        } catch (java.io.IOException e) {
            throw new MallardException(ErrorCode.PROTOCOL_ERROR, "the coordinator sent a table schema that does not "
                    + "read: " + e.getMessage(), e);
        }
    }

    /**
     * Loads the rows of {@code rows} into {@code table} by Flight SQL bulk ingest and returns the rows added. Batches go
     * out as the coordinator takes them, so a reader that produces them as it goes (DuckDB's Arrow export of a query
     * over files) streams any number of rows through a bounded amount of memory. The load is one commit: if the reader
     * fails (its error is thrown) or the rows do not fit the table, the table stays as it was. The caller closes
     * {@code rows}.
     */
    public long ingest(String table, ArrowReader rows, IngestOptions options) {
        // not through withSession: a stream that was read in part cannot be sent again
        return FlightResults.read(() -> Ingestion.run(flight, auth, table, rows, options));
    }

    /** Prepares a statement with {@code ?} parameters; close it when done. */
    public PreparedQuery prepare(String statement) {
        return FlightResults.read(() -> withSession(token -> new PreparedQuery(sql, sql.prepare(statement, token),
                login.allocator(), token)));
    }

    private static long number(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }

    @Override
    public void close() {
        login.close(); // the FlightSqlClient holds nothing but this FlightClient
    }
}
