package io.mallard.coordinator.web;

import io.mallard.common.rows.ArrowValues;
import io.mallard.common.rows.DuckText;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/** One cell of an Arrow batch as the web page shows it and CSV writes it: text, or null for SQL NULL. */
final class CellText {
    private CellText() {
    }

    /**
     * The text of row {@code row} of {@code vector} as DuckDB casts it to VARCHAR (its shell's spelling:
     * {@link DuckText}); dictionary-encoded columns (ENUMs) are decoded.
     */
    static String of(FieldVector vector, int row, DictionaryProvider dictionaries) {
        if (vector.isNull(row)) {
            return null;
        }
        return DuckText.format(ArrowValues.value(vector, row, dictionaries));
    }

    /** A column's type as the page shows it, in SQL's words where Arrow's type maps to one. */
    static String type(Field field) {
        if (field.getDictionary() != null) {
            return "ENUM";
        }
        ArrowType type = field.getType();
        if (type instanceof ArrowType.Int i) {
            String name = switch (i.getBitWidth()) {
                case 8 -> "TINYINT";
                case 16 -> "SMALLINT";
                case 32 -> "INTEGER";
                default -> "BIGINT";
            };
            return i.getIsSigned() ? name : "U" + name;
        }
        if (type instanceof ArrowType.FloatingPoint f) {
            return f.getPrecision() == org.apache.arrow.vector.types.FloatingPointPrecision.SINGLE ? "FLOAT" : "DOUBLE";
        }
        if (type instanceof ArrowType.Decimal d) {
            return "DECIMAL(" + d.getPrecision() + "," + d.getScale() + ")";
        }
        if (type instanceof ArrowType.Timestamp t) {
            return t.getTimezone() == null ? "TIMESTAMP" : "TIMESTAMPTZ";
        }
        return switch (type.getTypeID()) {
            case Utf8, LargeUtf8, Utf8View -> "VARCHAR";
            case Bool -> "BOOLEAN";
            case Date -> "DATE";
            case Time -> "TIME";
            case Interval, Duration -> "INTERVAL";
            case Binary, LargeBinary, BinaryView, FixedSizeBinary -> "BLOB";
            case List, LargeList, FixedSizeList, ListView -> "LIST";
            case Struct -> "STRUCT";
            case Map -> "MAP";
            case Null -> "NULL";
            default -> type.toString();
        };
    }
}
