package io.mallard.coordinator.tables;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.duck.DuckErrors;
import io.mallard.coordinator.catalog.TableWriter;
import io.mallard.data.TableRole;
import io.mallard.data.table.ColumnDef;
import io.mallard.data.table.DataFile;
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
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bulk ingest: a client's Arrow stream into a table. The stream's columns are checked against the table before a row
 * is read, so a mismatch fails at once; the rows are then staged in the writer database while they arrive, apart from
 * other changes (a slow client holds nothing up), and added in one commit taken in the order of all changes: appended
 * like an INSERT, or, for a table the ingest makes or replaces, together with the table's new definition, so the
 * table appears (or is replaced) with its rows or not at all. A stream that breaks commits nothing.
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
            return define(now, options, staged, null, origin);
        }
        TableDef table = existing.get();
        target(options, table, staging); // the columns are still the table's (by name: case does not matter)
        if (options.ifExists() == IngestOptions.IfExists.REPLACE) {
            Definitions.refuseReferenced(now, table, "replace");
            return define(now, options, staged, table, origin);
        }
        return rows.appendStaged(table, staged, origin, KIND);
    }

    /**
     * A new table from the staged rows' columns, with its rows, in one commit; with {@code replaced}, that table is
     * dropped in the same commit.
     */
    private long define(Snapshot now, IngestOptions options, String staged, TableDef replaced, TableWriter.Origin origin) {
        List<ColumnDef> columns = columnsOf(staged);
        long id = now.tables().stream().mapToLong(TableDef::id).max().orElse(0) + 1;
        List<String> key = resolvedKey(columns.stream().map(ColumnDef::name).toList(), options.partitionBy(),
                options.table());
        TableDef table = new TableDef(id, options.table(), TableRole.PARTITIONED, key, columns, List.of(), columns.size());
        TableWriter.Written written = writer.writeRows(table, staged, Map.of());
        try {
            writer.commit(base -> {
                Optional<TableDef> there = base.table(table.name());
                boolean same = replaced == null ? there.isEmpty() : there.map(t -> t.id() == replaced.id()).orElse(false);
                if (!same || base.table(id).isPresent()) {
                    throw new MallardException(ErrorCode.INVALID_ARGUMENT, "table " + table.name()
                            + " was created, dropped or replaced while the rows arrived; nothing was changed");
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
