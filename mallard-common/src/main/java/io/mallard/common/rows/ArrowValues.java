package io.mallard.common.rows;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeNanoVector;
import org.apache.arrow.vector.TimeSecVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.util.Text;

/**
 * Reads Arrow vectors into plain Java values for printing and comparison: Long for signed and unsigned integers up to
 * 32 bits, BigInteger for UBIGINT, LocalTime for TIME, OffsetDateTime for a timestamp with time zone, and the vector's
 * own object for the rest (e.g. LocalDateTime, PeriodDuration, byte[]). Nested values are plain Java too, converted
 * element by element like top-level ones: a list is a {@link List}, a struct a {@link LinkedHashMap} from field name to
 * value in field order, a map a {@link MapValue} from key to value in entry order.
 */
public final class ArrowValues {
    private ArrowValues() {
    }

    /**
     * A MAP value: entries in order. Its own class, so that a printer can tell it from a struct (both are maps in Java);
     * equal to any map with the same entries, as a struct would be.
     */
    public static final class MapValue extends LinkedHashMap<Object, Object> {
        private static final long serialVersionUID = 1L;
    }

    public static List<List<Object>> rows(VectorSchemaRoot root) {
        return rows(root, null);
    }

    /**
     * The rows of a batch whose dictionary-encoded columns (DuckDB's ENUM) are decoded with {@code dictionaries}.
     *
     * @param root         the batch
     * @param dictionaries the stream's dictionaries, or null if it has none
     * @return one list of values per row
     */
    public static List<List<Object>> rows(VectorSchemaRoot root, DictionaryProvider dictionaries) {
        List<List<Object>> rows = new ArrayList<>(root.getRowCount());
        List<FieldVector> vectors = root.getFieldVectors();
        for (int r = 0; r < root.getRowCount(); r++) {
            List<Object> row = new ArrayList<>(vectors.size());
            for (FieldVector vector : vectors) {
                row.add(value(vector, r, dictionaries));
            }
            rows.add(row);
        }
        return rows;
    }

    public static Object value(FieldVector vector, int index) {
        return value(vector, index, null);
    }

    /** One value; a dictionary-encoded one is looked up in {@code dictionaries} (when given). */
    public static Object value(FieldVector vector, int index, DictionaryProvider dictionaries) {
        if (vector.isNull(index)) {
            return null;
        }
        DictionaryEncoding encoding = vector.getField().getDictionary();
        if (encoding != null && dictionaries != null && vector instanceof BaseIntVector indices) {
            return value(dictionaries.lookup(encoding.getId()).getVector(), (int) indices.getValueAsLong(index), dictionaries);
        }
        if (vector instanceof BigIntVector v) {
            return v.get(index);
        }
        if (vector instanceof IntVector v) {
            return (long) v.get(index);
        }
        if (vector instanceof SmallIntVector v) {
            return (long) v.get(index);
        }
        if (vector instanceof TinyIntVector v) {
            return (long) v.get(index);
        }
        if (vector instanceof Float8Vector v) {
            return v.get(index);
        }
        if (vector instanceof Float4Vector v) {
            return (double) v.get(index);
        }
        if (vector instanceof DecimalVector v) {
            BigDecimal d = v.getObject(index);
            return d;
        }
        if (vector instanceof VarCharVector v) {
            return new String(v.get(index), java.nio.charset.StandardCharsets.UTF_8);
        }
        if (vector instanceof DateDayVector v) {
            return LocalDate.ofEpochDay(v.get(index));
        }
        if (vector instanceof BitVector v) {
            return v.get(index) != 0;
        }
        // Arrow's own getObject gives signed Byte, a Character and a wrapped-around Long for unsigned integers.
        if (vector instanceof UInt1Vector v) {
            return (long) Byte.toUnsignedInt(v.get(index));
        }
        if (vector instanceof UInt2Vector v) {
            return (long) v.get(index);
        }
        if (vector instanceof UInt8Vector v) {
            return v.getObjectNoOverflow(index);
        }
        if (vector instanceof TimeMicroVector v) {
            return LocalTime.ofNanoOfDay(v.get(index) * 1_000L);
        }
        if (vector instanceof TimeNanoVector v) {
            return LocalTime.ofNanoOfDay(v.get(index));
        }
        if (vector instanceof TimeMilliVector v) {
            return v.getObject(index).toLocalTime();
        }
        if (vector instanceof TimeSecVector v) {
            return LocalTime.ofSecondOfDay(v.get(index));
        }
        if (vector instanceof TimeStampVector v && v.getField().getType() instanceof ArrowType.Timestamp t
                && t.getTimezone() != null) {
            // With a time zone, Arrow's getObject is the raw epoch count; DuckDB's TIMESTAMPTZ is an instant.
            return OffsetDateTime.ofInstant(instant(v.get(index), t), ZoneId.of(t.getTimezone()));
        }
        // MapVector is a ListVector of key/value structs, so it is tested first.
        if (vector instanceof MapVector v) {
            StructVector entries = (StructVector) v.getDataVector();
            FieldVector keys = (FieldVector) entries.getChildByOrdinal(0);
            FieldVector values = (FieldVector) entries.getChildByOrdinal(1);
            MapValue map = new MapValue();
            for (int e = v.getElementStartIndex(index); e < v.getElementEndIndex(index); e++) {
                map.put(value(keys, e, dictionaries), value(values, e, dictionaries));
            }
            return map;
        }
        if (vector instanceof ListVector v) {
            return elements((FieldVector) v.getDataVector(), v.getElementStartIndex(index), v.getElementEndIndex(index),
                    dictionaries);
        }
        if (vector instanceof FixedSizeListVector v) {
            int start = index * v.getListSize();
            return elements((FieldVector) v.getDataVector(), start, start + v.getListSize(), dictionaries);
        }
        if (vector instanceof StructVector v) {
            Map<String, Object> struct = new LinkedHashMap<>();
            for (FieldVector child : v.getChildrenFromFields()) {
                struct.put(child.getName(), value(child, index, dictionaries));
            }
            return struct;
        }
        Object o = vector.getObject(index);
        return o instanceof Text t ? t.toString() : o;
    }

    private static Instant instant(long value, ArrowType.Timestamp type) {
        return switch (type.getUnit()) {
            case SECOND -> Instant.ofEpochSecond(value);
            case MILLISECOND -> Instant.ofEpochMilli(value);
            case MICROSECOND -> Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000L), Math.floorMod(value, 1_000_000L) * 1_000L);
            case NANOSECOND -> Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000_000L), Math.floorMod(value, 1_000_000_000L));
        };
    }

    private static List<Object> elements(FieldVector data, int start, int end, DictionaryProvider dictionaries) {
        List<Object> out = new ArrayList<>(end - start);
        for (int e = start; e < end; e++) {
            out.add(value(data, e, dictionaries));
        }
        return out;
    }

    /** A short SQL-like name of an Arrow field type, for headers. */
    public static String typeName(FieldVector vector) {
        return vector.getField().getType().toString();
    }
}
