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
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One stream of the workers' results (partial aggregates, or a gathered table) as one Arrow stream for DuckDB: shard
 * after shard in a fixed order (so floating-point sums combine the same way every run), each batch handed over as soon
 * as it has arrived. Blocks while the next shard's answer is still on their way; fails as soon as the query fails (a
 * timeout or a cancel fails it too, so this needs no deadline of its own).
 */
final class PartialsReader extends ArrowReader {
    private final CombineInput query;
    private final List<ShardStream> slots;
    private int current;

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
        while (current < slots.size()) {
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
                if (item != null && item.batch() != null) {
                    item.batch().close();
                }
                throw new IOException(failure.getMessage(), failure);
            }
            if (item == null) {
                continue;
            }
            if (item.batch() == null) {
                slot.closeDictionaries();
                current++;
                continue;
            }
            // Each shard's dictionaries (ENUM values) go in before its batches; they are the same for every batch.
            for (ArrowDictionaryBatch dictionary : slot.dictionaries) {
                loadDictionary(dictionary);
            }
            slot.closeDictionaries();
            try (var batch = item.batch()) {
                new VectorLoader(getVectorSchemaRoot()).load(batch);
            }
            return true;
        }
        return false;
    }

    @Override
    public long bytesRead() {
        return 0;
    }

    @Override
    protected void closeReadSource() {
        slots.forEach(ShardStream::discard);
    }
}
