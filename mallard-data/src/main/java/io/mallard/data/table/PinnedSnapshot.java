package io.mallard.data.table;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A version a reader holds: the files it names are kept (in the store, on the workers) until the reader closes it.
 * Closing it twice releases it once.
 */
public final class PinnedSnapshot implements AutoCloseable {
    private final Snapshot snapshot;
    private final Runnable release;
    private final AtomicBoolean closed = new AtomicBoolean();

    public PinnedSnapshot(Snapshot snapshot, Runnable release) {
        this.snapshot = snapshot;
        this.release = release;
    }

    /** A snapshot nothing needs to keep (a fixed catalog, as in tests and the benchmarks' simulated clusters). */
    public static PinnedSnapshot unpinned(Snapshot snapshot) {
        return new PinnedSnapshot(snapshot, () -> { });
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            release.run();
        }
    }
}
