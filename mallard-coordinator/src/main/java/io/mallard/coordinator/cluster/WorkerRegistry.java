package io.mallard.coordinator.cluster;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.security.Secrets;
import io.mallard.data.Manifest;
import io.mallard.data.ShardInfo;
import io.mallard.protocol.Messages.PollReply;
import io.mallard.protocol.Messages.ShardGrant;
import io.mallard.protocol.Messages.TaskSpec;
import io.mallard.protocol.Messages;
import io.mallard.protocol.ShardProofs;
import io.mallard.protocol.TaskKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Membership, placement and trust: who is registered, which shards each worker must hold (rendezvous hashing with
 * R replicas), which it has proved, and the per-worker mailbox that long-polls drain. One lock guards it all; the
 * critical sections are short and never do I/O except proof hashing of a local file.
 */
public final class WorkerRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerRegistry.class);

    private final Manifest manifest;
    private final Path dataDir;
    private final String joinToken;
    private final int replicas;
    private final long leaseMillis;
    private final long pollMillis;
    private final BiFunction<String, String, String> grantUrl;
    private final Consumer<String> onWorkerLost;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, WorkerSession> workers = new LinkedHashMap<>();
    /** Shard → the workers that proved it (guarded by the lock): a task finds its candidates in O(replicas), not O(workers). */
    private final Map<String, Set<WorkerSession>> trustedByShard = new HashMap<>();
    private final Map<String, String> workersByTokenHash = new java.util.concurrent.ConcurrentHashMap<>();
    private final Thread reaper;
    /** Answers long-polls at their deadline; its tasks are cancelled when mail answers them first. */
    private final ScheduledThreadPoolExecutor pollTimer;
    /** Poll answers decided under the lock, sent by the thread that releases it ({@link #unlock()}). */
    private final Queue<Runnable> outbox = new ConcurrentLinkedQueue<>();
    private int nextWorker = 1;
    private volatile boolean closed;

    /**
     * @param grantUrl     (shardId, workerId) → signed download URL
     * @param onWorkerLost called with a lost worker's label, outside the lock, after its lease expired
     */
    public WorkerRegistry(Manifest manifest, Path dataDir, String joinToken, int replicas, long leaseMillis,
            long pollMillis, BiFunction<String, String, String> grantUrl, Consumer<String> onWorkerLost) {
        this.manifest = manifest;
        this.dataDir = dataDir;
        this.joinToken = joinToken;
        this.replicas = replicas;
        this.leaseMillis = leaseMillis;
        this.pollMillis = pollMillis;
        this.grantUrl = grantUrl;
        this.onWorkerLost = onWorkerLost;
        this.pollTimer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "mallard-poll-timer");
            t.setDaemon(true);
            return t;
        });
        this.pollTimer.setRemoveOnCancelPolicy(true);
        this.reaper = new Thread(this::reapLoop, "mallard-lease-reaper");
        this.reaper.setDaemon(true);
        this.reaper.start();
    }

    public Messages.WorkerRegistered register(Messages.RegisterWorker request) {
        return register(request, "");
    }

    /** As {@link #register(Messages.RegisterWorker)}, noting the address the worker's connection came from. */
    public Messages.WorkerRegistered register(Messages.RegisterWorker request, String address) {
        if (!Secrets.constantTimeEquals(joinToken, request.joinToken())) {
            throw new MallardException(ErrorCode.AUTHENTICATION_FAILED, "invalid join token");
        }
        lock.lock();
        try {
            String id = "w" + nextWorker++;
            WorkerSession session = new WorkerSession(id, request.name(), Secrets.randomToken(32), request.pid(),
                    request.cpus(), request.memoryBytes(), request.version(), System.currentTimeMillis());
            session.address = address;
            workers.put(id, session);
            workersByTokenHash.put(tokenHash(session.token), id);
            placeNewcomer(session);
            LOG.info("worker {} registered{}", session.label(), address.isEmpty() ? "" : " from " + address);
            return new Messages.WorkerRegistered(id, session.token, leaseMillis, pollMillis);
        } finally {
            unlock();
        }
    }

    /**
     * The worker id owning a session token. Every worker call is authenticated here, so sessions are found by the
     * SHA-256 of their token (a lookup whose timing says nothing about the token), not by scanning all workers.
     */
    public Optional<String> workerForToken(String token) {
        String id = workersByTokenHash.get(tokenHash(token));
        if (id == null) {
            return Optional.empty();
        }
        lock.lock();
        try {
            WorkerSession w = workers.get(id);
            return w != null && w.state != WorkerState.GONE ? Optional.of(id) : Optional.empty();
        } finally {
            unlock();
        }
    }

    private static String tokenHash(String token) {
        return Secrets.sha256Hex(token.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Renews the lease and answers with what the worker must do, at once when there is something, else when something
     * arrives or the poll interval has passed. No thread waits meanwhile: the answer is sent by whichever thread puts
     * mail in the worker's box (after it releases the lock), or by the poll timer. With a thread parked per long-poll,
     * handing a query to 1,000 workers cost 1,000 thread wake-ups and as many turns at the lock.
     *
     * @param answer called once, outside the lock, with the reply
     */
    public void poll(String workerId, Consumer<PollReply> answer) {
        lock.lock();
        try {
            WorkerSession w = live(workerId);
            PendingPoll earlier = w.waiting;
            if (earlier != null) {
                // a worker has one poll outstanding: the earlier one (its call likely abandoned) is answered empty, so
                // that what the mailbox holds goes to this one
                w.waiting = null;
                earlier.timeout.cancel(false);
                outbox.add(() -> earlier.answer.accept(PollReply.empty()));
            }
            w.lastSeenMillis = System.currentTimeMillis();
            PollReply reply = drain(w);
            if (!reply.isEmpty() || closed || !w.state.isLive()) {
                outbox.add(() -> answer.accept(reply));
                return;
            }
            PendingPoll pending = new PendingPoll(answer);
            w.waiting = pending;
            pending.timeout = pollTimer.schedule(() -> expire(w, pending), pollMillis, TimeUnit.MILLISECONDS);
        } finally {
            unlock();
        }
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

    private void expire(WorkerSession w, PendingPoll pending) {
        lock.lock();
        try {
            if (w.waiting == pending) {
                answerWaiting(w, true);
            }
        } finally {
            unlock();
        }
    }

    /** Answers {@code w}'s waiting long-poll if there is mail for it, or {@code regardless}. Caller holds the lock. */
    private void answerWaiting(WorkerSession w, boolean regardless) {
        PendingPoll pending = w.waiting;
        if (pending == null) {
            return;
        }
        w.lastSeenMillis = System.currentTimeMillis();
        PollReply reply = drain(w);
        if (reply.isEmpty() && !regardless && !closed && w.state.isLive()) {
            return;
        }
        w.waiting = null;
        if (pending.timeout != null) {
            pending.timeout.cancel(false);
        }
        outbox.add(() -> pending.answer.accept(reply));
    }

    /** Wakes {@code w}'s long-poll, if one waits: it is answered if its mailbox holds anything. Caller holds the lock. */
    private void wake(WorkerSession w) {
        answerWaiting(w, false);
    }

    /**
     * Releases the lock and, when this thread no longer holds it, sends the poll answers queued meanwhile: encoding
     * and writing them is no business of the lock.
     */
    private void unlock() {
        lock.unlock();
        if (!lock.isHeldByCurrentThread()) {
            sendAnswers();
        }
    }

    /**
     * Sends the queued poll answers. Called after the lock is released, and, in the two places that wait on a
     * condition of the lock (a query waiting for a shard's holder, the lease reaper), before they wait.
     */
    private void sendAnswers() {
        for (Runnable send; (send = outbox.poll()) != null; ) {
            try {
                send.run();
            } catch (RuntimeException e) {
                // the worker's call ended meanwhile (cancelled, connection lost): its tasks come back as failures
                LOG.debug("a poll answer could not be sent: {}", e.toString());
            }
        }
    }

    /** A long-poll waiting for mail. Guarded by the lock. */
    static final class PendingPoll {
        final Consumer<PollReply> answer;
        ScheduledFuture<?> timeout;

        PendingPoll(Consumer<PollReply> answer) {
            this.answer = answer;
        }
    }

    private PollReply drain(WorkerSession w) {
        List<ShardGrant> grants = new ArrayList<>();
        for (String shardId : w.assigned) {
            if (w.granted.add(shardId)) {
                ShardInfo shard = manifest.shard(shardId).orElseThrow();
                grants.add(new ShardGrant(shardId, shard.dataset(), grantUrl.apply(shardId, w.id), shard.size(), shard.sha256()));
            }
        }
        List<String> revoked = new ArrayList<>();
        for (String shardId : List.copyOf(w.granted)) {
            // keep serving a moved shard until one of its new holders has proved it and its running tasks are done
            if (!w.assigned.contains(shardId) && trustedElsewhere(shardId, w.id) && !hasTaskOn(w, shardId)) {
                w.granted.remove(shardId);
                untrust(w, shardId);
                w.verifying.remove(shardId);
                revoked.add(shardId);
            }
        }
        List<TaskSpec> tasks = new ArrayList<>(w.tasks);
        w.tasks.clear();
        List<String> cancels = new ArrayList<>(w.cancels);
        w.cancels.clear();
        w.refreshState();
        return new PollReply(grants, revoked, tasks, cancels);
    }

    private static boolean hasTaskOn(WorkerSession w, String shardId) {
        return w.running.stream().anyMatch(key -> key.reads(shardId));
    }

    private boolean trustedElsewhere(String shardId, String exceptWorker) {
        return trustedByShard.getOrDefault(shardId, Set.of()).stream().anyMatch(o -> !o.id.equals(exceptWorker) && o.state.isLive()
                && o.assigned.contains(shardId) && o.trusted.contains(shardId));
    }

    /** The worker has the shard's bytes and verified their hash: issue a single-use nonce. */
    public Messages.Challenge shardReady(String workerId, String shardId) {
        lock.lock();
        try {
            WorkerSession w = live(workerId);
            if (!w.granted.contains(shardId)) {
                throw new MallardException(ErrorCode.PERMISSION_DENIED, "shard " + shardId + " is not granted to " + w.label());
            }
            String nonce = HexFormat.of().formatHex(Secrets.randomBytes(32));
            w.nonces.put(shardId, nonce);
            w.verifying.add(shardId);
            w.refreshState();
            return new Messages.Challenge(shardId, nonce);
        } finally {
            unlock();
        }
    }

    /** Checks SHA-256(nonce ‖ shard bytes) against the coordinator's copy; only then may the worker serve the shard. */
    public Messages.Ack prove(Messages.ShardProof proof) throws IOException {
        String expectedNonce;
        ShardInfo shard;
        lock.lock();
        try {
            WorkerSession w = live(proof.workerId());
            expectedNonce = w.nonces.remove(proof.shardId());
            shard = manifest.shard(proof.shardId()).orElse(null);
        } finally {
            unlock();
        }
        if (expectedNonce == null || shard == null || !Secrets.constantTimeEquals(expectedNonce, proof.nonce())) {
            return new Messages.Ack(false, "no outstanding challenge for shard " + proof.shardId());
        }
        String expected = ShardProofs.digest(expectedNonce, dataDir.resolve(shard.file()));
        boolean ok = Secrets.constantTimeEquals(expected, proof.digest());
        lock.lock();
        try {
            WorkerSession w = live(proof.workerId());
            w.verifying.remove(proof.shardId());
            if (ok && w.granted.contains(proof.shardId())) {
                w.trusted.add(proof.shardId());
                trustedByShard.computeIfAbsent(proof.shardId(), k -> new LinkedHashSet<>()).add(w);
                LOG.info("worker {} proved shard {}", w.label(), proof.shardId());
            } else {
                w.rejected.add(proof.shardId());
                LOG.warn("worker {} failed the proof for shard {}", w.label(), proof.shardId());
            }
            w.refreshState();
            changed.signalAll(); // queries waiting for a trusted holder
            // earlier holders of a moved shard may now hand it back
            workers.values().stream().filter(o -> o.granted.contains(proof.shardId()) && !o.assigned.contains(proof.shardId()))
                    .forEach(this::wake);
        } finally {
            unlock();
        }
        return new Messages.Ack(ok, ok ? "trusted" : "proof of possession failed for shard " + proof.shardId());
    }

    public void shardRejected(Messages.ShardRejected rejected) {
        lock.lock();
        try {
            WorkerSession w = live(rejected.workerId());
            w.rejected.add(rejected.shardId());
            w.verifying.remove(rejected.shardId());
            w.refreshState();
            LOG.warn("worker {} rejected shard {}: {}", w.label(), rejected.shardId(), rejected.reason());
        } finally {
            unlock();
        }
    }

    public void leaving(String workerId) {
        lock.lock();
        try {
            WorkerSession w = workers.get(workerId);
            if (w != null && w.state.isLive()) {
                w.state = WorkerState.DRAINING;
                rebalance();
            }
        } finally {
            unlock();
        }
    }

    /**
     * Picks a trusted worker holding the shard (fewest running tasks first), waiting up to {@code waitMillis} for one
     * to appear, and hands it the task. Returns the chosen worker's label.
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
     * Hands out all of a query's tasks under one acquisition of the lock: for each, a trusted live worker holding its
     * shard (fewest running tasks first, counting the tasks just handed out). Each chosen worker's long-poll is woken
     * once, after all of its tasks are queued, so it takes them in one poll reply. {@code chosen} is called with the
     * worker's id before a task becomes visible to that worker, {@code assigned} after. When some shard has no
     * trusted holder, waits up to {@code waitMillis} for one to appear (the tasks handed out so far are already on
     * their way) and then fails with NO_WORKER_FOR_SHARD.
     */
    public void assignAll(List<TaskSpec> tasks, long waitMillis, BiConsumer<TaskSpec, String> chosen,
            BiConsumer<TaskSpec, Assignment> assigned) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        Set<WorkerSession> woken = new LinkedHashSet<>();
        lock.lock();
        try {
            for (TaskSpec task : tasks) {
                while (true) {
                    WorkerSession best = leastBusyHolder(task.shardId());
                    if (best != null) {
                        chosen.accept(task, best.id);
                        best.tasks.add(task);
                        best.running.add(task.taskKey());
                        woken.add(best);
                        assigned.accept(task, new Assignment(best.id, best.label()));
                        break;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || closed) {
                        throw new MallardException(ErrorCode.NO_WORKER_FOR_SHARD, "no trusted worker holds shard "
                                + task.shardId() + " (" + placementNote(task.shardId()) + ")");
                    }
                    signal(woken); // what is handed out already need not wait for this shard
                    sendAnswers();
                    changed.awaitNanos(left);
                }
            }
        } finally {
            signal(woken);
            unlock();
        }
    }

    /** The live worker trusted with {@code shardId} that runs the fewest tasks (a holder by placement first), or null. */
    private WorkerSession leastBusyHolder(String shardId) {
        WorkerSession best = null;
        for (WorkerSession w : trustedByShard.getOrDefault(shardId, Set.of())) {
            if (!w.state.isLive() || !w.trusted.contains(shardId)) {
                continue;
            }
            if (best == null || w.running.size() < best.running.size() || w.running.size() == best.running.size()
                    && w.assigned.contains(shardId) && !best.assigned.contains(shardId)) {
                best = w;
            }
        }
        return best;
    }

    /** Wakes each worker's long-poll once (only theirs: waking all of them costs O(workers) per query). */
    private void signal(Set<WorkerSession> workers) {
        for (WorkerSession w : workers) {
            wake(w);
        }
        workers.clear();
    }

    private void untrust(WorkerSession w, String shardId) {
        w.trusted.remove(shardId);
        Set<WorkerSession> holders = trustedByShard.get(shardId);
        if (holders != null) {
            holders.remove(w);
            if (holders.isEmpty()) {
                trustedByShard.remove(shardId);
            }
        }
    }

    /** Which worker a task went to. */
    public record Assignment(String workerId, String label) {
    }

    private String placementNote(String shardId) {
        List<String> holders = workers.values().stream().filter(w -> w.assigned.contains(shardId))
                .map(w -> w.label() + " is " + w.state.name().toLowerCase()
                        + (w.rejected.contains(shardId) ? ", shard rejected" : ""))
                .toList();
        return holders.isEmpty() ? "no live worker is assigned to it" : "assigned: " + String.join("; ", holders);
    }

    public void taskFinished(String workerId, TaskKey taskKey) {
        lock.lock();
        try {
            WorkerSession w = workers.get(workerId);
            if (w != null) {
                w.running.remove(taskKey);
            }
        } finally {
            unlock();
        }
    }

    public void cancelQuery(String workerId, String queryId) {
        lock.lock();
        try {
            WorkerSession w = workers.get(workerId);
            if (w != null && w.state.isLive()) {
                w.tasks.removeIf(t -> t.queryId().equals(queryId));
                w.cancels.add(queryId);
                wake(w);
            }
        } finally {
            unlock();
        }
    }


    public Messages.ClusterStatus status() {
        lock.lock();
        try {
            long now = System.currentTimeMillis();
            List<Messages.WorkerView> views = workers.values().stream()
                    .map(w -> new Messages.WorkerView(w.id, w.name, w.state.name().toLowerCase(), List.copyOf(w.assigned),
                            List.copyOf(w.trusted), now - w.lastSeenMillis, w.cpus, w.memoryBytes, w.running.size(),
                            w.version, w.address))
                    .toList();
            List<Messages.ShardView> shards = manifest.allShards().stream()
                    .map(s -> new Messages.ShardView(s.id(), s.dataset(), s.size(), s.sha256(), workers.values().stream()
                            .filter(w -> w.state.isLive() && w.trusted.contains(s.id())).map(w -> w.id).toList()))
                    .toList();
            return new Messages.ClusterStatus(views, shards);
        } finally {
            unlock();
        }
    }

    private WorkerSession live(String workerId) {
        WorkerSession w = workers.get(workerId);
        if (w == null || w.state == WorkerState.GONE) {
            throw new MallardException(ErrorCode.AUTHENTICATION_FAILED, "worker " + workerId + " is not registered (lease expired?)");
        }
        return w;
    }

    /**
     * A joining worker can only displace: with rendezvous hashing a shard's new top R is the top R of its current
     * holders plus the newcomer. So a join costs O(shards × R) weights, not a full {@link #rebalance()}'s
     * O(shards × workers), which made registering the thousandth worker take seconds. Caller holds the lock.
     */
    private void placeNewcomer(WorkerSession newcomer) {
        Map<String, List<String>> holders = new HashMap<>();
        for (WorkerSession w : workers.values()) {
            if (w != newcomer && w.state.isLive()) {
                w.assigned.forEach(shardId -> holders.computeIfAbsent(shardId, k -> new ArrayList<>()).add(w.id));
            }
        }
        for (ShardInfo shard : manifest.allShards()) {
            List<String> candidates = new ArrayList<>(holders.getOrDefault(shard.id(), List.of()));
            candidates.add(newcomer.id);
            List<String> top = RendezvousPlacement.place(shard.id(), candidates, replicas);
            for (String id : candidates) {
                if (!top.contains(id) && workers.get(id).assigned.remove(shard.id())) {
                    wake(workers.get(id));
                }
            }
            if (top.contains(newcomer.id)) {
                newcomer.assigned.add(shard.id());
            }
        }
        workers.values().forEach(WorkerSession::refreshState);
        wake(newcomer);
        changed.signalAll();
    }

    /**
     * Brings every live worker's assignment to its rendezvous placement after workers left: only shards that lost a
     * holder are placed again (O(workers) weights each), the rest keep their top R. Caller holds the lock.
     */
    private void rebalance() {
        List<String> live = workers.values().stream().filter(w -> w.state.isLive()).map(w -> w.id).toList();
        Map<String, List<String>> holders = new HashMap<>();
        for (WorkerSession w : workers.values()) {
            if (!w.state.isLive()) {
                w.assigned.clear();
            }
            w.assigned.forEach(shardId -> holders.computeIfAbsent(shardId, k -> new ArrayList<>()).add(w.id));
        }
        int wanted = Math.min(replicas, live.size());
        for (ShardInfo shard : manifest.allShards()) {
            // joins are placed incrementally, so only a departure changes a top R: the shards that lost a holder
            List<String> current = holders.getOrDefault(shard.id(), List.of());
            if (current.size() == wanted) {
                continue;
            }
            current.forEach(id -> workers.get(id).assigned.remove(shard.id()));
            for (String id : RendezvousPlacement.place(shard.id(), live, replicas)) {
                workers.get(id).assigned.add(shard.id());
            }
        }
        workers.values().forEach(WorkerSession::refreshState);
        wakeAll();
    }

    /** Wakes every long-poll and every query waiting for a worker. Caller holds the lock. */
    private void wakeAll() {
        workers.values().forEach(this::wake);
        changed.signalAll();
    }

    private void reapLoop() {
        while (!closed) {
            List<String> lost = new ArrayList<>();
            lock.lock();
            try {
                long now = System.currentTimeMillis();
                for (WorkerSession w : workers.values()) {
                    if (w.state != WorkerState.GONE && now - w.lastSeenMillis > leaseMillis) {
                        w.state = WorkerState.GONE;
                        for (String shardId : List.copyOf(w.trusted)) {
                            untrust(w, shardId);
                        }
                        lost.add(w.id);
                        LOG.warn("worker {} missed its lease ({} ms): out of rotation", w.label(), leaseMillis);
                    }
                }
                if (!lost.isEmpty()) {
                    rebalance();
                    sendAnswers();
                }
                changed.awaitNanos(TimeUnit.MILLISECONDS.toNanos(Math.max(50, leaseMillis / 10)));
            } catch (InterruptedException e) {
                return;
            } finally {
                unlock();
            }
            lost.forEach(onWorkerLost);
        }
    }

    /** The label of a worker, for error messages. */
    public String label(String workerId) {
        lock.lock();
        try {
            WorkerSession w = workers.get(workerId);
            return w == null ? workerId : w.label();
        } finally {
            unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        lock.lock();
        try {
            wakeAll();
        } finally {
            unlock();
        }
        reaper.interrupt();
        pollTimer.shutdownNow();
    }
}
