package io.mallard.data.table;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One committed version of the catalog: its tables and the files that hold their rows. Immutable; a commit makes a new
 * one. A query pins the snapshot it starts with, so it sees all of a commit or none of it.
 */
public final class Snapshot {
    private final long version;
    private final int shardCount;
    private final List<TableDef> tables;
    private final List<DataFile> files;
    private final Map<String, TableDef> byName = new LinkedHashMap<>();
    private final Map<Long, TableDef> byId = new HashMap<>();
    private final Map<String, DataFile> byFileId = new HashMap<>();
    private final Map<String, DataFile> deletesByDataFile = new HashMap<>();
    /** Per shard, the files a holder of it needs (its own and those every shard holds). */
    private final List<List<DataFile>> byShard = new ArrayList<>();

    public Snapshot(long version, int shardCount, List<TableDef> tables, List<DataFile> files) {
        if (shardCount < 1) {
            throw new IllegalArgumentException("a cluster has at least one shard");
        }
        this.version = version;
        this.shardCount = shardCount;
        this.tables = List.copyOf(tables);
        this.files = List.copyOf(files);
        for (TableDef t : this.tables) {
            if (byName.put(key(t.name()), t) != null || byId.put(t.id(), t) != null) {
                throw new IllegalArgumentException("table " + t.name() + " twice in one snapshot");
            }
        }
        for (DataFile f : this.files) {
            if (!byId.containsKey(f.tableId())) {
                throw new IllegalArgumentException("file " + f.fileId() + " of an unknown table " + f.tableId());
            }
            byFileId.put(f.fileId(), f);
            if (!f.isData() && deletesByDataFile.put(f.deletesOf(), f) != null) {
                throw new IllegalArgumentException("two delete files for data file " + f.deletesOf());
            }
        }
        for (int shard = 0; shard < shardCount; shard++) {
            byShard.add(new ArrayList<>());
        }
        for (DataFile f : this.files) {
            if (f.shard() == DataFile.ALL_SHARDS) {
                byShard.forEach(list -> list.add(f));
            } else if (f.shard() >= 0 && f.shard() < shardCount) {
                byShard.get(f.shard()).add(f);
            } else if (f.shard() != DataFile.REFERENCE) {
                throw new IllegalArgumentException("file " + f.fileId() + " of shard " + f.shard() + " in a cluster of "
                        + shardCount + " shards");
            }
        }
        byShard.replaceAll(List::copyOf);
    }

    /** An empty catalog. */
    public static Snapshot empty(int shardCount) {
        return new Snapshot(0, shardCount, List.of(), List.of());
    }

    public long version() {
        return version;
    }

    public int shardCount() {
        return shardCount;
    }

    public List<TableDef> tables() {
        return tables;
    }

    public List<DataFile> files() {
        return files;
    }

    public Optional<TableDef> table(String name) {
        return Optional.ofNullable(byName.get(key(name)));
    }

    public Optional<TableDef> table(long id) {
        return Optional.ofNullable(byId.get(id));
    }

    public Optional<DataFile> file(String fileId) {
        return Optional.ofNullable(byFileId.get(fileId));
    }

    /** The data files of a table that a holder of shard {@code shard} reads (its own and those every shard holds). */
    public List<DataFile> dataFiles(long tableId, int shard) {
        return files.stream().filter(f -> f.isData() && f.tableId() == tableId && f.belongsTo(shard)).toList();
    }

    /** Every data file of a table. */
    public List<DataFile> dataFiles(long tableId) {
        return files.stream().filter(f -> f.isData() && f.tableId() == tableId).toList();
    }

    /** The delete file of a data file, if rows of it were deleted. */
    public Optional<DataFile> deletesOf(String dataFileId) {
        return Optional.ofNullable(deletesByDataFile.get(dataFileId));
    }

    /** Every file (data and deletes, of every table) a holder of shard {@code shard} needs. */
    public List<DataFile> filesOfShard(int shard) {
        return shard >= 0 && shard < shardCount ? byShard.get(shard) : List.of();
    }

    /** The ids of every file this snapshot names. */
    public Set<String> fileIds() {
        return byFileId.keySet();
    }

    /**
     * The data files that hold a table's rows once each: a partitioned table's shard files, a replicated table's file
     * every shard holds, a dimension table's full copy (not its shards' overlapping subsets).
     */
    public List<DataFile> fullCopy(long tableId) {
        TableDef table = byId.get(tableId);
        return dataFiles(tableId).stream().filter(f -> switch (table.role()) {
            case PARTITIONED -> f.shard() >= 0;
            case REPLICATED -> f.shard() == DataFile.ALL_SHARDS;
            case DIMENSION -> f.shard() == DataFile.REFERENCE;
        }).toList();
    }

    /** Rows of a table in this snapshot: its full copy's rows less their deleted rows. */
    public long rows(long tableId) {
        long rows = 0;
        for (DataFile f : fullCopy(tableId)) {
            rows += f.rows() - deletesOf(f.fileId()).map(DataFile::rows).orElse(0L);
        }
        return rows;
    }

    /** Bytes of a table's files. */
    public long bytes(long tableId) {
        return files.stream().filter(f -> f.tableId() == tableId).mapToLong(DataFile::size).sum();
    }

    /** The shard ids of this cluster, in shard order: {@code shard-000} … */
    public List<String> shardIds() {
        List<String> ids = new ArrayList<>(shardCount);
        for (int i = 0; i < shardCount; i++) {
            ids.add(shardId(i));
        }
        return ids;
    }

    public static String shardId(int shard) {
        return String.format(Locale.ROOT, "shard-%03d", shard);
    }

    /** The shard number of a shard id made by {@link #shardId}; -1 for anything else (no shard has files there). */
    public static int shardNumber(String shardId) {
        if (!shardId.matches("shard-\\d{3,9}")) {
            return -1;
        }
        return Integer.parseInt(shardId.substring("shard-".length()));
    }

    /** The tables by id, for lookups of many files. */
    public Map<Long, TableDef> tablesById() {
        return Map.copyOf(byId);
    }

    /** Files of the given ids that this snapshot names. */
    public List<DataFile> files(Collection<String> fileIds) {
        return fileIds.stream().map(byFileId::get).filter(java.util.Objects::nonNull).collect(Collectors.toList());
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "snapshot " + version + " (" + tables.size() + " tables, " + files.size() + " files)";
    }
}
