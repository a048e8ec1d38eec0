package io.mallard.bench.jmh;

import io.mallard.coordinator.catalog.PlannerCatalog;
import io.mallard.data.ColumnSpec;
import io.mallard.data.Datasets;
import io.mallard.data.TableSpec;
import io.mallard.data.table.ColumnDef;
import io.mallard.data.table.Snapshot;
import io.mallard.data.table.TableDef;
import io.mallard.data.table.TableReference;
import io.mallard.planner.plan.DistributedPlanner;
import io.mallard.planner.sql.DuckDbSqlEngine;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The coordinator's planner over an in-memory DuckDB holding the (empty) TPC-H and measurements tables and a catalog
 * of their roles: what {@code Coordinator} builds from its catalog and reference copy, without files.
 */
final class Warehouse implements AutoCloseable {
    final Connection reference;
    final DistributedPlanner planner;

    Warehouse() throws SQLException {
        reference = DriverManager.getConnection("jdbc:duckdb:");
        List<TableSpec> specs = new ArrayList<>(Datasets.tpchTables());
        specs.addAll(Datasets.measurementTables());
        List<TableDef> tables = new ArrayList<>();
        try (Statement statement = reference.createStatement()) {
            for (TableSpec table : specs) {
                statement.execute("CREATE TABLE " + table.name() + " (" + table.columns().stream()
                        .map(c -> c.name() + " " + c.type()).collect(Collectors.joining(", ")) + ")");
                List<ColumnDef> columns = new ArrayList<>();
                for (ColumnSpec c : table.columns()) {
                    columns.add(new ColumnDef(columns.size(), c.name(), c.type(), c.nullable()));
                }
                tables.add(new TableDef(tables.size() + 1, table.name(), table.role(), table.shardKey(), columns,
                        table.references().stream().map(r -> new TableReference(r.fromTable(), r.fromColumns(),
                                r.toColumns())).toList(), columns.size()));
            }
        }
        Snapshot snapshot = new Snapshot(1, 8, tables, List.of());
        planner = new DistributedPlanner(new PlannerCatalog(() -> snapshot),
                new DuckDbSqlEngine(((org.duckdb.DuckDBConnection) reference).duplicate()));
    }

    @Override
    public void close() throws SQLException {
        reference.close();
    }
}
