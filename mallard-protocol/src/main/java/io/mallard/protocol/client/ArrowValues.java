package io.mallard.protocol.client;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.util.Text;

/**
 * Reads Arrow vectors into plain Java values for printing and comparison. Nested values are plain Java too, converted
 * element by element like top-level ones: a list is a {@link List}, a struct a {@link LinkedHashMap} from field name to
 * value in field order, a map a {@link LinkedHashMap} from key to value in entry order.
 */
public final class ArrowValues {
    private ArrowValues() {
    }

    public static List<List<Object>> rows(VectorSchemaRoot root) {
        List<List<Object>> rows = new ArrayList<>(root.getRowCount());
        List<FieldVector> vectors = root.getFieldVectors();
        for (int r = 0; r < root.getRowCount(); r++) {
            List<Object> row = new ArrayList<>(vectors.size());
            for (FieldVector vector : vectors) {
                row.add(value(vector, r));
            }
            rows.add(row);
        }
        return rows;
    }

    public static Object value(FieldVector vector, int index) {
        if (vector.isNull(index)) {
            return null;
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
        // MapVector is a ListVector of key/value structs, so it is tested first.
        if (vector instanceof MapVector v) {
            StructVector entries = (StructVector) v.getDataVector();
            FieldVector keys = (FieldVector) entries.getChildByOrdinal(0);
            FieldVector values = (FieldVector) entries.getChildByOrdinal(1);
            Map<Object, Object> map = new LinkedHashMap<>();
            for (int e = v.getElementStartIndex(index); e < v.getElementEndIndex(index); e++) {
                map.put(value(keys, e), value(values, e));
            }
            return map;
        }
        if (vector instanceof ListVector v) {
            return elements((FieldVector) v.getDataVector(), v.getElementStartIndex(index), v.getElementEndIndex(index));
        }
        if (vector instanceof FixedSizeListVector v) {
            int start = index * v.getListSize();
            return elements((FieldVector) v.getDataVector(), start, start + v.getListSize());
        }
        if (vector instanceof StructVector v) {
            Map<String, Object> struct = new LinkedHashMap<>();
            for (FieldVector child : v.getChildrenFromFields()) {
                struct.put(child.getName(), value(child, index));
            }
            return struct;
        }
        Object o = vector.getObject(index);
        return o instanceof Text t ? t.toString() : o;
    }

    private static List<Object> elements(FieldVector data, int start, int end) {
        List<Object> out = new ArrayList<>(end - start);
        for (int e = start; e < end; e++) {
            out.add(value(data, e));
        }
        return out;
    }

    /** A short SQL-like name of an Arrow field type, for headers. */
    public static String typeName(FieldVector vector) {
        return vector.getField().getType().toString();
    }
}
