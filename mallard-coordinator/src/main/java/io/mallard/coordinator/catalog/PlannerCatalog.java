package io.mallard.coordinator.catalog;

import io.mallard.data.table.Snapshot;
import io.mallard.data.table.TableDef;
import io.mallard.planner.catalog.TableInfo;
import io.mallard.planner.catalog.TableKind;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The planner's view of the catalog's current version. A partitioned table's "dataset" says how its rows are split:
 * tables hashed on keys of equal types (with the cluster's one shard count) share one and are co-partitioned; a table
 * spread without a key is a dataset of its own, never co-partitioned. Replicated tables are on every shard and
 * dimension tables follow their references, so their dataset does not matter.
 */
public final class PlannerCatalog implements io.mallard.planner.catalog.Catalog {
    private final Supplier<Snapshot> snapshot;
    private final java.util.function.Function<String, Optional<TableInfo>> edge;

    public PlannerCatalog(Supplier<Snapshot> snapshot) {
        this(snapshot, name -> Optional.empty());
    }

    /** @param edge the edge tables (rows on the workers that declared them), consulted for names the catalog lacks */
    public PlannerCatalog(Supplier<Snapshot> snapshot, java.util.function.Function<String, Optional<TableInfo>> edge) {
        this.snapshot = snapshot;
        this.edge = edge;
    }

    @Override
    public Optional<TableInfo> table(String name) {
        Optional<TableInfo> central = snapshot.get().table(name).map(PlannerCatalog::info);
        return central.isPresent() ? central : edge.apply(name);
    }

    static TableInfo info(TableDef t) {
        TableKind kind = switch (t.role()) {
            case PARTITIONED -> TableKind.PARTITIONED;
            case DIMENSION -> TableKind.DIMENSION;
            case REPLICATED -> TableKind.REPLICATED;
        };
        return new TableInfo(t.name(), dataset(t), kind, t.shardKey(), t.columnNames(),
                t.references().stream().map(r -> new TableInfo.Reference(r.fromTable(), r.fromColumns(), r.toColumns()))
                        .toList());
    }

    /** How a table's rows are split over the shards: {@code hash(BIGINT)}, {@code rows of measurements}, {@code all}. */
    static String dataset(TableDef t) {
        return switch (t.role()) {
            case PARTITIONED -> t.shardKey().isEmpty() ? "rows of " + t.name() : "hash(" + String.join(", ", t.shardKeyTypes()) + ")";
            case DIMENSION, REPLICATED -> "all";
        };
    }
}
