package io.mallard.client;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.protocol.WireErrors;
import io.mallard.protocol.client.ArrowValues;
import io.mallard.protocol.client.QueryRows;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
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
        try (VectorSchemaRoot parameters = VectorSchemaRoot.create(statement.getParameterSchema(), allocator)) {
            if (values.length > 0) {
                parameters.allocateNew();
                for (int p = 0; p < values.length; p++) {
                    set(parameters.getVector(p), values[p]);
                }
                parameters.setRowCount(1);
                statement.setParameters(parameters);
            }
            FlightInfo info = statement.execute(auth);
            List<String> columns = new ArrayList<>();
            List<String> types = new ArrayList<>();
            List<List<Object>> rows = new ArrayList<>();
            for (FlightEndpoint endpoint : info.getEndpoints()) {
                try (FlightStream stream = sql.getStream(endpoint.getTicket(), auth)) {
                    VectorSchemaRoot root = stream.getRoot();
                    if (columns.isEmpty()) {
                        for (FieldVector vector : root.getFieldVectors()) {
                            columns.add(vector.getName());
                            types.add(ArrowValues.typeName(vector));
                        }
                    }
                    while (stream.next()) {
                        rows.addAll(ArrowValues.rows(root));
                    }
                }
            }
            return new QueryRows(columns, types, rows);
        } catch (FlightRuntimeException e) {
            throw WireErrors.fromFlight(e);
        } catch (MallardException e) {
            throw e;
        } catch (Exception e) {
            throw new MallardException(ErrorCode.INTERNAL_ERROR, "reading the result failed: " + e.getMessage(), e);
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
        try {
            statement.close(auth);
        } catch (FlightRuntimeException e) {
            throw WireErrors.fromFlight(e);
        }
    }
}
