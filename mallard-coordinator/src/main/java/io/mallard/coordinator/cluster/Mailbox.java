package io.mallard.coordinator.cluster;

import io.mallard.data.table.DataFile;
import io.mallard.protocol.Messages.FileGrant;
import io.mallard.protocol.Messages.PollReply;
import io.mallard.protocol.Messages.TaskSpec;
import io.mallard.protocol.TaskKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each worker's mailbox and its long-poll. A poll is answered at once when there is something (grants, revocations,
 * tasks, cancellations), else parked in the worker's session without a thread and answered by whichever thread puts
 * mail in the box, or empty by the poll timer at its deadline. With a thread parked per long-poll, handing a query to
 * 1,000 workers cost 1,000 thread wake-ups and as many turns at the lock. Answers are decided under the lock and sent
 * after it is released ({@link ClusterState#send}).
 */
final class Mailbox implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Mailbox.class);
    private final ClusterState state;
    private final BiFunction<DataFile, String, String> grantUrl;
    private final long pollMillis;
    /** Answers long-polls at their deadline; its tasks are cancelled when mail answers them first. */
    private final ScheduledThreadPoolExecutor pollTimer;
    /**
     * Until then, a worker is granted only files it says it holds: after a coordinator restart the workers register
     * one by one, and the first would otherwise be granted (and download) every shard before the others are back.
     */
    private final long holdBackUntil;

    /** @param grantUrl (file, workerId) → signed download URL */
    Mailbox(ClusterState state, BiFunction<DataFile, String, String> grantUrl, long pollMillis, long holdBackMillis) {
        this.state = state;
        this.grantUrl = grantUrl;
        this.pollMillis = pollMillis;
        this.holdBackUntil = System.currentTimeMillis() + holdBackMillis;
        this.pollTimer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "mallard-poll-timer");
            t.setDaemon(true);
            return t;
        });
        this.pollTimer.setRemoveOnCancelPolicy(true);
        if (holdBackMillis > 0) {
            pollTimer.schedule(() -> state.locked(this::wakeAll), holdBackMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** A long-poll waiting for mail. Guarded by the lock. */
    static final class PendingPoll {
        final Consumer<PollReply> answer;
        ScheduledFuture<?> timeout;

        PendingPoll(Consumer<PollReply> answer) {
            this.answer = answer;
        }

        void cancelTimeout() {
            if (timeout != null) {
                timeout.cancel(false);
            }
        }
    }

    /** Renews the lease and answers now if there is mail, else when mail arrives or the poll interval has passed. */
    void poll(String workerId, java.util.List<String> held, Consumer<PollReply> answer) {
        state.lock();
        try {
            WorkerSession w = state.live(workerId);
            w.held = held == null ? java.util.Set.of() : java.util.Set.copyOf(held);
            PendingPoll earlier = w.waiting;
            if (earlier != null) {
                // a worker has one poll outstanding: the earlier one (its call likely abandoned) is answered empty, so
                // that what the mailbox holds goes to this one
                w.waiting = null;
                earlier.cancelTimeout();
                state.send(() -> earlier.answer.accept(PollReply.empty()));
            }
            w.lastSeenMillis = System.currentTimeMillis();
            w.owesPollSince = 0;
            if (w.suspected) {
                w.suspected = false;
                String label = w.label();
                state.send(() -> LOG.info("worker {} polls again: no longer suspected", label));
                state.signalChange(); // queries waiting for a holder of its shards
            }
            PollReply reply = drain(w);
            // a draining worker's poll waits like any other (answered at once, it polled in a tight loop)
            if (!reply.isEmpty() || state.closed || w.state == WorkerState.GONE) {
                w.owesPollSince = w.lastSeenMillis;
                state.send(() -> answer.accept(reply));
                return;
            }
            PendingPoll pending = new PendingPoll(answer);
            w.waiting = pending;
            pending.timeout = pollTimer.schedule(() -> expire(w, pending), pollMillis, TimeUnit.MILLISECONDS);
        } finally {
            state.unlock();
        }
    }

    private void expire(WorkerSession w, PendingPoll pending) {
        state.locked(() -> {
            if (w.waiting == pending) {
                answerWaiting(w, true);
            }
        });
    }

    /** Answers {@code w}'s waiting long-poll if its mailbox holds anything. Caller holds the lock. */
    void wake(WorkerSession w) {
        answerWaiting(w, false);
    }

    /** Answers {@code w}'s waiting long-poll now, also with nothing but its state (drain). Caller holds the lock. */
    void answerNow(WorkerSession w) {
        answerWaiting(w, true);
    }

    /** Wakes every long-poll and every query waiting for a shard's holder. Caller holds the lock. */
    void wakeAll() {
        state.workers.values().forEach(this::wake);
        state.signalChange();
    }

    /** Answers {@code w}'s waiting long-poll if there is mail for it, or {@code regardless}. Caller holds the lock. */
    private void answerWaiting(WorkerSession w, boolean regardless) {
        PendingPoll pending = w.waiting;
        if (pending == null) {
            return;
        }
        w.lastSeenMillis = System.currentTimeMillis();
        PollReply reply = drain(w);
        if (reply.isEmpty() && !regardless && !state.closed && w.state != WorkerState.GONE) {
            return;
        }
        w.waiting = null;
        w.owesPollSince = w.lastSeenMillis;
        pending.cancelTimeout();
        state.send(() -> pending.answer.accept(reply));
    }

    /**
     * Empties the mailbox into a reply: grants of the files of its shards it was not granted yet, files taken back, tasks
     * and cancellations. Caller holds the lock.
     */
    private PollReply drain(WorkerSession w) {
        List<FileGrant> grants = new ArrayList<>();
        boolean holdBack = System.currentTimeMillis() < holdBackUntil;
        if (w.state.isLive()) {
            List<DataFile> wanted = new ArrayList<>();
            for (String shardId : w.assigned) {
                wanted.addAll(state.snapshot.filesOfShard(io.mallard.data.table.Snapshot.shardNumber(shardId)));
            }
            wanted.addAll(state.sharedFiles(w)); // an edge worker joins its partitions with replicated tables
            for (DataFile f : wanted) {
                if (!w.granted.contains(f.fileId()) && (!holdBack || w.held.contains(f.fileId()))) {
                    w.granted.add(f.fileId());
                    grants.add(new FileGrant(f.fileId(), grantUrl.apply(f, w.id), f.size(), f.sha256()));
                }
            }
        }
        List<String> revoked = state.revokeUnneededFiles(w);
        List<TaskSpec> tasks = new ArrayList<>(w.tasks);
        w.tasks.clear();
        List<String> cancels = new ArrayList<>(w.cancels);
        w.cancels.clear();
        List<TaskKey> cancelledTasks = new ArrayList<>(w.cancelledTasks);
        w.cancelledTasks.clear();
        w.refreshState();
        return new PollReply(grants, revoked, tasks, cancels, cancelledTasks, w.state == WorkerState.DRAINING);
    }

    @Override
    public void close() {
        pollTimer.shutdownNow();
    }
}
