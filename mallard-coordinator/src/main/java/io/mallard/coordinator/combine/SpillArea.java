package io.mallard.coordinator.combine;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.AllocationListener;
import org.apache.arrow.memory.AllocationOutcome;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where received batches go when the coordinator's Arrow memory runs short: Arrow IPC files in the spill directory, one
 * per task attempt, read back when the combine reaches that shard and deleted then (or when the attempt or query ends).
 * Two triggers: past the spill threshold every new batch goes to disk; and, as the allocator's listener, when an
 * allocation would pass the budget (a worker's next message arriving, a combine result) the batches still held in
 * memory by attempts that have not answered yet are written out to make room, and the allocation is tried again.
 * Files left by an earlier run are deleted at start.
 */
public final class SpillArea implements AllocationListener {
    private static final Logger LOG = LoggerFactory.getLogger(SpillArea.class);

    private final long thresholdBytes;
    private final Path dir;
    private volatile BufferAllocator allocator;
    /** Attempts holding batches in memory and none on disk yet: what can be written out under pressure. */
    private final Set<AttemptBuffer> inMemory = ConcurrentHashMap.newKeySet();
    /** Answers whose batches wait in memory for the combine: written out under pressure too. */
    private final Set<ShardStream> answers = ConcurrentHashMap.newKeySet();
    /** Told when an allocation cannot fit even after everything was written out. */
    private volatile Runnable onExhausted = () -> { };
    private final AtomicInteger files = new AtomicInteger();
    private final AtomicLong spilledBytes = new AtomicLong();

    /**
     * @param thresholdBytes beyond this much allocated memory, new batches go to disk
     * @param dir            the spill directory (created; emptied of earlier runs' files); null: never spill
     */
    public SpillArea(long thresholdBytes, Path dir) {
        this.thresholdBytes = thresholdBytes;
        this.dir = dir;
        if (dir == null) {
            return;
        }
        try {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir, "*" + SpillFile.SUFFIX)) {
                for (Path file : leftovers) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the spill directory " + dir, e);
        }
    }

    /** An area that never spills (tests of the scheduler alone). */
    public static SpillArea never() {
        return new SpillArea(Long.MAX_VALUE, null);
    }

    /** The allocator received batches live in (created with this area as its listener). */
    public void attach(BufferAllocator receiving) {
        this.allocator = receiving;
    }

    /**
     * What to do when an allocation cannot fit even after every waiting batch went to disk: the query that needs it
     * cannot be told directly (the allocation may be a worker's next message, inside gRPC), so the running queries are
     * stopped with OUT_OF_MEMORY instead of waiting for a message that never comes.
     */
    public void onExhausted(Runnable action) {
        this.onExhausted = action;
    }

    /** Whether new batches should go to disk now. */
    boolean full() {
        BufferAllocator a = allocator;
        return dir != null && a != null && a.getAllocatedMemory() > thresholdBytes;
    }

    /**
     * An allocation would pass the budget: writes out the in-memory batches of attempts that have not answered yet,
     * until at least {@code size} bytes are free again; returns whether anything was freed (the allocation is retried).
     */
    @Override
    public boolean onFailedAllocation(long size, AllocationOutcome outcome) {
        if (dir == null) {
            return false;
        }
        long freed = 0;
        for (AttemptBuffer buffer : List.copyOf(inMemory)) {
            if (freed >= size) {
                break;
            }
            freed += buffer.spillUnderPressure(this);
        }
        for (ShardStream answer : List.copyOf(answers)) {
            if (freed >= size) {
                break;
            }
            freed += answer.spillAnswerUnderPressure();
        }
        if (freed > 0) {
            LOG.info("the coordinator's memory budget was short of {} bytes: {} bytes of received batches spilled", size,
                    freed);
            return true;
        }
        LOG.warn("the coordinator's memory budget cannot fit {} more bytes even with every waiting batch on disk", size);
        onExhausted.run();
        return false;
    }

    /** The answer's batches wait in memory for the combine (or no longer, when {@code waiting} is false). */
    void answered(ShardStream answer) {
        answered(answer, true);
    }

    void answered(ShardStream answer, boolean waiting) {
        if (waiting && dir != null) {
            answers.add(answer);
        } else {
            answers.remove(answer);
        }
    }

    /** The buffer holds batches in memory only (or no longer, when {@code holds} is false). */
    void inMemory(AttemptBuffer buffer, boolean holds) {
        if (holds && dir != null) {
            inMemory.add(buffer);
        } else {
            inMemory.remove(buffer);
        }
    }

    /** A new spill file for one attempt's batches. */
    SpillFile newFile(String label) {
        try {
            SpillFile file = new SpillFile(Files.createTempFile(dir, label.replaceAll("[^A-Za-z0-9_.-]", "_") + "-",
                    SpillFile.SUFFIX), this);
            files.incrementAndGet();
            return file;
        } catch (IOException e) {
            throw new MallardException(ErrorCode.OUT_OF_MEMORY, "the coordinator's memory budget is used up and no spill "
                    + "file could be created in " + dir + ": " + e.getMessage(), e);
        }
    }

    void written(long bytes) {
        spilledBytes.addAndGet(bytes);
    }

    void deleted(SpillFile file) {
        files.decrementAndGet();
        LOG.debug("spill file {} deleted", file);
    }

    /** Spill files that exist now (zero when no query runs). */
    public int openFiles() {
        return files.get();
    }

    /** Bytes written to spill files since start. */
    public long spilledBytes() {
        return spilledBytes.get();
    }

    /** The spill directory, or null when this area never spills. */
    public Path directory() {
        return dir;
    }
}
