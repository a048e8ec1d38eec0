package io.mallard.coordinator.combine;

import io.mallard.common.MallardException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * One shard's answer to one stream of a query. A shard's task may run as several attempts (a retry after a failure,
 * or a speculative duplicate); each uploads into a buffer of its own ({@link AttemptBuffer}), and the first attempt
 * that ends becomes the shard's answer: only then are its batches handed to the combine's {@link PartialsReader}, in
 * order. The other attempts' batches are freed, so nothing is ever combined twice or in part. Batches are copies (by
 * reference count) of the upload's buffers; whatever is never read is freed by {@link #discard()}.
 */
public final class ShardStream {
    /** A queue entry: a batch, the batches of a spill file, or (neither) the end of the shard's answer. */
    record Item(ArrowRecordBatch batch, SpillFile spilled) {
        static final Item END = new Item(null, null);

        boolean isEnd() {
            return batch == null && spilled == null;
        }

        /** Frees what it holds. */
        void free() {
            if (batch != null) {
                batch.close();
            }
            if (spilled != null) {
                spilled.close();
            }
        }
    }

    private final String shardId;
    private final SpillArea spill;
    final CompletableFuture<Schema> schema = new CompletableFuture<>();
    /** The answer, once an attempt ended: its batches, then {@link Item#END}. */
    final LinkedBlockingQueue<Item> items = new LinkedBlockingQueue<>();
    /** The dictionaries of the answer's dictionary-encoded (ENUM) columns; set before its batches are queued. */
    volatile List<ArrowDictionaryBatch> dictionaries = List.of();
    /** Attempts that may still answer, by number. Guarded by this. */
    private final Map<Integer, AttemptBuffer> open = new HashMap<>();
    /** The attempt whose answer this is (0 until one ended). Guarded by this. */
    private int answeredBy;
    private long rows;
    private long bytes;
    private boolean discarded;
    private volatile boolean ended;
    /** When the first batch of any attempt and the answer's end arrived (0 until then): EXPLAIN ANALYZE's timeline. */
    private volatile long firstBatchNanos;
    private volatile long endNanos;

    public ShardStream(String shardId) {
        this(shardId, SpillArea.never());
    }

    /** @param spill where batches go once the coordinator's memory passed its spill threshold */
    public ShardStream(String shardId, SpillArea spill) {
        this.shardId = shardId;
        this.spill = spill;
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

    /** A new attempt of the shard's task may upload from now on (ignored once the shard is answered or discarded). */
    public synchronized void begin(int attempt) {
        if (!ended && !discarded) {
            open.putIfAbsent(attempt, new AttemptBuffer(attempt, this, shardId));
        }
    }

    /** The attempt's upload started: the schema is known. False when the attempt may no longer answer. */
    public boolean open(int attempt, Schema sent) {
        synchronized (this) {
            AttemptBuffer buffer = open.get(attempt);
            if (buffer == null) {
                return false;
            }
            buffer.schema = sent;
        }
        schema.complete(sent);
        return true;
    }

    /** The schema, once an upload opened this stream and unless the query failed first. */
    public Optional<Schema> knownSchema() {
        return schema.isDone() && !schema.isCompletedExceptionally() ? Optional.of(schema.join()) : Optional.empty();
    }

    /**
     * Keeps the batch {@code root} holds now as part of the attempt's answer (its first batch also takes the
     * dictionaries). False, keeping nothing, when the attempt may no longer answer (it failed, another attempt answered
     * first, or the query ended).
     */
    public synchronized boolean add(int attempt, VectorSchemaRoot root, DictionaryProvider provider) {
        AttemptBuffer buffer = open.get(attempt);
        if (buffer == null) {
            return false;
        }
        if (!buffer.hasBatches()) {
            // Flight reads a stream's dictionaries before its first batch
            buffer.dictionaries = StreamDictionaries.unload(buffer.schema, provider);
        }
        if (firstBatchNanos == 0) {
            firstBatchNanos = System.nanoTime();
        }
        buffer.add(new VectorUnloader(root).getRecordBatch(), root.getRowCount(), spill);
        return true;
    }

    /**
     * The attempt's answer is complete. If no other attempt answered first it becomes the shard's answer: the combine
     * may read it, and every other attempt's batches are freed. Returns whether it did.
     */
    public synchronized boolean end(int attempt) {
        AttemptBuffer buffer = open.remove(attempt);
        if (buffer == null) {
            return false;
        }
        answeredBy = attempt;
        rows = buffer.rows;
        bytes = buffer.bytes;
        dictionaries = buffer.dictionaries;
        buffer.batches.forEach(batch -> items.add(new Item(batch, null)));
        if (buffer.spilled != null) {
            items.add(new Item(null, buffer.spilled)); // the reader now owns the file
        }
        if (!buffer.batches.isEmpty()) {
            spill.answered(this);
        }
        buffer.handedOver(spill);
        items.add(Item.END);
        endNanos = System.nanoTime();
        ended = true;
        open.values().forEach(b -> b.free(spill));
        open.clear();
        return true;
    }

    /**
     * Under memory pressure: writes the answer's batches that wait in memory for the combine to one spill file, which
     * takes their place in the queue (their order kept); returns the bytes freed.
     */
    long spillAnswerUnderPressure() {
        List<Item> waiting = new java.util.ArrayList<>();
        synchronized (this) {
            if (discarded) {
                return 0;
            }
            items.drainTo(waiting); // the reader waits meanwhile: it finds nothing, and polls again
            long freed = 0;
            SpillFile file = null;
            List<Item> kept = new java.util.ArrayList<>();
            for (Item item : waiting) {
                if (item.batch() != null) {
                    if (file == null) {
                        file = spill.newFile(shardId + "-answer");
                        kept.add(new Item(null, file));
                    }
                    freed += item.batch().computeBodyLength();
                    try (ArrowRecordBatch batch = item.batch()) {
                        file.write(batch);
                    }
                } else {
                    kept.add(item);
                }
            }
            items.addAll(kept);
            return freed;
        }
    }

    /** The attempt will not answer (it failed or was given up): its batches are freed. Returns whether it was open. */
    public synchronized boolean drop(int attempt) {
        AttemptBuffer buffer = open.remove(attempt);
        if (buffer == null) {
            return false;
        }
        buffer.free(spill);
        return true;
    }

    /** Whether some attempt answered: the combine may read past this shard. */
    public boolean ended() {
        return ended;
    }

    /** The attempt whose answer this is, or 0 while none ended. */
    public synchronized int answeredBy() {
        return answeredBy;
    }

    /** The query failed: a combine waiting for the schema stops waiting. */
    public void fail(MallardException e) {
        schema.completeExceptionally(e);
    }

    /** Frees every batch received and not combined (the query ended or failed); nothing is accepted afterwards. */
    public void discard() {
        spill.answered(this, false);
        synchronized (this) {
            discarded = true;
            open.values().forEach(b -> b.free(spill));
            open.clear();
        }
        for (Item item; (item = items.poll()) != null;) {
            item.free();
        }
        closeDictionaries();
    }

    /** Frees the dictionaries once they were loaded or are no longer needed. */
    void closeDictionaries() {
        List<ArrowDictionaryBatch> held;
        synchronized (this) {
            held = dictionaries;
            dictionaries = List.of();
        }
        held.forEach(ArrowDictionaryBatch::close);
    }

    /** Rows of the answer; before one ended, the most any attempt has uploaded so far (progress). */
    public synchronized long rows() {
        return ended ? rows : open.values().stream().mapToLong(b -> b.rows).max().orElse(0);
    }

    /** Bytes of the answer; before one ended, the most any attempt has uploaded so far. */
    public synchronized long bytes() {
        return ended ? bytes : open.values().stream().mapToLong(b -> b.bytes).max().orElse(0);
    }

    public long firstBatchNanos() {
        return firstBatchNanos;
    }

    public long endNanos() {
        return endNanos;
    }
}
