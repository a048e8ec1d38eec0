package io.mallard.common.duck;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import java.util.Optional;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBResultSet;

/**
 * The one place that touches DuckDB's untyped Arrow entry points ({@code arrowExportStream(Object, long)} and
 * {@code registerArrowStream(String, Object)}), so the rest of the code sees typed Arrow objects only.
 */
public final class DuckArrow {
    /** Rows per Arrow record batch exported from DuckDB. */
    public static final int BATCH_ROWS = 64 * 1024;

    /**
     * The setting of a DuckDB whose Arrow goes to another DuckDB (a worker's answers, the coordinator's rows for its
     * writers): types Arrow has no match for — UUID, HUGEINT, UHUGEINT, BIT, TIME WITH TIME ZONE, BIGNUM — are exported
     * as Arrow extension types ({@code arrow.uuid}, DuckDB's {@code arrow.opaque}) that DuckDB imports back as the same
     * type and value. Without it DuckDB exports them as the nearest Arrow type: a TIMETZ loses its offset, a UHUGEINT
     * above 2^127 turns negative, a BIT becomes its storage bytes. A database-wide setting: a database whose answers
     * go to clients (they do not know these extension types) has them presented first ({@code ResultPresentation}).
     */
    public static final String LOSSLESS = "arrow_lossless_conversion";

    /** {@code properties} with {@link #LOSSLESS} set, for a database opened with them. */
    public static java.util.Properties lossless(java.util.Properties properties) {
        properties.setProperty(LOSSLESS, "true");
        return properties;
    }

    private DuckArrow() {
    }

    /** Streams a DuckDB result as Arrow batches allocated from {@code allocator}; closing the reader frees them. */
    public static ArrowReader export(ResultSet resultSet, BufferAllocator allocator) throws SQLException {
        return export(resultSet, allocator, BATCH_ROWS);
    }

    /** As {@link #export(ResultSet, BufferAllocator)}, with at most {@code batchRows} rows per batch. */
    public static ArrowReader export(ResultSet resultSet, BufferAllocator allocator, int batchRows) throws SQLException {
        DuckDBResultSet duck = resultSet.unwrap(DuckDBResultSet.class);
        return (ArrowReader) duck.arrowExportStream(allocator, batchRows);
    }

    /**
     * The first column of {@code schema} with a dictionary-encoded field below its top level (ENUM values inside a
     * LIST, STRUCT, MAP or ARRAY), if any. DuckDB 2.0.0 fails with an internal error importing such a column when a
     * batch's lists are all empty or NULL, and then refuses every statement on that database, so no such stream may
     * reach a DuckDB that other statements share.
     */
    public static Optional<String> nestedDictionaryColumn(Schema schema) {
        for (Field field : schema.getFields()) {
            if (hasDictionaryBelow(field)) {
                return Optional.of(field.getName());
            }
        }
        return Optional.empty();
    }

    private static boolean hasDictionaryBelow(Field field) {
        for (Field child : field.getChildren()) {
            if (child.getDictionary() != null || hasDictionaryBelow(child)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Registers {@code reader} as a scannable view named {@code name} in the connection's DuckDB, over Arrow C Data.
     * The stream takes ownership of {@code reader}: do not close the reader yourself. The returned stream must stay open
     * until DuckDB has finished scanning; closing it closes the reader.
     */
    public static ArrowArrayStream register(Connection connection, String name, ArrowReader reader, BufferAllocator allocator)
            throws SQLException {
        ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator);
        try {
            Data.exportArrayStream(allocator, reader, stream);
            connection.unwrap(DuckDBConnection.class).registerArrowStream(name, stream);
            return stream;
        } catch (RuntimeException | SQLException e) {
            stream.close();
            throw e;
        }
    }
}
