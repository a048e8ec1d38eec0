package io.mallard.coordinator.catalog;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.duckdb.DuckDBConnection;

/**
 * Writes tables: every change of rows goes through here, the generated datasets' loads included. Rows come as a
 * relation of the writer database (a table attached from elsewhere, or rows staged from an Arrow stream); they are
 * split by shard into new immutable files, the files are put into the store, and then one catalog commit makes them
 * visible. The writer database is the coordinator's own: it may open files, so no client SQL ever runs in it (client
 * rows reach it as Arrow streams).
 */
public final class TableWriter implements AutoCloseable {
    private final Catalog catalog;
    private final DuckDBConnection writer;
    private final Path work;

    public TableWriter(Catalog catalog, Path work) throws SQLException, IOException {
        this.catalog = catalog;
        this.work = Files.createDirectories(work);
        Properties properties = new Properties();
        properties.setProperty("temp_directory", work.resolve("spill").toString());
        this.writer = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", properties);
    }

    /** The writer database, for callers that attach or stage the rows they write (its own code only). */
    public DuckDBConnection connection() {
        return writer;
    }

    /** Who commits and why, for the commit log. */
    public record Origin(String user, String statement) {
    }

    /** Creates a table with no rows. Its id and column ids are assigned here. */
    public Snapshot create(String name, TableRole role, List<String> shardKey, List<ColumnDef> columns,
            List<TableReference> references, Origin origin) {
        return catalog.commit(base -> {
            if (base.table(name).isPresent()) {
                throw new MallardException(ErrorCode.INVALID_ARGUMENT, "table " + name + " already exists");
            }
            long id = base.tables().stream().mapToLong(TableDef::id).max().orElse(0) + 1;
            List<ColumnDef> numbered = new ArrayList<>();
            for (int i = 0; i < columns.size(); i++) {
                ColumnDef c = columns.get(i);
                numbered.add(new ColumnDef(i, c.name(), c.type(), c.nullable()));
            }
            TableDef table = new TableDef(id, name, role, shardKey, numbered, references, numbered.size());
            return new Change(origin.user(), "CREATE TABLE", name, origin.statement(), List.of(table), List.of(),
                    List.of(), List.of(), 0, 0);
        });
    }

    /**
     * Appends the rows of {@code relation} (a table or view of the writer database, read as {@code src}; its columns
     * named as the table's) to table {@code name}. A partitioned table gets one file per shard that has rows, a
     * replicated table one file every shard holds; a dimension table a full copy for the coordinator and, per shard, the
     * rows that shard's rows of the referencing tables reference ({@code referencing}: the relation holding the
     * referencing table's rows, by table name), or, without them, one file every shard holds.
     */
    public Snapshot append(String name, String relation, Map<String, String> referencing, Origin origin) {
        TableDef table = catalog.snapshot().table(name).orElseThrow(() -> new MallardException(ErrorCode.TABLE_NOT_FOUND,
                "table " + name + " does not exist"));
        List<Pending> written = new ArrayList<>();
        try {
            writeFiles(table, relation, referencing, written);
            List<DataFile> files = store(table, written);
            long rows = written.stream().filter(p -> p.counts()).mapToLong(p -> p.file().rows()).sum();
            return catalog.commit(base -> {
                TableDef now = base.table(table.id()).filter(t -> t.name().equalsIgnoreCase(name)).orElseThrow(() ->
                        new MallardException(ErrorCode.TABLE_NOT_FOUND, "table " + name + " was dropped meanwhile"));
                if (!now.columns().equals(table.columns())) {
                    throw new MallardException(ErrorCode.INVALID_ARGUMENT, "the columns of " + name
                            + " changed while rows were written; nothing was added");
                }
                return new Change(origin.user(), "INSERT", name, origin.statement(), List.of(), List.of(), files,
                        List.of(), rows, 0);
            });
        } catch (SQLException | IOException e) {
            throw new MallardException(ErrorCode.IO_ERROR, "writing the rows of " + name + " failed: " + e.getMessage(), e);
        } finally {
            FileWriter.deleteQuietly(written.stream().map(Pending::file).toList());
        }
    }

    /** A file written locally for one shard; {@code counts}: its rows count once in the table's total. */
    private record Pending(FileWriter.Written file, int shard, boolean counts) {
    }

    private void writeFiles(TableDef table, String relation, Map<String, String> referencing, List<Pending> out)
            throws SQLException, IOException {
        FileWriter files = new FileWriter(writer, work.resolve("out"));
        int shards = catalog.info().shardCount();
        String all = "SELECT * FROM " + relation + " AS src";
        switch (table.role()) {
            case PARTITIONED -> {
                for (int shard = 0; shard < shards; shard++) {
                    add(out, files.writeData(table, all + " WHERE " + FileWriter.shardFilter(table, shards, shard)), shard, true);
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
    private String referenced(TableDef table, Map<String, String> referencing, int shards, int shard) {
        Snapshot snapshot = catalog.snapshot();
        List<String> alternatives = new ArrayList<>();
        for (TableReference r : table.references()) {
            TableDef from = snapshot.table(r.fromTable()).orElseThrow(() -> new MallardException(ErrorCode.TABLE_NOT_FOUND,
                    table.name() + " is referenced from " + r.fromTable() + ", which does not exist"));
            List<String> equal = new ArrayList<>();
            for (int k = 0; k < r.fromColumns().size(); k++) {
                equal.add("f." + Sql.ident(r.fromColumns().get(k)) + " = src." + Sql.ident(r.toColumns().get(k)));
            }
            String filter = FileWriter.shardFilter(from, shards, shard).replace("src.", "f.");
            alternatives.add("EXISTS (SELECT 1 FROM " + referencing.get(r.fromTable()) + " AS f WHERE " + filter + " AND "
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
            for (DataFile f : files) {
                try {
                    catalog.files().delete(f.storeKey());
                } catch (IOException ignored) {
                    // garbage collection removes what no version names
                }
            }
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

    /** The column list of a relation, lowercased, for checks before a write. */
    List<String> columnsOf(String relation) throws SQLException {
        List<String> names = new ArrayList<>();
        try (var s = writer.createStatement(); var rs = s.executeQuery("DESCRIBE SELECT * FROM " + relation)) {
            while (rs.next()) {
                names.add(rs.getString(1).toLowerCase(Locale.ROOT));
            }
        }
        return names;
    }

    @Override
    public void close() throws SQLException {
        writer.close();
    }

    static String joined(List<String> parts) {
        return parts.stream().collect(Collectors.joining(", "));
    }
}
