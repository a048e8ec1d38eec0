package io.mallard.coordinator.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which shards each live worker must hold: the top {@code replicas} of each shard's rendezvous order
 * ({@link RendezvousPlacement}) over the workers' placement keys (their stable instance identities, so that a worker
 * registering again is given the same shards). Every method runs under the registry's lock; a worker whose assignment
 * changed is woken, so that its next poll reply carries the grants or (once a new holder proved the files) the
 * revocations.
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
        Map<String, WorkerSession> byKey = liveByKey();
        Map<String, List<String>> holders = new HashMap<>();
        for (WorkerSession w : byKey.values()) {
            if (w != newcomer) {
                w.assigned.forEach(shardId -> holders.computeIfAbsent(shardId, k -> new ArrayList<>()).add(w.placementKey));
            }
        }
        for (String shard : state.snapshot.shardIds()) {
            List<String> candidates = new ArrayList<>(holders.getOrDefault(shard, List.of()));
            candidates.add(newcomer.placementKey);
            List<String> top = RendezvousPlacement.place(shard, candidates, replicas);
            for (String key : candidates) {
                WorkerSession w = byKey.get(key);
                if (!top.contains(key) && w.assigned.remove(shard)) {
                    mailbox.wake(w);
                }
            }
            if (top.contains(newcomer.placementKey)) {
                newcomer.assigned.add(shard);
            }
        }
        state.workers.values().forEach(state::refreshTrust);
        mailbox.wake(newcomer);
        state.signalChange();
    }

    /**
     * Brings every live worker's assignment to its rendezvous placement after workers left: only shards that lost a
     * holder are placed again (O(workers) weights each), the rest keep their top R.
     */
    void rebalance() {
        Map<String, WorkerSession> byKey = liveByKey();
        List<String> live = List.copyOf(byKey.keySet());
        Map<String, List<String>> holders = new HashMap<>();
        for (WorkerSession w : state.workers.values()) {
            if (!w.state.isLive()) {
                w.assigned.clear();
            }
        }
        for (WorkerSession w : byKey.values()) {
            w.assigned.forEach(shardId -> holders.computeIfAbsent(shardId, k -> new ArrayList<>()).add(w.placementKey));
        }
        int wanted = Math.min(replicas, live.size());
        for (String shard : state.snapshot.shardIds()) {
            // joins are placed incrementally, so only a departure changes a top R: the shards that lost a holder
            List<String> current = holders.getOrDefault(shard, List.of());
            if (current.size() == wanted) {
                continue;
            }
            current.forEach(key -> byKey.get(key).assigned.remove(shard));
            for (String key : RendezvousPlacement.place(shard, live, replicas)) {
                byKey.get(key).assigned.add(shard);
            }
        }
        state.workers.values().forEach(state::refreshTrust);
        mailbox.wakeAll();
    }

    /** The live workers by placement key (one per key: registering an instance again retires its older session). */
    private Map<String, WorkerSession> liveByKey() {
        Map<String, WorkerSession> byKey = new java.util.LinkedHashMap<>();
        for (WorkerSession w : state.workers.values()) {
            if (w.state.isLive()) {
                byKey.put(w.placementKey, w);
            }
        }
        return byKey;
    }
}
