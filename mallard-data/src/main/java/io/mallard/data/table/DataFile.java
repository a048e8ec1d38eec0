package io.mallard.data.table;

import java.util.List;
import java.util.Objects;

/**
 * One immutable file of a table's data, named in a committed version of the catalog. A data file is a DuckDB database
 * holding one table {@code t} whose columns are {@code c<id>}; a delete file is a DuckDB database holding one table
 * {@code d(row BIGINT)} with the rowids of one data file that are deleted. Bytes never change after the file was hashed.
 *
 * @param fileId    unique, a safe identifier (lowercase hex): the file's name on workers and in SQL
 * @param tableId   the table it belongs to
 * @param shard     the shard it belongs to, {@link #ALL_SHARDS} for a file every shard holds (replicated tables), or
 *                  {@link #REFERENCE} for a dimension table's full copy
 * @param kind      data or deletes
 * @param storeKey  where the bytes are in the shard store
 * @param size      bytes
 * @param sha256    SHA-256 of the bytes, lowercase hex
 * @param rows      rows in the file (for a delete file: deleted positions)
 * @param columnIds the column ids a data file holds (empty for a delete file)
 * @param deletesOf for a delete file: the data file whose rows it deletes; else null
 */
public record DataFile(String fileId, long tableId, int shard, Kind kind, String storeKey, long size, String sha256,
        long rows, List<Integer> columnIds, String deletesOf) {

    /** The shard number of a file every shard holds. */
    public static final int ALL_SHARDS = -1;
    /**
     * The shard number of a dimension table's full copy: the coordinator's alone (its reference database is rebuilt
     * from it); workers hold their shards' subsets instead.
     */
    public static final int REFERENCE = -2;

    public enum Kind { DATA, DELETES }

    public DataFile {
        Objects.requireNonNull(fileId, "fileId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(storeKey, "storeKey");
        Objects.requireNonNull(sha256, "sha256");
        columnIds = columnIds == null ? List.of() : List.copyOf(columnIds);
        if (!fileId.matches("[0-9a-f]{8,64}")) {
            throw new IllegalArgumentException("a file id is lowercase hex: " + fileId);
        }
        if ((kind == Kind.DELETES) != (deletesOf != null)) {
            throw new IllegalArgumentException("a delete file, and only a delete file, names the data file it deletes from");
        }
    }

    public boolean isData() {
        return kind == Kind.DATA;
    }

    /** Whether a worker holding {@code s} needs this file. */
    public boolean belongsTo(int s) {
        return shard == ALL_SHARDS || shard == s;
    }
}
