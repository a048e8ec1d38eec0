package io.mallard.coordinator.flightsql;

import io.mallard.common.Resources;
import io.mallard.common.ErrorCode;
import io.mallard.common.ErrorType;
import io.mallard.common.MallardException;
import io.mallard.common.SetStatement;
import io.mallard.coordinator.query.QueryManager;
import io.mallard.coordinator.query.QueryResult;
import io.mallard.coordinator.scheduling.QueryStats;
import io.mallard.coordinator.security.AccessControl;
import io.mallard.coordinator.security.ClientLimits;
import io.mallard.coordinator.security.RoleSlots;
import io.mallard.coordinator.security.UserStatement;
import io.mallard.coordinator.security.UserStatementParser;
import io.mallard.coordinator.audit.AuditLog;
import io.mallard.coordinator.server.Identity;
import io.mallard.coordinator.server.PeerAddress;
import io.mallard.coordinator.server.ServerErrors;
import io.mallard.coordinator.system.MetadataStore;
import io.mallard.coordinator.system.QueryRecord;
import io.mallard.coordinator.system.SystemTables;
import io.mallard.coordinator.tables.IngestOptions;
import io.mallard.coordinator.tables.TableChanges;
import io.mallard.coordinator.tables.TableStatement;
import io.mallard.protocol.WireErrors;
import io.mallard.coordinator.combine.SharedDatabase;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one client statement and streams its answer, for both client protocols (Flight SQL and Mallard's own
 * {@code QueryRequest}): {@code SET mallard.…} changes the session, SELECTs over the {@code mallard} schema go to the
 * system tables, everything else to the {@link QueryManager}. Every statement but SET lands in the query history, also
 * when it fails or is cancelled; a cancelled stream cancels the distributed query at once.
 */
public final class StatementExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(StatementExecutor.class);
    /** The strategy name of statements answered from the system tables. */
    static final String SYSTEM = "SYSTEM";
    /** The strategy name of the statements that create, change or describe tables. */
    static final String TABLE = "TABLE";
    /** The strategy name of administrators' statements ({@link AdminStatements}). */
    static final String ADMIN = "ADMIN";
    /** The strategy name of the statements that manage users, roles and grants. */
    static final String USERS = "USERS";

    private final QueryManager queries;
    private final TableChanges tables;
    private final SystemTables system;
    private final MetadataStore history;
    private final BufferAllocator allocator;
    private final ResultPresentation presentation;
    private final AdminStatements admin;
    private final AccessControl access;
    private final java.util.function.Consumer<QueryRecord> recorded;
    private final AuditLog audit;
    private final ClientLimits limits;
    private final RoleSlots roleSlots;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger waitingForClients = new java.util.concurrent.atomic.AtomicInteger();

    /** A statement being streamed: what the system tables show of it while it runs. */
    private static final class Running {
        final String queryId;
        final String sql;
        final Identity caller;
        /** Read on the call's thread: the gRPC context that knows the address is not there on others. */
        final String source = PeerAddress.current();
        final Instant started = Instant.now();
        final long startNanos = System.nanoTime();
        volatile Supplier<QueryStats> stats = () -> null;
        volatile long rows;
        volatile boolean cancelled;
        /** What the answer lacks (a partial result's missing edge partitions), or null. */
        volatile io.mallard.protocol.ResultWarning warning;

        Running(String queryId, String sql, Identity caller) {
            this.queryId = queryId;
            this.sql = UserStatementParser.mask(shortened(sql)); // a user statement's password never reaches the history
            this.caller = caller;
        }

        QueryRecord record(String status, MallardException error) {
            return new QueryRecord(queryId, sql, caller.name(), caller.session(), started,
                    (System.nanoTime() - startNanos) / 1_000_000, stats.get(), rows, status,
                    error == null ? null : error.code().wireName(),
                    error == null ? null : UserStatementParser.mask(error.getMessage()), // DuckDB's errors quote the text
                    warning == null ? null : warning.message());
        }
    }

    /**
     * @param scratch  an in-memory DuckDB that answers holding types clients do not know pass through
     *                 ({@link ResultPresentation})
     * @param drainer  drains a worker by id or name ({@code CALL mallard_drain('w2')}) and says how it stands
     * @param access   what each user may do; runs the user statements
     * @param audit    where every statement is recorded with its caller, address and outcome
     * @param limits   what bounds each client: SQL size, per-role concurrency and timeouts
     * @param recorded told of every statement the history records (the metrics count them)
     */
    public StatementExecutor(QueryManager queries, TableChanges tables, SystemTables system, MetadataStore history,
            BufferAllocator allocator, SharedDatabase scratch, Function<String, String> drainer,
            AccessControl access, AuditLog audit, ClientLimits limits, java.util.function.Consumer<QueryRecord> recorded) {
        this.access = access;
        this.audit = audit;
        this.limits = limits;
        this.roleSlots = new RoleSlots(limits.roles());
        this.recorded = recorded;
        this.queries = queries;
        this.tables = tables;
        this.system = system;
        this.history = history;
        this.allocator = allocator;
        this.presentation = new ResultPresentation(scratch, allocator);
        this.admin = new AdminStatements(drainer);
    }

    /** What each user may do. */
    public AccessControl access() {
        return access;
    }

    /** The statements streaming now, as the system tables show them. */
    public Collection<QueryRecord> running() {
        return running.values().stream().map(r -> r.record(queries.isQueued(r.queryId) ? "queued" : "running", null))
                .toList();
    }

    /** Cancels a statement by id; false when it is not running. */
    public boolean cancel(String queryId, String reason) {
        Running r = running.get(queryId);
        if (r == null) {
            return false;
        }
        r.cancelled = true;
        if (!tables.cancel(queryId, reason)) {
            queries.cancel(queryId, reason);
        }
        return true;
    }

    /**
     * Runs a table statement sent as an update (Flight SQL's executeUpdate, JDBC's executeUpdate) and returns the rows
     * it added or removed; recorded in the history like any statement.
     */
    public long update(Identity caller, ClientSession session, String sql) {
        checkSize(caller, sql);
        if (UserStatementParser.looksLikeUserStatement(sql)) {
            return manageUsers(caller, UUID.randomUUID().toString(), sql);
        }
        TableStatement table = TableChanges.recognize(sql).orElseThrow(() -> new MallardException(
                ErrorCode.UNSUPPORTED_STATEMENT, "only table changes (CREATE, INSERT, UPDATE, DELETE, ALTER, DROP…), "
                        + "user statements (CREATE USER, GRANT…) and SET mallard.… run as updates; queries run as queries"));
        String queryId = UUID.randomUUID().toString();
        Running statement = new Running(queryId, sql, caller);
        statement.stats = () -> new QueryStats(TABLE, List.of());
        running.put(queryId, statement);
        try (RoleSlots.Slot slot = roleSlots.enter(caller.name(), caller.role());
                CallCancellation gone = CallCancellation.onCancel(() -> cancel(queryId, "the client cancelled the call"));
                QueryResult result = runTable(queryId, caller, table, sql, session)) {
            long count = TableChanges.count(result);
            statement.rows = count;
            record(statement, "finished", null);
            return count;
        } catch (Exception e) {
            MallardException error = ServerErrors.translate(e);
            record(statement, "failed", error);
            throw error;
        } finally {
            running.remove(queryId);
        }
    }

    /**
     * Runs a bulk ingest of the client's upload {@code stream} and returns the rows it added; recorded in the history
     * like any change, its rows counted as they arrive. When the upload broke off, that is the error, not what DuckDB
     * made of it.
     */
    public long ingest(Identity caller, IngestOptions options, FlightStream stream) {
        String queryId = UUID.randomUUID().toString();
        Running statement = new Running(queryId, options.describe(), caller);
        statement.stats = () -> new QueryStats(TABLE, List.of());
        running.put(queryId, statement);
        FlightStreamReader rows = new FlightStreamReader(stream, n -> statement.rows += n);
        try {
            access.requireWriter(caller.name(), "bulk ingest", options.table());
            long count = tables.ingest(options, rows, caller.name());
            statement.rows = count;
            record(statement, "finished", null);
            return count;
        } catch (Exception e) {
            MallardException error = rows.failure().orElseGet(() -> ServerErrors.translate(e));
            if (error.code().type() == ErrorType.INTERNAL) {
                LOG.error("ingest {} failed", queryId, e);
            }
            record(statement, error.code() == ErrorCode.QUERY_CANCELLED ? "cancelled" : "failed", error);
            throw error;
        } finally {
            running.remove(queryId);
        }
    }

    /**
     * Runs a user statement (CREATE USER, GRANT…) and records it, its password masked; returns the users or grants it
     * changed.
     */
    private long manageUsers(Identity caller, String queryId, String sql) {
        Running statement = new Running(queryId, sql, caller);
        statement.stats = () -> new QueryStats(USERS, List.of());
        running.put(queryId, statement);
        try {
            long count = runUsers(caller, sql);
            statement.rows = count;
            record(statement, "finished", null);
            return count;
        } catch (RuntimeException e) {
            MallardException error = ServerErrors.translate(e);
            record(statement, "failed", error);
            throw error;
        } finally {
            running.remove(queryId);
        }
    }

    private long runUsers(Identity caller, String sql) {
        UserStatement parsed = UserStatementParser.parse(sql).orElseThrow();
        long count = access.execute(caller.name(), parsed);
        LOG.info("{} by {}: user {}", parsed.getClass().getSimpleName(), caller.name(), parsed.user());
        return count;
    }

    /** A table statement after checking the caller's rights: changes need a writer, DESCRIBE a grant on the table. */
    private QueryResult runTable(String queryId, Identity caller, TableStatement table, String sql, ClientSession session) {
        if (!table.readsOnly()) {
            access.requireWriter(caller.name(), table.verb(), table.table());
        } else if (table.table() != null) {
            access.requireRead(caller.name(), table.table());
        }
        return tables.execute(queryId, table, sql, caller.name(), forRole(caller, session.settings()));
    }

    /** How much of a statement refused for its size the history and the audit log keep. */
    private static final int KEPT_OF_OVERSIZED = 1_000;

    /** A statement's text as kept: whole, or the start of one too large to run. */
    private static String shortened(String sql) {
        return sql.length() <= 64 * KEPT_OF_OVERSIZED ? sql : sql.substring(0, KEPT_OF_OVERSIZED) + "… ("
                + sql.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + " bytes, not kept)";
    }

    /**
     * Refuses a statement text larger than the limit with {@code LIMIT_EXCEEDED}, before anything parses it; the
     * refusal is recorded with the text's start only.
     */
    public void checkSize(Identity caller, String sql) {
        if ((long) sql.length() * 3 <= limits.maxSqlBytes()) {
            return; // at most 3 UTF-8 bytes per char: surely within the limit, without encoding it
        }
        long bytes = sql.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > limits.maxSqlBytes()) {
            MallardException error = new MallardException(ErrorCode.LIMIT_EXCEEDED, "the statement's text is " + bytes
                    + " bytes; the coordinator takes at most " + limits.maxSqlBytes() + " (its --max-sql-bytes)");
            rejected(caller, sql, error);
            throw error;
        }
    }

    /** The settings a statement of {@code caller} runs with: its role's timeout caps the session's. */
    private io.mallard.protocol.QuerySettings forRole(Identity caller, io.mallard.protocol.QuerySettings settings) {
        long roleTimeout = roleSlots.timeoutMillis(caller.role());
        if (roleTimeout <= 0) {
            return settings;
        }
        long asked = settings.queryTimeoutMillis();
        long capped = asked > 0 ? Math.min(asked, roleTimeout) : roleTimeout;
        return new io.mallard.protocol.QuerySettings(settings.distributed(), settings.summarize(), capped,
                settings.partialResults());
    }

    /** Runs {@code SET mallard.…} in the session; audited (the history does not keep SETs). */
    public void set(Identity caller, ClientSession session, SetStatement set, String sql) {
        try {
            session.set(set.name(), set.value());
        } catch (RuntimeException e) {
            audit(caller, PeerAddress.current(), "statement", sql, "failed", ServerErrors.translate(e));
            throw e;
        }
        audit(caller, PeerAddress.current(), "statement", sql, "ok", null);
    }

    /**
     * Whether a statement only reads, so that running it again changes nothing (the web page runs a statement again to
     * download its answer): not a table change, user statement, drain or SET.
     */
    public static boolean readsOnly(String sql) {
        return SetStatement.parse(sql).isEmpty() && AdminStatements.drainTarget(sql).isEmpty()
                && !UserStatementParser.looksLikeUserStatement(sql)
                && TableChanges.recognize(sql).map(TableStatement::readsOnly).orElse(true);
    }

    /** Records a statement refused before it ran (it did not parse or bind), so the history shows it too. */
    public void rejected(Identity caller, String sql, MallardException error) {
        if (SetStatement.parse(sql).isEmpty()) {
            record(new Running(UUID.randomUUID().toString(), sql, caller), "failed", error);
        }
    }

    /** What a SELECT over system tables runs as, for the caller. */
    static SystemTables.Viewer viewer(Identity caller) {
        // the identity's role is the user's role at this call (the authenticator reads it from the user store)
        return new SystemTables.Viewer(caller.name(), caller.isAdmin(), caller.session());
    }

    /**
     * Runs {@code sql} for {@code caller} in {@code session} and streams the answer; never throws, errors go to the
     * listener as Flight errors carrying the Mallard code.
     */
    public void stream(Identity caller, ClientSession session, String queryId, String sql, ServerStreamListener listener) {
        try {
            checkSize(caller, sql);
        } catch (MallardException e) {
            listener.error(WireErrors.toFlight(e));
            return;
        }
        try {
            Optional<SetStatement> set = SetStatement.parse(sql);
            if (set.isPresent()) {
                set(caller, session, set.get(), sql);
                try (VectorSchemaRoot empty = VectorSchemaRoot.create(new Schema(List.of()), allocator)) {
                    listener.start(empty);
                    listener.completed();
                }
                return;
            }
        } catch (RuntimeException e) {
            listener.error(WireErrors.toFlight(ServerErrors.translate(e)));
            return;
        }
        Running statement = new Running(queryId, sql, caller);
        running.put(queryId, statement);
        listener.setOnCancelHandler(() -> cancel(queryId, "the client cancelled the stream"));
        CallCancellation gone = CallCancellation.onCancel(() -> cancel(queryId, "the client cancelled the call"));
        try {
            Optional<String> drain = AdminStatements.drainTarget(sql);
            boolean users = drain.isEmpty() && UserStatementParser.looksLikeUserStatement(sql);
            Optional<TableStatement> table = drain.isPresent() || users ? Optional.empty() : TableChanges.recognize(sql);
            if (users) {
                statement.stats = () -> new QueryStats(USERS, List.of());
                statement.rows = runUsers(caller, sql);
                try (VectorSchemaRoot answer = CountAnswer.of(statement.rows, allocator)) {
                    listener.start(answer);
                    listener.putNext();
                }
                record(statement, "finished", null);
                listener.completed();
            } else if (drain.isPresent()) {
                statement.stats = () -> new QueryStats(ADMIN, List.of());
                try (VectorSchemaRoot answer = admin.drain(caller, drain.get(), allocator)) {
                    listener.start(answer);
                    statement.rows = answer.getRowCount();
                    listener.putNext();
                }
                record(statement, "finished", null);
                listener.completed();
            } else if (table.isPresent()) {
                statement.stats = () -> new QueryStats(TABLE, List.of());
                try (RoleSlots.Slot slot = roleSlots.enter(caller.name(), caller.role());
                        QueryResult result = runTable(queryId, caller, table.get(), sql, session)) {
                    send(statement, result.reader(), listener, result::failure);
                }
            } else if (system.reads(sql)) {
                statement.stats = () -> new QueryStats(SYSTEM, List.of());
                try (SystemTables.Result result = system.execute(sql, viewer(caller))) {
                    send(statement, result.reader(), listener, Optional::empty);
                }
            } else {
                statement.stats = () -> queries.stats(queryId).orElse(null); // until execute returns
                access.requireReadable(caller.name(), sql);
                String own = access.withSessionUser(caller.name(), sql);
                try (RoleSlots.Slot slot = roleSlots.enter(caller.name(), caller.role());
                        QueryResult result = queries.execute(queryId, own, forRole(caller, session.settings()))) {
                    statement.stats = result::stats;
                    statement.warning = result.warning().orElse(null);
                    send(statement, result.reader(), listener, result::failure);
                }
            }
        } catch (Exception e) {
            MallardException error = ServerErrors.translate(e);
            if (statement.cancelled && error.code() != ErrorCode.QUERY_CANCELLED) {
                error = new MallardException(ErrorCode.QUERY_CANCELLED, "query " + queryId + " was cancelled by the client");
            }
            if (error.code().type() == ErrorType.INTERNAL) {
                LOG.error("query {} failed", queryId, e);
            }
            record(statement, error.code() == ErrorCode.QUERY_CANCELLED ? "cancelled" : "failed", error);
            listener.error(WireErrors.toFlight(error));
        } finally {
            gone.close();
            running.remove(queryId);
        }
    }

    private void send(Running statement, ArrowReader answer, ServerStreamListener listener,
            Supplier<Optional<MallardException>> failure) throws Exception {
        // closed before the answer itself: the presentation reads from it
        try (Resources presenting = new Resources()) {
            ArrowReader reader = presentation.present(answer, presenting);
            // dictionaries (ENUM columns) go out once, at the start, so the first batch is loaded before it
            boolean more = reader.loadNextBatch();
            listener.start(reader.getVectorSchemaRoot(), reader);
            // a warning (a partial answer) rides on the first batch's app metadata: an empty one if there is no batch
            io.mallard.protocol.ResultWarning warning = statement.warning;
            if (warning != null && !more) {
                reader.getVectorSchemaRoot().setRowCount(0);
                putNext(listener, warning);
            }
            while (more) {
                awaitClient(statement, listener);
                statement.rows += reader.getVectorSchemaRoot().getRowCount();
                putNext(listener, warning);
                warning = null;
                more = reader.loadNextBatch();
            }
        } catch (Exception e) {
            // DuckDB reports a failed worker stream as its own error; the query knows the real cause
            throw failure.get().map(Exception.class::cast).orElse(e);
        }
        // recorded before the client hears the end, so its next look at mallard.queries finds this query
        record(statement, "finished", null);
        listener.completed();
    }

    /** Sends the current batch, with {@code warning} as its app metadata when there is one. */
    private void putNext(ServerStreamListener listener, io.mallard.protocol.ResultWarning warning) {
        if (warning == null) {
            listener.putNext();
            return;
        }
        byte[] bytes = warning.encode();
        org.apache.arrow.memory.ArrowBuf metadata = allocator.buffer(bytes.length);
        metadata.writeBytes(bytes);
        listener.putNext(metadata); // Flight takes the buffer over and releases it once sent
    }

    /**
     * Back-pressure: the next batch is produced only once the client took the last ones (gRPC's flow control says it
     * is ready), so a slow client holds the combine back instead of piling answers up in the coordinator's memory.
     */
    private void awaitClient(Running statement, ServerStreamListener listener) {
        long parkNanos = 50_000;
        boolean counted = false;
        try {
            while (true) {
                if (listener.isCancelled() || statement.cancelled) {
                    throw new MallardException(ErrorCode.QUERY_CANCELLED, "the client cancelled query " + statement.queryId);
                }
                if (listener.isReady()) {
                    return;
                }
                if (!counted) {
                    counted = true;
                    waitingForClients.incrementAndGet();
                }
                java.util.concurrent.locks.LockSupport.parkNanos(parkNanos);
                parkNanos = Math.min(10_000_000, parkNanos * 2);
            }
        } finally {
            if (counted) {
                waitingForClients.decrementAndGet();
            }
        }
    }

    /** Answers held back now because their clients do not read fast enough. */
    public int waitingForClients() {
        return waitingForClients.get();
    }

    /** Appends a statement to the audit log, its text and error masked as in the history. */
    private void audit(Identity caller, String source, String event, String sql, String outcome, MallardException error) {
        audit.append(event, caller.name(), source, UserStatementParser.mask(sql), outcome,
                error == null ? null : error.code().wireName(),
                error == null ? null : UserStatementParser.mask(error.getMessage()));
    }

    private void record(Running statement, String status, MallardException error) {
        QueryStats stats = statement.stats.get();
        audit(statement.caller, statement.source, stats != null && stats.strategy().equals(USERS) ? "users" : "statement",
                statement.sql, status.equals("finished") ? "ok" : status, error);
        if (stats != null && stats.strategy().equals(SYSTEM)) {
            return; // reads of the system tables (the shell's progress line polls them) show only while they run
        }
        QueryRecord record = statement.record(status, error);
        recorded.accept(record); // the metrics: counting in memory, nothing to fail
        try {
            history.record(record);
        } catch (RuntimeException e) {
            LOG.warn("query {} could not be written to the history: {}", statement.queryId, e.getMessage());
        }
    }
}
