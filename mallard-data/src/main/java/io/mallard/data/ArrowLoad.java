package io.mallard.data;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBConnection;

/**
 * Bulk-loads generated rows into a DuckDB table through Arrow's C stream interface.
 *
 * <p>Why not the JDBC appender: it costs ~300-600 ns per row even for one or two columns (per-row
 * checks, a JNI call per long string), i.e. 6+ s for 10M measurements on a loaded 2-core machine.
 * Filling Arrow vectors in Java and letting DuckDB scan them costs ~1 s for the same rows. DuckDB
 * keeps the stream's row order on INSERT (preserve_insertion_order), which matters for tables
 * sharded by row position. Needs {@code --add-opens=java.base/java.nio=ALL-UNNAMED}, like all Arrow use.
 */
final class ArrowLoad {
    /** Rows per Arrow batch: large enough to amortize per-batch costs, small enough to stay cache- and memory-friendly. */
    static final int BATCH_ROWS = 64 * 1024;

    private static final Pattern DECIMAL = Pattern.compile("DECIMAL\\((\\d+),\\s*(\\d+)\\)");
    private static final AtomicLong STREAM_IDS = new AtomicLong();

    /** Writes up to {@code capacity} rows into freshly allocated vectors; returns how many, 0 at the end. */
    @FunctionalInterface
    interface BatchFiller {
        int fill(List<FieldVector> vectors, int capacity);
    }

    private ArrowLoad() {
    }

    /**
     * Appends all rows produced by {@code filler} to existing table {@code spec.name()}.
     *
     * @return number of rows inserted
     */
    static long insert(Connection conn, TableSpec spec, BatchFiller filler) throws SQLException {
        DuckDBConnection duck = conn.unwrap(DuckDBConnection.class);
        // The registered name is a temporary view; unique per call so concurrent loads on one database don't clash.
        String streamName = "mallard_arrow_" + STREAM_IDS.incrementAndGet();
        try (BufferAllocator allocator = new RootAllocator();
             ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator);
             Reader reader = new Reader(allocator, schemaOf(spec), filler)) {
            Data.exportArrayStream(allocator, reader, stream);
            duck.registerArrowStream(streamName, stream);
            try {
                Sql.execute(conn, "INSERT INTO " + Sql.ident(spec.name()) + " SELECT * FROM " + Sql.ident(streamName));
            } finally {
                Sql.execute(conn, "DROP VIEW IF EXISTS " + Sql.ident(streamName));
            }
            return reader.rows;
        } catch (IOException e) {
            throw new SQLException("closing Arrow stream for " + spec.name(), e);
        }
    }

    /** Arrow schema with the Arrow type that DuckDB maps back to each column's DuckDB type without loss. */
    static Schema schemaOf(TableSpec spec) {
        List<Field> fields = new ArrayList<>();
        for (ColumnSpec c : spec.columns()) {
            fields.add(Field.notNullable(c.name(), arrowType(c.type())));
        }
        return new Schema(fields);
    }

    private static ArrowType arrowType(String duckType) {
        String t = duckType.toUpperCase(Locale.ROOT).trim();
        Matcher m = DECIMAL.matcher(t);
        if (m.matches()) {
            return new ArrowType.Decimal(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), 128);
        }
        return switch (t) {
            case "BIGINT" -> new ArrowType.Int(64, true);
            case "INTEGER" -> new ArrowType.Int(32, true);
            case "DOUBLE" -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case "DATE" -> new ArrowType.Date(DateUnit.DAY);
            case "VARCHAR" -> new ArrowType.Utf8();
            default -> throw new IllegalArgumentException("no Arrow mapping for DuckDB type " + duckType);
        };
    }

    /** An ArrowReader whose batches come from a {@link BatchFiller} instead of a file or socket. */
    private static final class Reader extends ArrowReader {
        private final Schema schema;
        private final BatchFiller filler;
        long rows;

        Reader(BufferAllocator allocator, Schema schema, BatchFiller filler) {
            super(allocator);
            this.schema = schema;
            this.filler = filler;
        }

        @Override
        public boolean loadNextBatch() throws IOException {
            VectorSchemaRoot root = getVectorSchemaRoot();
            // The previous batch's buffers were handed to DuckDB by the C export; start from fresh ones.
            for (FieldVector v : root.getFieldVectors()) {
                v.setInitialCapacity(BATCH_ROWS);
                v.allocateNew();
            }
            int n = filler.fill(root.getFieldVectors(), BATCH_ROWS);
            for (FieldVector v : root.getFieldVectors()) {
                v.setValueCount(n);
            }
            root.setRowCount(n);
            rows += n;
            return n > 0;
        }

        @Override
        public long bytesRead() {
            return 0;
        }

        @Override
        protected void closeReadSource() {
        }

        @Override
        protected Schema readSchema() {
            return schema;
        }
    }
}
