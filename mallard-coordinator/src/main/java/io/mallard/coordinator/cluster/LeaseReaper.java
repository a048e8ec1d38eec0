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
 * Takes workers that missed their lease out of rotation: they are {@code gone}, their proofs no longer count, their
 * shards are placed on the others, and the scheduler hears of each (outside the lock) to fail its tasks.
 */
final class LeaseReaper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseReaper.class);

    private final ClusterState state;
    private final Placement placement;
    private final long leaseMillis;
    private final Consumer<String> onWorkerLost;
    private final ScheduledExecutorService timer;

    /** @param onWorkerLost called with each lost worker's id, outside the lock */
    LeaseReaper(ClusterState state, Placement placement, long leaseMillis, Consumer<String> onWorkerLost) {
        this.state = state;
        this.placement = placement;
        this.leaseMillis = leaseMillis;
        this.onWorkerLost = onWorkerLost;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mallard-lease-reaper");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(50, leaseMillis / 10);
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

    /** One round: every worker silent for longer than its lease is gone. */
    void reap() {
        record Lost(String id, String label) {
        }
        List<Lost> lost = new ArrayList<>();
        state.locked(() -> {
            long now = System.currentTimeMillis();
            for (WorkerSession w : state.workers.values()) {
                if (w.state != WorkerState.GONE && now - w.lastSeenMillis > leaseMillis) {
                    w.state = WorkerState.GONE;
                    for (String shardId : List.copyOf(w.trusted)) {
                        state.untrust(w, shardId);
                    }
                    lost.add(new Lost(w.id, w.label()));
                }
            }
            if (!lost.isEmpty()) {
                placement.rebalance();
            }
        });
        for (Lost w : lost) {
            LOG.warn("worker {} missed its lease ({} ms): out of rotation", w.label(), leaseMillis);
            try {
                onWorkerLost.accept(w.id());
            } catch (RuntimeException e) {
                LOG.error("failing the tasks of lost worker {} failed", w.label(), e);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
