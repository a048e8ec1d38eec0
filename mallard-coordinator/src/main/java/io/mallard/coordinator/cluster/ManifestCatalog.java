package io.mallard.coordinator.cluster;

import io.mallard.data.ColumnSpec;
import io.mallard.data.DatasetManifest;
import io.mallard.data.Manifest;
import io.mallard.data.TableSpec;
import io.mallard.planner.catalog.Catalog;
import io.mallard.planner.catalog.TableInfo;
import io.mallard.planner.catalog.TableKind;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The planner's view of the tables a manifest describes. */
public final class ManifestCatalog implements Catalog {
    private final Map<String, TableInfo> tables = new TreeMap<>();

    public ManifestCatalog(Manifest manifest) {
        for (DatasetManifest dataset : manifest.datasets()) {
            for (TableSpec spec : dataset.tables()) {
                tables.put(spec.name().toLowerCase(Locale.ROOT), new TableInfo(spec.name(), dataset.name(),
                        kind(spec), spec.shardKey(), spec.columns().stream().map(ColumnSpec::name).toList(),
                        spec.references().stream().map(r -> new TableInfo.Reference(r.fromTable(), r.fromColumns(),
                                r.toColumns())).toList()));
            }
        }
    }

    private static TableKind kind(TableSpec spec) {
        return switch (spec.role()) {
            case PARTITIONED -> TableKind.PARTITIONED;
            case DIMENSION -> TableKind.DIMENSION;
            case REPLICATED -> TableKind.REPLICATED;
        };
    }

    @Override
    public Optional<TableInfo> table(String name) {
        return Optional.ofNullable(tables.get(name.toLowerCase(Locale.ROOT)));
    }
}
