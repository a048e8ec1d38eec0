package io.mallard.coordinator.query;

import io.mallard.common.TextCache;
import io.mallard.data.Manifest;
import io.mallard.data.ShardInfo;
import io.mallard.planner.plan.DistributedPlan;
import io.mallard.planner.plan.DistributedPlanner;
import io.mallard.protocol.QuerySettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans queries, keeping plans by their exact text (the catalog of a running coordinator does not change), and knows
 * which shards a plan reads.
 */
final class PlanCache {
    private final DistributedPlanner planner;
    private final Manifest manifest;
    private final TextCache<DistributedPlan> plans = new TextCache<>(512);

    PlanCache(DistributedPlanner planner, Manifest manifest) {
        this.planner = planner;
        this.manifest = manifest;
    }

    DistributedPlan plan(String sql) {
        return plans.get(sql, planner::plan);
    }

    /** The plan under a session's settings: with {@code mallard.summarize} off it is made afresh, unsummarized. */
    DistributedPlan plan(String sql, QuerySettings settings) {
        return settings.summarize() ? plan(sql) : planner.planUnsummarized(sql);
    }

    /** The shards a plan's streams read, dataset by dataset. */
    List<String> shardsOf(DistributedPlan plan) {
        return shardsByDataset(plan).values().stream().flatMap(List::stream).distinct().toList();
    }

    /** For each dataset a plan's streams read, its shards in manifest order. */
    Map<String, List<String>> shardsByDataset(DistributedPlan plan) {
        Map<String, List<String>> shards = new LinkedHashMap<>();
        for (DistributedPlan.WorkerStream stream : plan.streams()) {
            shards.computeIfAbsent(stream.dataset(), d -> manifest.allShards().stream()
                    .filter(s -> s.dataset().equals(d)).map(ShardInfo::id).toList());
        }
        return shards;
    }
}
