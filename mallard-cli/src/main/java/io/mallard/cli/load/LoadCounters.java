package io.mallard.cli.load;

import java.util.concurrent.atomic.AtomicLong;

/** How far a load is, for a progress display on another thread: set by the load, read by anyone. */
public final class LoadCounters {
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong arrowBytes = new AtomicLong();
    private volatile int file;
    private volatile int files;
    private volatile long knownRows = -1;
    private volatile long started = System.nanoTime();

    void start(int fileCount, long totalRows) {
        files = fileCount;
        knownRows = totalRows;
        started = System.nanoTime();
    }

    void fileStarted(int index) {
        file = index;
    }

    void batch(long batchRows, long bytes) {
        rows.addAndGet(batchRows);
        arrowBytes.addAndGet(bytes);
    }

    /** Rows sent so far. */
    public long rows() {
        return rows.get();
    }

    /** Bytes of Arrow data sent so far. */
    public long arrowBytes() {
        return arrowBytes.get();
    }

    /** The file being read (1-based), 0 before the first. */
    public int file() {
        return file;
    }

    public int files() {
        return files;
    }

    /** Rows of all files when every one says so up front (Parquet), else -1. */
    public long knownRows() {
        return knownRows;
    }

    /** Nanoseconds since the rows began to flow. */
    public long elapsedNanos() {
        return System.nanoTime() - started;
    }
}
