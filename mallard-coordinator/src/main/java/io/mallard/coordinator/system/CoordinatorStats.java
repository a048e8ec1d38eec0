package io.mallard.coordinator.system;

/**
 * The coordinator's own figures, as {@code mallard.coordinator} shows them (one row).
 *
 * @param arrowBytes        Arrow memory of query data now (received batches, combine results, answers)
 * @param arrowPeakBytes    the most that was ever allocated at once
 * @param budgetBytes       the memory budget for query data (the allocator's limit)
 * @param spillFiles        spill files of received batches that exist now
 * @param spilledBytes      bytes written to spill files since start
 * @param runningQueries    distributed queries running now
 * @param queuedQueries     statements waiting for their turn (the running-query cap)
 * @param heldForClients    answers held back now because their clients do not read
 * @param heapBytes         the JVM heap in use
 */
public record CoordinatorStats(long arrowBytes, long arrowPeakBytes, long budgetBytes, int spillFiles, long spilledBytes,
        int runningQueries, int queuedQueries, int heldForClients, long heapBytes) {
    static final String COLUMNS = "arrow_bytes BIGINT, arrow_peak_bytes BIGINT, budget_bytes BIGINT, spill_files INTEGER, "
            + "spilled_bytes BIGINT, running_queries INTEGER, queued_queries INTEGER, held_for_clients INTEGER, "
            + "heap_bytes BIGINT";
}
