package io.mallard.protocol.client;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
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
import org.apache.arrow.vector.util.Text;

/** Reads Arrow vectors into plain Java values for printing and comparison. */
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
        Object o = vector.getObject(index);
        return o instanceof Text t ? t.toString() : o;
    }

    /** A short SQL-like name of an Arrow field type, for headers. */
    public static String typeName(FieldVector vector) {
        return vector.getField().getType().toString();
    }
}
