package io.mallard.coordinator.web;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * One statement of the web page as it runs: a {@link ServerStreamListener} the coordinator's statement path streams
 * into, keeping the first {@code maxRows} rows as text for paging and counting the rest. The statement runs on its own
 * thread; the page reads its state while it runs.
 */
final class ResultPage implements ServerStreamListener {
    /** running, finished, failed or cancelled. */
    private String state = "running";
    private final String queryId;
    private final String sql;
    private final int maxRows;
    private final long startNanos = System.nanoTime();
    private long endNanos;
    private VectorSchemaRoot root;
    private DictionaryProvider dictionaries;
    private List<Column> columns = List.of();
    private final List<String[]> rows = new ArrayList<>();
    private long total;
    private MallardException error;
    private volatile boolean cancelled;
    private volatile Runnable onCancel = () -> { };

    /** A column of the answer. */
    record Column(String name, String type) {
    }

    /** What the page shows of a statement at one moment. */
    record Snapshot(String queryId, String sql, String state, List<Column> columns, List<String[]> rows, long offset,
            long total, boolean truncated, long elapsedMillis, MallardException error) {
    }

    ResultPage(String queryId, String sql, int maxRows) {
        this.queryId = queryId;
        this.sql = sql;
        this.maxRows = maxRows;
    }

    String queryId() {
        return queryId;
    }

    /** Asks the statement to stop; the statement path cancels its distributed query. */
    void cancel() {
        cancelled = true;
        onCancel.run();
    }

    /** Rows {@code offset} to {@code offset + limit} of what is held, and how the statement stands. */
    synchronized Snapshot snapshot(long offset, int limit) {
        int from = (int) Math.min(Math.max(0, offset), rows.size());
        int to = (int) Math.min(rows.size(), (long) from + Math.max(0, limit));
        long elapsed = ((state.equals("running") ? System.nanoTime() : endNanos) - startNanos) / 1_000_000;
        return new Snapshot(queryId, sql, state, columns, List.copyOf(rows.subList(from, to)), from, total,
                total > rows.size(), elapsed, error);
    }

    synchronized boolean done() {
        return !state.equals("running");
    }

    /** Waits at most {@code millis} for the statement to end. */
    synchronized void await(long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (!done()) {
            long left = (end - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return;
            }
            wait(left);
        }
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public void setOnCancelHandler(Runnable handler) {
        onCancel = handler;
        if (cancelled) {
            handler.run();
        }
    }

    @Override
    public boolean isReady() {
        return true; // rows beyond the first maxRows are counted and dropped: the page never holds back the query
    }

    @Override
    public synchronized void start(VectorSchemaRoot root, DictionaryProvider dictionaries, IpcOption option) {
        this.root = root;
        this.dictionaries = dictionaries;
        List<Column> names = new ArrayList<>();
        for (Field field : root.getSchema().getFields()) {
            names.add(new Column(field.getName(), CellText.type(field)));
        }
        this.columns = List.copyOf(names);
    }

    @Override
    public synchronized void putNext() {
        int count = root.getRowCount();
        List<FieldVector> vectors = root.getFieldVectors();
        for (int row = 0; row < count && rows.size() < maxRows; row++) {
            String[] values = new String[vectors.size()];
            for (int c = 0; c < values.length; c++) {
                values[c] = CellText.of(vectors.get(c), row, dictionaries);
            }
            rows.add(values);
        }
        total += count;
    }

    @Override
    public void putNext(ArrowBuf metadata) {
        putNext();
    }

    @Override
    public void putMetadata(ArrowBuf metadata) {
    }

    @Override
    public synchronized void error(Throwable t) {
        error = StatementFailures.of(t);
        end(error.code() == ErrorCode.QUERY_CANCELLED ? "cancelled" : "failed");
    }

    @Override
    public synchronized void completed() {
        end("finished");
    }

    private void end(String how) {
        state = how;
        endNanos = System.nanoTime();
        root = null; // the statement path closes its batches once it returns
        notifyAll();
    }

    /** Ends a statement whose thread failed outside the statement path (it did not call error or completed). */
    synchronized void failIfRunning(MallardException e) {
        if (!done()) {
            error = e;
            end("failed");
        }
    }
}
