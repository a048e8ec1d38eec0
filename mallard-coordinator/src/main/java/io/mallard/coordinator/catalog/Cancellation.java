package io.mallard.coordinator.catalog;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;

/**
 * Whether the client of a change is still there. A change whose client went away (cancelled, disconnected) before its
 * commit does not commit: {@link TableWriter#commit(java.util.function.Function, io.mallard.data.table.TableDef,
 * TableWriter.Origin)} checks it under the commit lock, so the change is either committed or not at all.
 */
public final class Cancellation {
    private boolean cancelled;
    private String reason;

    /** Marks the change cancelled and wakes whoever waits in {@link #await}. */
    public synchronized void cancel(String why) {
        if (!cancelled) {
            cancelled = true;
            reason = why;
            notifyAll();
        }
    }

    public synchronized boolean isCancelled() {
        return cancelled;
    }

    /** Waits until the change is cancelled or {@code millis} have passed. */
    synchronized void await(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!cancelled) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return;
            }
            wait(left);
        }
    }

    /** Throws QUERY_CANCELLED when the change was cancelled. */
    synchronized void check() {
        if (cancelled) {
            throw new MallardException(ErrorCode.QUERY_CANCELLED, reason + "; nothing was changed");
        }
    }
}
