package io.mallard.bench.sim;

import io.mallard.common.duck.DuckArrow;
import io.mallard.data.MeasurementsGenerator;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The answer every simulated worker sends: the real worker SQL's Arrow result over a sample of the measurements
 * table (one row per station), computed once by DuckDB and loaded into a fresh root for each upload.
 */
public final class PartialBatch implements AutoCloseable {
    private final Schema schema;
    private final ArrowRecordBatch batch;
    private final int rows;

    private PartialBatch(Schema schema, ArrowRecordBatch batch, int rows) {
        this.schema = schema;
        this.batch = batch;
        this.rows = rows;
    }

    /** Generates {@code sampleRows} measurements into {@code sampleFile} and runs {@code workerSql} over them. */
    public static PartialBatch compute(Path sampleFile, long sampleRows, String workerSql, BufferAllocator allocator) throws SQLException {
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:" + sampleFile)) {
            MeasurementsGenerator.generate(db, sampleRows, 42);
            try (Statement statement = db.createStatement(); ResultSet rs = statement.executeQuery(workerSql);
                    ArrowReader reader = DuckArrow.export(rs, allocator)) {
                if (!reader.loadNextBatch()) {
                    throw new IllegalStateException("the worker SQL returned no batch: " + workerSql);
                }
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                if (reader.loadNextBatch()) {
                    throw new IllegalStateException("expected the partial result in one batch: " + workerSql);
                }
                // the batch keeps its own references to the buffers, so it outlives the reader
                return new PartialBatch(root.getSchema(), new VectorUnloader(root).getRecordBatch(), root.getRowCount());
            } catch (java.io.IOException e) {
                throw new SQLException(e.getMessage(), e);
            }
        }
    }

    public Schema schema() {
        return schema;
    }

    public int rows() {
        return rows;
    }

    /** The batch itself (owned by this object: do not close it). */
    public ArrowRecordBatch batch() {
        return batch;
    }

    /** A root holding the batch, for one upload; the caller closes it. */
    public VectorSchemaRoot load(BufferAllocator allocator) {
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        new VectorLoader(root).load(batch);
        return root;
    }

    @Override
    public void close() {
        batch.close();
    }
}
