package io.mallard.bench.jmh;

import io.mallard.coordinator.cluster.ManifestCatalog;
import io.mallard.data.DataParams;
import io.mallard.data.DatasetManifest;
import io.mallard.data.Datasets;
import io.mallard.data.Manifest;
import io.mallard.data.TableSpec;
import io.mallard.planner.plan.DistributedPlanner;
import io.mallard.planner.sql.DuckDbSqlEngine;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The coordinator's planner over an in-memory DuckDB holding the (empty) TPC-H and measurements tables and a catalog
 * of the two datasets' roles: what {@code Coordinator} builds from a manifest and its reference file, without files.
 */
final class Warehouse implements AutoCloseable {
    final Connection reference;
    final DistributedPlanner planner;

    Warehouse() throws SQLException {
        reference = DriverManager.getConnection("jdbc:duckdb:");
        List<TableSpec> tpch = Datasets.tpchTables();
        List<TableSpec> measurements = Datasets.measurementTables();
        try (Statement statement = reference.createStatement()) {
            for (TableSpec table : concat(tpch, measurements)) {
                statement.execute("CREATE TABLE " + table.name() + " (" + table.columns().stream()
                        .map(c -> c.name() + " " + c.type()).collect(Collectors.joining(", ")) + ")");
            }
        }
        Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, 1, "1970-01-01T00:00:00Z", new DataParams(1, 0, 42),
                "oracle.duckdb", Datasets.REFERENCE_FILE, List.of(
                        new DatasetManifest("tpch", 8, Datasets.HASH_BY_KEY, tpch, List.of()),
                        new DatasetManifest("measurements", 8, Datasets.HASH_BY_ROWID, measurements, List.of())));
        planner = new DistributedPlanner(new ManifestCatalog(manifest),
                new DuckDbSqlEngine(((org.duckdb.DuckDBConnection) reference).duplicate()));
    }

    private static List<TableSpec> concat(List<TableSpec> a, List<TableSpec> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    @Override
    public void close() throws SQLException {
        reference.close();
    }
}
