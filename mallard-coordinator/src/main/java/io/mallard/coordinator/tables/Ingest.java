package io.mallard.coordinator.tables;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.duck.DuckErrors;
import io.mallard.coordinator.catalog.StreamWriter;
import io.mallard.coordinator.catalog.TableWriter;
import io.mallard.data.TableRole;
import io.mallard.data.table.ColumnDef;
import io.mallard.data.table.DataFile;
import io.mallard.data.table.FileWriter;
import io.mallard.data.table.Snapshot;
import io.mallard.data.table.TableDef;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bulk ingest: a client's Arrow stream into a table. The stream's columns are checked against the table before a row
 * is read, so a mismatch fails at once. Into a table spread evenly (no key, and no dimension table whose shards follow
 * its rows) the rows are written straight into one new file per shard while they arrive ({@link
 * io.mallard.coordinator.catalog.StreamWriter}); into any other they are staged in the writer database while they
 * arrive and split into shard files afterwards. Either way this happens apart from other changes (a slow client holds
 * nothing up), and the rows are added in one commit taken in the order of all changes: appended like an INSERT, or,
 * for a table the ingest makes or replaces, together with the table's new definition, so the table appears (or is
 * replaced) with its rows or not at all. A stream that breaks commits nothing.
 */
final class Ingest {
    private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);
    static final String KIND = "INGEST";

    private final TableWriter writer;
    private final RowChanges rows;
    private final BufferAllocator allocator;
    private final Lock changes;

    Ingest(TableWriter writer, RowChanges rows, BufferAllocator allocator, Lock changes) {
        this.writer = writer;
        this.rows = rows;
        this.allocator = allocator;
        this.changes = changes;
    }

    long run(IngestOptions options, ArrowReader stream, TableWriter.Origin origin) {
        List<String> names = streamColumns(stream);
        Optional<TableDef> existing = writer.catalog().snapshot().table(options.table());
        // checked before the rows arrive, and again when they are added (the table may change meanwhile)
        List<String> staging = existing.isPresent() ? target(options, existing.get(), names) : whenMissing(options, names);
        boolean append = existing.isPresent() && options.ifExists() == IngestOptions.IfExists.APPEND;
        // a table the ingest makes (or makes anew) is spread evenly unless partition_by gives it a key
        if (append ? spreadEvenly(writer.catalog().snapshot(), existing.get()) : options.partitionBy().isEmpty()) {
            return direct(options, stream, staging, append ? existing : Optional.empty(), origin);
        }
        long start = System.nanoTime();
        String staged = writer.stageApart(stream, staging, allocator);
        long arrived = System.nanoTime();
        changes.lock();
        try {
            long locked = System.nanoTime();
            long rows = add(options, staged, staging, origin);
            LOG.info("ingest into {}: rows received and staged in {} ms, waited {} ms for other changes, written and "
                    + "committed in {} ms", options.table(), (arrived - start) / 1_000_000, (locked - arrived) / 1_000_000,
                    (System.nanoTime() - locked) / 1_000_000);
            return rows;
        } finally {
            try {
                writer.drop(staged);
            } finally {
                changes.unlock();
            }
        }
    }

    /**
     * Writes the stream straight into shard files of {@code appendTo}, or of the table the ingest makes or replaces
     * (when empty), then adds them as {@link #add} adds staged rows.
     */
    private long direct(IngestOptions options, ArrowReader stream, List<String> names, Optional<TableDef> appendTo,
            TableWriter.Origin origin) {
        TableDef shape = appendTo.orElseGet(() -> new TableDef(0, options.table(), TableRole.PARTITIONED, List.of(),
                writer.streams().columns(schema(stream), names, allocator), List.of(), names.size()));
        long start = System.nanoTime();
        List<StreamWriter.ShardFile> files = writer.streams().write(shape, names, stream, allocator,
                writer.catalog().snapshot().shardCount(), options.expectedRows());
        long arrived = System.nanoTime();
        try {
            changes.lock();
            try {
                long locked = System.nanoTime();
                long rows = addWritten(options, shape, files, appendTo.isPresent(), origin);
                LOG.info("ingest into {}: rows received and written to {} files in {} ms, waited {} ms for other changes, "
                        + "stored and committed in {} ms", options.table(), files.size(), (arrived - start) / 1_000_000,
                        (locked - arrived) / 1_000_000, (System.nanoTime() - locked) / 1_000_000);
                return rows;
            } finally {
                changes.unlock();
            }
        } finally {
            FileWriter.deleteQuietly(files.stream().map(StreamWriter.ShardFile::file).toList());
        }
    }

    /** Under the changes' lock: the written files go in if the table is still as they were written for. */
    private long addWritten(IngestOptions options, TableDef shape, List<StreamWriter.ShardFile> files, boolean append,
            TableWriter.Origin origin) {
        Snapshot now = writer.catalog().snapshot();
        Optional<TableDef> existing = now.table(options.table());
        if (!append) {
            if (existing.isEmpty()) {
                whenMissing(options, shape.columnNames());
                return define(now, options, shape.columns(), null, table -> writer.storeWritten(table, files), origin);
            }
            target(options, existing.get(), shape.columnNames());
            if (options.ifExists() != IngestOptions.IfExists.REPLACE) {
                throw changedMeanwhile(options.table());
            }
            Definitions.refuseReferenced(now, existing.get(), "replace");
            return define(now, options, shape.columns(), existing.get(), table -> writer.storeWritten(table, files), origin);
        }
        TableDef table = existing.filter(t -> t.id() == shape.id()).orElseThrow(() -> changedMeanwhile(options.table()));
        if (!spreadEvenly(now, table)) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "table " + table.name() + " was given a key or became "
                    + "referenced by a dimension table while the rows arrived; nothing was changed (load again)");
        }
        TableWriter.Written written = writer.storeWritten(shape, files);
        try {
            writer.commit(base -> TableChanges.change(origin, KIND, table.name(), List.of(), List.of(), written.files(),
                    List.of(), written.rows(), 0), shape, origin); // refused if the table's definition changed
            return written.rows();
        } catch (RuntimeException e) {
            writer.discard(written.files());
            throw e;
        }
    }

    /**
     * Whether new rows of {@code table} go to shards in no particular way: a partitioned table without key, which no
     * dimension table references (a dimension table's shards follow the referencing rows, see {@link DimensionRows}).
     */
    private static boolean spreadEvenly(Snapshot snapshot, TableDef table) {
        return table.role() == TableRole.PARTITIONED && table.shardKey().isEmpty() && snapshot.tables().stream()
                .noneMatch(d -> d.role() == TableRole.DIMENSION && d.references().stream()
                        .anyMatch(r -> r.fromTable().equalsIgnoreCase(table.name())));
    }

    private static MallardException changedMeanwhile(String table) {
        return new MallardException(ErrorCode.INVALID_ARGUMENT, "table " + table
                + " was created, dropped or replaced while the rows arrived; nothing was changed");
    }

    private static Schema schema(ArrowReader stream) {
        try {
            return stream.getVectorSchemaRoot().getSchema();
        } catch (IOException e) {
            throw new MallardException(ErrorCode.IO_ERROR, "reading the schema of the stream: " + e.getMessage(), e);
        }
    }

    /** The stream's column names: each named, none twice (DuckDB's names are case-insensitive). */
    private static List<String> streamColumns(ArrowReader stream) {
        List<Field> fields;
        try {
            fields = stream.getVectorSchemaRoot().getSchema().getFields();
        } catch (IOException e) {
            throw new MallardException(ErrorCode.IO_ERROR, "reading the schema of the stream: " + e.getMessage(), e);
        }
        if (fields.isEmpty()) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "the stream has no columns");
        }
        java.util.Optional<String> nested = io.mallard.common.duck.DuckArrow.nestedDictionaryColumn(new Schema(fields));
        if (nested.isPresent()) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "column " + nested.get() + " holds dictionary-encoded "
                    + "values (ENUM) inside a list, struct or map, which the coordinator cannot take yet (DuckDB 2.0.0 "
                    + "fails on them); send them as strings");
        }
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Field f : fields) {
            if (f.getName() == null || f.getName().isBlank()) {
                throw new MallardException(ErrorCode.INVALID_ARGUMENT, "column " + (names.size() + 1)
                        + " of the stream has no name");
            }
            if (!seen.add(f.getName().toLowerCase(Locale.ROOT))) {
                throw new MallardException(ErrorCode.INVALID_ARGUMENT, "the stream has column " + f.getName() + " twice");
            }
            names.add(f.getName());
        }
        return names;
    }

    /**
     * For an existing table: what the options allow, and the table's own names for the stream's columns, which must be
     * exactly the table's columns, in any order.
     */
    private static List<String> target(IngestOptions options, TableDef table, List<String> names) {
        switch (options.ifExists()) {
            case FAIL -> throw new MallardException(ErrorCode.INVALID_ARGUMENT, "Catalog Error: Table with name "
                    + table.name() + " already exists!");
            case REPLACE -> {
                resolvedKey(names, options.partitionBy(), table.name());
                return names;
            }
            case APPEND -> {
                // below
            }
        }
        List<String> unknown = new ArrayList<>();
        List<String> mapped = new ArrayList<>();
        for (String name : names) {
            table.column(name).ifPresentOrElse(c -> mapped.add(c.name()), () -> unknown.add(name));
        }
        List<String> missing = table.columnNames().stream().filter(c -> !mapped.contains(c)).toList();
        if (!unknown.isEmpty() || !missing.isEmpty()) {
            List<String> problems = new ArrayList<>();
            if (!unknown.isEmpty()) {
                problems.add("table " + table.name() + " has no column " + String.join(", ", unknown));
            }
            if (!missing.isEmpty()) {
                problems.add("the stream lacks column " + String.join(", ", missing));
            }
            throw new MallardException(ErrorCode.BINDER_ERROR, "the stream's columns do not match table " + table.name()
                    + ": " + String.join("; ", problems) + " (the table has " + describe(table) + ")");
        }
        List<String> key = resolvedKey(table.columnNames(), options.partitionBy(), table.name());
        if (!key.isEmpty() && !key.equals(table.shardKey())) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "partition_by applies to a table the ingest makes; "
                    + table.name() + " exists and is " + distribution(table)
                    + " (change that with ALTER TABLE … SET PARTITIONED BY)");
        }
        return mapped;
    }

    private static List<String> whenMissing(IngestOptions options, List<String> names) {
        if (!options.create()) {
            throw new MallardException(ErrorCode.TABLE_NOT_FOUND, "Catalog Error: Table with name " + options.table()
                    + " does not exist!");
        }
        resolvedKey(names, options.partitionBy(), options.table());
        return names;
    }

    /** Under the changes' lock: the staged rows go in as the table now is. */
    private long add(IngestOptions options, String staged, List<String> staging, TableWriter.Origin origin) {
        Snapshot now = writer.catalog().snapshot();
        Optional<TableDef> existing = now.table(options.table());
        if (existing.isEmpty()) {
            whenMissing(options, staging);
            return define(now, options, columnsOf(staged), null, t -> writer.writeRows(t, staged, Map.of()), origin);
        }
        TableDef table = existing.get();
        target(options, table, staging); // the columns are still the table's (by name: case does not matter)
        if (options.ifExists() == IngestOptions.IfExists.REPLACE) {
            Definitions.refuseReferenced(now, table, "replace");
            return define(now, options, columnsOf(staged), table, t -> writer.writeRows(t, staged, Map.of()), origin);
        }
        return rows.appendStaged(table, staged, origin, KIND);
    }

    /**
     * A new table of {@code columns}, with the rows {@code write} puts into the store for it, in one commit; with
     * {@code replaced}, that table is dropped in the same commit.
     */
    private long define(Snapshot now, IngestOptions options, List<ColumnDef> columns, TableDef replaced,
            Function<TableDef, TableWriter.Written> write, TableWriter.Origin origin) {
        long id = now.tables().stream().mapToLong(TableDef::id).max().orElse(0) + 1;
        List<String> key = resolvedKey(columns.stream().map(ColumnDef::name).toList(), options.partitionBy(),
                options.table());
        TableDef table = new TableDef(id, options.table(), TableRole.PARTITIONED, key, columns, List.of(), columns.size());
        TableWriter.Written written = write.apply(table);
        try {
            writer.commit(base -> {
                Optional<TableDef> there = base.table(table.name());
                boolean same = replaced == null ? there.isEmpty() : there.map(t -> t.id() == replaced.id()).orElse(false);
                if (!same || base.table(id).isPresent()) {
                    throw changedMeanwhile(table.name());
                }
                List<Long> dropped = replaced == null ? List.of() : List.of(replaced.id());
                List<String> removed = replaced == null ? List.of() : base.files().stream()
                        .filter(f -> f.tableId() == replaced.id()).map(DataFile::fileId).toList();
                long rowsRemoved = replaced == null ? 0 : base.rows(replaced.id());
                return TableChanges.change(origin, KIND, table.name(), List.of(table), dropped, written.files(), removed,
                        written.rows(), rowsRemoved);
            }, null);
            return written.rows();
        } catch (RuntimeException e) {
            writer.discard(written.files());
            throw e;
        }
    }

    /** The staged table's columns with the types DuckDB gave the stream's Arrow types. */
    private List<ColumnDef> columnsOf(String staged) {
        List<ColumnDef> columns = new ArrayList<>();
        try (Statement s = writer.connection().createStatement(); ResultSet rs = s.executeQuery("DESCRIBE " + staged)) {
            while (rs.next()) {
                columns.add(new ColumnDef(columns.size(), rs.getString(1), rs.getString(2), true));
            }
            return columns;
        } catch (SQLException e) {
            throw DuckErrors.translate(e);
        }
    }

    /** The key's columns by their names in {@code columns}; each must be one of them. */
    private static List<String> resolvedKey(List<String> columns, List<String> key, String table) {
        List<String> resolved = new ArrayList<>();
        for (String k : key) {
            String name = columns.stream().filter(c -> c.equalsIgnoreCase(k)).findFirst()
                    .orElseThrow(() -> new MallardException(ErrorCode.BINDER_ERROR, "partition_by names column " + k
                            + ", which " + table + " does not have (its columns: " + String.join(", ", columns) + ")"));
            if (resolved.contains(name)) {
                throw new MallardException(ErrorCode.INVALID_ARGUMENT, "partition_by names column " + k + " twice");
            }
            resolved.add(name);
        }
        return resolved;
    }

    private static String describe(TableDef table) {
        return table.columns().stream().map(c -> c.name() + " " + c.type()).collect(Collectors.joining(", "));
    }

    private static String distribution(TableDef table) {
        if (table.role() != TableRole.PARTITIONED) {
            return table.role().jsonName();
        }
        return table.shardKey().isEmpty() ? "spread evenly" : "partitioned by " + String.join(", ", table.shardKey());
    }
}
