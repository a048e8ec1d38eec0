package io.mallard.coordinator.flightsql;

import static com.google.protobuf.Any.pack;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.SetStatement;
import io.mallard.coordinator.catalog.ReferenceConnections;
import io.mallard.coordinator.flightsql.StatementDescriber.Described;
import io.mallard.coordinator.security.ClientLimits;
import io.mallard.coordinator.server.Identity;
import io.mallard.coordinator.server.ServerErrors;
import io.mallard.coordinator.system.SystemTables;
import io.mallard.coordinator.tables.IngestOptions;
import io.mallard.protocol.QuerySettings;
import io.mallard.common.rows.ArrowValues;
import io.mallard.coordinator.combine.SharedDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.CancelStatus;
import org.apache.arrow.flight.CloseSessionRequest;
import org.apache.arrow.flight.CloseSessionResult;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.GetSessionOptionsRequest;
import org.apache.arrow.flight.GetSessionOptionsResult;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.SetSessionOptionsRequest;
import org.apache.arrow.flight.SetSessionOptionsResult;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Mallard as an Arrow Flight SQL server: statements and prepared statements (parameters bound by rewriting DuckDB's
 * parse tree), catalog metadata, SQL and type info, cancellation and per-session settings. A query starts when its
 * ticket is fetched (DoGet, {@link StatementTickets}); GetFlightInfo only binds it and reports its schema
 * ({@link StatementDescriber}), so errors in the SQL surface early. Every call needs a logged-in user; each bearer
 * token is one session. Every handler runs in the {@link ErrorGuard}, which turns any failure into a Flight error
 * carrying the Mallard code. Bulk ingest ({@code CommandStatementIngest}) loads a client's Arrow stream into a table. The
 * metadata calls are in {@link FlightSqlMetadata}.
 */
public final class MallardFlightSqlProducer extends FlightSqlMetadata {
    private final StatementExecutor executor;
    private final BufferAllocator allocator;
    private final ClientSessions sessions;
    private final ParameterBinder binder;
    private final StatementDescriber describer;
    private final StatementTickets tickets = new StatementTickets();

    /**
     * @param reference the coordinator's reference database (schemas of every table), to bind statements without running them
     * @param scratch   an in-memory DuckDB for type probes and parameter binding
     */
    public MallardFlightSqlProducer(StatementExecutor executor, SystemTables system, ReferenceConnections reference,
            SharedDatabase scratch, BufferAllocator allocator, long tokenTtlMillis, ClientLimits limits,
            String version) {
        this(executor, system, reference, new ArrowSchemas(scratch, allocator), new ParameterBinder(scratch), allocator,
                new ClientSessions(limits.maxSessions(), limits.sessionIdleMillis(), tokenTtlMillis), version);
    }

    private MallardFlightSqlProducer(StatementExecutor executor, SystemTables system, ReferenceConnections reference,
            ArrowSchemas schemas, ParameterBinder binder, BufferAllocator allocator, ClientSessions sessions,
            String version) {
        super(new CatalogMetadata(reference, system, schemas), ServerSqlInfo.builder(version), allocator);
        this.executor = executor;
        this.allocator = allocator;
        this.sessions = sessions;
        this.binder = binder;
        this.describer = new StatementDescriber(reference, system, schemas, executor.access());
    }

    // ---- statements

    /** Binds a statement for its schemas; one that does not bind is recorded in the history as failed. */
    private Described describe(Identity caller, String sql) {
        executor.checkSize(caller, sql); // before DuckDB parses it
        try {
            return describer.describe(caller, sql);
        } catch (RuntimeException e) {
            executor.rejected(caller, sql, ServerErrors.translate(e));
            throw e;
        }
    }

    @Override
    public FlightInfo getFlightInfoStatement(FlightSql.CommandStatementQuery command, CallContext context,
            FlightDescriptor descriptor) {
        return ErrorGuard.call(() -> {
            Identity caller = caller(context);
            ClientSession session = sessions.of(caller);
            return tickets.issue(command.getQuery(), describe(caller, command.getQuery()).result(), session, descriptor);
        });
    }

    @Override
    public SchemaResult getSchemaStatement(FlightSql.CommandStatementQuery command, CallContext context,
            FlightDescriptor descriptor) {
        return ErrorGuard.call(() -> new SchemaResult(describe(caller(context), command.getQuery()).result()));
    }

    @Override
    public void getStreamStatement(FlightSql.TicketStatementQuery ticket, CallContext context,
            ServerStreamListener listener) {
        ErrorGuard.run(() -> {
            Identity caller = caller(context);
            ClientSession session = sessions.of(caller);
            tickets.redeem(ticket, session, (queryId, sql) -> executor.stream(caller, session, queryId, sql, listener));
        }, listener::error);
    }

    @Override
    public Runnable acceptPutStatement(FlightSql.CommandStatementUpdate command, CallContext context,
            FlightStream flightStream, StreamListener<PutResult> ackStream) {
        return () -> ErrorGuard.run(() -> update(context, command.getQuery(), ackStream), ackStream::onError);
    }

    /**
     * Flight SQL bulk ingest: the uploaded rows into a table, which the ingest may make or replace; answered with the
     * rows added. Only when the whole upload has arrived and committed does the client hear success.
     */
    @Override
    public Runnable acceptPutStatementBulkIngest(FlightSql.CommandStatementIngest command, CallContext context,
            FlightStream flightStream, StreamListener<PutResult> ackStream) {
        return () -> ErrorGuard.run(() -> {
            Identity caller = caller(context);
            IngestOptions options;
            try {
                options = IngestCommand.options(command);
            } catch (RuntimeException e) {
                executor.rejected(caller, "bulk ingest into " + command.getTable(), ServerErrors.translate(e));
                throw e;
            }
            long count = executor.ingest(caller, options, flightStream);
            putResult(ackStream, FlightSql.DoPutUpdateResult.newBuilder().setRecordCount(count).build());
        }, ackStream::onError);
    }

    /** Statements that change something: table changes and {@code SET mallard.…}. */
    private void update(CallContext context, String sql, StreamListener<PutResult> ackStream) {
        Identity caller = caller(context);
        executor.checkSize(caller, sql);
        ClientSession session = sessions.of(caller);
        Optional<SetStatement> set = SetStatement.parse(sql);
        long count = 0;
        if (set.isPresent()) {
            executor.set(caller, session, set.get(), sql);
        } else {
            count = executor.update(caller, session, sql);
        }
        putResult(ackStream, FlightSql.DoPutUpdateResult.newBuilder().setRecordCount(count).build());
    }

    /** A commit changed tables: statements are bound afresh. */
    public void tablesChanged() {
        describer.forget();
    }

    /** DoPut answers carry the bare message in the app metadata (not packed in an Any, unlike commands and tickets). */
    private void putResult(StreamListener<PutResult> ackStream, Message message) {
        byte[] bytes = message.toByteArray();
        try (ArrowBuf buffer = allocator.buffer(bytes.length)) {
            buffer.writeBytes(bytes);
            ackStream.onNext(PutResult.metadata(buffer));
        }
        ackStream.onCompleted();
    }

    // ---- prepared statements

    @Override
    public void createPreparedStatement(FlightSql.ActionCreatePreparedStatementRequest request, CallContext context,
            StreamListener<Result> listener) {
        ErrorGuard.run(() -> {
            Identity caller = caller(context);
            ClientSession session = sessions.of(caller);
            Described described = describe(caller, request.getQuery());
            String handle = UUID.randomUUID().toString();
            session.prepared.put(handle, new PreparedQuery(handle, request.getQuery(), described.parameterTypes(),
                    described.parameters(), described.result()));
            FlightSql.ActionCreatePreparedStatementResult result = FlightSql.ActionCreatePreparedStatementResult.newBuilder()
                    .setPreparedStatementHandle(ByteString.copyFromUtf8(handle))
                    .setDatasetSchema(ByteString.copyFrom(described.result().serializeAsMessage()))
                    .setParameterSchema(ByteString.copyFrom(described.parameters().serializeAsMessage()))
                    .build();
            listener.onNext(new Result(pack(result).toByteArray()));
            listener.onCompleted();
        }, listener::onError);
    }

    private PreparedQuery prepared(CallContext context, ByteString handle) {
        PreparedQuery query = sessions.of(caller(context)).prepared.get(handle.toStringUtf8());
        if (query == null) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "unknown or closed prepared statement");
        }
        return query;
    }

    @Override
    public void closePreparedStatement(FlightSql.ActionClosePreparedStatementRequest request, CallContext context,
            StreamListener<Result> listener) {
        ErrorGuard.run(() -> {
            sessions.of(caller(context)).prepared.remove(request.getPreparedStatementHandle().toStringUtf8());
            listener.onCompleted();
        }, listener::onError);
    }

    @Override
    public Runnable acceptPutPreparedStatementQuery(FlightSql.CommandPreparedStatementQuery command, CallContext context,
            FlightStream flightStream, StreamListener<PutResult> ackStream) {
        return () -> ErrorGuard.run(() -> {
            PreparedQuery query = prepared(context, command.getPreparedStatementHandle());
            List<Object> values = null;
            VectorSchemaRoot root = flightStream.getRoot();
            while (flightStream.next()) {
                if (root.getRowCount() > 1 || values != null && root.getRowCount() > 0) {
                    throw new MallardException(ErrorCode.INVALID_ARGUMENT,
                            "a query takes one set of parameter values, not a batch");
                }
                if (root.getRowCount() == 1) {
                    values = new ArrayList<>(ArrowValues.rows(root).get(0));
                }
            }
            if (values != null) {
                if (values.size() != query.parameterTypes.size()) {
                    throw new MallardException(ErrorCode.INVALID_ARGUMENT, "the statement takes "
                            + query.parameterTypes.size() + " parameter(s), " + values.size() + " were bound");
                }
                query.bind(values.isEmpty() ? query.sql : binder.bind(query.sql, values, query.parameterTypes));
            }
            putResult(ackStream, FlightSql.DoPutPreparedStatementResult.newBuilder()
                    .setPreparedStatementHandle(command.getPreparedStatementHandle()).build());
        }, ackStream::onError);
    }

    @Override
    public FlightInfo getFlightInfoPreparedStatement(FlightSql.CommandPreparedStatementQuery command, CallContext context,
            FlightDescriptor descriptor) {
        return ErrorGuard.call(() -> {
            PreparedQuery query = prepared(context, command.getPreparedStatementHandle());
            return tickets.issue(query.boundSql(), query.resultSchema, sessions.of(caller(context)), descriptor);
        });
    }

    @Override
    public SchemaResult getSchemaPreparedStatement(FlightSql.CommandPreparedStatementQuery command, CallContext context,
            FlightDescriptor descriptor) {
        return ErrorGuard.call(() -> new SchemaResult(prepared(context, command.getPreparedStatementHandle()).resultSchema));
    }

    @Override
    public void getStreamPreparedStatement(FlightSql.CommandPreparedStatementQuery command, CallContext context,
            ServerStreamListener listener) {
        ErrorGuard.run(() -> {
            Identity caller = caller(context);
            PreparedQuery query = prepared(context, command.getPreparedStatementHandle());
            executor.stream(caller, sessions.of(caller), UUID.randomUUID().toString(), query.boundSql(), listener);
        }, listener::error);
    }

    @Override
    public Runnable acceptPutPreparedStatementUpdate(FlightSql.CommandPreparedStatementUpdate command,
            CallContext context, FlightStream flightStream, StreamListener<PutResult> ackStream) {
        return () -> ErrorGuard.run(() -> {
            PreparedQuery query = prepared(context, command.getPreparedStatementHandle());
            while (flightStream.next()) {
                // parameters of a SET are not supported; drain whatever the client sent
            }
            update(context, query.sql, ackStream);
        }, ackStream::onError);
    }

    // ---- cancellation

    @Override
    public void cancelFlightInfo(CancelFlightInfoRequest request, CallContext context, StreamListener<CancelStatus> listener) {
        ErrorGuard.run(() -> {
            caller(context);
            CancelStatus status = tickets.cancel(request.getInfo(),
                    queryId -> executor.cancel(queryId, "cancelled by CancelFlightInfo"));
            listener.onNext(status);
            listener.onCompleted();
        }, listener::onError);
    }

    // ---- sessions

    @Override
    public void setSessionOptions(SetSessionOptionsRequest request, CallContext context,
            StreamListener<SetSessionOptionsResult> listener) {
        ErrorGuard.run(() -> {
            SetSessionOptionsResult result = SessionOptions.set(sessions.of(caller(context)), request.getSessionOptions());
            listener.onNext(result);
            listener.onCompleted();
        }, listener::onError);
    }

    @Override
    public void getSessionOptions(GetSessionOptionsRequest request, CallContext context,
            StreamListener<GetSessionOptionsResult> listener) {
        ErrorGuard.run(() -> {
            GetSessionOptionsResult result = SessionOptions.get(sessions.of(caller(context)));
            listener.onNext(result);
            listener.onCompleted();
        }, listener::onError);
    }

    @Override
    public void closeSession(CloseSessionRequest request, CallContext context, StreamListener<CloseSessionResult> listener) {
        ErrorGuard.run(() -> {
            sessions.close(caller(context));
            listener.onNext(new CloseSessionResult(CloseSessionResult.Status.CLOSED));
            listener.onCompleted();
        }, listener::onError);
    }

    @Override
    public void close() {
        tickets.clear();
    }
}
