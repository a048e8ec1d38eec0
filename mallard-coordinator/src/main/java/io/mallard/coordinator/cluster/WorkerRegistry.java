package io.mallard.coordinator.cluster;

import io.mallard.data.table.DataFile;
import io.mallard.data.table.Snapshot;
import io.mallard.protocol.Messages;
import io.mallard.protocol.Messages.PollReply;
import io.mallard.protocol.Messages.TaskSpec;
import io.mallard.protocol.TaskKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The cluster's membership as the rest of the coordinator sees it: who is registered ({@link Admission}), which shards
 * each worker must hold ({@link Placement}), which of their files it proved ({@link Trust}), what its long-poll carries
 * ({@link Mailbox}), which tasks it runs ({@link TaskAssignment}), and who missed the lease ({@link LeaseReaper}). The
 * parts share one {@link ClusterState} and its lock; nothing is sent while the lock is held.
 */
public final class WorkerRegistry implements AutoCloseable {
    private final TrustTotals totals = new TrustTotals();
    private final ClusterState state;
    private final Mailbox mailbox;
    private final Admission admission;
    private final Trust trust;
    private final TaskAssignment assignment;
    private final LeaseReaper reaper;

    /**
     * What else a joining worker must pass: its local (edge) tables are checked after its join token and before it gets
     * a session ({@code admit} may refuse it), and recorded once it has one ({@code joined}). Both run outside the lock.
     */
    public interface MemberHook {
        MemberHook NONE = new MemberHook() {
            @Override
            public void admit(Messages.RegisterWorker request) {
            }

            @Override
            public void joined(String workerId, Messages.RegisterWorker request) {
            }
        };

        void admit(Messages.RegisterWorker request);

        void joined(String workerId, Messages.RegisterWorker request);
    }

    /**
     * Edge partitions: {@code holders} maps an edge partition id to the one worker that may answer it; {@code hook}
     * admits joining workers' local tables.
     */
    public void useEdgePartitions(java.util.function.Function<String, String> holders, MemberHook hook) {
        state.edgeHolder = holders;
        state.memberHook = hook;
    }

    /** Which worker a task went to. */
    public record Assignment(String workerId, String label) {
    }

    /**
     * @param snapshot     the catalog's current version (later ones come through {@link #onSnapshot})
     * @param localCopy    the coordinator's local copy of a stored file, to check proofs against
     * @param grantUrl     (file, workerId) → signed download URL
     * @param onWorkerLost called with a lost worker's id, outside the lock, after its lease expired
     */
    public WorkerRegistry(Snapshot snapshot, Function<DataFile, Path> localCopy, String joinToken, int replicas,
            long leaseMillis, long pollMillis, BiFunction<DataFile, String, String> grantUrl, Consumer<String> onWorkerLost) {
        this(snapshot, localCopy, joinToken, replicas, leaseMillis, pollMillis, grantUrl, onWorkerLost, fileId -> false);
    }

    /**
     * As above, keeping with the workers the files that {@code pinned} names although the current version no longer
     * does: a query that pinned an older version may still hand out tasks that read them.
     */
    public WorkerRegistry(Snapshot snapshot, Function<DataFile, Path> localCopy, String joinToken, int replicas,
            long leaseMillis, long pollMillis, BiFunction<DataFile, String, String> grantUrl, Consumer<String> onWorkerLost,
            java.util.function.Predicate<String> pinned) {
        this(snapshot, localCopy, joinToken, replicas, new Liveness(leaseMillis, pollMillis, leaseMillis), 0, grantUrl,
                onWorkerLost, id -> { }, pinned);
    }

    /**
     * How the registry judges workers alive.
     *
     * @param leaseMillis   a worker silent for longer is gone: out of placement
     * @param pollMillis    longest a long-poll waits for mail
     * @param suspectMillis a worker that owes its next poll for longer is suspected: no new tasks, its running ones
     *                      duplicated elsewhere, until it polls again
     */
    public record Liveness(long leaseMillis, long pollMillis, long suspectMillis) {
    }

    /**
     * @param holdBackMillis    for this long after start a worker is granted only the files it says it holds: after a
     *                          restart of the coordinator the workers register one by one, and the first would
     *                          otherwise be granted (and download) every shard before the others are back
     * @param onWorkerSuspected called with a worker's id, outside the lock, when it became suspected (silent past the
     *                          suspicion limit, or its connection broke)
     * @param pinned            file ids that a version a running query pinned names (kept with their workers)
     */
    public WorkerRegistry(Snapshot snapshot, Function<DataFile, Path> localCopy, String joinToken, int replicas,
            Liveness liveness, long holdBackMillis, BiFunction<DataFile, String, String> grantUrl,
            Consumer<String> onWorkerLost, Consumer<String> onWorkerSuspected, java.util.function.Predicate<String> pinned) {
        long leaseMillis = liveness.leaseMillis();
        long pollMillis = liveness.pollMillis();
        this.state = new ClusterState(snapshot, pinned);
        this.mailbox = new Mailbox(state, grantUrl, pollMillis, holdBackMillis);
        Placement placement = new Placement(state, mailbox, replicas);
        this.admission = new Admission(state, placement, mailbox, joinToken, leaseMillis, pollMillis, onWorkerLost,
                totals);
        this.trust = new Trust(state, mailbox, localCopy, totals);
        this.assignment = new TaskAssignment(state, mailbox);
        this.reaper = new LeaseReaper(state, placement, leaseMillis, liveness.suspectMillis(), onWorkerLost,
                onWorkerSuspected);
    }

    // ---- admission

    public Messages.WorkerRegistered register(Messages.RegisterWorker request) {
        return register(request, "");
    }

    /** As {@link #register(Messages.RegisterWorker)}, noting the address the worker's connection came from. */
    public Messages.WorkerRegistered register(Messages.RegisterWorker request, String address) {
        return admission.register(request, address, false);
    }

    /**
     * As {@link #register(Messages.RegisterWorker, String)}; {@code certified}: the worker's connection presented a
     * certificate of the cluster CA naming a worker of the registered name.
     */
    public Messages.WorkerRegistered register(Messages.RegisterWorker request, String address, boolean certified) {
        return admission.register(request, address, certified);
    }

    /** The worker id owning a session token, if that worker is not gone. */
    public Optional<String> workerForToken(String token) {
        return admission.workerForToken(token);
    }

    /** The worker leaves: it drains, or, drained already, is gone. */
    public void leaving(String workerId) {
        admission.leaving(workerId);
    }

    /**
     * An administrator drains a worker (by id or name): no new tasks but for shards no one else holds yet, its shards
     * placed on the others; it hears of it in its next poll reply, hands its shards over and leaves. Returns how it
     * stands; INVALID_ARGUMENT when no such worker is live.
     */
    public String drain(String worker) {
        return admission.drain(worker);
    }

    // ---- mailbox

    /**
     * Renews the lease and answers with what the worker must do, at once when there is something, else when something
     * arrives or the poll interval has passed. No thread waits meanwhile.
     *
     * @param answer called once, outside the lock, with the reply
     */
    public void poll(String workerId, Consumer<PollReply> answer) {
        poll(workerId, List.of(), answer);
    }

    /** As {@link #poll(String, Consumer)}, noting the files the worker says it holds ({@code Poll.held}). */
    public void poll(String workerId, List<String> held, Consumer<PollReply> answer) {
        mailbox.poll(workerId, held, answer);
    }

    /** {@link #poll(String, Consumer)}, waiting for the answer in this thread. */
    public PollReply poll(String workerId) throws InterruptedException {
        CompletableFuture<PollReply> reply = new CompletableFuture<>();
        poll(workerId, reply::complete);
        try {
            return reply.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The worker's long-poll call broke off (connection closed or reset): it is suspected at once. */
    public void connectionLost(String workerId) {
        reaper.connectionLost(workerId);
    }

    // ---- trust

    /** The worker has a file's bytes and verified their hash: issue a single-use nonce. */
    public Messages.Challenge fileReady(String workerId, String fileId) {
        return trust.fileReady(workerId, fileId);
    }

    /** Checks SHA-256(nonce ‖ file bytes) against the coordinator's copy; only then may the worker read the file. */
    public Messages.Ack prove(Messages.FileProof proof) throws IOException {
        return trust.prove(proof);
    }

    public void fileRejected(Messages.FileRejected rejected) {
        trust.fileRejected(rejected);
    }

    /**
     * A new version was committed: workers are granted the files their shards gained, and a shard is served only by
     * workers that proved all of its new files (queries pinned to the older version still find its holders).
     */
    public void onSnapshot(Snapshot snapshot) {
        state.locked(() -> {
            state.snapshot = snapshot;
            state.workers.values().forEach(state::refreshTrust);
            mailbox.wakeAll();
        });
    }

    /** The version the registry places and grants. */
    public Snapshot snapshot() {
        return state.locked(() -> state.snapshot);
    }

    // ---- tasks

    /**
     * Picks a trusted worker holding the shard (fewest running tasks first), waiting up to {@code waitMillis} for one
     * to appear, and hands it the task.
     */
    public Assignment assign(TaskSpec task, long waitMillis) throws InterruptedException {
        return assign(task, waitMillis, workerId -> { });
    }

    /**
     * As {@link #assign(TaskSpec, long)}, calling {@code chosen} with the worker's id before the task becomes visible
     * to it, so the caller's bookkeeping is in place before the worker can answer.
     */
    public Assignment assign(TaskSpec task, long waitMillis, Consumer<String> chosen) throws InterruptedException {
        Assignment[] assigned = new Assignment[1];
        assignAll(List.of(task), waitMillis, (t, id) -> chosen.accept(id), (t, a) -> assigned[0] = a);
        return assigned[0];
    }

    /**
     * Hands out all of a query's tasks at once, each to a trusted live worker holding its shard (fewest running tasks
     * first, counting the tasks just handed out); each chosen worker takes all of its tasks in one poll reply.
     * {@code chosen} is called with the worker's id before a task becomes visible to that worker, {@code assigned}
     * after. When some shard has no trusted holder, waits up to {@code waitMillis} for one to appear (the tasks handed
     * out so far are already on their way) and then fails with NO_WORKER_FOR_SHARD.
     */
    public void assignAll(List<TaskSpec> tasks, long waitMillis, BiConsumer<TaskSpec, String> chosen,
            BiConsumer<TaskSpec, Assignment> assigned) throws InterruptedException {
        assignment.assignAll(tasks, waitMillis, chosen, assigned);
    }

    /**
     * Hands one task at once to the least busy live worker that proved its shard and is not in {@code excluded}, calling
     * {@code chosen} with its id before the worker can see the task; empty, handing out nothing, when there is none.
     */
    public Optional<Assignment> assignElsewhere(TaskSpec task, Set<String> excluded, Consumer<String> chosen) {
        return assignment.assignElsewhere(task, excluded, chosen);
    }

    /** Tells the worker to drop one task attempt (taken back at once if it has not picked it up yet). */
    public void cancelTask(String workerId, TaskKey task) {
        assignment.cancelTask(workerId, task);
    }

    /** The task's attempt ended on the worker (answered, failed, or given up). */
    public void taskFinished(String workerId, TaskKey task) {
        assignment.taskFinished(workerId, task);
    }

    /** Tells the worker to drop the query's tasks. */
    public void cancelQuery(String workerId, String queryId) {
        assignment.cancelQuery(workerId, queryId);
    }

    // ---- views

    /** Files verified, proofs accepted and failed, joins refused since start. */
    public TrustTotals trustTotals() {
        return totals;
    }

    /** Workers with their state and shards, and shards with the workers that proved them. */
    public Messages.ClusterStatus status() {
        return state.locked(() -> {
            long now = System.currentTimeMillis();
            List<Messages.WorkerView> views = state.workers.values().stream()
                    .map(w -> new Messages.WorkerView(w.id, w.name, w.displayState(), List.copyOf(w.assigned),
                            List.copyOf(w.trusted), now - w.lastSeenMillis, w.cpus, w.memoryBytes, w.running.size(),
                            w.version, w.address, w.pid, w.certified, w.state != WorkerState.GONE
                                    && state.workers.values().stream().anyMatch(o -> o != w
                                            && o.state != WorkerState.GONE && o.name.equals(w.name))))
                    .toList();
            List<Messages.ShardView> shards = state.snapshot.shardIds().stream().map(id -> {
                List<DataFile> files = state.snapshot.filesOfShard(Snapshot.shardNumber(id));
                return new Messages.ShardView(id, files.size(), files.stream().mapToLong(DataFile::size).sum(),
                        state.workers.values().stream().filter(w -> w.state.isLive() && w.trusted.contains(id))
                                .map(w -> w.id).toList());
            }).toList();
            return new Messages.ClusterStatus(views, shards);
        });
    }

    /** Whether {@code workerId} names a registered worker that is not gone (draining workers still hand files over). */
    public boolean isMember(String workerId) {
        return workerId != null && state.locked(() -> {
            WorkerSession w = state.workers.get(workerId);
            return w != null && w.state != WorkerState.GONE;
        });
    }

    /** When the worker last polled (epoch millis), also after it left; 0 for an unknown id. */
    public long lastSeenMillis(String workerId) {
        return state.locked(() -> {
            WorkerSession w = state.workers.get(workerId);
            return w == null ? 0L : w.lastSeenMillis;
        });
    }

    /** The name a worker registered under, or null when no such worker ever registered. */
    public String nameOf(String workerId) {
        return state.locked(() -> {
            WorkerSession w = state.workers.get(workerId);
            return w == null ? null : w.name;
        });
    }

    /** The label of a worker, for error messages: "w2 (edge-7, pid 1234)". */
    public String label(String workerId) {
        return state.locked(() -> {
            WorkerSession w = state.workers.get(workerId);
            return w == null ? workerId : w.label();
        });
    }

    /** Answers every waiting long-poll and query, and stops the timers. */
    @Override
    public void close() {
        state.closed = true;
        state.locked(mailbox::wakeAll);
        reaper.close();
        mailbox.close();
    }
}
