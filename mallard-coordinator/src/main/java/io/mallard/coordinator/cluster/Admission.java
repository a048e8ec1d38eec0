package io.mallard.coordinator.cluster;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.security.Secrets;
import io.mallard.protocol.Messages;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Who may join and who leaves: the join token, worker ids and session tokens, and a clean departure. */
final class Admission {
    private static final Logger LOG = LoggerFactory.getLogger(Admission.class);

    private final ClusterState state;
    private final Placement placement;
    private final Mailbox mailbox;
    private final String joinToken;
    private final long leaseMillis;
    private final long pollMillis;
    private final TrustTotals totals;
    private final java.util.function.Consumer<String> onReplaced;
    /** SHA-256 of a session token → worker id. */
    private final Map<String, String> workersByTokenHash = new ConcurrentHashMap<>();
    /** Guarded by the lock. */
    private int nextWorker = 1;

    /** @param onReplaced called, outside the lock, with the id of a session a new registration of its worker ended */
    Admission(ClusterState state, Placement placement, Mailbox mailbox, String joinToken, long leaseMillis,
            long pollMillis, java.util.function.Consumer<String> onReplaced, TrustTotals totals) {
        this.onReplaced = onReplaced;
        this.state = state;
        this.placement = placement;
        this.mailbox = mailbox;
        this.joinToken = joinToken;
        this.leaseMillis = leaseMillis;
        this.pollMillis = pollMillis;
        this.totals = totals;
    }

    /** Admits a worker that knows the join token, gives it an id and a session token, and places shards on it. */
    Messages.WorkerRegistered register(Messages.RegisterWorker request, String address, boolean certified) {
        if (!Secrets.constantTimeEquals(joinToken, request.joinToken())) {
            totals.joinsRefused.increment();
            // never the token itself: only who tried, from where
            LOG.warn("refused worker {} (pid {}){}: invalid join token", request.name(), request.pid(),
                    address.isEmpty() ? "" : " from " + address);
            throw new MallardException(ErrorCode.AUTHENTICATION_FAILED, "invalid join token");
        }
        state.memberHook.admit(request); // its local tables: refused here, before it has a session
        String token = Secrets.randomToken(32);
        String tokenHash = tokenHash(token);
        List<String> replaced = new java.util.ArrayList<>();
        List<String> sameName = new java.util.ArrayList<>();
        WorkerSession session = state.locked(() -> {
            String id = "w" + nextWorker++;
            WorkerSession w = new WorkerSession(id, request.name(), token, request.pid(), request.cpus(),
                    request.memoryBytes(), request.version(), System.currentTimeMillis(), request.instance());
            w.address = address;
            w.certified = certified;
            w.hasLocalTables = !request.localTables().isEmpty();
            for (WorkerSession old : state.workers.values()) {
                // the same worker registering again (it lost its session): the old session is over, its tasks with it
                if (old.state.isLive() && old.placementKey.equals(w.placementKey)) {
                    old.state = WorkerState.GONE;
                    old.assigned.clear();
                    state.refreshTrust(old);
                    replaced.add(old.id);
                }
            }
            for (WorkerSession other : state.workers.values()) {
                if (other.state != WorkerState.GONE && other.name.equals(w.name)) {
                    sameName.add(other.label());
                }
            }
            state.workers.put(id, w);
            workersByTokenHash.put(tokenHash, id);
            placement.placeNewcomer(w);
            return w;
        });
        LOG.info("worker {} registered{}{}", session.label(), address.isEmpty() ? "" : " from " + address,
                replaced.isEmpty() ? "" : ", replacing its earlier session " + replaced);
        if (!sameName.isEmpty()) {
            // names are labels: the new registration gets its own id, and mallard.workers marks both (duplicate_name)
            LOG.warn("worker {} registered under a name other workers use too: {}", session.label(), sameName);
        }
        state.memberHook.joined(session.id, request);
        replaced.forEach(onReplaced);
        return new Messages.WorkerRegistered(session.id, token, leaseMillis, pollMillis);
    }

    /**
     * The worker id owning a session token. Every worker call is authenticated here, so sessions are found by the
     * SHA-256 of their token (a lookup whose timing says nothing about the token), not by scanning all workers.
     */
    Optional<String> workerForToken(String token) {
        String id = workersByTokenHash.get(tokenHash(token));
        if (id == null) {
            return Optional.empty();
        }
        return state.locked(() -> {
            WorkerSession w = state.workers.get(id);
            return w != null && w.state != WorkerState.GONE ? Optional.of(id) : Optional.empty();
        });
    }

    /**
     * A worker says it leaves. A live worker drains (no new tasks but for shards nobody else holds yet; its shards are
     * placed on the others and taken back from it once their new holders proved them). A draining worker says so again
     * when it stops (drained, or its drain timed out): it is gone at once, without waiting for its lease, and whatever
     * it still ran is run elsewhere as for a lost worker.
     */
    void leaving(String workerId) {
        record Left(String label, boolean busy) {
        }
        Left left = state.locked(() -> {
            WorkerSession w = state.workers.get(workerId);
            if (w == null || w.state == WorkerState.GONE) {
                return null;
            }
            if (w.state == WorkerState.DRAINING) {
                boolean busy = !w.running.isEmpty();
                w.state = WorkerState.GONE;
                w.granted.clear();
                for (String shardId : java.util.List.copyOf(w.trusted)) {
                    state.untrust(w, shardId);
                }
                placement.rebalance();
                return new Left(w.label(), busy);
            }
            drain(w);
            return null;
        });
        if (left != null) {
            LOG.info("worker {} drained and left{}", left.label(), left.busy() ? " with tasks still running" : "");
            if (left.busy()) {
                onReplaced.accept(workerId); // its tasks run elsewhere, or their queries fail naming the shard
            }
        }
    }

    /**
     * Drains a worker named by id or name (its newest registration that is not gone), as an administrator asks: it
     * hears of it in its next poll reply. Returns how it stands.
     */
    String drain(String worker) {
        String outcome = state.locked(() -> {
            WorkerSession w = state.workers.values().stream()
                    .filter(o -> o.state != WorkerState.GONE && (o.id.equals(worker) || o.name.equals(worker)))
                    .reduce((first, second) -> second)
                    .orElseThrow(() -> new MallardException(ErrorCode.INVALID_ARGUMENT, "no live worker " + worker));
            drain(w);
            return w.label() + " is draining: " + w.trusted.size() + " shards to hand over, " + w.running.size()
                    + " tasks running";
        });
        LOG.info("{}", outcome);
        return outcome;
    }

    /** Caller holds the lock. */
    private void drain(WorkerSession w) {
        if (w.state.isLive()) {
            w.state = WorkerState.DRAINING;
            placement.rebalance();
        }
        mailbox.answerNow(w); // it hears at once that it drains
    }

    private static String tokenHash(String token) {
        return Secrets.sha256Hex(token.getBytes(StandardCharsets.UTF_8));
    }
}
