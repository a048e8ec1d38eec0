package io.mallard.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.data.DataParams;
import io.mallard.data.DatasetManifest;
import io.mallard.data.Manifest;
import io.mallard.data.ShardInfo;
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
            try (WorkerRegistry registry = new WorkerRegistry(manifest(), Path.of("."), "token", replicas, 60_000, 1_000,
                    (shard, worker) -> "https://example.invalid/" + shard, id -> { })) {
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
            String shard = "tpch-" + s;
            RendezvousPlacement.place(shard, ids, replicas).forEach(id -> expected.get(id).add(shard));
        }
        for (Messages.WorkerView w : status.workers().stream().filter(w -> ids.contains(w.id())).toList()) {
            assertThat(Set.copyOf(w.assigned())).as("shards of %s with R=%d and %d workers", w.id(), replicas, ids.size())
                    .isEqualTo(expected.get(w.id()));
        }
    }

    private static Manifest manifest() {
        List<ShardInfo> shards = new ArrayList<>();
        for (int s = 0; s < SHARDS; s++) {
            shards.add(new ShardInfo("tpch-" + s, "tpch", s, "shards/tpch-" + s + ".duckdb", 1, "00", Map.of()));
        }
        return new Manifest(Manifest.FORMAT_VERSION, 1, "1970-01-01T00:00:00Z", new DataParams(0.01, 0, 42), "oracle.duckdb",
                "reference.duckdb", List.of(new DatasetManifest("tpch", SHARDS, "duckdb:hash(key) % shard_count", List.of(), shards)));
    }
}
