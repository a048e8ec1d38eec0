package io.mallard.coordinator.combine;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.ipc.message.ArrowDictionaryBatch;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The batches one attempt of a shard's task has uploaded so far. They are held back until the attempt ends: then they
 * become the shard's answer, or, when the attempt failed or another attempt answered first, they are freed. So a retried
 * or duplicated task can never be counted twice or in part.
 */
final class AttemptBuffer {
    final int attempt;
    /** The lock guarding this buffer: its shard's {@link ShardStream}. */
    private final Object lock;
    private final String label;
    /** The first batches, in memory. */
    final List<ArrowRecordBatch> batches = new ArrayList<>();
    /** The later ones, once the coordinator's memory passed its spill threshold; null until then. */
    SpillFile spilled;
    /** The schema as sent, once the attempt's upload opened. */
    Schema schema;
    /** The dictionaries of its dictionary-encoded (ENUM) columns, taken with its first batch. */
    List<ArrowDictionaryBatch> dictionaries = List.of();
    long rows;
    long bytes;

    AttemptBuffer(int attempt, Object lock, String label) {
        this.attempt = attempt;
        this.lock = lock;
        this.label = label;
    }

    boolean hasBatches() {
        return !batches.isEmpty() || spilled != null;
    }

    /** Keeps the batch, in memory or, once the area is full, on disk (then all later ones too, to keep their order). */
    void add(ArrowRecordBatch batch, int rowCount, SpillArea area) {
        rows += rowCount;
        bytes += batch.computeBodyLength();
        if (spilled == null && !area.full()) {
            batches.add(batch);
            area.inMemory(this, true);
            return;
        }
        try (batch) {
            if (spilled == null) {
                spillHeld(area);
            }
            spilled.write(batch);
        }
    }

    /** Under memory pressure: writes the batches held in memory to disk (if it still holds any); returns bytes freed. */
    long spillUnderPressure(SpillArea area) {
        synchronized (lock) {
            if (spilled != null || batches.isEmpty()) {
                return 0;
            }
            long held = batches.stream().mapToLong(ArrowRecordBatch::computeBodyLength).sum();
            spillHeld(area);
            return held;
        }
    }

    /** Moves the batches held in memory to a new spill file, which takes every later batch too. Caller holds the lock. */
    private void spillHeld(SpillArea area) {
        spilled = area.newFile(label + "-" + attempt);
        for (ArrowRecordBatch held : batches) {
            try (held) {
                spilled.write(held);
            }
        }
        batches.clear();
        area.inMemory(this, false);
    }

    /** Its batches were handed over (the attempt answered): nothing is held here any more. */
    void handedOver(SpillArea area) {
        batches.clear();
        spilled = null;
        area.inMemory(this, false);
    }

    /** Frees everything the attempt uploaded. */
    void free(SpillArea area) {
        area.inMemory(this, false);
        batches.forEach(ArrowRecordBatch::close);
        batches.clear();
        if (spilled != null) {
            spilled.close();
            spilled = null;
        }
        dictionaries.forEach(ArrowDictionaryBatch::close);
        dictionaries = List.of();
    }
}
