package io.mallard.coordinator.tables;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.duck.DuckErrors;
import io.mallard.coordinator.catalog.TableWriter;
import io.mallard.data.Sql;
import io.mallard.data.TableRole;
import io.mallard.data.table.ColumnDef;
import io.mallard.data.table.DataFile;
import io.mallard.data.table.FileWriter;
import io.mallard.data.table.Snapshot;
import io.mallard.data.table.TableDef;
import io.mallard.data.table.TableReference;
import io.mallard.data.table.ViewSql;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps dimension tables' shards complete ("targeted broadcast"): each shard must hold, once each, the dimension rows
 * its partitioned rows reference. When rows are added to a referencing table, the dimension rows they reference that
 * their shard does not hold yet are added to that shard in the same commit.
 */
final class DimensionRows {
    private final TableWriter writer;

    DimensionRows(TableWriter writer) {
        this.writer = writer;
    }

    /**
     * Files that give each shard the rows of every dimension table referenced from {@code table} that the new rows in
     * {@code staged} (columns named as {@code table}'s) reference and the shard lacks. Stored, not committed.
     */
    List<DataFile> forNewRows(TableDef table, String staged) {
        Snapshot snapshot = writer.catalog().snapshot();
        List<DataFile> added = new ArrayList<>();
        if (table.role() != TableRole.PARTITIONED) {
            return added;
        }
        int shards = snapshot.shardCount();
        for (TableDef dimension : snapshot.tables()) {
            for (TableReference ref : dimension.references()) {
                if (dimension.role() != TableRole.DIMENSION || !ref.fromTable().equalsIgnoreCase(table.name())) {
                    continue;
                }
                try {
                    long rowids = FileWriter.rowidBound(writer.connection(), table, staged);
                    String full = rows(snapshot, dimension, snapshot.fullCopy(dimension.id()));
                    for (int shard = 0; shard < shards; shard++) {
                        List<DataFile> own = snapshot.dataFiles(dimension.id(), shard);
                        String present = rows(snapshot, dimension, own);
                        List<String> referenced = new ArrayList<>();
                        List<String> held = new ArrayList<>();
                        for (int k = 0; k < ref.fromColumns().size(); k++) {
                            referenced.add("f." + Sql.ident(ref.fromColumns().get(k)) + " = src." + Sql.ident(ref.toColumns().get(k)));
                            held.add("p." + Sql.ident(ref.toColumns().get(k)) + " = src." + Sql.ident(ref.toColumns().get(k)));
                        }
                        String select = "SELECT * FROM " + full + " AS src WHERE EXISTS (SELECT 1 FROM " + staged
                                + " AS f WHERE " + FileWriter.shardFilter(table, shards, shard, rowids).replace("src.", "f.")
                                + " AND " + String.join(" AND ", referenced) + ") AND NOT EXISTS (SELECT 1 FROM " + present
                                + " AS p WHERE " + String.join(" AND ", held) + ")";
                        DataFile file = writer.writeRowsForShard(dimension, "(" + select + ")", shard);
                        if (file != null) {
                            added.add(file);
                        }
                    }
                } catch (SQLException e) {
                    writer.discard(added);
                    throw DuckErrors.translate(e);
                } catch (RuntimeException e) {
                    writer.discard(added);
                    throw e;
                }
            }
        }
        return added;
    }

    /**
     * The referencing tables' rows, by shard (each shard's rows are those of its own files, however the table's rows were
     * split), for loading a dimension table's shard subsets whole.
     */
    Map<String, TableWriter.ReferencingRows> referencingRelations(Snapshot snapshot, TableDef dimension) {
        Map<String, TableWriter.ReferencingRows> relations = new HashMap<>();
        for (TableReference ref : dimension.references()) {
            TableDef from = snapshot.table(ref.fromTable()).orElseThrow(() -> new MallardException(ErrorCode.TABLE_NOT_FOUND,
                    "Catalog Error: Table with name " + ref.fromTable() + " does not exist!"));
            try {
                List<String> byShard = new ArrayList<>();
                for (int shard = 0; shard < snapshot.shardCount(); shard++) {
                    byShard.add(rows(snapshot, from, snapshot.dataFiles(from.id(), shard)));
                }
                relations.put(from.name(), TableWriter.ReferencingRows.byShard(byShard));
            } catch (SQLException e) {
                throw DuckErrors.translate(e);
            }
        }
        return relations;
    }

    /** A parenthesised SELECT of a table's rows in the given files, attached to the writer database. */
    private String rows(Snapshot snapshot, TableDef table, List<DataFile> files) throws SQLException {
        List<ViewSql.FileRead> reads = new ArrayList<>();
        for (DataFile f : files) {
            writer.attach(f);
            DataFile deletes = snapshot.deletesOf(f.fileId()).orElse(null);
            if (deletes != null) {
                writer.attach(deletes);
            }
            reads.add(new ViewSql.FileRead(f.fileId(), f.columnIds(), deletes == null ? null : deletes.fileId()));
        }
        return "(" + ViewSql.select(table.columns(), reads, id -> "f_" + id) + ")";
    }

    static List<String> names(List<ColumnDef> columns) {
        return columns.stream().map(ColumnDef::name).toList();
    }
}
