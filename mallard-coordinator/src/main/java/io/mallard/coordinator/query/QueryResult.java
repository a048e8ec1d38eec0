package io.mallard.coordinator.query;

import io.mallard.common.MallardException;
import io.mallard.common.Resources;
import io.mallard.coordinator.scheduling.QueryStats;
import io.mallard.planner.plan.DistributedPlan;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.arrow.vector.ipc.ArrowReader;

/** A query's answer as an Arrow stream. Closing it releases everything the query holds, finished or not. */
public final class QueryResult implements AutoCloseable {
    private final String queryId;
    private final DistributedPlan plan;
    private final ArrowReader reader;
    private final Resources resources;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Released after everything else the query holds (the version it pinned). */
    private final List<AutoCloseable> last = new java.util.concurrent.CopyOnWriteArrayList<>();

    private volatile Supplier<MallardException> failure;
    private volatile Supplier<QueryStats> stats = () -> new QueryStats("", List.of());
    /** What the answer lacks (a partial answer's offline edge partitions), or null. */
    private volatile io.mallard.protocol.ResultWarning warning;

    /** @param resources everything the query holds, the reader among them; closing the result closes them in reverse */
    public QueryResult(String queryId, DistributedPlan plan, ArrowReader reader, Resources resources,
            Supplier<MallardException> failure) {
        this.failure = failure;
        this.queryId = queryId;
        this.plan = plan;
        this.reader = reader;
        this.resources = resources;
    }

    public String queryId() {
        return queryId;
    }

    public DistributedPlan plan() {
        return plan;
    }

    public ArrowReader reader() {
        return reader;
    }

    /** Closes {@code resource} after everything the query holds, when the result is closed. */
    void onClose(AutoCloseable resource) {
        last.add(resource);
        if (closed.get() && last.remove(resource)) {
            closeQuietly(resource); // closed meanwhile
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            throw new IllegalStateException("releasing " + resource, e);
        }
    }

    /** Marks the answer as carrying {@code warning} (null: none). */
    QueryResult withWarning(io.mallard.protocol.ResultWarning resultWarning) {
        this.warning = resultWarning;
        return this;
    }

    /** The warning the answer comes with (a partial result's missing edge partitions), if any. */
    public java.util.Optional<io.mallard.protocol.ResultWarning> warning() {
        return java.util.Optional.ofNullable(warning);
    }

    QueryResult withStats(Supplier<QueryStats> source) {
        this.stats = source;
        return this;
    }

    /** Puts {@code phase} (the planning) before the phases the figures have. */
    QueryResult withPhaseFirst(QueryStats.Phase phase) {
        Supplier<QueryStats> inner = stats;
        this.stats = () -> inner.get().withPhaseFirst(phase);
        return this;
    }

    /** The reason the query was stopped (cancelled, timed out), if any, comes before any other failure. */
    QueryResult stoppedBy(Supplier<MallardException> reason) {
        Supplier<MallardException> inner = failure;
        this.failure = () -> reason.get() != null ? reason.get() : inner.get();
        return this;
    }

    /** Closes {@code resource} once everything the query holds is closed (as {@link #onClose}). */
    QueryResult whenClosed(AutoCloseable resource) {
        onClose(resource);
        return this;
    }

    /** Strategy and per-task figures (worker, rows and bytes shipped); read it before or after closing. */
    public QueryStats stats() {
        return stats.get();
    }

    /**
     * Why the query failed, when it failed in Mallard (a worker lost, a task failed): the error to report instead of
     * whatever DuckDB made of it while pulling the workers' stream.
     */
    public Optional<MallardException> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** Closes everything the query holds, last opened first, continuing past failures. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            resources.close();
        } catch (RuntimeException e) {
            throw new IllegalStateException("closing query " + queryId, e);
        } finally {
            for (AutoCloseable resource : List.copyOf(last)) {
                if (last.remove(resource)) {
                    closeQuietly(resource);
                }
            }
        }
    }
}
