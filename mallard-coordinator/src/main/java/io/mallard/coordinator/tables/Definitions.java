package io.mallard.coordinator.tables;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.duck.DuckErrors;
import io.mallard.common.duck.DuckLockdown;
import io.mallard.coordinator.catalog.TableWriter;
import io.mallard.coordinator.query.QueryManager;
import io.mallard.data.Sql;
import io.mallard.data.TableRole;
import io.mallard.data.table.ColumnDef;
import io.mallard.data.table.DataFile;
import io.mallard.data.table.Snapshot;
import io.mallard.data.table.TableDef;
import io.mallard.data.table.TableReference;
import io.mallard.planner.plan.DistributedPlan;
import io.mallard.planner.sql.OutputColumn;
import io.mallard.protocol.QuerySettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The statements that define tables: CREATE TABLE (with columns, or AS a query), DROP TABLE, and ALTER TABLE's ADD
 * COLUMN, DROP COLUMN and RENAME. Column definitions are DuckDB's own, checked by DuckDB in a scratch database, so every
 * type DuckDB knows is accepted and a mistake is DuckDB's error, pointing at its place in the statement.
 */
final class Definitions {
    private final TableWriter writer;
    private final QueryManager queries;
    /** Loads the rows of CREATE TABLE … AS (null for the checks that need no rows). */
    private final RowChanges rows;

    Definitions(TableWriter writer, QueryManager queries, RowChanges rows) {
        this.writer = writer;
        this.queries = queries;
        this.rows = rows;
    }

    /**
     * CREATE TABLE: without a distribution statement, a table's rows are spread evenly over the shards. {@code rows}
     * loads the rows of CREATE TABLE … AS.
     */
    long create(TableStatement.CreateTable s, TableWriter.Origin origin, QuerySettings settings, RowChanges rows) {
        Snapshot now = writer.catalog().snapshot();
        if (now.table(s.name()).isPresent()) {
            if (s.ifNotExists()) {
                return 0;
            }
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "Catalog Error: Table with name " + s.name()
                    + " already exists!");
        }
        if (s.asQuery() != null) {
            return rows.createAs(s, origin, settings);
        }
        writer.create(s.name(), TableRole.PARTITIONED, List.of(), columns(s.columns()), List.of(), origin);
        return 0;
    }

    /** The columns of a definition list such as {@code (a INTEGER NOT NULL, b VARCHAR)}, as DuckDB reads them. */
    static List<ColumnDef> columns(TableStatement.Part definitions) {
        String prefix = "CREATE TABLE __mallard_new ";
        try (Connection scratch = DriverManager.getConnection("jdbc:duckdb:"); Statement s = scratch.createStatement()) {
            DuckLockdown.apply(scratch);
            try {
                s.execute(prefix + definitions.text());
            } catch (SQLException e) {
                throw at(DuckErrors.translate(e), definitions.at() - prefix.length());
            }
            List<ColumnDef> columns = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT column_name, data_type, is_nullable, column_default "
                    + "FROM information_schema.columns WHERE table_name = '__mallard_new' ORDER BY ordinal_position")) {
                while (rs.next()) {
                    columns.add(new ColumnDef(columns.size(), rs.getString(1), rs.getString(2),
                            "YES".equals(rs.getString(3)), rs.getString(4)));
                }
            }
            for (ColumnDef c : columns) {
                if (c.defaultValue() != null) {
                    requireConstant(scratch, c, definitions);
                }
            }
            return columns;
        } catch (SQLException e) {
            throw DuckErrors.translate(e);
        }
    }

    /**
     * A DEFAULT must be a constant: every shard, the coordinator's copies and the files written before the column was
     * added evaluate it on their own, so only an expression whose functions all give the same value every time
     * (DuckDB's CONSISTENT functions: operators, casts, {@code list_value}…) stands for one value. {@code now()},
     * {@code random()} and {@code nextval(…)} are refused.
     */
    private static void requireConstant(Connection scratch, ColumnDef column, TableStatement.Part definitions)
            throws SQLException {
        List<String> functions = new ArrayList<>();
        try (java.sql.PreparedStatement p = scratch.prepareStatement("SELECT json_serialize_sql(?)")) {
            p.setString(1, "SELECT " + column.defaultValue());
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                io.mallard.common.Json.tree(rs.getString(1)).findValues("function_name")
                        .forEach(name -> functions.add(name.asText()));
            }
        }
        for (String function : functions) {
            boolean consistent = false;
            try (java.sql.PreparedStatement p = scratch.prepareStatement("SELECT bool_and(stability = 'CONSISTENT') "
                    + "FROM duckdb_functions() WHERE function_name = ?")) {
                p.setString(1, function);
                try (ResultSet rs = p.executeQuery()) {
                    consistent = rs.next() && rs.getBoolean(1);
                }
            }
            if (!consistent) {
                throw new MallardException(ErrorCode.UNSUPPORTED_STATEMENT, "column " + column.name() + ": DEFAULT "
                        + column.defaultValue() + " is not a constant (" + function + " may give another value each "
                        + "time); a DEFAULT must be a constant expression, such as 0, 'none' or DATE '2026-01-01'",
                        definitions.at(), null);
            }
        }
    }

    /** The columns a query answers with, as the planner binds it. */
    List<ColumnDef> columnsOf(TableStatement.Part query, QuerySettings settings) {
        DistributedPlan plan;
        try {
            plan = queries.plan(query.text());
        } catch (MallardException e) {
            throw at(e, query.at());
        }
        List<ColumnDef> columns = new ArrayList<>();
        for (OutputColumn c : plan.output()) {
            columns.add(new ColumnDef(columns.size(), c.name(), c.type(), true));
        }
        return columns;
    }

    long drop(TableStatement.DropTable s, TableWriter.Origin origin) {
        Snapshot now = writer.catalog().snapshot();
        if (now.table(s.name()).isEmpty() && s.ifExists()) {
            return 0;
        }
        TableDef table = table(now, s.name());
        refuseReferenced(now, table, "drop");
        writer.commit(base -> {
            TableDef current = table(base, s.name());
            List<String> files = base.files().stream().filter(f -> f.tableId() == current.id()).map(DataFile::fileId).toList();
            return TableChanges.change(origin, "DROP TABLE", current.name(), List.of(), List.of(current.id()), List.of(),
                    files, 0, base.rows(current.id()));
        }, null);
        return 0;
    }

    long addColumn(TableStatement.AddColumn s, TableWriter.Origin origin) {
        TableDef table = table(writer.catalog().snapshot(), s.table());
        if (table.column(s.column()).isPresent()) {
            throw new MallardException(ErrorCode.BINDER_ERROR, "Catalog Error: Column with name " + s.column()
                    + " already exists!");
        }
        ColumnDef parsed = columns(new TableStatement.Part("(" + Sql.ident(s.column()) + " " + s.type().text() + ")",
                s.type().at() - Sql.ident(s.column()).length() - 2)).get(0);
        List<ColumnDef> columns = new ArrayList<>(table.columns());
        columns.add(new ColumnDef(table.nextColumnId(), s.column(), parsed.type(), true, parsed.defaultValue()));
        define(table.withColumns(columns, table.nextColumnId() + 1), "ALTER TABLE", origin);
        return 0;
    }

    /**
     * DROP COLUMN changes only the definition: the files keep the column's values, which no view reads from then on, and
     * compaction leaves them out when it rewrites a file. The shard key and the columns a dimension table joins on stay.
     */
    long dropColumn(TableStatement.DropColumn s, TableWriter.Origin origin) {
        Snapshot now = writer.catalog().snapshot();
        TableDef table = table(now, s.table());
        java.util.Optional<ColumnDef> found = table.column(s.column());
        if (found.isEmpty()) {
            if (s.ifExists()) {
                return 0;
            }
            throw new MallardException(ErrorCode.BINDER_ERROR, "Binder Error: Table \"" + table.name()
                    + "\" does not have a column with name \"" + s.column() + "\"");
        }
        ColumnDef column = found.get();
        if (table.columns().size() == 1) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "Catalog Error: Cannot drop column: table only has one "
                    + "column remaining!");
        }
        if (table.shardKey().stream().anyMatch(k -> k.equalsIgnoreCase(column.name()))) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "cannot drop column " + column.name() + " of "
                    + table.name() + ": it is the table's shard key (choose another with ALTER TABLE " + table.name()
                    + " SET PARTITIONED BY (…) first)");
        }
        refuseJoinedOn(now, table, column, "drop");
        List<ColumnDef> columns = table.columns().stream().filter(c -> c.id() != column.id()).toList();
        define(table.withColumns(columns, table.nextColumnId()), "ALTER TABLE", origin);
        return 0;
    }

    /** A column a dimension table is joined on (as the dimension's or as its referencing table's) is kept as it is. */
    private static void refuseJoinedOn(Snapshot now, TableDef table, ColumnDef column, String what) {
        for (TableDef other : now.tables()) {
            for (TableReference r : other.references()) {
                boolean asDimension = other.id() == table.id()
                        && r.toColumns().stream().anyMatch(c -> c.equalsIgnoreCase(column.name()));
                boolean asReferencing = r.fromTable().equalsIgnoreCase(table.name())
                        && r.fromColumns().stream().anyMatch(c -> c.equalsIgnoreCase(column.name()));
                if (asDimension || asReferencing) {
                    throw new MallardException(ErrorCode.INVALID_ARGUMENT, "cannot " + what + " column " + column.name()
                            + " of " + table.name() + ": dimension table " + other.name() + " is joined on it (make "
                            + other.name() + " replicated first)");
                }
            }
        }
    }

    long renameColumn(TableStatement.RenameColumn s, TableWriter.Origin origin) {
        Snapshot now = writer.catalog().snapshot();
        TableDef table = table(now, s.table());
        ColumnDef column = table.column(s.from()).orElseThrow(() -> new MallardException(ErrorCode.BINDER_ERROR,
                "Binder Error: Table " + table.name() + " does not have a column with name " + s.from()));
        refuseJoinedOn(now, table, column, "rename");
        if (table.column(s.to()).isPresent()) {
            throw new MallardException(ErrorCode.BINDER_ERROR, "Catalog Error: Column with name " + s.to() + " already exists!");
        }
        List<ColumnDef> columns = table.columns().stream()
                .map(c -> c.id() == column.id() ? c.withName(s.to()) : c).toList();
        List<String> key = table.shardKey().stream().map(k -> k.equalsIgnoreCase(s.from()) ? s.to() : k).toList();
        define(new TableDef(table.id(), table.name(), table.role(), key, columns, table.references(), table.nextColumnId()),
                "ALTER TABLE", origin);
        return 0;
    }

    long renameTable(TableStatement.RenameTable s, TableWriter.Origin origin) {
        Snapshot now = writer.catalog().snapshot();
        TableDef table = table(now, s.table());
        if (now.table(s.to()).isPresent()) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "Catalog Error: Table with name " + s.to()
                    + " already exists!");
        }
        refuseReferenced(now, table, "rename");
        define(table.withName(s.to()), "ALTER TABLE", origin);
        return 0;
    }

    private void define(TableDef table, String kind, TableWriter.Origin origin) {
        writer.commit(base -> TableChanges.change(origin, kind, table.name(), List.of(table), List.of(), List.of(), List.of(),
                0, 0), null);
    }

    /** A table a dimension table names as its referencing table cannot be dropped or renamed first. */
    static void refuseReferenced(Snapshot now, TableDef table, String what) {
        for (TableDef other : now.tables()) {
            for (TableReference r : other.references()) {
                if (r.fromTable().equalsIgnoreCase(table.name()) && other.id() != table.id()) {
                    throw new MallardException(ErrorCode.INVALID_ARGUMENT, "cannot " + what + " " + table.name()
                            + ": dimension table " + other.name() + " is referenced from it (make " + other.name()
                            + " replicated or drop it first)");
                }
            }
        }
    }

    static List<TableReference> references(TableStatement.SetDimension s) {
        return s.references().stream().map(r -> new TableReference(r.fromTable(), r.fromColumns(), r.columns())).toList();
    }

    static TableDef table(Snapshot snapshot, String name) {
        return snapshot.table(name).orElseThrow(() -> new MallardException(ErrorCode.TABLE_NOT_FOUND,
                "Catalog Error: Table with name " + name + " does not exist!"));
    }

    /** The same error, its position moved by {@code offset} (a part's place in the whole statement). */
    static MallardException at(MallardException e, int offset) {
        if (e.position().isEmpty()) {
            return e;
        }
        return new MallardException(e.code(), e.getMessage(), Math.max(0, e.position().getAsInt() + offset), e);
    }
}
