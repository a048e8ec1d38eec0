package io.mallard.data;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;

/**
 * Entry point for producing test and benchmark data: the unsharded oracle database and the definitions of its tables
 * (roles, keys, references); the coordinator's bootstrap loads them into a cluster like any table.
 *
 * <p>Two datasets always exist. {@code tpch}: lineitem and orders are partitioned by order key with the
 * same hash and shard count (co-partitioned: an order and its line items share a shard); customer,
 * part, supplier and partsupp are dimension tables holding, per shard, exactly the rows the shard's
 * facts reference; nation and region are replicated. {@code measurements}: the 1BRC table,
 * partitioned by row position so that rows spread evenly although there are only ~400 stations.
 * A third, {@code edge}, is generated when {@link DataParams#edgeRows()} is positive: small tables of
 * edge-case values for the query corpus ({@link EdgeCaseGenerator}).
 *
 * <p>Needs the JVM flag {@code --add-opens=java.base/java.nio=ALL-UNNAMED} (rows are loaded through Arrow).
 */
public final class Datasets {
    /** File name of the oracle inside the directory given to {@link #ensureOracle}. */
    public static final String ORACLE_FILE = "oracle.duckdb";

    private Datasets() {
    }

    /**
     * Generates {@code dir/oracle.duckdb} holding all TPC-H tables, {@code measurements} and, if asked
     * for, the {@code edge} tables (unsharded), unless it already exists with the same params. The params are kept in a sidecar
     * {@code dir/oracle.json} written last, so a half-written oracle is regenerated. Safe to call
     * concurrently from several threads or processes for the same directory.
     *
     * @param dir      directory to hold the oracle (created if missing)
     * @param params   generation parameters
     * @param progress where to print progress lines, or null for silence
     * @return the absolute path of the oracle file
     * @throws IOException  on file errors
     * @throws SQLException on DuckDB errors
     */
    public static Path ensureOracle(Path dir, DataParams params, PrintStream progress) throws IOException, SQLException {
        return OracleBuilder.ensure(dir, params, progress);
    }

    /**
     * The {@code tpch} dataset definition used by the cluster's catalog: roles, keys, references and DuckDB column types.
     *
     * @return the eight TPC-H tables
     */
    public static List<TableSpec> tpchTables() {
        return DatasetDefinitions.tpch();
    }

    /**
     * The {@code measurements} dataset definition used by the cluster's catalog.
     *
     * @return the single table {@code measurements(station VARCHAR, measure DOUBLE)}, partitioned by row position
     */
    public static List<TableSpec> measurementTables() {
        return DatasetDefinitions.measurements();
    }

    /**
     * The {@code edge} dataset definition used by the cluster's catalog when {@link DataParams#edgeRows()} is positive.
     *
     * @return the edge-case tables: four partitioned by a BIGINT id, one dimension, one replicated
     */
    public static List<TableSpec> edgeTables() {
        return DatasetDefinitions.edge();
    }
}
