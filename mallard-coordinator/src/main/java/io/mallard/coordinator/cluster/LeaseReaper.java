package io.mallard.coordinator.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the workers' polls. A worker that owes its next poll for longer than the suspicion limit (frozen, cut off),
 * or whose poll's connection broke, is suspected: no new tasks, and the scheduler hears of it (outside the lock) to
 * duplicate its running tasks elsewhere; its next poll clears that. A worker silent for longer than its lease is
 * {@code gone}: its proofs no longer count, its shards are placed on the others, and the scheduler hears of it to run
 * its tasks elsewhere or fail them.
 */
final class LeaseReaper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseReaper.class);

    private final ClusterState state;
    private final Placement placement;
    private final long leaseMillis;
    private final long suspectMillis;
    private final Consumer<String> onWorkerLost;
    private final Consumer<String> onWorkerSuspected;
    private final ScheduledExecutorService timer;
    /** When the last round ran (0 before the first): a round that comes late means the coordinator itself stalled. */
    private long lastRoundMillis;

    /**
     * @param suspectMillis     how long a worker may owe its next poll before it is suspected
     * @param onWorkerLost      called with each lost worker's id, outside the lock
     * @param onWorkerSuspected called with each newly suspected worker's id, outside the lock
     */
    LeaseReaper(ClusterState state, Placement placement, long leaseMillis, long suspectMillis,
            Consumer<String> onWorkerLost, Consumer<String> onWorkerSuspected) {
        this.state = state;
        this.placement = placement;
        this.leaseMillis = leaseMillis;
        this.suspectMillis = suspectMillis;
        this.onWorkerLost = onWorkerLost;
        this.onWorkerSuspected = onWorkerSuspected;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mallard-lease-reaper");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(50, Math.min(leaseMillis / 10, suspectMillis / 4));
        timer.scheduleWithFixedDelay(this::reapSafely, period, period, TimeUnit.MILLISECONDS);
    }

    private void reapSafely() {
        try {
            reap();
        } catch (RuntimeException e) {
            // a failed round must not end the schedule: the next one looks again
            LOG.error("the lease reaper failed", e);
        }
    }

    private record Noticed(String id, String label, long silentMillis) {
    }

    /** One round: workers silent past the suspicion limit are suspected, past their lease gone. */
    void reap() {
        List<Noticed> lost = new ArrayList<>();
        List<Noticed> suspected = new ArrayList<>();
        long now = System.currentTimeMillis();
        // after a stall of the coordinator's own (a long GC pause) every worker owes a poll: suspect nobody this round
        boolean stalled = lastRoundMillis > 0 && now - lastRoundMillis > suspectMillis;
        lastRoundMillis = now;
        state.locked(() -> {
            for (WorkerSession w : state.workers.values()) {
                if (w.state != WorkerState.GONE && now - w.lastSeenMillis > leaseMillis) {
                    w.state = WorkerState.GONE;
                    for (String shardId : List.copyOf(w.trusted)) {
                        state.untrust(w, shardId);
                    }
                    lost.add(new Noticed(w.id, w.label(), now - w.lastSeenMillis));
                } else if (!stalled && w.state != WorkerState.GONE && !w.suspected && w.owesPollSince > 0
                        && now - w.owesPollSince > suspectMillis) {
                    w.suspected = true;
                    suspected.add(new Noticed(w.id, w.label(), now - w.owesPollSince));
                }
            }
            if (!lost.isEmpty()) {
                placement.rebalance();
            }
        });
        for (Noticed w : suspected) {
            LOG.warn("worker {} owes its poll for {} ms: suspected, its running tasks are duplicated elsewhere", w.label(),
                    w.silentMillis());
            notify(onWorkerSuspected, w);
        }
        for (Noticed w : lost) {
            LOG.warn("worker {} missed its lease ({} ms): out of rotation", w.label(), leaseMillis);
            notify(onWorkerLost, w);
        }
    }

    /** The worker's poll broke off (its connection closed or was reset): it is suspected at once. */
    void connectionLost(String workerId) {
        Noticed noticed = state.locked(() -> {
            WorkerSession w = state.workers.get(workerId);
            if (w == null || w.state == WorkerState.GONE || w.suspected) {
                return null;
            }
            w.suspected = true;
            return new Noticed(w.id, w.label(), 0);
        });
        if (noticed != null) {
            LOG.warn("the connection of worker {} broke: suspected, its running tasks are duplicated elsewhere",
                    noticed.label());
            notify(onWorkerSuspected, noticed);
        }
    }

    private static void notify(Consumer<String> listener, Noticed w) {
        try {
            listener.accept(w.id());
        } catch (RuntimeException e) {
            LOG.error("acting on worker {} failed", w.label(), e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
