package io.mallard.coordinator.flightsql;

import static com.google.protobuf.Any.pack;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.SetStatement;
import io.mallard.common.TextCache;
import io.mallard.coordinator.server.Identity;
import io.mallard.coordinator.server.ServerErrors;
import io.mallard.coordinator.system.SystemTables;
import io.mallard.protocol.QuerySettings;
import io.mallard.protocol.SessionOptionText;
import io.mallard.protocol.WireErrors;
import io.mallard.common.rows.ArrowValues;
import java.sql.Connection;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.CancelStatus;
import org.apache.arrow.flight.CloseSessionRequest;
import org.apache.arrow.flight.CloseSessionResult;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.GetSessionOptionsRequest;
import org.apache.arrow.flight.GetSessionOptionsResult;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.SessionOptionValue;
import org.apache.arrow.flight.SessionOptionValueFactory;
import org.apache.arrow.flight.SetSessionOptionsRequest;
import org.apache.arrow.flight.SetSessionOptionsResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.FlightSqlProducer;
import org.apache.arrow.flight.sql.SqlInfoBuilder;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBConnection;

/**
 * Mallard as an Arrow Flight SQL server: statements and prepared statements (parameters bound by rewriting DuckDB's
 * parse tree), catalog metadata, SQL and type info, cancellation and per-session settings. A query starts when its
 * ticket is fetched (DoGet); GetFlightInfo only binds it and reports its schema, so errors in the SQL surface early.
 * Every call needs a logged-in user; each bearer token is one session.
 */
public final class MallardFlightSqlProducer implements FlightSqlProducer {
    private static final long PENDING_MILLIS = 10 * 60_000L;
    private static final Schema EMPTY = new Schema(List.of());
    private static final Schema EXPLAIN_SCHEMA = new Schema(List.of(
            new Field("plan", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)));

    private final StatementExecutor executor;
    private final SystemTables system;
    private final DuckDBConnection reference;
    private final BufferAllocator allocator;
    private final ClientSessions sessions;
    private final ArrowSchemas schemas;
    private final ParameterBinder binder;
    private final CatalogMetadata catalog;
    private final SqlInfoBuilder sqlInfo;
    /**
     * Parameter and result types of statements on dataset tables, by text: binding one is a DuckDB prepare on the
     * reference database, which cost a Flight SQL client about 2 ms per statement, every time.
     */
    private final TextCache<Described> described = new TextCache<>(512);
    /** Statements between GetFlightInfo and DoGet, by ticket handle. */
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    /** Statements streaming now: ticket handle → query id, for CancelFlightInfo. */
    private final Map<String, String> started = new ConcurrentHashMap<>();

    private record Pending(String queryId, String sql, String session, long createdMillis) {
    }

    /**
     * @param reference the coordinator's reference database (schemas of every table), to bind statements without running them
     * @param scratch   an in-memory DuckDB for type probes and parameter binding
     */
    public MallardFlightSqlProducer(StatementExecutor executor, SystemTables system, DuckDBConnection reference,
            DuckDBConnection scratch, BufferAllocator allocator, long sessionIdleMillis, String version) {
        this.executor = executor;
        this.system = system;
        this.reference = reference;
        this.allocator = allocator;
        this.sessions = new ClientSessions(sessionIdleMillis);
        this.schemas = new ArrowSchemas(scratch, allocator);
        this.binder = new ParameterBinder(scratch);
        this.catalog = new CatalogMetadata(reference, system, schemas);
        this.sqlInfo = ServerSqlInfo.builder(version);
    }

    private static Identity caller(CallContext context) {
        return Identity.decode(context.peerIdentity()).requireUser();
    }

    private static FlightRuntimeException wire(Throwable e) {
        return e instanceof FlightRuntimeException f ? f : WireErrors.toFlight(ServerErrors.translate(e));
    }

    // ---- statements

    /** The schemas a statement takes and returns, found by letting DuckDB bind it (nothing runs). */
    private record Described(List<String> parameterTypes, Schema parameters, Schema result) {
    }

    private Described describe(Identity caller, String sql) {
        try {
            return bind(caller, sql);
        } catch (RuntimeException e) {
            executor.rejected(caller, sql, ServerErrors.translate(e));
            throw e;
        }
    }

    private Described bind(Identity caller, String sql) {
        if (SetStatement.parse(sql).isPresent()) {
            return new Described(List.of(), EMPTY, EMPTY);
        }
        if (io.mallard.planner.plan.ExplainStatement.target(sql).isPresent()) {
            return new Described(List.of(), EMPTY, EXPLAIN_SCHEMA);
        }
        SystemTables.Describer<Described> read = prepared -> {
            List<String> types = new ArrayList<>();
            ParameterMetaData parameters = prepared.getParameterMetaData();
            for (int p = 1; p <= parameters.getParameterCount(); p++) {
                types.add(parameters.getParameterTypeName(p));
            }
            return new Described(types, schemas.parameterSchema(types),
                    schemas.schema(ArrowSchemas.columns(prepared.getMetaData())));
        };
        if (system.reads(sql)) {
            return system.describe(sql, StatementExecutor.viewer(caller), read);
        }
        // the reference database is read-only: a text binds to the same types for the coordinator's life
        return described.get(sql, text -> {
            try (Connection connection = reference.duplicate(); PreparedStatement prepared = connection.prepareStatement(text)) {
                return read.describe(prepared);
            } catch (SQLException e) {
                throw io.mallard.common.duck.DuckErrors.translate(e);
            }
        });
    }

    private FlightInfo ticketFor(String sql, Schema schema, ClientSession session, FlightDescriptor descriptor) {
        long now = System.currentTimeMillis();
        pending.values().removeIf(p -> now - p.createdMillis() > PENDING_MILLIS);
        String handle = UUID.randomUUID().toString();
        pending.put(handle, new Pending(UUID.randomUUID().toString(), sql, session.id(), now));
        FlightSql.TicketStatementQuery ticket = FlightSql.TicketStatementQuery.newBuilder()
                .setStatementHandle(ByteString.copyFromUtf8(handle)).build();
        return new FlightInfo(schema, descriptor, List.of(new FlightEndpoint(new Ticket(pack(ticket).toByteArray()))), -1, -1);
    }

    @Override
    public FlightInfo getFlightInfoStatement(FlightSql.CommandStatementQuery command, CallContext context,
            FlightDescriptor descriptor) {
        try {
            Identity caller = caller(context);
            ClientSession session = sessions.of(caller);
            return ticketFor(command.getQuery(), describe(caller, command.getQuery()).result(), session, descriptor);
        } catch (RuntimeException e) {
            throw wire(e);
        }
    }

    @Override
    public SchemaResult getSchemaStatement(FlightSql.CommandStatementQuery command, CallContext context,
            FlightDescriptor descriptor) {
        try {
            return new SchemaResult(describe(caller(context), command.getQuery()).result());
        } catch (RuntimeException e) {
            throw wire(e);
        }
    }

    @Override
    public void getStreamStatement(FlightSql.TicketStatementQuery ticket, CallContext context,
            ServerStreamListener listener) {
        try {
            Identity caller = caller(context);
            ClientSession session = sessions.of(caller);
            String handle = ticket.getStatementHandle().toStringUtf8();
            Pending statement = pending.remove(handle);
            if (statement == null || !statement.session().equals(session.id())) {
                throw new MallardException(ErrorCode.INVALID_ARGUMENT,
                        "unknown, expired, cancelled or already used statement ticket");
            }
            started.put(handle, statement.queryId());
            try {
                executor.stream(caller, session, statement.queryId(), statement.sql(), listener);
            } finally {
                started.remove(handle);
            }
        } catch (RuntimeException e) {
            listener.error(wire(e));
        }
    }

    @Override
    public Runnable acceptPutStatement(FlightSql.CommandStatementUpdate command, CallContext context,
            FlightStream flightStream, StreamListener<PutResult> ackStream) {
        return () -> update(context, command.getQuery(), ackStream);
    }

    /** The only statements that change something: {@code SET mallard.…}. Datasets are read-only. */
    private void update(CallContext context, String sql, StreamListener<PutResult> ackStream) {
        try {
            ClientSession session = sessions.of(caller(context));
            Optional<SetStatement> set = SetStatement.parse(sql);
            if (set.isEmpty()) {
                throw new MallardException(ErrorCode.UNSUPPORTED_STATEMENT, "Mallard datasets are read-only: only "
                        + "queries and SET mallard.distributed / mallard.summarize are accepted");
            }
            session.set(set.get().name(), set.get().value());
            putResult(ackStream, FlightSql.DoPutUpdateResult.newBuilder().setRecordCount(0).build());
        } catch (RuntimeException e) {
            ackStream.onError(wire(e));
        }
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
        try {
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
        } catch (RuntimeException e) {
            listener.onError(wire(e));
        }
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
        try {
            sessions.of(caller(context)).prepared.remove(request.getPreparedStatementHandle().toStringUtf8());
            listener.onCompleted();
        } catch (RuntimeException e) {
            listener.onError(wire(e));
        }
    }

    @Override
    public Runnable acceptPutPreparedStatementQuery(FlightSql.CommandPreparedStatementQuery command, CallContext context,
            FlightStream flightStream, StreamListener<PutResult> ackStream) {
        return () -> {
            try {
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
            } catch (RuntimeException e) {
                ackStream.onError(wire(e));
            }
        };
    }

    @Override
    public FlightInfo getFlightInfoPreparedStatement(FlightSql.CommandPreparedStatementQuery command, CallContext context,
            FlightDescriptor descriptor) {
        try {
            PreparedQuery query = prepared(context, command.getPreparedStatementHandle());
            return ticketFor(query.boundSql(), query.resultSchema, sessions.of(caller(context)), descriptor);
        } catch (RuntimeException e) {
            throw wire(e);
        }
    }

    @Override
    public SchemaResult getSchemaPreparedStatement(FlightSql.CommandPreparedStatementQuery command, CallContext context,
            FlightDescriptor descriptor) {
        try {
            return new SchemaResult(prepared(context, command.getPreparedStatementHandle()).resultSchema);
        } catch (RuntimeException e) {
            throw wire(e);
        }
    }

    @Override
    public void getStreamPreparedStatement(FlightSql.CommandPreparedStatementQuery command, CallContext context,
            ServerStreamListener listener) {
        try {
            Identity caller = caller(context);
            PreparedQuery query = prepared(context, command.getPreparedStatementHandle());
            executor.stream(caller, sessions.of(caller), UUID.randomUUID().toString(), query.boundSql(), listener);
        } catch (RuntimeException e) {
            listener.error(wire(e));
        }
    }

    @Override
    public Runnable acceptPutPreparedStatementUpdate(FlightSql.CommandPreparedStatementUpdate command,
            CallContext context, FlightStream flightStream, StreamListener<PutResult> ackStream) {
        return () -> {
            try {
                PreparedQuery query = prepared(context, command.getPreparedStatementHandle());
                while (flightStream.next()) {
                    // parameters of a SET are not supported; drain whatever the client sent
                }
                update(context, query.sql, ackStream);
            } catch (RuntimeException e) {
                ackStream.onError(wire(e));
            }
        };
    }

    // ---- cancellation

    @Override
    public void cancelFlightInfo(CancelFlightInfoRequest request, CallContext context, StreamListener<CancelStatus> listener) {
        try {
            caller(context);
            CancelStatus status = CancelStatus.NOT_CANCELLABLE;
            for (FlightEndpoint endpoint : request.getInfo().getEndpoints()) {
                FlightSql.TicketStatementQuery ticket = com.google.protobuf.Any.parseFrom(endpoint.getTicket().getBytes())
                        .unpack(FlightSql.TicketStatementQuery.class);
                String handle = ticket.getStatementHandle().toStringUtf8();
                Pending statement = pending.remove(handle);
                if (statement != null) {
                    status = CancelStatus.CANCELLED; // not started yet: it never will be
                } else {
                    status = cancelRunning(handle) ? CancelStatus.CANCELLING : status;
                }
            }
            listener.onNext(status);
            listener.onCompleted();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            listener.onError(CallStatus.INVALID_ARGUMENT.withDescription("not a Mallard statement ticket").toRuntimeException());
        } catch (RuntimeException e) {
            listener.onError(wire(e));
        }
    }

    /** Started statements are known by query id; the ticket handle maps to it only while pending, so remember both. */
    private boolean cancelRunning(String handle) {
        String queryId = started.get(handle);
        return queryId != null && executor.cancel(queryId, "cancelled by CancelFlightInfo");
    }

    // ---- sessions

    @Override
    public void setSessionOptions(SetSessionOptionsRequest request, CallContext context,
            StreamListener<SetSessionOptionsResult> listener) {
        try {
            ClientSession session = sessions.of(caller(context));
            Map<String, SetSessionOptionsResult.Error> errors = new java.util.HashMap<>();
            request.getSessionOptions().forEach((name, value) -> {
                String text = SessionOptionText.of(value);
                if (name.equals("catalog") || name.equals("schema")) {
                    if (text != null && !text.equals(CatalogMetadata.CATALOG) && !text.equals(CatalogMetadata.DATA_SCHEMA)
                            && !text.equals(SystemTables.SCHEMA)) {
                        errors.put(name, new SetSessionOptionsResult.Error(SetSessionOptionsResult.ErrorValue.INVALID_VALUE));
                    }
                    return;
                }
                if (!name.equals(QuerySettings.DISTRIBUTED) && !name.equals(QuerySettings.SUMMARIZE)) {
                    errors.put(name, new SetSessionOptionsResult.Error(SetSessionOptionsResult.ErrorValue.INVALID_NAME));
                    return;
                }
                try {
                    session.set(name, text == null ? "true" : text);
                } catch (MallardException e) {
                    errors.put(name, new SetSessionOptionsResult.Error(SetSessionOptionsResult.ErrorValue.INVALID_VALUE));
                }
            });
            listener.onNext(new SetSessionOptionsResult(errors));
            listener.onCompleted();
        } catch (RuntimeException e) {
            listener.onError(wire(e));
        }
    }

    @Override
    public void getSessionOptions(GetSessionOptionsRequest request, CallContext context,
            StreamListener<GetSessionOptionsResult> listener) {
        try {
            QuerySettings settings = sessions.of(caller(context)).settings();
            Map<String, SessionOptionValue> options = Map.of(
                    QuerySettings.DISTRIBUTED, SessionOptionValueFactory.makeSessionOptionValue(settings.distributed()),
                    QuerySettings.SUMMARIZE, SessionOptionValueFactory.makeSessionOptionValue(settings.summarize()),
                    "catalog", SessionOptionValueFactory.makeSessionOptionValue(CatalogMetadata.CATALOG));
            listener.onNext(new GetSessionOptionsResult(options));
            listener.onCompleted();
        } catch (RuntimeException e) {
            listener.onError(wire(e));
        }
    }

    @Override
    public void closeSession(CloseSessionRequest request, CallContext context, StreamListener<CloseSessionResult> listener) {
        try {
            sessions.close(caller(context));
            listener.onNext(new CloseSessionResult(CloseSessionResult.Status.CLOSED));
            listener.onCompleted();
        } catch (RuntimeException e) {
            listener.onError(wire(e));
        }
    }

    // ---- metadata

    private FlightInfo metadataInfo(Message command, Schema schema, CallContext context, FlightDescriptor descriptor) {
        try {
            caller(context);
            return new FlightInfo(schema, descriptor,
                    List.of(new FlightEndpoint(new Ticket(pack(command).toByteArray()))), -1, -1);
        } catch (RuntimeException e) {
            throw wire(e);
        }
    }

    private void metadataStream(CallContext context, ServerStreamListener listener, Schema schema,
            java.util.function.Supplier<List<List<Object>>> rows) {
        try {
            caller(context);
            MetadataRows.send(schema, rows.get(), allocator, listener);
        } catch (RuntimeException e) {
            listener.error(wire(e));
        }
    }

    @Override
    public FlightInfo getFlightInfoSqlInfo(FlightSql.CommandGetSqlInfo request, CallContext context,
            FlightDescriptor descriptor) {
        return metadataInfo(request, Schemas.GET_SQL_INFO_SCHEMA, context, descriptor);
    }

    @Override
    public void getStreamSqlInfo(FlightSql.CommandGetSqlInfo command, CallContext context, ServerStreamListener listener) {
        try {
            caller(context);
            sqlInfo.send(command.getInfoList(), listener);
        } catch (RuntimeException e) {
            listener.error(wire(e));
        }
    }

    @Override
    public FlightInfo getFlightInfoTypeInfo(FlightSql.CommandGetXdbcTypeInfo request, CallContext context,
            FlightDescriptor descriptor) {
        return metadataInfo(request, Schemas.GET_TYPE_INFO_SCHEMA, context, descriptor);
    }

    @Override
    public void getStreamTypeInfo(FlightSql.CommandGetXdbcTypeInfo request, CallContext context,
            ServerStreamListener listener) {
        metadataStream(context, listener, Schemas.GET_TYPE_INFO_SCHEMA,
                () -> XdbcTypes.rows(request.hasDataType() ? request.getDataType() : null));
    }

    @Override
    public FlightInfo getFlightInfoCatalogs(FlightSql.CommandGetCatalogs request, CallContext context,
            FlightDescriptor descriptor) {
        return metadataInfo(request, Schemas.GET_CATALOGS_SCHEMA, context, descriptor);
    }

    @Override
    public void getStreamCatalogs(CallContext context, ServerStreamListener listener) {
        metadataStream(context, listener, Schemas.GET_CATALOGS_SCHEMA, catalog::catalogs);
    }

    @Override
    public FlightInfo getFlightInfoSchemas(FlightSql.CommandGetDbSchemas request, CallContext context,
            FlightDescriptor descriptor) {
        return metadataInfo(request, Schemas.GET_SCHEMAS_SCHEMA, context, descriptor);
    }

    @Override
    public void getStreamSchemas(FlightSql.CommandGetDbSchemas command, CallContext context, ServerStreamListener listener) {
        metadataStream(context, listener, Schemas.GET_SCHEMAS_SCHEMA, () -> catalog.schemas(
                command.hasCatalog() ? command.getCatalog() : null,
                command.hasDbSchemaFilterPattern() ? command.getDbSchemaFilterPattern() : null));
    }

    @Override
    public FlightInfo getFlightInfoTables(FlightSql.CommandGetTables request, CallContext context,
            FlightDescriptor descriptor) {
        return metadataInfo(request, request.getIncludeSchema() ? Schemas.GET_TABLES_SCHEMA
                : Schemas.GET_TABLES_SCHEMA_NO_SCHEMA, context, descriptor);
    }

    @Override
    public void getStreamTables(FlightSql.CommandGetTables command, CallContext context, ServerStreamListener listener) {
        metadataStream(context, listener, command.getIncludeSchema() ? Schemas.GET_TABLES_SCHEMA
                : Schemas.GET_TABLES_SCHEMA_NO_SCHEMA, () -> catalog.tables(
                        command.hasCatalog() ? command.getCatalog() : null,
                        command.hasDbSchemaFilterPattern() ? command.getDbSchemaFilterPattern() : null,
                        command.hasTableNameFilterPattern() ? command.getTableNameFilterPattern() : null,
                        command.getTableTypesList(), command.getIncludeSchema()));
    }

    @Override
    public FlightInfo getFlightInfoTableTypes(FlightSql.CommandGetTableTypes request, CallContext context,
            FlightDescriptor descriptor) {
        return metadataInfo(request, Schemas.GET_TABLE_TYPES_SCHEMA, context, descriptor);
    }

    @Override
    public void getStreamTableTypes(CallContext context, ServerStreamListener listener) {
        metadataStream(context, listener, Schemas.GET_TABLE_TYPES_SCHEMA,
                () -> catalog.tableTypes().stream().map(t -> List.<Object>of(t)).toList());
    }

    @Override
    public FlightInfo getFlightInfoPrimaryKeys(FlightSql.CommandGetPrimaryKeys request, CallContext context,
            FlightDescriptor descriptor) {
        return metadataInfo(request, Schemas.GET_PRIMARY_KEYS_SCHEMA, context, descriptor);
    }

    @Override
    public void getStreamPrimaryKeys(FlightSql.CommandGetPrimaryKeys command, CallContext context,
            ServerStreamListener listener) {
        metadataStream(context, listener, Schemas.GET_PRIMARY_KEYS_SCHEMA, List::of);
    }

    @Override
    public FlightInfo getFlightInfoExportedKeys(FlightSql.CommandGetExportedKeys request, CallContext context,
            FlightDescriptor descriptor) {
        return metadataInfo(request, Schemas.GET_EXPORTED_KEYS_SCHEMA, context, descriptor);
    }

    @Override
    public FlightInfo getFlightInfoImportedKeys(FlightSql.CommandGetImportedKeys request, CallContext context,
            FlightDescriptor descriptor) {
        return metadataInfo(request, Schemas.GET_IMPORTED_KEYS_SCHEMA, context, descriptor);
    }

    @Override
    public FlightInfo getFlightInfoCrossReference(FlightSql.CommandGetCrossReference request, CallContext context,
            FlightDescriptor descriptor) {
        return metadataInfo(request, Schemas.GET_CROSS_REFERENCE_SCHEMA, context, descriptor);
    }

    @Override
    public void getStreamExportedKeys(FlightSql.CommandGetExportedKeys command, CallContext context,
            ServerStreamListener listener) {
        metadataStream(context, listener, Schemas.GET_EXPORTED_KEYS_SCHEMA, List::of);
    }

    @Override
    public void getStreamImportedKeys(FlightSql.CommandGetImportedKeys command, CallContext context,
            ServerStreamListener listener) {
        metadataStream(context, listener, Schemas.GET_IMPORTED_KEYS_SCHEMA, List::of);
    }

    @Override
    public void getStreamCrossReference(FlightSql.CommandGetCrossReference command, CallContext context,
            ServerStreamListener listener) {
        metadataStream(context, listener, Schemas.GET_CROSS_REFERENCE_SCHEMA, List::of);
    }

    @Override
    public void listFlights(CallContext context, Criteria criteria, StreamListener<FlightInfo> listener) {
        listener.onCompleted();
    }

    @Override
    public void close() {
        pending.clear();
    }
}
