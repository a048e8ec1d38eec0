package io.mallard.coordinator.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which shards each live worker must hold: the top {@code replicas} of each shard's rendezvous order
 * ({@link RendezvousPlacement}). Every method runs under the registry's lock; a worker whose assignment changed is
 * woken, so that its next poll reply carries the grant or (once a new holder proved the shard) the revocation.
 */
final class Placement {
    private final ClusterState state;
    private final Mailbox mailbox;
    private final int replicas;

    Placement(ClusterState state, Mailbox mailbox, int replicas) {
        this.state = state;
        this.mailbox = mailbox;
        this.replicas = replicas;
    }

    /**
     * A joining worker can only displace: with rendezvous hashing a shard's new top R is the top R of its current
     * holders plus the newcomer. So a join costs O(shards × R) weights, not a full {@link #rebalance()}'s
     * O(shards × workers), which made registering the thousandth worker take seconds.
     */
    void placeNewcomer(WorkerSession newcomer) {
        Map<String, WorkerSession> workers = state.workers;
        Map<String, List<String>> holders = new HashMap<>();
        for (WorkerSession w : workers.values()) {
            if (w != newcomer && w.state.isLive()) {
                w.assigned.forEach(shardId -> holders.computeIfAbsent(shardId, k -> new ArrayList<>()).add(w.id));
            }
        }
        for (String shard : state.snapshot.shardIds()) {
            List<String> candidates = new ArrayList<>(holders.getOrDefault(shard, List.of()));
            candidates.add(newcomer.id);
            List<String> top = RendezvousPlacement.place(shard, candidates, replicas);
            for (String id : candidates) {
                if (!top.contains(id) && workers.get(id).assigned.remove(shard)) {
                    mailbox.wake(workers.get(id));
                }
            }
            if (top.contains(newcomer.id)) {
                newcomer.assigned.add(shard);
            }
        }
        workers.values().forEach(state::refreshTrust);
        mailbox.wake(newcomer);
        state.signalChange();
    }

    /**
     * Brings every live worker's assignment to its rendezvous placement after workers left: only shards that lost a
     * holder are placed again (O(workers) weights each), the rest keep their top R.
     */
    void rebalance() {
        Map<String, WorkerSession> workers = state.workers;
        List<String> live = workers.values().stream().filter(w -> w.state.isLive()).map(w -> w.id).toList();
        Map<String, List<String>> holders = new HashMap<>();
        for (WorkerSession w : workers.values()) {
            if (!w.state.isLive()) {
                w.assigned.clear();
            }
            w.assigned.forEach(shardId -> holders.computeIfAbsent(shardId, k -> new ArrayList<>()).add(w.id));
        }
        int wanted = Math.min(replicas, live.size());
        for (String shard : state.snapshot.shardIds()) {
            // joins are placed incrementally, so only a departure changes a top R: the shards that lost a holder
            List<String> current = holders.getOrDefault(shard, List.of());
            if (current.size() == wanted) {
                continue;
            }
            current.forEach(id -> workers.get(id).assigned.remove(shard));
            for (String id : RendezvousPlacement.place(shard, live, replicas)) {
                workers.get(id).assigned.add(shard);
            }
        }
        workers.values().forEach(state::refreshTrust);
        mailbox.wakeAll();
    }
}
