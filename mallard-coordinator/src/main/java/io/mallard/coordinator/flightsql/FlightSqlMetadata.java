package io.mallard.coordinator.flightsql;

import static com.google.protobuf.Any.pack;

import com.google.protobuf.Message;
import io.mallard.coordinator.server.Identity;
import java.util.List;
import java.util.function.Supplier;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.FlightSqlProducer;
import org.apache.arrow.flight.sql.SqlInfoBuilder;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Flight SQL metadata calls: catalogs, schemas, tables (with their Arrow schemas), table types, keys (none: datasets
 * have no keys), SQL info and type info. Each GetFlightInfo returns one endpoint whose ticket is the command itself;
 * its DoGet sends the rows ({@link CatalogMetadata}, {@link XdbcTypes}, {@link ServerSqlInfo}). Every call needs a
 * logged-in user.
 */
abstract class FlightSqlMetadata implements FlightSqlProducer {
    private final CatalogMetadata catalog;
    private final SqlInfoBuilder sqlInfo;
    private final BufferAllocator allocator;

    FlightSqlMetadata(CatalogMetadata catalog, SqlInfoBuilder sqlInfo, BufferAllocator allocator) {
        this.catalog = catalog;
        this.sqlInfo = sqlInfo;
        this.allocator = allocator;
    }

    /** Releases what the producer holds; throws nothing. */
    @Override
    public abstract void close();

    /** The user making the call; AUTHENTICATION_FAILED for a worker or an anonymous caller. */
    static Identity caller(CallContext context) {
        return Identity.decode(context.peerIdentity()).requireUser();
    }

    private FlightInfo metadataInfo(Message command, Schema schema, CallContext context, FlightDescriptor descriptor) {
        return ErrorGuard.call(() -> {
            caller(context);
            return new FlightInfo(schema, descriptor,
                    List.of(new FlightEndpoint(new Ticket(pack(command).toByteArray()))), -1, -1);
        });
    }

    private void metadataStream(CallContext context, ServerStreamListener listener, Schema schema,
            Supplier<List<List<Object>>> rows) {
        ErrorGuard.run(() -> {
            caller(context);
            MetadataRows.send(schema, rows.get(), allocator, listener);
        }, listener::error);
    }

    @Override
    public FlightInfo getFlightInfoSqlInfo(FlightSql.CommandGetSqlInfo request, CallContext context,
            FlightDescriptor descriptor) {
        return metadataInfo(request, Schemas.GET_SQL_INFO_SCHEMA, context, descriptor);
    }

    @Override
    public void getStreamSqlInfo(FlightSql.CommandGetSqlInfo command, CallContext context, ServerStreamListener listener) {
        ErrorGuard.run(() -> {
            caller(context);
            sqlInfo.send(command.getInfoList(), listener);
        }, listener::error);
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
}
