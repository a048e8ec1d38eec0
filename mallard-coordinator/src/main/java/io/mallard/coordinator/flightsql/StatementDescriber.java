package io.mallard.coordinator.flightsql;

import io.mallard.common.TextCache;
import io.mallard.common.duck.DuckErrors;
import io.mallard.coordinator.catalog.ReferenceConnections;
import io.mallard.coordinator.server.Identity;
import io.mallard.coordinator.tables.TableChanges;
import io.mallard.coordinator.system.SystemTables;
import io.mallard.planner.plan.ExplainStatement;
import io.mallard.common.SetStatement;
import java.sql.Connection;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The schemas a statement takes and returns, found by letting DuckDB bind it (prepare, nothing runs): statements on
 * dataset tables on the reference database, system-table reads on the metadata database. A SET returns nothing and an
 * EXPLAIN one text column. Dataset statements are kept by their exact text, 512 of them: the reference database is
 * read-only, so a text binds to the same types for the coordinator's life, and binding cost a client about 2 ms of
 * coordinator CPU per statement. Errors are not kept.
 */
final class StatementDescriber {
    private static final Schema EMPTY = new Schema(List.of());
    private static final Schema EXPLAIN_SCHEMA = new Schema(List.of(
            new Field("plan", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)));

    /** A statement's parameter types (DuckDB's names and as Arrow) and result schema. */
    record Described(List<String> parameterTypes, Schema parameters, Schema result) {
    }

    private final ReferenceConnections reference;
    private final SystemTables system;
    private final ArrowSchemas schemas;
    private volatile TextCache<Described> described = new TextCache<>(512);

    private final io.mallard.coordinator.security.AccessControl access;

    StatementDescriber(ReferenceConnections reference, SystemTables system, ArrowSchemas schemas,
            io.mallard.coordinator.security.AccessControl access) {
        this.access = access;
        this.reference = reference;
        this.system = system;
        this.schemas = schemas;
    }

    /** A commit changed tables: statements may bind to other types now. */
    void forget() {
        described = new TextCache<>(512);
    }

    Described describe(Identity caller, String sql) {
        if (SetStatement.parse(sql).isPresent()) {
            return new Described(List.of(), EMPTY, EMPTY);
        }
        if (io.mallard.coordinator.security.UserStatementParser.parse(sql).isPresent()) { // a malformed one fails here
            return new Described(List.of(), EMPTY, CountAnswer.SCHEMA);
        }
        if (AdminStatements.drainTarget(sql).isPresent()) {
            return new Described(List.of(), EMPTY, AdminStatements.DRAIN_SCHEMA);
        }
        java.util.Optional<io.mallard.coordinator.tables.TableStatement> table = TableChanges.recognize(sql);
        if (table.isPresent()) {
            if (table.get().readsOnly() && table.get().table() != null) {
                access.requireRead(caller.name(), table.get().table());
            }
            // a change answers with its Count; SHOW TABLES and DESCRIBE with the reference database's answer to them
            String answer = TableChanges.readSql(table.get());
            try (Connection connection = reference.connect(); PreparedStatement prepared = connection.prepareStatement(answer)) {
                Described read = read(prepared);
                return new Described(List.of(), EMPTY, read.result());
            } catch (SQLException e) {
                throw DuckErrors.translate(e);
            }
        }
        if (ExplainStatement.target(sql).isPresent()) {
            return new Described(List.of(), EMPTY, EXPLAIN_SCHEMA);
        }
        if (system.reads(sql)) {
            return system.describe(sql, StatementExecutor.viewer(caller), this::read);
        }
        access.requireReadable(caller.name(), sql); // the schema of a table is not shown to who may not read it
        return described.get(access.withSessionUser(caller.name(), sql), text -> {
            try (Connection connection = reference.connect(); PreparedStatement prepared = connection.prepareStatement(text)) {
                List<ArrowSchemas.Column> columns = ArrowSchemas.columns(prepared.getMetaData());
                if (prepared.getParameterMetaData().getParameterCount() == 0
                        && columns.stream().anyMatch(c -> ArrowSchemas.namesEnumWithoutValues(c.duckType()))) {
                    return new Described(List.of(), EMPTY, schemas.schema(describedColumns(connection, text, columns)));
                }
                return read(prepared);
            } catch (SQLException e) {
                throw DuckErrors.translate(e);
            }
        });
    }

    private Described read(PreparedStatement prepared) throws SQLException {
        List<String> types = new ArrayList<>();
        ParameterMetaData parameters = prepared.getParameterMetaData();
        for (int p = 1; p <= parameters.getParameterCount(); p++) {
            types.add(parameters.getParameterTypeName(p));
        }
        return new Described(types, schemas.parameterSchema(types), schemas.schema(ArrowSchemas.columns(prepared.getMetaData())));
    }

    /**
     * The columns with the types {@code DESCRIBE} gives them (same names and order as the prepared statement's): DuckDB's
     * JDBC driver names an ENUM column's type {@code ENUM}, without its values, where {@code DESCRIBE} names it whole.
     */
    private static List<ArrowSchemas.Column> describedColumns(Connection connection, String text,
            List<ArrowSchemas.Column> prepared) throws SQLException {
        List<ArrowSchemas.Column> columns = new ArrayList<>();
        try (java.sql.Statement statement = connection.createStatement();
                java.sql.ResultSet described = statement.executeQuery("DESCRIBE " + text)) {
            while (described.next() && columns.size() < prepared.size()) {
                ArrowSchemas.Column column = prepared.get(columns.size());
                columns.add(new ArrowSchemas.Column(column.name(), described.getString("column_type")));
            }
        }
        if (columns.size() != prepared.size()) {
            throw new SQLException("DESCRIBE gave " + columns.size() + " columns where the statement has " + prepared.size());
        }
        return columns;
    }
}
