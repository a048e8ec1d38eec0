package io.mallard.coordinator.scheduling;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the scheduler did since the coordinator started, summed over the distributed queries that ended: their tasks,
 * the attempts beyond the first (retries after a worker's failure, and duplicates of stragglers and of suspected
 * workers' tasks) and what the workers shipped. Read by the metrics; counted when a query ends.
 */
public final class SchedulerTotals {
    private final LongAdder tasks = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder rows = new LongAdder();
    private final LongAdder bytes = new LongAdder();

    void queryEnded(DistributedQuery query) {
        for (ShardSlot slot : query.slots) {
            int duplicated = slot.duplicateCount();
            tasks.increment();
            duplicates.add(duplicated);
            retries.add(Math.max(0, slot.attemptCount() - 1 - duplicated));
        }
        rows.add(query.rowsShipped());
        bytes.add(query.bytesShipped());
    }

    /** Tasks (one per shard and stream of a query), however many attempts each took. */
    public long tasks() {
        return tasks.sum();
    }

    /** Attempts started because an earlier attempt of the same task failed on its worker. */
    public long retries() {
        return retries.sum();
    }

    /** Attempts started beside a running one (speculation, or a suspected worker's task). */
    public long duplicates() {
        return duplicates.sum();
    }

    /** Rows of the answers that were accepted, one attempt per task. */
    public long rowsShipped() {
        return rows.sum();
    }

    /** Arrow bytes of the answers that were accepted, one attempt per task. */
    public long bytesShipped() {
        return bytes.sum();
    }
}
