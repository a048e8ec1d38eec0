package io.mallard.data;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;

/**
 * Entry point for producing test and benchmark data: the unsharded oracle database and its shards.
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
    /** Manifest {@code hashFunction} of a dataset hashed by its shard key: DuckDB's {@code hash()} of the key columns. */
    public static final String HASH_BY_KEY = "duckdb:hash(key) % shard_count";
    /** Manifest {@code hashFunction} of a dataset hashed by row position in the oracle table. */
    public static final String HASH_BY_ROWID = "duckdb:hash(rowid) % shard_count";
    /** File name of the oracle inside the directory given to {@link #ensureOracle}. */
    public static final String ORACLE_FILE = "oracle.duckdb";
    /** File name of the manifest inside the directory given to {@link #shard}. */
    public static final String MANIFEST_FILE = "manifest.json";
    /** File name of the reference copy inside the directory given to {@link #shard}. */
    public static final String REFERENCE_FILE = "reference.duckdb";

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
     * Shards the oracle into {@code outDir}: {@code outDir/shards/<dataset>-NNN.duckdb},
     * {@code outDir/reference.duckdb} and {@code outDir/manifest.json} (written last). Reuses an
     * existing {@code outDir} whose manifest has the same params, shard count and oracle path and
     * whose shard files still exist with the recorded sizes.
     *
     * @param oracle   the oracle file, as returned by {@link #ensureOracle}
     * @param params   the params the oracle was generated with (checked against its sidecar, if any)
     * @param outDir   output directory (created if missing)
     * @param shards   shards per dataset, {@code >= 1}
     * @param progress where to print progress lines, or null for silence
     * @return the manifest (as written, or as found when reused)
     * @throws IOException  on file errors
     * @throws SQLException on DuckDB errors
     */
    public static Manifest shard(Path oracle, DataParams params, Path outDir, int shards, PrintStream progress)
            throws IOException, SQLException {
        return ShardBuilder.shard(oracle, params, outDir, shards, progress);
    }

    /**
     * The {@code tpch} dataset definition used by {@link #shard}: roles, keys, references and DuckDB column types.
     *
     * @return the eight TPC-H tables
     */
    public static List<TableSpec> tpchTables() {
        return DatasetDefinitions.tpch();
    }

    /**
     * The {@code measurements} dataset definition used by {@link #shard}.
     *
     * @return the single table {@code measurements(station VARCHAR, measure DOUBLE)}, partitioned by row position
     */
    public static List<TableSpec> measurementTables() {
        return DatasetDefinitions.measurements();
    }

    /**
     * The {@code edge} dataset definition used by {@link #shard} when {@link DataParams#edgeRows()} is positive.
     *
     * @return the edge-case tables: four partitioned by a BIGINT id, one dimension, one replicated
     */
    public static List<TableSpec> edgeTables() {
        return DatasetDefinitions.edge();
    }
}
