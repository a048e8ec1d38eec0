package io.mallard.coordinator.combine;

import io.mallard.common.MallardException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowDictionaryBatch;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One stream of the workers' results (partial aggregates, or a gathered table) as one Arrow stream for DuckDB: shard
 * after shard in a fixed order (so floating-point sums combine the same way every run), each shard's batches once an
 * attempt at it has ended ({@link ShardStream}), those spilled to disk read back one at a time. Blocks while the next
 * shard's answer is still on its way; fails as soon as the query fails (a timeout or a cancel fails it too, so this
 * needs no deadline of its own).
 */
final class PartialsReader extends ArrowReader {
    private final CombineInput query;
    private final List<ShardStream> slots;
    private int current;
    /** The spill file whose batches are being read, or null. */
    private SpillFile reading;

    PartialsReader(BufferAllocator allocator, CombineInput query, List<ShardStream> slots) {
        super(allocator);
        this.query = query;
        this.slots = slots;
    }

    @Override
    protected Schema readSchema() throws IOException {
        ShardStream first = slots.get(0);
        try {
            return first.schema.get();
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public boolean loadNextBatch() throws IOException {
        try {
            return loadNext();
        } catch (org.apache.arrow.memory.OutOfMemoryException e) {
            // reading spilled batches back needs memory too: the query fails as the budget's, not as DuckDB's error
            MallardException outOfMemory = new MallardException(io.mallard.common.ErrorCode.OUT_OF_MEMORY, "the query "
                    + "needs more than the coordinator's memory budget for query data (--memory-bytes): "
                    + e.getMessage(), e);
            query.fail(outOfMemory);
            throw new IOException(outOfMemory.getMessage(), outOfMemory);
        }
    }

    private boolean loadNext() throws IOException {
        while (current < slots.size()) {
            if (reading != null) {
                ArrowRecordBatch batch = reading.next(allocator);
                if (batch != null) {
                    load(batch);
                    return true;
                }
                reading.close();
                reading = null;
            }
            ShardStream slot = slots.get(current);
            ShardStream.Item item;
            try {
                item = slot.items.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            MallardException failure = query.failure();
            if (failure != null) {
                if (item != null) {
                    item.free();
                }
                throw new IOException(failure.getMessage(), failure);
            }
            if (item == null) {
                continue;
            }
            if (item.isEnd()) {
                slot.closeDictionaries();
                current++;
                continue;
            }
            // Each shard's dictionaries (ENUM values) go in before its batches; they are the same for every batch.
            for (ArrowDictionaryBatch dictionary : slot.dictionaries) {
                loadDictionary(dictionary);
            }
            slot.closeDictionaries();
            if (item.spilled() != null) {
                reading = item.spilled(); // its batches next, one at a time
                continue;
            }
            load(item.batch());
            return true;
        }
        return false;
    }

    private void load(ArrowRecordBatch batch) throws IOException {
        try (batch) {
            new VectorLoader(getVectorSchemaRoot()).load(batch);
        }
    }

    @Override
    public long bytesRead() {
        return 0;
    }

    @Override
    protected void closeReadSource() {
        if (reading != null) {
            reading.close();
            reading = null;
        }
        slots.forEach(ShardStream::discard);
    }
}
