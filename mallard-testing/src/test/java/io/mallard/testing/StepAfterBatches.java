package io.mallard.testing;

import java.io.IOException;
import java.util.Map;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A reader that gives the first batches of another, then runs a step of the test while the stream is open (a change to
 * the table, a kill, waiting for the coordinator to be under way) and then either fails, as a broken source would, or
 * gives the rest. The step runs in the thread that reads, so the stream holds still until it returns.
 */
final class StepAfterBatches extends ArrowReader {
    private final ArrowReader source;
    private final Runnable step;
    private final boolean fails;
    private int left;

    private StepAfterBatches(ArrowReader source, int batches, Runnable step, boolean fails) {
        super(null);
        this.source = source;
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
    public VectorSchemaRoot getVectorSchemaRoot() throws IOException {
        return source.getVectorSchemaRoot();
    }

    @Override
    public Map<Long, Dictionary> getDictionaryVectors() throws IOException {
        return source.getDictionaryVectors();
    }

    @Override
    public Dictionary lookup(long id) {
        return source.lookup(id);
    }

    @Override
    public boolean loadNextBatch() throws IOException {
        if (left-- == 0) {
            step.run();
            if (fails) {
                throw new IOException("the disk went away");
            }
        }
        return source.loadNextBatch();
    }

    @Override
    public long bytesRead() {
        return 0;
    }

    @Override
    protected void closeReadSource() throws IOException {
        source.close();
    }

    @Override
    protected Schema readSchema() throws IOException {
        return source.getVectorSchemaRoot().getSchema();
    }
}
