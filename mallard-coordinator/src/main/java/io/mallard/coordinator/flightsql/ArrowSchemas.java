package io.mallard.coordinator.flightsql;

import io.mallard.common.duck.DuckArrow;
import io.mallard.common.duck.DuckErrors;
import io.mallard.coordinator.combine.SharedDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Arrow schema of a result before it runs: DuckDB binds the statement (prepare, no execution) and names each
 * column's DuckDB type; the Arrow type of each DuckDB type is whatever DuckDB's own Arrow export makes of
 * {@code CAST(NULL AS type)}, so it matches the stream the query will send.
 */
final class ArrowSchemas {
    private final SharedDatabase scratch;
    private final BufferAllocator allocator;
    private final Map<String, Field> byType = new ConcurrentHashMap<>();

    /** @param scratch an in-memory DuckDB used only to evaluate {@code CAST(NULL AS type)} */
    ArrowSchemas(SharedDatabase scratch, BufferAllocator allocator) {
        this.scratch = scratch;
        this.allocator = allocator;
    }

    /** A column by name and DuckDB type name. */
    record Column(String name, String duckType) {
    }

    static List<Column> columns(ResultSetMetaData metadata) throws SQLException {
        List<Column> columns = new ArrayList<>();
        if (metadata == null) {
            return columns;
        }
        for (int c = 1; c <= metadata.getColumnCount(); c++) {
            columns.add(new Column(metadata.getColumnLabel(c), metadata.getColumnTypeName(c)));
        }
        return columns;
    }

    /** The schema of an answer with these columns as clients receive it ({@link ResultPresentation}). */
    Schema schema(List<Column> columns) {
        boolean presented = columns.stream().anyMatch(c -> ResultPresentation.passes(c.duckType()));
        List<Field> fields = new ArrayList<>();
        for (Column column : columns) {
            // an ENUM column goes to clients as its text in every answer (ResultPresentation)
            String type = presented || ResultPresentation.isEnum(column.duckType())
                    ? ResultPresentation.presented(column.duckType()) : column.duckType();
            Field typed = field(type);
            fields.add(new Field(column.name(), typed.getFieldType(), typed.getChildren()));
        }
        return new Schema(fields);
    }

    /**
     * The schema clients bind parameter values in. It is the parameters' own types except where JDBC-style binders are
     * too strict to be usable: a DECIMAL parameter is sent as a double (a JDBC driver binds a decimal vector only from a
     * BigDecimal of exactly the column's scale) and a HUGEINT as a BIGINT. The binder casts every value to the
     * parameter's real type from its decimal text, so a decimal keeps its digits.
     */
    Schema parameterSchema(List<String> duckTypes) {
        List<Field> fields = new ArrayList<>();
        for (int p = 0; p < duckTypes.size(); p++) {
            String type = duckTypes.get(p) == null ? "" : duckTypes.get(p);
            Field typed = type.startsWith("DECIMAL") ? new Field("", FieldType.nullable(new ArrowType.FloatingPoint(
                    org.apache.arrow.vector.types.FloatingPointPrecision.DOUBLE)), null)
                    : type.equals("HUGEINT") || type.equals("UHUGEINT") ? new Field("", FieldType.nullable(
                            new ArrowType.Int(64, true)), null)
                    : field(type);
            fields.add(new Field("$" + (p + 1), FieldType.nullable(typed.getType()), typed.getChildren()));
        }
        return new Schema(fields);
    }

    /** The Arrow field DuckDB exports for a column of this type; unknown or unbound types become strings. */
    Field field(String duckType) {
        if (duckType == null || duckType.isEmpty() || duckType.equals("INVALID") || duckType.equals("UNKNOWN")
                || duckType.equals("NULL") || duckType.equals("\"NULL\"")) {
            return new Field("", FieldType.nullable(ArrowType.Utf8.INSTANCE), null);
        }
        // an ENUM named without its values (a statement with parameters, which DESCRIBE cannot bind) is sent as text
        String type = namesEnumWithoutValues(duckType) ? ENUM_WITHOUT_VALUES.matcher(duckType).replaceAll("VARCHAR") : duckType;
        return byType.computeIfAbsent(type, this::probe);
    }

    /** DuckDB's JDBC driver names an ENUM type {@code ENUM}, without its values: no type DuckDB can cast to. */
    static boolean namesEnumWithoutValues(String duckType) {
        return duckType != null && ENUM_WITHOUT_VALUES.matcher(duckType).find();
    }

    private static final Pattern ENUM_WITHOUT_VALUES = Pattern.compile("\\bENUM\\b(?!\\s*\\()", Pattern.CASE_INSENSITIVE);

    private Field probe(String duckType) {
        // the type name comes from DuckDB's own metadata, never from a client
        try (Connection connection = scratch.connect(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT CAST(NULL AS " + duckType + ") AS c LIMIT 0");
                ArrowReader reader = DuckArrow.export(rs, allocator)) {
            return reader.getVectorSchemaRoot().getSchema().getFields().get(0);
        } catch (SQLException e) {
            throw DuckErrors.translate(e);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("reading DuckDB's Arrow schema for " + duckType, e);
        }
    }
}
