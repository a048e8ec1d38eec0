package io.mallard.bench.jmh;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/** One worker's partial result, delivered {@code times} times: the coordinator's merged stream of N equal shards. */
final class RepeatedBatchReader extends ArrowReader {
    private final Schema schema;
    private final ArrowRecordBatch batch;
    private final int times;
    private int delivered;

    RepeatedBatchReader(BufferAllocator allocator, Schema schema, ArrowRecordBatch batch, int times) {
        super(allocator);
        this.schema = schema;
        this.batch = batch;
        this.times = times;
    }

    @Override
    public boolean loadNextBatch() throws java.io.IOException {
        if (delivered == times) {
            return false;
        }
        delivered++;
        new VectorLoader(getVectorSchemaRoot()).load(batch);
        return true;
    }

    @Override
    public long bytesRead() {
        return 0;
    }

    @Override
    protected void closeReadSource() {
        // the batch belongs to the benchmark state
    }

    @Override
    protected Schema readSchema() {
        return schema;
    }
}
