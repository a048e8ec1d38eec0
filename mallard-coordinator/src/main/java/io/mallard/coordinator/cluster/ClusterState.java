package io.mallard.coordinator.cluster;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.data.table.DataFile;
import io.mallard.data.table.Snapshot;
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

    /** The catalog's current version: which files each shard has. Replaced (under the lock) after each commit. */
    Snapshot snapshot;
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
    /** Edge partition id → the worker id that alone answers it (null: not an edge partition, or unknown). */
    volatile java.util.function.Function<String, String> edgeHolder = partition -> null;
    /** Admits a joining worker's local tables (may refuse it) and hears that it joined. */
    volatile WorkerRegistry.MemberHook memberHook = WorkerRegistry.MemberHook.NONE;

    /** Files an older version that a running query pinned names: kept with the workers that hold them. */
    private final java.util.function.Predicate<String> pinned;

    ClusterState(Snapshot snapshot, java.util.function.Predicate<String> pinned) {
        this.snapshot = snapshot;
        this.pinned = pinned;
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

    /** The file ids of shard {@code shardId} at the current version. */
    List<String> filesOf(String shardId) {
        return snapshot.filesOfShard(Snapshot.shardNumber(shardId)).stream().map(DataFile::fileId).toList();
    }

    /**
     * Recomputes which shards {@code w} can serve at the current version: those it is assigned or holds files of, whose
     * every file it proved. Keeps the index shard → trusted workers in step.
     */
    void refreshTrust(WorkerSession w) {
        Set<String> candidates = new LinkedHashSet<>(w.assigned);
        for (DataFile f : snapshot.files(w.granted)) {
            if (f.shard() >= 0) {
                candidates.add(Snapshot.shardId(f.shard()));
            }
        }
        candidates.addAll(w.trusted);
        for (String shardId : candidates) {
            // a draining worker still serves what it proved, until the new holders proved it too
            if (w.state != WorkerState.GONE && w.proved.containsAll(filesOf(shardId)) && !hasRejected(w, shardId)) {
                trust(w, shardId);
            } else {
                untrust(w, shardId);
            }
        }
        w.refreshState();
        if (w.state == WorkerState.TRUSTED && !w.proved.containsAll(sharedFiles(w).stream().map(DataFile::fileId).toList())) {
            w.state = WorkerState.DOWNLOADING; // an edge worker is ready once it can join with the replicated tables too
        }
    }

    private boolean hasRejected(WorkerSession w, String shardId) {
        for (String fileId : filesOf(shardId)) {
            if (w.rejected.contains(fileId)) {
                return true;
            }
        }
        return false;
    }

    private void trust(WorkerSession w, String shardId) {
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

    /** The workers that proved every current file of {@code shardId} (some may have left since: check their state). */
    Set<WorkerSession> provedBy(String shardId) {
        return trustedByShard.getOrDefault(shardId, Set.of());
    }

    /**
     * Takes back the files {@code w} was granted but no longer needs: files of shards placement moved away, once a
     * worker that needs them proved them, and files no version names any more; never a file a task of {@code w} still
     * reads or a version a running query pinned names. Returns the files taken back.
     */
    List<String> revokeUnneededFiles(WorkerSession w) {
        Set<String> needed = new java.util.HashSet<>();
        for (String shardId : w.assigned) {
            needed.addAll(filesOf(shardId));
        }
        for (DataFile f : sharedFiles(w)) {
            needed.add(f.fileId());
        }
        List<String> revoked = new ArrayList<>();
        for (String fileId : List.copyOf(w.granted)) {
            if (needed.contains(fileId) || w.runsTaskReading(fileId) || pinned.test(fileId)) {
                continue;
            }
            boolean current = snapshot.file(fileId).isPresent();
            // a draining worker also gives back what no live worker will ever take over (it was the last one)
            boolean handedOver = provedElsewhere(fileId, w)
                    || w.state == WorkerState.DRAINING && !neededByLiveWorker(fileId);
            if (!current || handedOver) {
                w.granted.remove(fileId);
                w.proved.remove(fileId);
                w.verifying.remove(fileId);
                w.nonces.remove(fileId);
                revoked.add(fileId);
            }
        }
        if (!revoked.isEmpty()) {
            refreshTrust(w);
        }
        return revoked;
    }

    /** The files every shard shares (replicated tables) when {@code w} holds edge partitions; else none. */
    List<DataFile> sharedFiles(WorkerSession w) {
        if (!w.hasLocalTables) {
            return List.of();
        }
        return snapshot.files().stream().filter(f -> f.shard() == DataFile.ALL_SHARDS).toList();
    }

    /** Whether a live worker other than {@code except}, that needs the file by placement, proved it. */
    private boolean provedElsewhere(String fileId, WorkerSession except) {
        DataFile file = snapshot.file(fileId).orElse(null);
        if (file == null) {
            return false;
        }
        for (WorkerSession o : workers.values()) {
            if (o != except && o.state.isLive() && o.proved.contains(fileId)
                    && o.assigned.stream().anyMatch(s -> file.belongsTo(Snapshot.shardNumber(s)))) {
                return true;
            }
        }
        return false;
    }

    /** Whether a live worker needs the file by placement (a draining worker keeps such a file until it is proved). */
    private boolean neededByLiveWorker(String fileId) {
        DataFile file = snapshot.file(fileId).orElse(null);
        return file != null && workers.values().stream().anyMatch(o -> o.state.isLive()
                && o.assigned.stream().anyMatch(s -> file.belongsTo(Snapshot.shardNumber(s))));
    }
}
