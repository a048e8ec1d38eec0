package io.mallard.coordinator.cluster;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.data.Manifest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the registry's parts share: the worker sessions, which workers proved which shard, and the one lock that guards
 * both. Nothing is sent under the lock: a part that decides an answer while holding it queues the sending
 * ({@link #send}), and {@link #unlock()} runs the queue once the lock is free.
 */
final class ClusterState {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterState.class);

    final Manifest manifest;
    /** Every worker that ever registered, in registration order (the gone ones stay, for status). */
    final Map<String, WorkerSession> workers = new LinkedHashMap<>();
    /** Shard → the workers that proved it: a task finds its candidates in O(replicas), not O(workers). */
    private final Map<String, Set<WorkerSession>> trustedByShard = new HashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a shard may have gained a trusted holder, and on close: queries waiting for one look again. */
    private final Condition changed = lock.newCondition();
    /** Counts the signals of {@link #changed}, so a waiter that let go of the lock to send sees one it missed. */
    private long changes;
    /** Answers decided under the lock, sent by the thread that releases it. */
    private final Queue<Runnable> outbox = new ConcurrentLinkedQueue<>();
    volatile boolean closed;

    ClusterState(Manifest manifest) {
        this.manifest = manifest;
    }

    void lock() {
        lock.lock();
    }

    /** Releases the lock and, once this thread no longer holds it, sends what was queued meanwhile. */
    void unlock() {
        lock.unlock();
        if (!lock.isHeldByCurrentThread()) {
            sendQueued();
        }
    }

    <T> T locked(Supplier<T> body) {
        lock();
        try {
            return body.get();
        } finally {
            unlock();
        }
    }

    void locked(Runnable body) {
        lock();
        try {
            body.run();
        } finally {
            unlock();
        }
    }

    /** Queues {@code answer} (encoding and writing a poll reply) to run after the lock is released. */
    void send(Runnable answer) {
        outbox.add(answer);
    }

    private void sendQueued() {
        for (Runnable answer; (answer = outbox.poll()) != null; ) {
            try {
                answer.run();
            } catch (RuntimeException e) {
                // the worker's call ended meanwhile (cancelled, connection lost): its tasks come back as failures
                LOG.debug("a poll answer could not be sent: {}", e.toString());
            }
        }
    }

    /** Wakes every thread waiting in {@link #awaitChange}. Caller holds the lock. */
    void signalChange() {
        changes++;
        changed.signalAll();
    }

    /**
     * Waits up to {@code nanos} for {@link #signalChange}. The caller holds the lock once; what it queued is sent first,
     * with the lock released, and a change that came meanwhile ends the wait at once.
     */
    void awaitChange(long nanos) throws InterruptedException {
        if (lock.getHoldCount() != 1) {
            throw new IllegalStateException("waiting for a change needs the registry's lock held exactly once");
        }
        long seen = changes;
        if (!outbox.isEmpty()) {
            lock.unlock();
            try {
                sendQueued();
            } finally {
                lock.lock();
            }
            if (changes != seen) {
                return;
            }
        }
        changed.awaitNanos(nanos);
    }

    /** A registered worker that is not gone, or AUTHENTICATION_FAILED. Caller holds the lock. */
    WorkerSession live(String workerId) {
        WorkerSession w = workers.get(workerId);
        if (w == null || w.state == WorkerState.GONE) {
            throw new MallardException(ErrorCode.AUTHENTICATION_FAILED, "worker " + workerId + " is not registered (lease expired?)");
        }
        return w;
    }

    // ---- the trust index (caller holds the lock)

    void trust(WorkerSession w, String shardId) {
        w.trusted.add(shardId);
        trustedByShard.computeIfAbsent(shardId, k -> new LinkedHashSet<>()).add(w);
    }

    void untrust(WorkerSession w, String shardId) {
        w.trusted.remove(shardId);
        Set<WorkerSession> holders = trustedByShard.get(shardId);
        if (holders != null) {
            holders.remove(w);
            if (holders.isEmpty()) {
                trustedByShard.remove(shardId);
            }
        }
    }

    /** The workers that proved {@code shardId} (some may have left since: check their state). */
    Set<WorkerSession> provedBy(String shardId) {
        return trustedByShard.getOrDefault(shardId, Set.of());
    }

    /**
     * Takes back the shards {@code w} holds but placement moved away, once a new holder proved each and {@code w} runs
     * no task on it: until then it keeps serving. Returns the shards taken back.
     */
    List<String> revokeMovedShards(WorkerSession w) {
        List<String> revoked = new ArrayList<>();
        for (String shardId : List.copyOf(w.granted)) {
            // a draining worker also gives back what no live worker will ever take over (it was the last one)
            boolean handedOver = trustedElsewhere(shardId, w)
                    || w.state == WorkerState.DRAINING && !assignedToLiveWorker(shardId);
            if (!w.assigned.contains(shardId) && handedOver && !w.runsTaskOn(shardId)) {
                w.granted.remove(shardId);
                untrust(w, shardId);
                w.verifying.remove(shardId);
                revoked.add(shardId);
            }
        }
        return revoked;
    }

    private boolean assignedToLiveWorker(String shardId) {
        return workers.values().stream().anyMatch(o -> o.state.isLive() && o.assigned.contains(shardId));
    }

    private boolean trustedElsewhere(String shardId, WorkerSession except) {
        return provedBy(shardId).stream().anyMatch(o -> o != except && o.state.isLive()
                && o.assigned.contains(shardId) && o.trusted.contains(shardId));
    }
}
