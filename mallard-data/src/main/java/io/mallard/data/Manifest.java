package io.mallard.data;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.mallard.common.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The unit of truth about a sharded data set: which datasets exist, their tables and roles, and per
 * shard its file, size, SHA-256 and row counts. Stored as {@code manifest.json} next to the
 * {@code shards/} directory and {@code reference.duckdb}.
 *
 * @param formatVersion format of this file, currently {@value #FORMAT_VERSION}
 * @param version       epoch millis when the shards were written; a new sharding gets a new version
 * @param createdAt     the same instant in ISO-8601
 * @param params        the generation parameters of the data
 * @param oracleFile    the unsharded DuckDB file the shards were cut from; resolve it against the
 *                      manifest's directory (it may be absolute)
 * @param referenceFile relative path of the coordinator's full copy: every dimension and replicated
 *                      table in full, every partitioned table empty ({@code "reference.duckdb"})
 * @param datasets      the datasets
 */
public record Manifest(int formatVersion, long version, String createdAt, DataParams params, String oracleFile,
                       String referenceFile, List<DatasetManifest> datasets) {

    /** The only format version this code reads and writes. */
    public static final int FORMAT_VERSION = 1;

    /** Copies the dataset list. */
    public Manifest {
        Objects.requireNonNull(params, "params");
        datasets = datasets == null ? List.of() : List.copyOf(datasets);
    }

    /**
     * Reads a manifest.
     *
     * @param manifestJson path of {@code manifest.json}
     * @return the manifest
     * @throws IOException if the file cannot be read or parsed, or has an unsupported format version
     */
    public static Manifest read(Path manifestJson) throws IOException {
        Manifest m = Json.readFile(manifestJson, Manifest.class);
        if (m.formatVersion() != FORMAT_VERSION) {
            throw new IOException(manifestJson + ": unsupported manifest formatVersion " + m.formatVersion());
        }
        return m;
    }

    /**
     * Writes this manifest as pretty JSON, atomically (temp file + move), so that a reader sees
     * either the old or the new manifest, never a mix.
     *
     * @param manifestJson target path
     * @throws IOException on write failure
     */
    public void write(Path manifestJson) throws IOException {
        Json.writeFile(manifestJson, this);
    }

    /**
     * Finds a shard by id in any dataset.
     *
     * @param shardId e.g. {@code "tpch-003"}
     * @return the shard, or empty
     */
    public Optional<ShardInfo> shard(String shardId) {
        return allShards().stream().filter(s -> s.id().equals(shardId)).findFirst();
    }

    /**
     * All shards of all datasets, in dataset order and then index order.
     *
     * @return an unmodifiable list
     */
    @JsonIgnore
    public List<ShardInfo> allShards() {
        List<ShardInfo> all = new ArrayList<>();
        for (DatasetManifest d : datasets) {
            d.shards().stream().sorted(Comparator.comparingInt(ShardInfo::index)).forEach(all::add);
        }
        return List.copyOf(all);
    }

    /**
     * Looks up a table in any dataset, ignoring case.
     *
     * @param name table name
     * @return the table, or empty
     */
    public Optional<TableSpec> table(String name) {
        return datasetOfTable(name).flatMap(d -> d.table(name));
    }

    /**
     * Finds the dataset holding a table, ignoring case.
     *
     * @param tableName table name
     * @return the dataset, or empty
     */
    public Optional<DatasetManifest> datasetOfTable(String tableName) {
        return datasets.stream().filter(d -> d.table(tableName).isPresent()).findFirst();
    }

    /** Reads a manifest if the file exists and parses; used for reuse checks where any failure means "regenerate". */
    static Optional<Manifest> readIfValid(Path manifestJson) {
        if (!Files.isRegularFile(manifestJson)) {
            return Optional.empty();
        }
        try {
            return Optional.of(read(manifestJson));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
