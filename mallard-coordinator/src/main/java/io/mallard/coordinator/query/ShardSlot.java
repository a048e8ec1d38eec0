package io.mallard.coordinator.query;

import io.mallard.protocol.Messages.TaskSpec;
import io.mallard.protocol.TaskKey;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.arrow.vector.ipc.message.ArrowDictionaryBatch;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/** One shard's part of one stream of a query: the attempt in flight, who runs it, and the batches it has sent so far. */
final class ShardSlot {
    /** A queue entry: a batch, or the end of the shard's stream. */
    record Item(ArrowRecordBatch batch) {
        static final Item END = new Item(null);
    }

    final String queryId;
    final String stream;
    final String shardId;
    final String sql;
    volatile int attempt;
    volatile String workerId;
    volatile boolean uploading;
    volatile boolean done;
    final CompletableFuture<Schema> schema = new CompletableFuture<>();
    final LinkedBlockingQueue<Item> items = new LinkedBlockingQueue<>();
    /** The dictionaries of the shard's dictionary-encoded (ENUM) columns; set before the first batch is queued. */
    volatile List<ArrowDictionaryBatch> dictionaries = List.of();
    volatile long rows;
    volatile long bytes;
    /** When the first batch and the end of this shard's stream arrived (0 until then): EXPLAIN ANALYZE's timeline. */
    volatile long firstBatchNanos;
    volatile long doneNanos;

    ShardSlot(String queryId, String stream, String shardId, String sql) {
        this.queryId = queryId;
        this.stream = stream;
        this.shardId = shardId;
        this.sql = sql;
    }

    TaskSpec task() {
        return new TaskSpec(queryId, shardId, stream, attempt, sql);
    }

    TaskKey taskKey() {
        return new TaskKey(queryId, shardId, stream, attempt);
    }

    /** Frees batches that were received but never combined (failed or cancelled query). */
    void discard() {
        for (Item item; (item = items.poll()) != null;) {
            if (item.batch() != null) {
                item.batch().close();
            }
        }
        closeDictionaries();
    }

    /** Frees the dictionaries once they were loaded or are no longer needed. */
    void closeDictionaries() {
        List<ArrowDictionaryBatch> held = dictionaries;
        dictionaries = List.of();
        held.forEach(ArrowDictionaryBatch::close);
    }
}
