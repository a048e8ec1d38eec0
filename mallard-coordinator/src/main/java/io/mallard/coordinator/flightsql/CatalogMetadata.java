package io.mallard.coordinator.flightsql;

import io.mallard.common.duck.DuckErrors;
import io.mallard.coordinator.catalog.ReferenceConnections;
import io.mallard.coordinator.system.SystemTables;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.arrow.flight.sql.FlightSqlColumnMetadata;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * What a client's catalog browser sees: one catalog, {@value #CATALOG}, with schema {@value #DATA_SCHEMA} holding every
 * dataset table (tables of type TABLE, from the coordinator's reference database, which has the schema of every table)
 * and schema {@value SystemTables#SCHEMA} holding the system tables (type SYSTEM TABLE). Datasets are read-only and have
 * no primary or foreign keys.
 */
final class CatalogMetadata {
    static final String CATALOG = io.mallard.planner.plan.DistributedPlanner.DATABASE;
    static final String DATA_SCHEMA = "main";
    static final String TABLE = "TABLE";
    static final String SYSTEM_TABLE = "SYSTEM TABLE";

    private final ReferenceConnections reference;
    private final SystemTables system;
    private final ArrowSchemas schemas;
    private volatile List<TableInfo> tables;

    /** A table with its columns' DuckDB types. */
    record TableInfo(String schema, String name, String type, List<ArrowSchemas.Column> columns) {
    }

    CatalogMetadata(ReferenceConnections reference, SystemTables system, ArrowSchemas schemas) {
        this.reference = reference;
        this.system = system;
        this.schemas = schemas;
    }

    /** Every table, dataset tables first; the catalog of a running coordinator does not change. */
    List<TableInfo> tables() {
        List<TableInfo> known = tables;
        if (known == null) {
            known = load();
            tables = known;
        }
        return known;
    }

    private List<TableInfo> load() {
        Map<String, List<ArrowSchemas.Column>> data = new LinkedHashMap<>();
        try (Connection connection = reference.connect(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT table_name, column_name, data_type FROM duckdb_columns() "
                        + "WHERE database_name = current_database() AND schema_name = 'main' "
                        + "AND NOT starts_with(table_name, '__mallard') ORDER BY table_name, column_index")) {
            while (rs.next()) {
                data.computeIfAbsent(rs.getString(1), t -> new ArrayList<>())
                        .add(new ArrowSchemas.Column(rs.getString(2), rs.getString(3)));
            }
        } catch (SQLException e) {
            throw DuckErrors.translate(e);
        }
        List<TableInfo> all = new ArrayList<>();
        data.forEach((name, columns) -> all.add(new TableInfo(DATA_SCHEMA, name, TABLE, columns)));
        Map<String, List<ArrowSchemas.Column>> systemTables = new LinkedHashMap<>();
        for (SystemTables.ColumnInfo column : system.columns()) {
            systemTables.computeIfAbsent(column.table(), t -> new ArrayList<>())
                    .add(new ArrowSchemas.Column(column.column(), column.type()));
        }
        systemTables.forEach((name, columns) -> all.add(new TableInfo(SystemTables.SCHEMA, name, SYSTEM_TABLE, columns)));
        return List.copyOf(all);
    }

    List<List<Object>> catalogs() {
        return List.of(List.of(CATALOG));
    }

    List<List<Object>> schemas(String catalog, String schemaPattern) {
        List<List<Object>> rows = new ArrayList<>();
        if (!catalogMatches(catalog)) {
            return rows;
        }
        for (String schema : List.of(DATA_SCHEMA, SystemTables.SCHEMA)) {
            if (like(schemaPattern, schema)) {
                rows.add(List.of(CATALOG, schema));
            }
        }
        return rows;
    }

    List<List<Object>> tables(String catalog, String schemaPattern, String tablePattern, List<String> types,
            boolean includeSchema) {
        List<List<Object>> rows = new ArrayList<>();
        if (!catalogMatches(catalog)) {
            return rows;
        }
        for (TableInfo table : tables()) {
            if (!like(schemaPattern, table.schema()) || !like(tablePattern, table.name())
                    || !types.isEmpty() && types.stream().noneMatch(t -> t.equalsIgnoreCase(table.type()))) {
                continue;
            }
            List<Object> row = new ArrayList<>(Arrays.asList(CATALOG, table.schema(), table.name(), table.type()));
            if (includeSchema) {
                row.add(arrowSchema(table).serializeAsMessage());
            }
            rows.add(row);
        }
        return rows;
    }

    List<String> tableTypes() {
        return List.of(SYSTEM_TABLE, TABLE);
    }

    /** A table's Arrow schema with the Flight SQL column metadata JDBC's getColumns reads (type name, table, …). */
    Schema arrowSchema(TableInfo table) {
        List<Field> fields = new ArrayList<>();
        for (ArrowSchemas.Column column : table.columns()) {
            Field typed = schemas.field(column.duckType());
            Map<String, String> metadata = new FlightSqlColumnMetadata.Builder().catalogName(CATALOG)
                    .schemaName(table.schema()).tableName(table.name()).typeName(column.duckType()).isReadOnly(true)
                    .build().getMetadataMap();
            FieldType type = new FieldType(true, typed.getType(), typed.getDictionary(), metadata);
            fields.add(new Field(column.name(), type, typed.getChildren()));
        }
        return new Schema(fields);
    }

    private static boolean catalogMatches(String catalog) {
        return catalog == null || catalog.isEmpty() || catalog.equalsIgnoreCase(CATALOG);
    }

    /**
     * SQL LIKE as JDBC metadata patterns use it: % and _ wildcards, backslash escapes; null or empty matches all. Case is
     * ignored, as DuckDB ignores it in identifiers: JDBC tools that believe the server stores names in upper case (the
     * Flight SQL driver says so whatever the server answers) ask for {@code LINEITEM} when the user typed
     * {@code lineitem}.
     */
    static boolean like(String pattern, String value) {
        if (pattern == null || pattern.isEmpty()) {
            return true;
        }
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else if (c == '%') {
                regex.append(".*");
            } else if (c == '_') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL | Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)
                .matcher(value).matches();
    }
}
