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
import java.util.TreeSet;
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
    private volatile long plannedEdgeVersion;
    /** The edge tables (rows on the workers), or null when the coordinator has none wired. */
    private volatile io.mallard.coordinator.edge.EdgeTables edge;

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

    void useEdgeTables(io.mallard.coordinator.edge.EdgeTables edgeTables) {
        this.edge = edgeTables;
    }

    io.mallard.coordinator.edge.EdgeTables edge() {
        return edge;
    }

    /**
     * A commit that changed a table's definition (not only its rows), or a new edge table, makes every cached plan
     * suspect.
     */
    private void forgetIfTablesChanged() {
        List<TableDef> now = snapshot.get().tables();
        long edgeVersion = edge == null ? 0 : edge.version();
        if (!now.equals(planned) || edgeVersion != plannedEdgeVersion) {
            plans = new TextCache<>(512);
            tablesRead = new TextCache<>(2048);
            planned = now;
            plannedEdgeVersion = edgeVersion;
        }
    }

    /**
     * The shards a plan's streams read: every shard of the cluster, in shard order, for central tables; the partitions
     * of each edge table it reads ({@code edge:readings@device-1}), connected or not.
     */
    List<String> shardsOf(DistributedPlan plan) {
        if (plan.streams().isEmpty()) {
            return List.of();
        }
        java.util.LinkedHashSet<String> shards = new java.util.LinkedHashSet<>();
        for (DistributedPlan.WorkerStream stream : plan.streams()) {
            var table = edge == null ? java.util.Optional.<io.mallard.coordinator.edge.EdgeTables.Table>empty()
                    : edge.ofDataset(stream.dataset());
            if (table.isPresent()) {
                edge.partitionsOf(table.get().name()).forEach(p -> shards.add(p.id()));
            } else {
                shards.addAll(snapshot.get().shardIds());
            }
        }
        return List.copyOf(shards);
    }

    /** For each dataset a plan's streams read, the shards that hold its rows: every shard, or the edge partitions read. */
    Map<String, List<String>> shardsByDataset(DistributedPlan plan, EdgeReads edgeReads) {
        Map<String, List<String>> shards = new LinkedHashMap<>();
        List<String> all = snapshot.get().shardIds();
        for (DistributedPlan.WorkerStream stream : plan.streams()) {
            List<String> partitions = edgeReads.partitions().get(stream.dataset());
            shards.putIfAbsent(stream.dataset(), partitions != null ? partitions : all);
        }
        return shards;
    }

    /** What the task of a stream on a shard reads at {@code pinned}: each table with its columns and files there. */
    List<TableScan> tables(Snapshot pinned, DistributedPlan.WorkerStream stream, String shardId) {
        return tables(pinned, tablesRead.get(stream.sql(), planner::tablesRead), shardId);
    }

    /**
     * The tables {@code stream}'s SQL reads and {@code named} (read through views the SQL names instead, such as a
     * table's rows with their positions), with their columns and files on a shard at {@code pinned}.
     */
    List<TableScan> tables(Snapshot pinned, DistributedPlan.WorkerStream stream, Set<String> named, String shardId) {
        Set<String> all = new TreeSet<>(named);
        all.addAll(tablesRead.get(stream.sql(), planner::tablesRead));
        return tables(pinned, all, shardId);
    }

    /** The named tables with their columns and files on a shard at {@code pinned}. */
    List<TableScan> tables(Snapshot pinned, Set<String> names, String shardId) {
        boolean edgePartition = io.mallard.protocol.EdgePartitions.isEdge(shardId);
        // on an edge partition, central tables are read from any shard's files: only replicated ones plan there
        int shard = edgePartition ? 0 : Snapshot.shardNumber(shardId);
        List<TableScan> scans = new ArrayList<>();
        for (String name : names) {
            TableDef table = pinned.table(name).orElse(null);
            if (table == null && edge != null && edgePartition) {
                var local = edge.table(name);
                if (local.isPresent()) {
                    // the worker reads its own files: the task names the table and its columns, no files
                    List<ColumnScan> columns = new ArrayList<>();
                    for (int i = 0; i < local.get().columns().size(); i++) {
                        var c = local.get().columns().get(i);
                        columns.add(new ColumnScan(i, c.name(), c.type()));
                    }
                    scans.add(new TableScan(local.get().name(), columns, List.of()));
                }
                continue;
            }
            if (table == null) {
                continue; // dropped since planning: the worker's binder names it
            }
            List<FileScan> files = new ArrayList<>();
            for (DataFile f : pinned.dataFiles(table.id(), shard)) {
                files.add(new FileScan(f.fileId(), f.columnIds(), pinned.deletesOf(f.fileId()).map(DataFile::fileId).orElse(null)));
            }
            scans.add(new TableScan(table.name(), table.columns().stream()
                    .map(c -> new ColumnScan(c.id(), c.name(), c.type(), c.defaultValue())).toList(), files));
        }
        return scans;
    }
}
