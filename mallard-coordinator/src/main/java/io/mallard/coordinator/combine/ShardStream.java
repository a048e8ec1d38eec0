package io.mallard.coordinator.combine;

import io.mallard.common.MallardException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.message.ArrowDictionaryBatch;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One shard's answer to one stream of a query, as it arrives: the upload puts batches in, the combine's
 * {@link PartialsReader} takes them out in order. Batches are copies (by reference count) of the upload's buffers, so
 * the upload can go on while the combine has not read them yet; whatever is never read is freed by {@link #discard()}.
 */
public final class ShardStream {
    /** A queue entry: a batch, or the end of the shard's answer. */
    record Item(ArrowRecordBatch batch) {
        static final Item END = new Item(null);
    }

    private final String shardId;
    final CompletableFuture<Schema> schema = new CompletableFuture<>();
    final LinkedBlockingQueue<Item> items = new LinkedBlockingQueue<>();
    /** The schema as sent, once the upload opened (also when the query failed meanwhile). */
    private volatile Schema sentSchema;
    /** The dictionaries of the shard's dictionary-encoded (ENUM) columns; set before the first batch is queued. */
    volatile List<ArrowDictionaryBatch> dictionaries = List.of();
    private volatile boolean ended;
    private volatile long rows;
    private volatile long bytes;
    /** When the first batch and the end arrived (0 until then): EXPLAIN ANALYZE's timeline. */
    private volatile long firstBatchNanos;
    private volatile long endNanos;

    public ShardStream(String shardId) {
        this.shardId = shardId;
    }

    public String shardId() {
        return shardId;
    }

    /**
     * The schema of a worker's upload as it was sent: a Flight stream holds dictionary-encoded columns in memory format
     * (the index type), the combine wants each with its value type. Unchanged when there is none.
     */
    public static Schema schemaAsSent(Schema memorySchema, DictionaryProvider provider) {
        return StreamDictionaries.messageSchema(memorySchema, provider);
    }

    /** The upload started: its schema is known. */
    public void open(Schema sent) {
        sentSchema = sent;
        schema.complete(sent);
    }

    /** The schema, once an upload opened this stream and unless the query failed first. */
    public Optional<Schema> knownSchema() {
        return schema.isDone() && !schema.isCompletedExceptionally() ? Optional.of(schema.join()) : Optional.empty();
    }

    /** Queues the batch {@code root} holds now; the first one also takes the stream's dictionaries. */
    public void add(VectorSchemaRoot root, DictionaryProvider provider) {
        if (firstBatchNanos == 0) {
            firstBatchNanos = System.nanoTime();
            // Flight reads a stream's dictionaries before its first batch
            dictionaries = StreamDictionaries.unload(sentSchema, provider);
        }
        ArrowRecordBatch batch = new VectorUnloader(root).getRecordBatch();
        rows += root.getRowCount();
        bytes += batch.computeBodyLength();
        items.add(new Item(batch));
    }

    /** The shard's answer is complete: the combine may read past it. */
    public void end() {
        endNanos = System.nanoTime();
        ended = true;
        items.add(Item.END);
    }

    public boolean ended() {
        return ended;
    }

    /** The query failed: a combine waiting for the schema stops waiting. */
    public void fail(MallardException e) {
        schema.completeExceptionally(e);
    }

    /** Frees batches that were received but never combined (failed or cancelled query). */
    public void discard() {
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

    public long rows() {
        return rows;
    }

    public long bytes() {
        return bytes;
    }

    public long firstBatchNanos() {
        return firstBatchNanos;
    }

    public long endNanos() {
        return endNanos;
    }
}
