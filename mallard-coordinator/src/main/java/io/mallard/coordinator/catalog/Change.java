package io.mallard.coordinator.catalog;

import io.mallard.data.table.DataFile;
import io.mallard.data.table.Snapshot;
import io.mallard.data.table.TableDef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything one commit changes: tables defined anew (a new table, or a new definition of an existing one, which then
 * is closed and written again), tables dropped, files added and files removed; and what the commit log says of it.
 *
 * @param tablesWritten new definitions (the table ids they replace are closed first)
 * @param tablesDropped ids of tables that no longer exist after the commit
 */
public record Change(String user, String kind, String tableName, String statement, List<TableDef> tablesWritten,
        List<Long> tablesDropped, List<DataFile> filesAdded, List<String> filesRemoved, long rowsAdded, long rowsRemoved) {

    public Change {
        tablesWritten = List.copyOf(tablesWritten);
        tablesDropped = List.copyOf(tablesDropped);
        filesAdded = List.copyOf(filesAdded);
        filesRemoved = List.copyOf(filesRemoved);
    }

    /** The table ids whose current definition row this commit closes. */
    List<Long> tablesClosed() {
        List<Long> closed = new ArrayList<>(tablesDropped);
        tablesWritten.forEach(t -> closed.add(t.id()));
        return closed;
    }

    /** The snapshot this change makes of {@code base}, as version {@code version}. */
    Snapshot applyTo(Snapshot base, long version) {
        Set<Long> closed = new HashSet<>(tablesClosed());
        List<TableDef> tables = new ArrayList<>();
        for (TableDef t : base.tables()) {
            if (!closed.contains(t.id())) {
                tables.add(t);
            }
        }
        tables.addAll(tablesWritten);
        Set<String> removed = new HashSet<>(filesRemoved);
        Set<Long> dropped = new HashSet<>(tablesDropped);
        List<DataFile> files = new ArrayList<>();
        for (DataFile f : base.files()) {
            if (!removed.contains(f.fileId()) && !dropped.contains(f.tableId())) {
                files.add(f);
            }
        }
        files.addAll(filesAdded);
        return new Snapshot(version, base.shardCount(), tables, files);
    }
}
