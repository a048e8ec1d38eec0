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
    final List<ArrowRecordBatch> batches = new ArrayList<>();
    /** The schema as sent, once the attempt's upload opened. */
    Schema schema;
    /** The dictionaries of its dictionary-encoded (ENUM) columns, taken with its first batch. */
    List<ArrowDictionaryBatch> dictionaries = List.of();
    long rows;
    long bytes;

    AttemptBuffer(int attempt) {
        this.attempt = attempt;
    }

    boolean hasBatches() {
        return !batches.isEmpty();
    }

    void add(ArrowRecordBatch batch, int rowCount) {
        batches.add(batch);
        rows += rowCount;
        bytes += batch.computeBodyLength();
    }

    /** Frees everything the attempt uploaded. */
    void free() {
        batches.forEach(ArrowRecordBatch::close);
        batches.clear();
        dictionaries.forEach(ArrowDictionaryBatch::close);
        dictionaries = List.of();
    }
}
