package io.mallard.coordinator.flightsql;

import io.mallard.common.Resources;
import io.mallard.common.duck.BorrowedReader;
import io.mallard.common.duck.DuckArrow;
import io.mallard.data.Sql;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBConnection;

/**
 * What a client receives of the DuckDB types Arrow has no type for. Between the cluster's own DuckDBs these travel as
 * Arrow extension types ({@link DuckArrow#LOSSLESS}), so that no hop changes a value; clients do not know those types.
 * An answer that holds any passes once more through a DuckDB that exports them as DuckDB's own Arrow export does —
 * UUID as text, HUGEINT as DECIMAL(38,0) — except where that export loses the value: BIT, TIME WITH TIME ZONE,
 * UHUGEINT and BIGNUM go out as their text ({@code 101}, {@code 12:00:00+05}), which is what DuckDB's own
 * {@code CAST(… AS VARCHAR)} makes of them. {@link ArrowSchemas} announces the same types before a statement runs.
 * Answers without such a type (almost all) go out as they are.
 */
final class ResultPresentation {
    /** The extension types DuckDB exports with {@link DuckArrow#LOSSLESS}; {@code arrow.json} is text already. */
    private static final Set<String> EXTENSIONS = Set.of("arrow.uuid", "arrow.opaque");
    private static final String EXTENSION_NAME = "ARROW:extension:name";
    /** DuckDB type names that travel as extension types. */
    private static final Pattern EXTENDED = Pattern.compile(
            "\\b(UUID|HUGEINT|UHUGEINT|BIT|BITSTRING|TIME WITH TIME ZONE|TIMETZ|BIGNUM|VARINT)\\b", Pattern.CASE_INSENSITIVE);
    /** Those that go to clients as text. */
    private static final Pattern AS_TEXT = Pattern.compile(
            "\\b(UHUGEINT|BIT|BITSTRING|TIME WITH TIME ZONE|TIMETZ|BIGNUM|VARINT)\\b", Pattern.CASE_INSENSITIVE);
    /** An ENUM with its values: the pass imports its dictionary as text. */
    private static final Pattern ENUM = Pattern.compile("\\bENUM\\s*\\((?:\\s|,|'(?:[^']|'')*')*\\)", Pattern.CASE_INSENSITIVE);
    /** A double-quoted name inside a type (a STRUCT field named like a type: {@code STRUCT("bit" INTEGER)}). */
    private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"]|\"\")*\"");
    private static final String VIEW = "__mallard_answer";

    private final DuckDBConnection scratch;
    private final BufferAllocator allocator;

    /** @param scratch an in-memory DuckDB that exports Arrow as DuckDB does by default (not {@link DuckArrow#LOSSLESS}) */
    ResultPresentation(DuckDBConnection scratch, BufferAllocator allocator) {
        this.scratch = scratch;
        this.allocator = allocator;
    }

    /** Whether an answer with a column of this DuckDB type passes through {@link #present}. */
    static boolean passes(String duckType) {
        return duckType != null && EXTENDED.matcher(unquoted(duckType)).find();
    }

    /**
     * The type a client receives for a column of {@code duckType} in an answer that passes (the same when it needs no
     * change); an ENUM is text there.
     */
    static String presented(String duckType) {
        if (duckType == null) {
            return null;
        }
        duckType = ENUM.matcher(duckType).replaceAll("VARCHAR");
        StringBuilder out = new StringBuilder();
        Matcher quoted = QUOTED.matcher(duckType);
        int at = 0;
        while (quoted.find()) {
            out.append(AS_TEXT.matcher(duckType.substring(at, quoted.start())).replaceAll("VARCHAR")).append(quoted.group());
            at = quoted.end();
        }
        return out.append(AS_TEXT.matcher(duckType.substring(at)).replaceAll("VARCHAR")).toString();
    }

    /** The type without names and values that could spell a type: quoted field names, an ENUM's values. */
    private static String unquoted(String duckType) {
        return ENUM.matcher(QUOTED.matcher(duckType).replaceAll("\"\"")).replaceAll("VARCHAR");
    }

    /** Whether a stream with this schema holds an extension type a client would not know. */
    static boolean passes(Schema schema) {
        return schema.getFields().stream().anyMatch(ResultPresentation::extended);
    }

    private static boolean extended(Field field) {
        String extension = field.getMetadata().get(EXTENSION_NAME);
        return extension != null && EXTENSIONS.contains(extension)
                || field.getChildren().stream().anyMatch(ResultPresentation::extended);
    }

    /**
     * {@code answer} as a client receives it: itself when it holds no extension type, else its rows through the scratch
     * DuckDB, each column cast to its {@link #presented} type. What it opens is pushed on {@code resources}, to be
     * closed after the answer was sent and before {@code answer} itself.
     */
    ArrowReader present(ArrowReader answer, Resources resources) throws SQLException, IOException {
        List<Field> fields = answer.getVectorSchemaRoot().getSchema().getFields();
        if (fields.stream().noneMatch(ResultPresentation::extended)) {
            return answer;
        }
        Connection connection = resources.push(scratch.duplicate());
        resources.push(DuckArrow.register(connection, VIEW, new BorrowedReader(answer, allocator), allocator));
        StringBuilder sql = new StringBuilder("SELECT ");
        try (PreparedStatement describe = connection.prepareStatement("SELECT * FROM " + VIEW)) {
            ResultSetMetaData columns = describe.getMetaData();
            for (int c = 1; c <= columns.getColumnCount(); c++) {
                String type = columns.getColumnTypeName(c);
                String shown = presented(type);
                // by position: the answer's column names may repeat, and the view's are then renamed
                sql.append(c > 1 ? ", " : "").append(shown.equals(type) ? "#" + c : "CAST(#" + c + " AS " + shown + ")")
                        .append(" AS ").append(Sql.ident(fields.get(c - 1).getName()));
            }
        }
        Statement statement = resources.push(connection.createStatement());
        ResultSet rs = resources.push(statement.executeQuery(sql.append(" FROM ").append(VIEW).toString()));
        return resources.push(DuckArrow.export(rs, allocator));
    }
}
