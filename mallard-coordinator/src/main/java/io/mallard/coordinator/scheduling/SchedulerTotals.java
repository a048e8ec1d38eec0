package io.mallard.coordinator.scheduling;

import java.util.concurrent.atomic.LongAdder;

/**
 * The attempts the scheduler started beyond a task's first since the coordinator started: retries after a worker's
 * failure, and duplicates of stragglers and of suspected workers' tasks. Read by the metrics; counted when a query ends
 * (which is just after its client got the last row). Tasks, rows and bytes are counted from the query history.
 */
public final class SchedulerTotals {
    private final LongAdder retries = new LongAdder();
    private final LongAdder duplicates = new LongAdder();

    void queryEnded(DistributedQuery query) {
        for (ShardSlot slot : query.slots) {
            int duplicated = slot.duplicateCount();
            duplicates.add(duplicated);
            retries.add(Math.max(0, slot.attemptCount() - 1 - duplicated));
        }
    }

    /** Attempts started because an earlier attempt of the same task failed on its worker. */
    public long retries() {
        return retries.sum();
    }

    /** Attempts started beside a running one (speculation, or a suspected worker's task). */
    public long duplicates() {
        return duplicates.sum();
    }
}
