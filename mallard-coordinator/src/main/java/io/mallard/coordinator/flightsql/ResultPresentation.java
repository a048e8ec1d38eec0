package io.mallard.coordinator.flightsql;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.Resources;
import io.mallard.common.duck.BorrowedReader;
import io.mallard.common.duck.DuckArrow;
import io.mallard.data.Sql;
import io.mallard.coordinator.combine.SharedDatabase;
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
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryEncoder;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * What a client receives of the DuckDB types Arrow has no type for. Between the cluster's own DuckDBs these travel as
 * Arrow extension types ({@link DuckArrow#LOSSLESS}), so that no hop changes a value; clients do not know those types
 * (DuckDB then also sends a BOOLEAN as {@code arrow.bool8}). A client receives what DuckDB's own Arrow export makes of
 * them — BOOLEAN as a boolean, UUID as text, HUGEINT as DECIMAL(38,0) — except where that export loses the value: BIT,
 * TIME WITH TIME ZONE, UHUGEINT and BIGNUM go out as their text ({@code 101}, {@code 12:00:00+05}), which is what
 * DuckDB's {@code CAST(… AS VARCHAR)} makes of them. BOOLEAN, HUGEINT and UUID columns (not inside a list or struct)
 * are converted here, batch by batch, and so is an ENUM column (a dictionary), which goes out as its text: the Arrow
 * Flight SQL JDBC driver reads a dictionary-encoded column as its indexes. An answer with any other such column
 * passes once more through a plain DuckDB that casts each column to its {@link #presented} type. {@link ArrowSchemas}
 * announces the same types before a statement runs. Answers without such a type go out as they are.
 */
final class ResultPresentation {
    private static final String EXTENSION_NAME = "ARROW:extension:name";
    private static final String EXTENSION_METADATA = "ARROW:extension:metadata";
    /** The one extension type clients read as what it holds (text). */
    private static final String JSON = "arrow.json";
    /** DuckDB type names that travel as extension types. */
    private static final Pattern EXTENDED = Pattern.compile("\\b(BOOLEAN|BOOL|UUID|HUGEINT|UHUGEINT|BIT|BITSTRING|"
            + "TIME WITH TIME ZONE|TIMETZ|BIGNUM|VARINT)\\b", Pattern.CASE_INSENSITIVE);
    /** Column types converted without DuckDB (the whole type, not inside a list or struct). */
    private static final Set<String> CONVERTED = Set.of("BOOLEAN", "HUGEINT", "UUID");
    /** Those that go to clients as text. */
    private static final Pattern AS_TEXT = Pattern.compile(
            "\\b(UHUGEINT|BIT|BITSTRING|TIME WITH TIME ZONE|TIMETZ|BIGNUM|VARINT)\\b", Pattern.CASE_INSENSITIVE);
    /** An ENUM with its values: the pass imports its dictionary as text. */
    private static final Pattern ENUM = Pattern.compile("\\bENUM\\s*\\((?:\\s|,|'(?:[^']|'')*')*\\)", Pattern.CASE_INSENSITIVE);
    /** A double-quoted name inside a type (a STRUCT field named like a type: {@code STRUCT("bit" INTEGER)}). */
    private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"]|\"\")*\"");
    private static final String VIEW = "__mallard_answer";

    /** What happens to a column on its way to a client. */
    private enum Conversion {
        NONE, BOOLEAN, DECIMAL, UUID_TEXT, DICTIONARY, PASS
    }

    private final SharedDatabase scratch;
    private final BufferAllocator allocator;

    /** @param scratch an in-memory DuckDB that exports Arrow as DuckDB does by default (not {@link DuckArrow#LOSSLESS}) */
    ResultPresentation(SharedDatabase scratch, BufferAllocator allocator) {
        this.scratch = scratch;
        this.allocator = allocator;
    }

    /** Whether an answer with a column of this DuckDB type passes through the presenting DuckDB. */
    static boolean passes(String duckType) {
        return duckType != null && !CONVERTED.contains(duckType.toUpperCase(java.util.Locale.ROOT))
                && EXTENDED.matcher(unquoted(duckType)).find();
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

    /** Whether a column of this type is an ENUM (not a list or struct of one). */
    static boolean isEnum(String duckType) {
        return duckType != null && ENUM.matcher(duckType.strip()).matches();
    }

    /** The type without names and values that could spell a type: quoted field names, an ENUM's values. */
    private static String unquoted(String duckType) {
        return ENUM.matcher(QUOTED.matcher(duckType).replaceAll("\"\"")).replaceAll("VARCHAR");
    }

    /** What a column's values need on their way to a client. */
    private static Conversion conversion(Field field) {
        if (field.getDictionary() != null) {
            return Conversion.DICTIONARY; // an ENUM (values inside a list or struct stay as they are)
        }
        String extension = field.getMetadata().get(EXTENSION_NAME);
        if (extension == null || extension.equals(JSON)) {
            return field.getChildren().stream().anyMatch(c -> conversion(c) != Conversion.NONE) ? Conversion.PASS
                    : Conversion.NONE;
        }
        return switch (extension) {
            case "arrow.bool8" -> Conversion.BOOLEAN;
            case "arrow.uuid" -> Conversion.UUID_TEXT;
            case "arrow.opaque" -> String.valueOf(field.getMetadata().get(EXTENSION_METADATA)).contains("\"hugeint\"")
                    ? Conversion.DECIMAL : Conversion.PASS;
            default -> Conversion.PASS;
        };
    }

    /**
     * {@code answer} as a client receives it: itself when it holds no extension type and no ENUM; converted batch by
     * batch when its only ones are BOOLEAN, HUGEINT, UUID and ENUM columns; else its rows through the scratch DuckDB,
     * each column cast to its {@link #presented} type. What it opens is pushed on {@code resources}, to be closed after
     * the answer was sent and before {@code answer} itself.
     */
    ArrowReader present(ArrowReader answer, Resources resources) throws SQLException, IOException {
        List<Field> fields = answer.getVectorSchemaRoot().getSchema().getFields();
        List<Conversion> conversions = fields.stream().map(ResultPresentation::conversion).toList();
        if (conversions.stream().allMatch(c -> c == Conversion.NONE)) {
            return answer;
        }
        if (!conversions.contains(Conversion.PASS)) {
            return resources.push(new Converted(answer, conversions, allocator));
        }
        java.util.Optional<String> enums = DuckArrow.nestedDictionaryColumn(answer.getVectorSchemaRoot().getSchema());
        if (enums.isPresent()) {
            // DuckDB 2.0.0 fails importing such a column whose lists are all empty, and then refuses every statement
            // on the scratch database, which every statement's schema needs (architecture.md)
            throw new MallardException(ErrorCode.UNSUPPORTED_STATEMENT, "column " + enums.get() + " holds ENUM values "
                    + "inside a LIST, STRUCT, MAP or ARRAY beside a column sent as text (BIT, TIME WITH TIME ZONE, "
                    + "UHUGEINT, BIGNUM, or a list or struct of BOOLEAN, UUID or HUGEINT); cast it to text, as in "
                    + enums.get() + "::VARCHAR[] for a list");
        }
        Connection connection = resources.push(scratch.connect());
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

    /**
     * An answer whose BOOLEAN, HUGEINT, UUID and ENUM columns are converted as each batch arrives: a HUGEINT keeps its
     * bytes (DuckDB's 128-bit integer is Arrow's 128-bit decimal), a BOOLEAN's bytes become bits, a UUID's 16 bytes its
     * text, an ENUM's indexes their values; every other column is handed on without a copy. Closing it leaves the
     * answer open.
     */
    private static final class Converted extends BorrowedReader {
        private final List<Conversion> conversions;
        private final VectorSchemaRoot root;

        Converted(ArrowReader answer, List<Conversion> conversions, BufferAllocator allocator) throws IOException {
            super(answer, allocator);
            this.conversions = conversions;
            List<Field> fields = new java.util.ArrayList<>();
            List<Field> from = answer.getVectorSchemaRoot().getSchema().getFields();
            for (int c = 0; c < from.size(); c++) {
                Field field = from.get(c);
                ArrowType type = switch (conversions.get(c)) {
                    case BOOLEAN -> ArrowType.Bool.INSTANCE;
                    case DECIMAL -> new ArrowType.Decimal(38, 0, 128);
                    case UUID_TEXT -> ArrowType.Utf8.INSTANCE;
                    case DICTIONARY -> answer.lookup(field.getDictionary().getId()).getVectorType();
                    default -> null;
                };
                fields.add(type == null ? field : new Field(field.getName(), FieldType.nullable(type), null));
            }
            this.root = VectorSchemaRoot.create(new Schema(fields), allocator);
        }

        @Override
        public VectorSchemaRoot getVectorSchemaRoot() {
            return root;
        }

        @Override
        public boolean loadNextBatch() throws IOException {
            if (!rows().loadNextBatch()) {
                return false;
            }
            VectorSchemaRoot in = rows().getVectorSchemaRoot();
            int rows = in.getRowCount();
            for (int c = 0; c < conversions.size(); c++) {
                FieldVector from = in.getVector(c);
                FieldVector to = root.getVector(c);
                switch (conversions.get(c)) {
                    case DECIMAL -> {
                        to.loadFieldBuffers(new ArrowFieldNode(rows, from.getNullCount()), from.getFieldBuffers());
                        from.clear();
                    }
                    case BOOLEAN -> bits((TinyIntVector) from, (BitVector) to, rows);
                    case UUID_TEXT -> text((FixedSizeBinaryVector) from, (VarCharVector) to, rows);
                    case DICTIONARY -> {
                        try (ValueVector values = DictionaryEncoder.decode(from,
                                rows().lookup(from.getField().getDictionary().getId()))) {
                            values.makeTransferPair(to).transfer();
                        }
                    }
                    default -> from.makeTransferPair(to).transfer();
                }
            }
            root.setRowCount(rows);
            return true;
        }

        private static void bits(TinyIntVector from, BitVector to, int rows) {
            to.allocateNew(rows);
            for (int r = 0; r < rows; r++) {
                if (from.isNull(r)) {
                    to.setNull(r);
                } else {
                    to.set(r, from.get(r) != 0 ? 1 : 0);
                }
            }
            to.setValueCount(rows);
        }

        private static void text(FixedSizeBinaryVector from, VarCharVector to, int rows) {
            to.allocateNew(36L * rows, rows);
            for (int r = 0; r < rows; r++) {
                if (from.isNull(r)) {
                    to.setNull(r);
                } else {
                    java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(from.get(r)); // big-endian, as arrow.uuid is
                    to.setSafe(r, new java.util.UUID(bytes.getLong(0), bytes.getLong(8)).toString()
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                }
            }
            to.setValueCount(rows);
        }

        /** Frees the converted batch; the answer stays open. */
        @Override
        public void close(boolean closeReadSource) {
            root.close();
        }
    }
}
