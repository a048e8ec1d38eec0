package io.mallard.coordinator.cluster;

import io.mallard.protocol.Messages.TaskSpec;
import io.mallard.protocol.TaskKey;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** The coordinator's record of one registered worker. Guarded by the lock of {@link ClusterState}. */
final class WorkerSession {
    final String id;
    final String name;
    final String token;
    final long pid;
    final int cpus;
    final long memoryBytes;
    final String version;
    /** What placement hashes: the worker's stable instance identity, or its session id when it has none. */
    final String placementKey;
    long lastSeenMillis;
    /**
     * Since when the worker owes the coordinator its next poll (its last one was answered and no new one arrived), or 0
     * while a poll of it is here. A healthy worker polls again within milliseconds of an answer.
     */
    long owesPollSince;
    /**
     * Silent for longer than the suspicion limit, or its connection broke: it gets no new tasks, and its running ones
     * are duplicated elsewhere, until it polls again. Not yet out of placement (that is the lease).
     */
    boolean suspected;
    /**
     * It declared local (edge) tables: it is granted the files every shard shares (replicated tables) whatever its shards,
     * so that its partitions can be joined with replicated tables on it.
     */
    boolean hasLocalTables;
    /** host:port of the worker's connection as the coordinator saw it (behind NAT: the NAT's address). */
    String address = "";
    /** The connection presented a worker certificate of the cluster CA naming this worker's name. */
    boolean certified;
    WorkerState state = WorkerState.REGISTERED;
    /** Shards placement gives this worker now. */
    final Set<String> assigned = new LinkedHashSet<>();
    /** Files the worker said in its last poll that it holds (verified on its disk). */
    Set<String> held = Set.of();
    /** Files for which a download grant was sent and not revoked. */
    final Set<String> granted = new LinkedHashSet<>();
    /** Files the worker reported downloaded and verified, awaiting proof. */
    final Set<String> verifying = new LinkedHashSet<>();
    /** Files the worker proved it holds: the only ones its tasks may read. */
    final Set<String> proved = new LinkedHashSet<>();
    /** Files whose bytes did not match, or whose proof failed. */
    final Set<String> rejected = new LinkedHashSet<>();
    /** Shards whose every file of the current version the worker proved: it can serve them now. */
    final Set<String> trusted = new LinkedHashSet<>();
    /** Outstanding nonces by file: single use. */
    final Map<String, String> nonces = new HashMap<>();
    final Deque<TaskSpec> tasks = new ArrayDeque<>();
    final Set<String> cancels = new LinkedHashSet<>();
    /** Tasks handed to the worker and not yet finished, with the files each reads. */
    final Map<TaskKey, java.util.List<String>> running = new java.util.LinkedHashMap<>();
    /** Single task attempts to cancel (a duplicate answered first, or the attempt was given up). */
    final Set<TaskKey> cancelledTasks = new LinkedHashSet<>();

    /** The worker's long-poll while it waits for something to pick up (tasks, grants, revocations, cancellations). */
    Mailbox.PendingPoll waiting;

    WorkerSession(String id, String name, String token, long pid, int cpus, long memoryBytes, String version, long now,
            String instance) {
        this.id = id;
        this.placementKey = instance == null || instance.isBlank() ? id : instance;
        this.name = name;
        this.token = token;
        this.pid = pid;
        this.cpus = cpus;
        this.memoryBytes = memoryBytes;
        this.version = version;
        this.lastSeenMillis = now;
    }

    /** Whether a task handed to this worker and not yet finished reads {@code fileId}. */
    boolean runsTaskReading(String fileId) {
        for (java.util.List<String> files : running.values()) {
            if (files.contains(fileId)) {
                return true;
            }
        }
        return false;
    }

    /** "w2 (edge-7, pid 1234)": how errors and logs name a worker. */
    String label() {
        return id + " (" + name + (pid > 0 ? ", pid " + pid : "") + ")";
    }

    /** The state as status views show it: a suspected live worker shows as suspected. */
    String displayState() {
        return suspected && state.isLive() ? "suspected" : state.name().toLowerCase();
    }

    /** Whether new tasks may go to this worker. */
    boolean takesTasks() {
        return state.isLive() && !suspected;
    }

    void refreshState() {
        if (!state.isLive()) {
            return;
        }
        if (trusted.containsAll(assigned)) {
            state = WorkerState.TRUSTED;
        } else if (!verifying.isEmpty()) {
            state = WorkerState.VERIFYING;
        } else {
            state = WorkerState.DOWNLOADING;
        }
    }
}
