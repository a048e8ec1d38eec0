package io.mallard.coordinator.query;

import io.mallard.common.TextCache;
import io.mallard.data.table.DataFile;
import io.mallard.data.table.Snapshot;
import io.mallard.data.table.TableDef;
import io.mallard.planner.plan.DistributedPlan;
import io.mallard.planner.plan.DistributedPlanner;
import io.mallard.protocol.Messages.ColumnScan;
import io.mallard.protocol.Messages.FileScan;
import io.mallard.protocol.Messages.TableScan;
import io.mallard.protocol.QuerySettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Plans queries, keeping plans by their exact text until the tables' definitions change, and knows what a plan's
 * tasks read: the shards, and on each shard the tables of its stream with their files at a pinned version.
 */
final class PlanCache {
    private final DistributedPlanner planner;
    private final Supplier<Snapshot> snapshot;
    private volatile TextCache<DistributedPlan> plans = new TextCache<>(512);
    /** The catalog tables each worker query reads, by its SQL text. */
    private volatile TextCache<Set<String>> tablesRead = new TextCache<>(2048);
    private volatile List<TableDef> planned = List.of();

    PlanCache(DistributedPlanner planner, Supplier<Snapshot> snapshot) {
        this.planner = planner;
        this.snapshot = snapshot;
    }

    DistributedPlan plan(String sql) {
        forgetIfTablesChanged();
        return plans.get(sql, planner::plan);
    }

    /** The plan under a session's settings: with {@code mallard.summarize} off it is made afresh, unsummarized. */
    DistributedPlan plan(String sql, QuerySettings settings) {
        return settings.summarize() ? plan(sql) : planner.planUnsummarized(sql);
    }

    /** A commit that changed a table's definition (not only its rows) makes every cached plan suspect. */
    private void forgetIfTablesChanged() {
        List<TableDef> now = snapshot.get().tables();
        if (!now.equals(planned)) {
            plans = new TextCache<>(512);
            tablesRead = new TextCache<>(2048);
            planned = now;
        }
    }

    /** The shards a plan's streams read: every shard of the cluster, in shard order. */
    List<String> shardsOf(DistributedPlan plan) {
        return plan.streams().isEmpty() ? List.of() : snapshot.get().shardIds();
    }

    /** For each dataset a plan's streams read, the shards that hold its rows (every shard). */
    Map<String, List<String>> shardsByDataset(DistributedPlan plan) {
        Map<String, List<String>> shards = new LinkedHashMap<>();
        List<String> all = snapshot.get().shardIds();
        for (DistributedPlan.WorkerStream stream : plan.streams()) {
            shards.putIfAbsent(stream.dataset(), all);
        }
        return shards;
    }

    /** What the task of a stream on a shard reads at {@code pinned}: each table with its columns and files there. */
    List<TableScan> tables(Snapshot pinned, DistributedPlan.WorkerStream stream, String shardId) {
        return tables(pinned, tablesRead.get(stream.sql(), planner::tablesRead), shardId);
    }

    /** The named tables with their columns and files on a shard at {@code pinned}. */
    List<TableScan> tables(Snapshot pinned, Set<String> names, String shardId) {
        int shard = Snapshot.shardNumber(shardId);
        List<TableScan> scans = new ArrayList<>();
        for (String name : names) {
            TableDef table = pinned.table(name).orElse(null);
            if (table == null) {
                continue; // dropped since planning: the worker's binder names it
            }
            List<FileScan> files = new ArrayList<>();
            for (DataFile f : pinned.dataFiles(table.id(), shard)) {
                files.add(new FileScan(f.fileId(), f.columnIds(), pinned.deletesOf(f.fileId()).map(DataFile::fileId).orElse(null)));
            }
            scans.add(new TableScan(table.name(), table.columns().stream()
                    .map(c -> new ColumnScan(c.id(), c.name(), c.type())).toList(), files));
        }
        return scans;
    }
}
