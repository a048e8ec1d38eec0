package io.mallard.client;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.rows.QueryRows;
import io.mallard.protocol.SessionOptionText;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
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
    private final FlightLogin login;
    private final FlightClient flight;
    private final FlightSqlClient sql;
    private final CallOption auth;
    private volatile FlightInfo running;

    private MallardSqlClient(FlightLogin login) {
        this.login = login;
        this.flight = login.flight();
        this.sql = new FlightSqlClient(flight);
        this.auth = login.token();
    }

    /** Connects and logs in; fails with AUTHENTICATION_FAILED on a wrong user or password. */
    public static MallardSqlClient connect(ConnectOptions options) {
        return new MallardSqlClient(FlightLogin.open(options));
    }

    /** Runs a statement and returns all its rows (a SET statement returns no columns). */
    public QueryRows query(String statement) {
        FlightResults.Rows rows = new FlightResults.Rows();
        execute(statement, true, rows);
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

    /** @param cancellable whether {@link #cancel()} is to stop this statement (not so for progress looks) */
    private void execute(String statement, boolean cancellable, FlightResults.StreamReader reader) {
        FlightResults.read(() -> {
            FlightInfo info = sql.execute(statement, auth);
            if (cancellable) {
                running = info;
            }
            try {
                FlightResults.readEndpoints(sql, info, auth, reader);
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
        FlightResults.read(() -> sql.executeUpdate("SET " + name + " = " + value, auth));
    }

    /** This session's settings as the coordinator holds them (Flight SQL session options). */
    public Map<String, String> settings() {
        Map<String, SessionOptionValue> options = FlightResults.read(
                () -> flight.getSessionOptions(new GetSessionOptionsRequest(), auth).getSessionOptions());
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
            FlightResults.readEndpoints(sql, sql.getTables(null, null, null, null, false, auth), auth, rows);
            return null;
        });
        List<String> names = new ArrayList<>();
        for (List<Object> row : rows.rows().rows()) {
            names.add("main".equals(row.get(1)) ? (String) row.get(2) : row.get(1) + "." + row.get(2));
        }
        return names;
    }

    /**
     * Loads the rows of {@code rows} into {@code table} by Flight SQL bulk ingest and returns the rows added. Batches go
     * out as the coordinator takes them, so a reader that produces them as it goes (DuckDB's Arrow export of a query
     * over files) streams any number of rows through a bounded amount of memory. The load is one commit: if the reader
     * fails (its error is thrown) or the rows do not fit the table, the table stays as it was. The caller closes
     * {@code rows}.
     */
    public long ingest(String table, ArrowReader rows, IngestOptions options) {
        return FlightResults.read(() -> Ingestion.run(flight, auth, table, rows, options));
    }

    /** Prepares a statement with {@code ?} parameters; close it when done. */
    public PreparedQuery prepare(String statement) {
        return new PreparedQuery(sql, FlightResults.read(() -> sql.prepare(statement, auth)), login.allocator(), auth);
    }

    private static long number(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }

    @Override
    public void close() {
        login.close(); // the FlightSqlClient holds nothing but this FlightClient
    }
}
