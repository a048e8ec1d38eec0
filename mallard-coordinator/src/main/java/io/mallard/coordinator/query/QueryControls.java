package io.mallard.coordinator.query;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * What bounds a query's run: its place among the queries running at once ({@link AdmissionQueue}), its timeout, and
 * the reason it was stopped (cancelled by its client, timed out), which is what its client hears instead of whatever
 * the interruption looked like inside DuckDB.
 */
final class QueryControls implements AutoCloseable {
    private final AdmissionQueue admission;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mallard-query-timeouts");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Control> controls = new ConcurrentHashMap<>();
    /** Stops what a query started (its tasks, its combine, a LOCAL statement) with the reason. */
    private final BiConsumer<String, MallardException> stopper;

    QueryControls(int maxRunningQueries, BiConsumer<String, MallardException> stopper) {
        this.admission = new AdmissionQueue(maxRunningQueries);
        this.stopper = stopper;
    }

    /** One query's controls; closing it ends the query's turn and its clock. */
    final class Control implements AutoCloseable {
        final String queryId;
        private volatile MallardException reason;
        private volatile ScheduledFuture<?> deadline;
        private volatile AdmissionQueue.Ticket ticket;

        private Control(String queryId) {
            this.queryId = queryId;
        }

        /** Why the query was stopped, or null. */
        MallardException reason() {
            return reason;
        }

        /** Records the first reason to stop; returns whether this was it. */
        private synchronized boolean stop(MallardException why) {
            if (reason != null) {
                return false;
            }
            reason = why;
            return true;
        }

        @Override
        public void close() {
            ScheduledFuture<?> clock = deadline;
            if (clock != null) {
                clock.cancel(false);
            }
            AdmissionQueue.Ticket held = ticket;
            if (held != null) {
                admission.leave(held);
            }
            controls.remove(queryId, this);
        }
    }

    /**
     * Starts the query's clock ({@code timeoutMillis}, 0 for none; queued time counts), then waits for its turn. Throws
     * the reason it was stopped meanwhile; the caller closes the control when the query ends.
     */
    Control admit(String queryId, long timeoutMillis) {
        Control control = new Control(queryId);
        controls.put(queryId, control);
        try {
            if (timeoutMillis > 0) {
                control.deadline = timer.schedule(() -> stop(queryId, new MallardException(ErrorCode.TIMEOUT, "query "
                        + queryId + " ran longer than its timeout of " + describe(timeoutMillis)
                        + " (SET mallard.query_timeout, or the coordinator's --query-timeout-ms or --role-limits)")),
                        timeoutMillis, TimeUnit.MILLISECONDS);
            }
            control.ticket = admission.enter(queryId);
            MallardException stopped = control.reason();
            if (stopped != null) {
                throw stopped;
            }
            return control;
        } catch (RuntimeException e) {
            control.close();
            throw control.reason() != null ? control.reason() : e;
        }
    }

    /**
     * Stops a query with {@code why} (the first reason wins): a queued one leaves the queue, a running one is stopped
     * where it is. Returns false when no such query is queued or running here.
     */
    boolean stop(String queryId, MallardException why) {
        Control control = controls.get(queryId);
        if (control == null) {
            return false;
        }
        if (control.stop(why)) {
            if (!admission.stop(queryId, why)) {
                stopper.accept(queryId, why);
            }
        }
        return true;
    }

    boolean isQueued(String queryId) {
        return admission.isQueued(queryId);
    }

    int queued() {
        return admission.queued();
    }

    int running() {
        return admission.running();
    }

    private static String describe(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
