package io.mallard.client;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.rows.QueryRows;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
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

/**
 * A prepared statement: bind values to its {@code ?} parameters and run it, as often as needed. The coordinator binds
 * the values into DuckDB's parse tree, so a value is never read as SQL.
 */
public final class PreparedQuery implements AutoCloseable {
    private final FlightSqlClient sql;
    private final FlightSqlClient.PreparedStatement statement;
    private final BufferAllocator allocator;
    private final CallOption auth;

    PreparedQuery(FlightSqlClient sql, FlightSqlClient.PreparedStatement statement, BufferAllocator allocator,
            CallOption auth) {
        this.sql = sql;
        this.statement = statement;
        this.allocator = allocator;
        this.auth = auth;
    }

    public int parameterCount() {
        return statement.getParameterSchema().getFields().size();
    }

    /** Runs the statement with these parameter values (Long, Integer, Double, BigDecimal, String, Boolean, LocalDate, null). */
    public QueryRows query(Object... values) {
        if (values.length != parameterCount()) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "the statement takes " + parameterCount()
                    + " parameter(s), " + values.length + " given");
        }
        try {
            return FlightResults.read(() -> {
                try (VectorSchemaRoot parameters = VectorSchemaRoot.create(statement.getParameterSchema(), allocator)) {
                    if (values.length > 0) {
                        parameters.allocateNew();
                        for (int p = 0; p < values.length; p++) {
                            set(parameters.getVector(p), values[p]);
                        }
                        parameters.setRowCount(1);
                        statement.setParameters(parameters);
                    }
                    FlightResults.Rows rows = new FlightResults.Rows();
                    FlightResults.readEndpoints(sql, statement.execute(auth), auth, rows);
                    return rows.rows();
                }
            });
        } finally {
            statement.clearParameters();
        }
    }

    private static void set(FieldVector vector, Object value) {
        if (value == null) {
            vector.setNull(0);
        } else if (vector instanceof BigIntVector v) {
            v.setSafe(0, ((Number) value).longValue());
        } else if (vector instanceof IntVector v) {
            v.setSafe(0, ((Number) value).intValue());
        } else if (vector instanceof SmallIntVector v) {
            v.setSafe(0, ((Number) value).shortValue());
        } else if (vector instanceof TinyIntVector v) {
            v.setSafe(0, ((Number) value).byteValue());
        } else if (vector instanceof Float8Vector v) {
            v.setSafe(0, ((Number) value).doubleValue());
        } else if (vector instanceof Float4Vector v) {
            v.setSafe(0, ((Number) value).floatValue());
        } else if (vector instanceof DecimalVector v) {
            v.setSafe(0, new BigDecimal(value.toString()).setScale(v.getScale()));
        } else if (vector instanceof BitVector v) {
            v.setSafe(0, (Boolean) value ? 1 : 0);
        } else if (vector instanceof DateDayVector v) {
            v.setSafe(0, (int) (value instanceof LocalDate d ? d : LocalDate.parse(value.toString())).toEpochDay());
        } else if (vector instanceof VarCharVector v) {
            v.setSafe(0, value.toString().getBytes(StandardCharsets.UTF_8));
        } else {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "cannot bind a " + value.getClass().getSimpleName()
                    + " to a parameter of type " + vector.getField().getType());
        }
    }

    @Override
    public void close() {
        FlightResults.read(() -> {
            statement.close(auth);
            return null;
        });
    }
}
