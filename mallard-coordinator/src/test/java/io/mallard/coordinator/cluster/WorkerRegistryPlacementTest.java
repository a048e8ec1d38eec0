package io.mallard.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.data.table.Snapshot;
import io.mallard.protocol.Messages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Registering workers one by one (the incremental placement) ends where a full rendezvous placement would. */
class WorkerRegistryPlacementTest {
    private static final int SHARDS = 200;

    @Test
    void joiningWorkersGetExactlyTheirRendezvousShards() {
        for (int replicas : new int[] {1, 2, 3}) {
            try (WorkerRegistry registry = new WorkerRegistry(Snapshot.empty(SHARDS), f -> Path.of(f.storeKey()), "token",
                    replicas, 60_000, 1_000, (file, worker) -> "https://example.invalid/" + file.fileId(), id -> { })) {
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    ids.add(registry.register(new Messages.RegisterWorker("token", "w" + i, "0", 1, 1, 0)).workerId());
                    assertPlacement(registry, replicas);
                }
                for (int i = 0; i < 11; i += 2) {
                    registry.leaving(ids.get(i)); // departures re-place only the shards that lost a holder
                    assertPlacement(registry, replicas);
                }
            }
        }
    }

    private static void assertPlacement(WorkerRegistry registry, int replicas) {
        Messages.ClusterStatus status = registry.status();
        List<String> ids = status.workers().stream().filter(w -> !w.state().equals("draining")).map(Messages.WorkerView::id).toList();
        Map<String, Set<String>> expected = new java.util.HashMap<>();
        ids.forEach(id -> expected.put(id, new java.util.HashSet<>()));
        for (int s = 0; s < SHARDS; s++) {
            String shard = Snapshot.shardId(s);
            RendezvousPlacement.place(shard, ids, replicas).forEach(id -> expected.get(id).add(shard));
        }
        for (Messages.WorkerView w : status.workers().stream().filter(w -> ids.contains(w.id())).toList()) {
            assertThat(Set.copyOf(w.assigned())).as("shards of %s with R=%d and %d workers", w.id(), replicas, ids.size())
                    .isEqualTo(expected.get(w.id()));
        }
    }

}
