package io.mallard.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RendezvousPlacementTest {
    private static final int SHARDS = 1_000;

    private static List<String> shards() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < SHARDS; i++) {
            ids.add("tpch-" + i);
        }
        return ids;
    }

    private static List<String> workers(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add("worker-" + i);
        }
        return ids;
    }

    @Test
    void deterministicAndIndependentOfWorkerOrder() {
        List<String> workers = workers(5);
        List<String> reversed = new ArrayList<>(workers);
        Collections.reverse(reversed);
        Set<String> hashed = new HashSet<>(workers);
        for (String shard : shards()) {
            List<String> placed = RendezvousPlacement.place(shard, workers, 2);
            assertThat(RendezvousPlacement.place(shard, workers, 2)).isEqualTo(placed);
            assertThat(RendezvousPlacement.place(shard, reversed, 2)).isEqualTo(placed);
            assertThat(RendezvousPlacement.place(shard, hashed, 2)).isEqualTo(placed);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5})
    void returnsReplicasDistinctWorkers(int replicas) {
        List<String> workers = workers(5);
        for (String shard : shards()) {
            List<String> placed = RendezvousPlacement.place(shard, workers, replicas);
            assertThat(placed).hasSize(replicas).doesNotHaveDuplicates();
            assertThat(workers).containsAll(placed);
        }
    }

    @Test
    void fewerWorkersThanReplicasGivesEveryWorker() {
        assertThat(RendezvousPlacement.place("s", workers(2), 3)).containsExactlyInAnyOrderElementsOf(workers(2));
        assertThat(RendezvousPlacement.place("s", List.of(), 2)).isEmpty();
    }

    @Test
    void topRIsAPrefixOfTopRPlusOne() {
        // the best-first order is one ranking: raising R adds a worker, never reshuffles the others
        List<String> workers = workers(6);
        for (String shard : shards()) {
            List<String> two = RendezvousPlacement.place(shard, workers, 2);
            assertThat(RendezvousPlacement.place(shard, workers, 3)).startsWith(two.toArray(String[]::new));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void addingAWorkerMovesOnlyShardsToIt(int replicas) {
        List<String> before = workers(4);
        List<String> after = new ArrayList<>(before);
        after.add("worker-new");
        int moved = 0;
        for (String shard : shards()) {
            Set<String> old = new TreeSet<>(RendezvousPlacement.place(shard, before, replicas));
            Set<String> now = new TreeSet<>(RendezvousPlacement.place(shard, after, replicas));
            if (old.equals(now)) {
                continue;
            }
            moved++;
            assertThat(now).as("shard %s moved", shard).contains("worker-new");
            Set<String> kept = new TreeSet<>(now);
            kept.remove("worker-new");
            assertThat(old).as("shard %s keeps its other replicas", shard).containsAll(kept).hasSize(kept.size() + 1);
        }
        // the new worker should take about replicas/5 of the shards
        double expected = SHARDS * replicas / 5.0;
        assertThat(moved).isBetween((int) (expected * 0.7), (int) (expected * 1.3));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void removingAWorkerMovesOnlyItsShards(int replicas) {
        List<String> before = workers(5);
        List<String> after = new ArrayList<>(before);
        after.remove("worker-2");
        int moved = 0;
        for (String shard : shards()) {
            List<String> old = RendezvousPlacement.place(shard, before, replicas);
            List<String> now = RendezvousPlacement.place(shard, after, replicas);
            if (!old.contains("worker-2")) {
                assertThat(now).as("shard %s did not live on the removed worker", shard).isEqualTo(old);
                continue;
            }
            moved++;
            Set<String> survivors = new LinkedHashSet<>(old);
            survivors.remove("worker-2");
            assertThat(now).hasSize(replicas).doesNotContain("worker-2").containsAll(survivors);
        }
        double expected = SHARDS * replicas / 5.0;
        assertThat(moved).isBetween((int) (expected * 0.7), (int) (expected * 1.3));
    }

    @Test
    void spreadIsRoughlyEven() {
        List<String> workers = workers(4);
        Map<String, Integer> primaries = new HashMap<>();
        for (String shard : shards()) {
            primaries.merge(RendezvousPlacement.place(shard, workers, 1).get(0), 1, Integer::sum);
        }
        assertThat(primaries).containsOnlyKeys(workers);
        primaries.forEach((worker, count) -> assertThat(count).as(worker).isBetween(150, 350));
    }

    @Test
    void spreadOfAllReplicasIsRoughlyEven() {
        List<String> workers = workers(4);
        Map<String, Integer> held = new HashMap<>();
        for (String shard : shards()) {
            RendezvousPlacement.place(shard, workers, 2).forEach(w -> held.merge(w, 1, Integer::sum));
        }
        // 2,000 copies over 4 workers: 500 each on average
        held.forEach((worker, count) -> assertThat(count).as(worker).isBetween(400, 600));
    }
}
