package io.mallard.data.table;

import io.mallard.data.TableRole;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A table of the catalog at one version.
 *
 * @param id           stable, never reused; data files are filed under it
 * @param name         the table's SQL name
 * @param role         how its rows are spread over shards
 * @param shardKey     for a partitioned table the hashed columns; empty means rows are spread evenly
 * @param columns      in table order
 * @param references   for a dimension table: which rows of which partitioned table reference it
 * @param nextColumnId the id the next added column gets
 */
public record TableDef(long id, String name, TableRole role, List<String> shardKey, List<ColumnDef> columns,
        List<TableReference> references, int nextColumnId) {

    public TableDef {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        shardKey = List.copyOf(shardKey);
        columns = List.copyOf(columns);
        references = List.copyOf(references);
        if (role != TableRole.PARTITIONED && !shardKey.isEmpty()) {
            throw new IllegalArgumentException(name + ": only a partitioned table has a shard key");
        }
        if (role != TableRole.DIMENSION && !references.isEmpty()) {
            throw new IllegalArgumentException(name + ": only a dimension table has references");
        }
        for (ColumnDef c : columns) {
            if (c.id() >= nextColumnId) {
                throw new IllegalArgumentException(name + ": column id " + c.id() + " is not below " + nextColumnId);
            }
        }
    }

    public Optional<ColumnDef> column(String columnName) {
        String wanted = columnName.toLowerCase(Locale.ROOT);
        return columns.stream().filter(c -> c.name().toLowerCase(Locale.ROOT).equals(wanted)).findFirst();
    }

    public List<String> columnNames() {
        return columns.stream().map(ColumnDef::name).toList();
    }

    /** The types of the shard key's columns, in key order: tables co-partition only when these are equal. */
    public List<String> shardKeyTypes() {
        return shardKey.stream().map(k -> column(k).orElseThrow(() -> new IllegalStateException(
                name + ": shard key column " + k + " is not a column")).type()).toList();
    }

    public TableDef withName(String newName) {
        return new TableDef(id, newName, role, shardKey, columns, references, nextColumnId);
    }

    public TableDef withColumns(List<ColumnDef> newColumns, int newNextColumnId) {
        return new TableDef(id, name, role, shardKey, newColumns, references, newNextColumnId);
    }

    public TableDef withDistribution(TableRole newRole, List<String> newShardKey, List<TableReference> newReferences) {
        return new TableDef(id, name, newRole, newShardKey, columns, newReferences, nextColumnId);
    }
}
