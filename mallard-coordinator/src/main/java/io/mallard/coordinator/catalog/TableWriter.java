package io.mallard.coordinator.catalog;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.duck.DuckArrow;
import io.mallard.common.duck.DuckErrors;
import io.mallard.common.duck.DuckLockdown;
import io.mallard.data.Sql;
import io.mallard.data.TableRole;
import io.mallard.data.table.ColumnDef;
import io.mallard.data.table.DataFile;
import io.mallard.data.table.FileWriter;
import io.mallard.data.table.Snapshot;
import io.mallard.data.table.TableDef;
import io.mallard.data.table.TableReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes tables: every change of rows goes through here, the generated datasets' loads included. Rows come as a
 * relation of the writer database (a table attached from elsewhere, or rows staged from an Arrow stream); they are
 * split by shard into new immutable files, the files are put into the store, and then one catalog commit makes them
 * visible. The writer database is the coordinator's own, locked like every other: it may open files only in the
 * directories it is given (its work directory, the local store, the import directory).
 */
public final class TableWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TableWriter.class);

    private final Catalog catalog;
    private final DuckDBConnection writer;
    /** Made on the first ingest that needs it (most writers, the bootstrap's among them, never do). */
    private StreamWriter streams;
    private final Path work;
    private final Set<String> attached = new HashSet<>();
    private final FaultInjection faults = FaultInjection.fromEnvironment();

    /**
     * @param readable other directories whose files the writer may read (the local store, the oracle's directory when
     *                 loading generated data, the import directory)
     */
    public TableWriter(Catalog catalog, Path work, List<Path> readable) throws SQLException, IOException {
        this.catalog = catalog;
        this.work = Files.createDirectories(work);
        clearWork(work); // what a change that crashed was writing: never in the store, or there as garbage
        Properties properties = DuckArrow.lossless(new Properties());
        properties.setProperty("temp_directory", work.resolve("spill").toString());
        this.writer = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", properties);
        try {
            List<String> dirs = new ArrayList<>();
            dirs.add(Sql.literal(directory(work)));
            for (Path dir : readable) {
                dirs.add(Sql.literal(directory(dir)));
            }
            Sql.execute(writer, "SET allowed_directories = [" + String.join(", ", dirs) + "]");
            DuckLockdown.apply(writer);
        } catch (SQLException | RuntimeException e) {
            writer.close();
            throw e;
        }
    }

    public TableWriter(Catalog catalog, Path work) throws SQLException, IOException {
        this(catalog, work, List.of());
    }

    private static String directory(Path dir) throws IOException {
        String path = Files.createDirectories(dir).toAbsolutePath().normalize().toString();
        return path.endsWith("/") ? path : path + "/";
    }

    /** The writer database, for callers that attach or stage the rows they write (its own code only). */
    public DuckDBConnection connection() {
        return writer;
    }

    /**
     * Who commits and why, for the commit log; and whether its client is still there (a change whose client went away
     * before its commit is not committed).
     */
    public record Origin(String user, String statement, Cancellation cancellation) {
        public Origin(String user, String statement) {
            this(user, statement, new Cancellation());
        }
    }

    public Catalog catalog() {
        return catalog;
    }

    /** Writes a client's stream straight into shard files of a table spread evenly (see {@link StreamWriter}). */
    public synchronized StreamWriter streams() {
        if (streams == null) {
            try {
                streams = new StreamWriter(work);
            } catch (SQLException e) {
                throw DuckErrors.translate(e);
            } catch (IOException e) {
                throw new MallardException(ErrorCode.IO_ERROR, "the ingest's database: " + e.getMessage(), e);
            }
        }
        return streams;
    }

    /** Creates a table with no rows. Its id and column ids are assigned here. */
    public Snapshot create(String name, TableRole role, List<String> shardKey, List<ColumnDef> columns,
            List<TableReference> references, Origin origin) {
        return commit(base -> {
            TableDef table = define(base, name, role, shardKey, columns, references);
            return new Change(origin.user(), "CREATE TABLE", name, origin.statement(), List.of(table), List.of(),
                    List.of(), List.of(), 0, 0);
        }, null, origin);
    }

    /**
     * Creates a partitioned table without key holding the rows of {@code relation} (columns named as {@code columns}),
     * in one commit: CREATE TABLE … AS. A crash or a failure leaves no table at all.
     */
    public Snapshot createWithRows(String name, List<ColumnDef> columns, String relation, Origin origin) {
        TableDef table = define(catalog.snapshot(), name, TableRole.PARTITIONED, List.of(), columns, List.of());
        Written written = writeRows(table, relation, Map.of());
        try {
            return commit(base -> {
                if (base.table(table.id()).isPresent()) {
                    // one change at a time makes this unreachable; the id must still never be taken twice
                    throw new MallardException(ErrorCode.INVALID_ARGUMENT, "table id " + table.id() + " was taken "
                            + "while the rows of " + name + " were written; nothing was changed");
                }
                define(base, name, TableRole.PARTITIONED, List.of(), columns, List.of());
                return new Change(origin.user(), "CREATE TABLE", name, origin.statement(), List.of(table), List.of(),
                        written.files(), List.of(), written.rows(), 0);
            }, null, origin);
        } catch (RuntimeException e) {
            discard(written.files());
            throw e;
        }
    }

    /** A new table of {@code base}: the next table id, columns numbered from 0; refused if the name is taken. */
    private static TableDef define(Snapshot base, String name, TableRole role, List<String> shardKey,
            List<ColumnDef> columns, List<TableReference> references) {
        if (base.table(name).isPresent()) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "table " + name + " already exists");
        }
        long id = base.tables().stream().mapToLong(TableDef::id).max().orElse(0) + 1;
        List<ColumnDef> numbered = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            ColumnDef c = columns.get(i);
            numbered.add(new ColumnDef(i, c.name(), c.type(), c.nullable(), c.defaultValue()));
        }
        return new TableDef(id, name, role, shardKey, numbered, references, numbered.size());
    }

    /**
     * Appends the rows of {@code relation} (a table or view of the writer database, read as {@code src}; its columns
     * named as the table's) to table {@code name}, in one commit. See {@link #writeRows} for how rows are split.
     */
    public Snapshot append(String name, String relation, Map<String, ReferencingRows> referencing, Origin origin) {
        TableDef table = table(catalog.snapshot(), name);
        Written written = writeRows(table, relation, referencing);
        try {
            return commit(base -> new Change(origin.user(), "INSERT", name, origin.statement(), List.of(), List.of(),
                    written.files(), List.of(), written.rows(), 0), table, origin);
        } catch (RuntimeException e) {
            discard(written.files());
            throw e;
        }
    }

    /**
     * Where the rows of a table that references a dimension table are, to place the dimension's rows by: one relation
     * holding all of them, which is split by shard as the table's own rows are split when written from it (by key, or
     * by {@code rowid} ranges), or one relation per shard holding the rows that shard has.
     */
    public record ReferencingRows(String whole, List<String> byShard) {
        public static ReferencingRows whole(String relation) {
            return new ReferencingRows(relation, null);
        }

        public static ReferencingRows byShard(List<String> relations) {
            return new ReferencingRows(null, List.copyOf(relations));
        }
    }

    /** Files put into the store for one change, not yet committed, and the rows they add to the table. */
    public record Written(List<DataFile> files, long rows) {
    }

    /**
     * Writes the rows of {@code relation} as new files of {@code table} in the store, without committing them. A
     * partitioned table gets one file per shard that has rows, a replicated table one file every shard holds; a
     * dimension table a full copy for the coordinator and, per shard, the rows that shard's rows of the referencing
     * tables reference ({@code referencing}: where each referencing table's rows are, by table name), or,
     * without them, one file every shard holds.
     */
    public Written writeRows(TableDef table, String relation, Map<String, ReferencingRows> referencing) {
        List<Pending> pending = new ArrayList<>();
        try {
            long start = System.nanoTime();
            writeFiles(table, relation, referencing, pending);
            long written = System.nanoTime();
            List<DataFile> files = store(table, pending);
            long rows = pending.stream().filter(Pending::counts).mapToLong(p -> p.file().rows()).sum();
            LOG.debug("{}: {} rows in {} files of {} bytes written and hashed in {} ms, stored in {} ms", table.name(), rows,
                    files.size(), pending.stream().mapToLong(p -> p.file().size()).sum(), (written - start) / 1_000_000,
                    (System.nanoTime() - written) / 1_000_000);
            return new Written(files, rows);
        } catch (SQLException e) {
            throw DuckErrors.translate(e);
        } catch (IOException e) {
            throw new MallardException(ErrorCode.IO_ERROR, "writing rows of " + table.name() + " failed: " + e.getMessage(), e);
        } finally {
            FileWriter.deleteQuietly(pending.stream().map(Pending::file).toList());
        }
    }

    /**
     * Puts files of {@code table} written by {@link #streams()} into the store as {@link #writeRows} puts its own, without
     * committing them; the local files are deleted.
     */
    public Written storeWritten(TableDef table, List<StreamWriter.ShardFile> written) {
        List<Pending> pending = written.stream().map(f -> new Pending(f.file(), f.shard(), true)).toList();
        try {
            List<DataFile> files = store(table, pending);
            return new Written(files, pending.stream().mapToLong(p -> p.file().rows()).sum());
        } catch (IOException e) {
            throw new MallardException(ErrorCode.IO_ERROR, "storing rows of " + table.name() + " failed: " + e.getMessage(),
                    e);
        } finally {
            FileWriter.deleteQuietly(pending.stream().map(Pending::file).toList());
        }
    }

    /** Writes the rows of {@code relation} as one new file of {@code table} held by shard {@code shard}; null for none. */
    public DataFile writeRowsForShard(TableDef table, String relation, int shard) {
        List<Pending> pending = new ArrayList<>();
        try {
            add(pending, new FileWriter(writer, work.resolve("out")).writeData(table, "SELECT * FROM " + relation + " AS src"),
                    shard, false);
            List<DataFile> files = store(table, pending);
            return files.isEmpty() ? null : files.get(0);
        } catch (SQLException e) {
            throw DuckErrors.translate(e);
        } catch (IOException e) {
            throw new MallardException(ErrorCode.IO_ERROR, "writing rows of " + table.name() + " failed: " + e.getMessage(), e);
        } finally {
            FileWriter.deleteQuietly(pending.stream().map(Pending::file).toList());
        }
    }

    /**
     * Writes a delete file for {@code target}: the rowids {@code select} returns (over the writer database), with those
     * of its current delete file, if any, so that a data file has one delete file. Stored, not committed.
     */
    public DataFile writeDeletes(Snapshot snapshot, DataFile target, String select) {
        List<FileWriter.Written> local = new ArrayList<>();
        try {
            String all = select;
            DataFile previous = snapshot.deletesOf(target.fileId()).orElse(null);
            if (previous != null) {
                all = "(" + select + ") UNION ALL SELECT \"row\" FROM " + attach(previous) + ".d";
            }
            FileWriter.Written written = new FileWriter(writer, work.resolve("out")).writeDeletes(all);
            local.add(written);
            String key = storeKey(target.tableId(), target.shard(), written.fileId());
            catalog.files().put(key, written.path());
            return new DataFile(written.fileId(), target.tableId(), target.shard(), DataFile.Kind.DELETES, key,
                    written.size(), written.sha256(), written.rows(), List.of(), target.fileId());
        } catch (SQLException e) {
            throw DuckErrors.translate(e);
        } catch (IOException e) {
            throw new MallardException(ErrorCode.IO_ERROR, "writing deletes of " + target.fileId() + " failed: "
                    + e.getMessage(), e);
        } finally {
            FileWriter.deleteQuietly(local);
        }
    }

    /**
     * Commits a change computed from the current version, after checking that {@code table} (when given) still has the
     * definition the files were written for; a failed commit leaves the table as it was. Throwing inside {@code change}
     * aborts the commit.
     */
    public Snapshot commit(Function<Snapshot, Change> change, TableDef table) {
        return commit(change, table, null);
    }

    /**
     * As {@link #commit(Function, TableDef)} for a client's change: not committed when {@code origin}'s client went
     * away first (QUERY_CANCELLED). Attached files the new version no longer names are detached afterwards.
     */
    public Snapshot commit(Function<Snapshot, Change> change, TableDef table, Origin origin) {
        Cancellation cancellation = origin == null ? null : origin.cancellation();
        if (cancellation != null) {
            cancellation.check();
        }
        Snapshot committed = catalog.commit(base -> {
            if (table != null) {
                TableDef now = base.table(table.id()).orElseThrow(() -> new MallardException(ErrorCode.TABLE_NOT_FOUND,
                        "table " + table.name() + " was dropped meanwhile; nothing was changed"));
                if (!now.columns().equals(table.columns()) || now.role() != table.role()
                        || !now.shardKey().equals(table.shardKey())) {
                    throw new MallardException(ErrorCode.INVALID_ARGUMENT, "the definition of " + table.name()
                            + " changed while its rows were written; nothing was changed");
                }
            }
            Change c = change.apply(base);
            faults.beforeCommit(base.version() + 1, c, cancellation);
            if (cancellation != null) {
                cancellation.check(); // under the commit lock: the client left before this point, or hears of the commit
            }
            return c;
        });
        detachRetired(committed);
        return committed;
    }

    /** Detaches the files the current version no longer names (the store deletes them once no query pins them). */
    private void detachRetired(Snapshot current) {
        for (String fileId : List.copyOf(attached)) {
            if (current.file(fileId).isEmpty()) {
                detach(fileId);
            }
        }
    }

    /** Detaches a file attached by {@link #attach}; nothing when it is not attached. */
    public void detach(String fileId) {
        if (attached.remove(fileId)) {
            try {
                Sql.execute(writer, "DETACH DATABASE IF EXISTS f_" + fileId);
            } catch (SQLException e) {
                throw DuckErrors.translate(e);
            }
        }
    }

    /** Removes what a change that did not finish left in the work directory (files being written, spill). */
    private static void clearWork(Path work) throws IOException {
        for (String dir : List.of("out", "spill")) {
            Path root = work.resolve(dir);
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    if (!p.equals(root)) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    /** Deletes stored files of a change that will not be committed (best effort: garbage collection catches the rest). */
    public void discard(List<DataFile> files) {
        for (DataFile f : files) {
            try {
                catalog.files().delete(f.storeKey());
            } catch (IOException ignored) {
                // garbage collection removes what no version names
            }
        }
    }

    /**
     * Stages an Arrow stream as a temporary table of the writer database, its columns named {@code names} by position
     * (the stream's own names may repeat). Rows pass through DuckDB, which spills to the work directory, never through
     * a Java heap. The caller drops the table with {@link #drop}.
     */
    public String stage(ArrowReader rows, List<String> names, BufferAllocator allocator) {
        String id = UUID.randomUUID().toString().replace("-", "");
        String view = "__mallard_arrow_" + id;
        String table = "__mallard_stage_" + id;
        try (ArrowArrayStream stream = DuckArrow.register(writer, view, rows, allocator)) {
            List<String> quoted = names.stream().map(Sql::ident).toList();
            Sql.execute(writer, "CREATE TEMP TABLE " + table + " AS SELECT * FROM " + view + " AS v("
                    + String.join(", ", quoted) + ")");
            return table;
        } catch (SQLException e) {
            throw DuckErrors.translate(e);
        }
    }

    /**
     * Stages an Arrow stream as {@link #stage} does, but on a connection of its own and into a table that every
     * connection of the writer database sees: a client's upload, which takes as long as the client does, then holds
     * neither the writer's connection nor the one-change-at-a-time order of the changes that use it. The caller drops
     * the table with {@link #drop}.
     */
    public String stageApart(ArrowReader rows, List<String> names, BufferAllocator allocator) {
        String id = UUID.randomUUID().toString().replace("-", "");
        String view = "__mallard_arrow_" + id;
        String table = "__mallard_upload_" + id;
        try (DuckDBConnection own = writer.duplicate();
                ArrowArrayStream stream = DuckArrow.register(own, view, rows, allocator)) {
            List<String> quoted = names.stream().map(Sql::ident).toList();
            Sql.execute(own, "CREATE TABLE " + table + " AS SELECT * FROM " + view + " AS v(" + String.join(", ", quoted)
                    + ")");
            return table;
        } catch (SQLException e) {
            throw DuckErrors.translate(e);
        }
    }

    /** Drops a staged table. */
    public void drop(String staged) {
        try {
            Sql.execute(writer, "DROP TABLE IF EXISTS " + staged);
        } catch (SQLException e) {
            throw DuckErrors.translate(e);
        }
    }

    /** The database name under which a stored file is attached to the writer (read-only), attaching it if needed. */
    public String attach(DataFile file) throws SQLException {
        String alias = "f_" + file.fileId();
        if (attached.add(file.fileId())) {
            try {
                Sql.execute(writer, "ATTACH " + Sql.literal(catalog.localCopy(file).toAbsolutePath().toString()) + " AS "
                        + alias + " (READ_ONLY)");
            } catch (SQLException | RuntimeException e) {
                attached.remove(file.fileId());
                throw e;
            }
        }
        return alias;
    }

    /** A file per shard being written: {@code counts}, its rows count once in the table's total. */
    private record Pending(FileWriter.Written file, int shard, boolean counts) {
    }

    private void writeFiles(TableDef table, String relation, Map<String, ReferencingRows> referencing, List<Pending> out)
            throws SQLException, IOException {
        FileWriter files = new FileWriter(writer, work.resolve("out"));
        int shards = catalog.info().shardCount();
        String all = "SELECT * FROM " + relation + " AS src";
        switch (table.role()) {
            case PARTITIONED -> {
                long rowids = FileWriter.rowidBound(writer, table, relation);
                for (int shard = 0; shard < shards; shard++) {
                    add(out, files.writeData(table, all + " WHERE " + FileWriter.shardFilter(table, shards, shard, rowids)),
                            shard, true);
                }
            }
            case REPLICATED -> add(out, files.writeData(table, all), DataFile.ALL_SHARDS, true);
            case DIMENSION -> {
                add(out, files.writeData(table, all), DataFile.REFERENCE, true);
                if (!referencing.keySet().containsAll(table.references().stream().map(TableReference::fromTable).toList())) {
                    add(out, files.writeData(table, all), DataFile.ALL_SHARDS, false);
                    return;
                }
                for (int shard = 0; shard < shards; shard++) {
                    add(out, files.writeData(table, all + " WHERE " + referenced(table, referencing, shards, shard)), shard,
                            false);
                }
            }
        }
    }

    private static void add(List<Pending> out, FileWriter.Written file, int shard, boolean counts) {
        if (file != null) {
            out.add(new Pending(file, shard, counts));
        }
    }

    /** Rows of a dimension table that some row of a referencing table in shard {@code shard} references. */
    private String referenced(TableDef table, Map<String, ReferencingRows> referencing, int shards, int shard)
            throws SQLException {
        Snapshot snapshot = catalog.snapshot();
        List<String> alternatives = new ArrayList<>();
        for (TableReference r : table.references()) {
            TableDef from = table(snapshot, r.fromTable());
            List<String> equal = new ArrayList<>();
            for (int k = 0; k < r.fromColumns().size(); k++) {
                equal.add("f." + Sql.ident(r.fromColumns().get(k)) + " = src." + Sql.ident(r.toColumns().get(k)));
            }
            ReferencingRows rows = referencing.get(r.fromTable());
            if (rows.byShard() != null) {
                alternatives.add("EXISTS (SELECT 1 FROM " + rows.byShard().get(shard) + " AS f WHERE "
                        + String.join(" AND ", equal) + ")");
                continue;
            }
            String filter = FileWriter.shardFilter(from, shards, shard, FileWriter.rowidBound(writer, from, rows.whole()))
                    .replace("src.", "f.");
            alternatives.add("EXISTS (SELECT 1 FROM " + rows.whole() + " AS f WHERE " + filter + " AND "
                    + String.join(" AND ", equal) + ")");
        }
        return "(" + String.join(" OR ", alternatives) + ")";
    }

    /** Puts the written files into the store under their final keys. */
    private List<DataFile> store(TableDef table, List<Pending> written) throws IOException {
        List<DataFile> files = new ArrayList<>();
        List<Integer> columnIds = table.columns().stream().map(ColumnDef::id).toList();
        try {
            for (Pending p : written) {
                String key = storeKey(table.id(), p.shard(), p.file().fileId());
                catalog.files().put(key, p.file().path());
                files.add(new DataFile(p.file().fileId(), table.id(), p.shard(), DataFile.Kind.DATA, key, p.file().size(),
                        p.file().sha256(), p.file().rows(), columnIds, null));
            }
            return files;
        } catch (IOException | RuntimeException e) {
            discard(files);
            throw e;
        }
    }

    /** {@code tables/<table id>/<shard-NNN | all | reference>/<file id>.duckdb}. */
    static String storeKey(long tableId, int shard, String fileId) {
        String part = switch (shard) {
            case DataFile.ALL_SHARDS -> "all";
            case DataFile.REFERENCE -> "reference";
            default -> Snapshot.shardId(shard);
        };
        return "tables/" + tableId + "/" + part + "/" + fileId + ".duckdb";
    }

    static TableDef table(Snapshot snapshot, String name) {
        return snapshot.table(name).orElseThrow(() -> new MallardException(ErrorCode.TABLE_NOT_FOUND,
                "Catalog Error: Table with name " + name + " does not exist!"));
    }

    @Override
    public void close() throws SQLException {
        try {
            synchronized (this) {
                if (streams != null) {
                    streams.close();
                }
            }
        } finally {
            writer.close();
        }
    }
}
