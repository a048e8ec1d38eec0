package io.mallard.coordinator.scheduling;

/** One attempt of a shard's task: which worker runs it, since when, and whether its upload has started. */
final class TaskAttempt {
    final int number;
    /** A duplicate of a task that still runs elsewhere (speculation, or a suspected worker), not a retry of a failed one. */
    final boolean duplicate;
    final long startNanos = System.nanoTime();
    /** The worker it was handed to; set before the worker can see the task. */
    volatile String workerId;
    /** An upload for this attempt has started: a second one is refused. */
    volatile boolean uploading;
    /** When it ended, answered or not (0 while it runs). */
    volatile long endNanos;

    TaskAttempt(int number, boolean duplicate) {
        this.number = number;
        this.duplicate = duplicate;
    }

    long elapsedNanos(long now) {
        return (endNanos == 0 ? now : endNanos) - startNanos;
    }
}
