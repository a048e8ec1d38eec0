package io.mallard.testing;

import io.mallard.common.duck.BorrowedReader;
import java.io.IOException;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * A reader that gives the first batches of another, then runs a step of the test while the stream is open (a change to
 * the table, a kill, waiting for the coordinator to be under way) and then either fails, as a broken source would, or
 * gives the rest. The step runs in the thread that reads, so the stream holds still until it returns.
 */
final class StepAfterBatches extends BorrowedReader {
    private final Runnable step;
    private final boolean fails;
    private int left;

    private StepAfterBatches(ArrowReader source, int batches, Runnable step, boolean fails) {
        super(source, null);
        this.left = batches;
        this.step = step;
        this.fails = fails;
    }

    /** After {@code batches} batches: {@code step}, then an IOException ("the disk went away"). */
    static StepAfterBatches failing(ArrowReader source, int batches, Runnable step) {
        return new StepAfterBatches(source, batches, step, true);
    }

    /** After {@code batches} batches: {@code step}, then the rest of the source. */
    static StepAfterBatches continuing(ArrowReader source, int batches, Runnable step) {
        return new StepAfterBatches(source, batches, step, false);
    }

    @Override
    public boolean loadNextBatch() throws IOException {
        if (left-- == 0) {
            step.run();
            if (fails) {
                throw new IOException("the disk went away");
            }
        }
        return super.loadNextBatch();
    }

    @Override
    public long bytesRead() {
        return 0;
    }

    /** Unlike a borrowed reader, this one owns its source. */
    @Override
    public void close(boolean closeReadSource) throws IOException {
        if (closeReadSource) {
            rows().close();
        }
    }
}
