package io.mallard.coordinator.web;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.types.TimeUnit;
import java.util.HexFormat;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;

/** One cell of an Arrow batch as the web page shows it and CSV writes it: text, or null for SQL NULL. */
final class CellText {
    private CellText() {
    }

    /** The text of row {@code row} of {@code vector}; dictionary-encoded columns (ENUMs) are decoded. */
    static String of(FieldVector vector, int row, DictionaryProvider dictionaries) {
        if (vector.isNull(row)) {
            return null;
        }
        DictionaryEncoding encoding = vector.getField().getDictionary();
        if (encoding != null && dictionaries != null) {
            Dictionary dictionary = dictionaries.lookup(encoding.getId());
            if (dictionary != null) {
                long index = ((Number) vector.getObject(row)).longValue();
                ValueVector values = dictionary.getVector();
                return values.isNull((int) index) ? null : text(values.getObject((int) index));
            }
        }
        if (vector instanceof DateDayVector days) {
            return LocalDate.ofEpochDay(days.get(row)).toString();
        }
        if (vector instanceof TimeStampVector stamps && vector.getField().getType() instanceof ArrowType.Timestamp t
                && t.getTimezone() != null) {
            return instant(stamps.get(row), t.getUnit()) + "+00";
        }
        if (vector instanceof TimeMicroVector micros) {
            return LocalTime.ofNanoOfDay(micros.get(row) * 1_000).toString();
        }
        return text(vector.getObject(row));
    }

    /** A TIMESTAMPTZ as DuckDB prints it in UTC: {@code 2024-01-02 03:04:05+00}. */
    private static String instant(long value, TimeUnit unit) {
        Instant instant = switch (unit) {
            case SECOND -> Instant.ofEpochSecond(value);
            case MILLISECOND -> Instant.ofEpochMilli(value);
            case MICROSECOND -> Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000L), Math.floorMod(value, 1_000_000L) * 1_000);
            case NANOSECOND -> Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000_000L), Math.floorMod(value, 1_000_000_000L));
        };
        LocalDateTime utc = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
        return utc.toLocalDate() + " " + utc.toLocalTime();
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return "\\x" + HexFormat.of().formatHex(bytes);
        }
        if (value instanceof LocalDateTime time) {
            return time.toLocalDate() + " " + time.toLocalTime();
        }
        return value.toString();
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
