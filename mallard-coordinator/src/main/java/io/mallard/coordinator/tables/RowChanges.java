package io.mallard.coordinator.tables;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.coordinator.catalog.TableWriter;
import io.mallard.coordinator.query.QueryManager;
import io.mallard.coordinator.query.QueryResult;
import io.mallard.data.Sql;
import io.mallard.data.TableRole;
import io.mallard.data.table.ColumnDef;
import io.mallard.data.table.DataFile;
import io.mallard.data.table.Snapshot;
import io.mallard.data.table.TableDef;
import io.mallard.data.table.TableReference;
import io.mallard.data.table.ViewSql;
import io.mallard.planner.plan.DistributedPlan;
import io.mallard.planner.plan.Strategy;
import io.mallard.protocol.QuerySettings;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The statements that change rows: INSERT (VALUES or a query), CREATE TABLE AS, COPY FROM, DELETE, UPDATE, TRUNCATE,
 * and the change of a table's distribution. Rows to add come from the query path as an Arrow stream (a query over
 * Mallard tables runs distributed like any query) and are staged in the writer database, then written as new files.
 * Rows to remove are found where they live: on the shards for a partitioned table (a worker query over the table's
 * rows view returns each row's file and position), in the coordinator's copies for the others; each data file that
 * loses rows gets a new delete file. Every statement is one commit.
 */
final class RowChanges {
    private static final String FILE = ViewSql.FILE_COLUMN;
    private static final String ROW = ViewSql.ROW_COLUMN;

    private final TableWriter writer;
    private final QueryManager queries;
    private final BufferAllocator allocator;
    private final ImportedRows imported;

    RowChanges(TableWriter writer, QueryManager queries, BufferAllocator allocator, ImportedRows imported) {
        this.writer = writer;
        this.queries = queries;
        this.allocator = allocator;
        this.imported = imported;
    }

    // ---- rows in

    long insert(TableStatement.InsertInto s, TableWriter.Origin origin, QuerySettings settings) {
        TableDef table = Definitions.table(writer.catalog().snapshot(), s.name());
        List<String> names = targetColumns(table, s.columns());
        TableStatement.Part query = withDefaults(s.query(), table, names);
        String staged = imported.stage(query, names).map(ImportedRows.Staged::table)
                .orElseGet(() -> stageQuery(query, names, settings));
        try {
            String rows = projection(table, staged, names);
            try {
                return appendStaged(table, rows, origin, "INSERT");
            } finally {
                if (!rows.equals(staged)) {
                    writer.drop(rows);
                }
            }
        } finally {
            writer.drop(staged);
        }
    }

    /**
     * CREATE TABLE … AS query: the table, with the query's columns and rows, in one commit. A query that reads files is
     * read by the writer (see {@link ImportedRows}), any other runs as a query.
     */
    long createAs(TableStatement.CreateTable s, TableWriter.Origin origin, QuerySettings settings) {
        Optional<ImportedRows.Staged> files = imported.stage(s.asQuery(), null);
        List<ColumnDef> columns = files.map(ImportedRows.Staged::columns)
                .orElseGet(() -> new Definitions(writer, queries, this).columnsOf(s.asQuery(), settings));
        List<String> names = columns.stream().map(ColumnDef::name).toList();
        String staged = files.map(ImportedRows.Staged::table).orElseGet(() -> stageQuery(s.asQuery(), names, settings));
        try {
            Snapshot created = writer.createWithRows(s.name(), columns, staged, origin);
            return created.rows(Definitions.table(created, s.name()).id());
        } finally {
            writer.drop(staged);
        }
    }

    /**
     * COPY table FROM 'file' (options): the file (or every file a pattern matches) as the import rules allow, read by
     * DuckDB's COPY in the writer database (see {@link ImportedRows}).
     */
    long copy(TableStatement.CopyFrom s, TableWriter.Origin origin) {
        TableDef table = Definitions.table(writer.catalog().snapshot(), s.table());
        String staged = imported.stageCopy(table, s);
        try {
            return appendStaged(table, staged, origin, "COPY");
        } finally {
            writer.drop(staged);
        }
    }

    /**
     * Writes staged rows (columns named as the table's) into new files and commits them; rows a dimension table's
     * shards now need go into the same commit.
     */
    long appendStaged(TableDef table, String staged, TableWriter.Origin origin, String kind) {
        TableWriter.Written written = writer.writeRows(table, staged, Map.of());
        List<DataFile> added = new ArrayList<>(written.files());
        try {
            added.addAll(new DimensionRows(writer).forNewRows(table, staged));
            writer.commit(base -> TableChanges.change(origin, kind, table.name(), List.of(), List.of(), added, List.of(),
                    written.rows(), 0), table, origin);
            return written.rows();
        } catch (RuntimeException e) {
            writer.discard(added);
            throw e;
        }
    }

    /**
     * {@code DEFAULT VALUES}, and {@code DEFAULT} as a whole value of a {@code VALUES} row, as the column's DEFAULT (or
     * NULL): the rows are a query like any other, which knows no DEFAULT.
     */
    static TableStatement.Part withDefaults(TableStatement.Part query, TableDef table, List<String> names) {
        List<ColumnDef> columns = names.stream().map(n -> table.column(n).orElseThrow()).toList();
        SqlTokens tokens = SqlTokens.of(query.text());
        List<SqlTokens.Token> all = new ArrayList<>();
        while (!tokens.atEnd()) {
            all.add(tokens.advance());
        }
        if (all.size() == 2 && all.get(0).is("DEFAULT") && all.get(1).is("VALUES")) {
            return new TableStatement.Part("SELECT " + String.join(", ", columns.stream()
                    .map(c -> c.fill() + " AS " + Sql.ident(c.name())).toList()), query.at());
        }
        if (all.isEmpty() || !all.get(0).is("VALUES")) {
            return query;
        }
        StringBuilder text = new StringBuilder();
        int copied = 0;
        int depth = 0;
        int item = 0;
        for (int i = 0; i < all.size(); i++) {
            SqlTokens.Token t = all.get(i);
            if (t.isSymbol("(")) {
                depth++;
                item = depth == 1 ? 0 : item;
            } else if (t.isSymbol(")")) {
                depth--;
            } else if (t.isSymbol(",") && depth == 1) {
                item++;
            } else if (depth == 1 && t.is("DEFAULT") && item < columns.size()
                    && (all.get(i - 1).isSymbol("(") || all.get(i - 1).isSymbol(","))
                    && i + 1 < all.size() && (all.get(i + 1).isSymbol(")") || all.get(i + 1).isSymbol(","))) {
                text.append(query.text(), copied, t.start()).append(columns.get(item).fill());
                copied = t.end();
            }
        }
        if (copied == 0) {
            return query;
        }
        return new TableStatement.Part(text.append(query.text().substring(copied)).toString(), query.at());
    }

    /** The table's columns an INSERT fills, by name; all of them, in order, without a column list. */
    private static List<String> targetColumns(TableDef table, List<String> listed) {
        if (listed.isEmpty()) {
            return table.columnNames();
        }
        List<String> names = new ArrayList<>();
        for (String name : listed) {
            ColumnDef column = table.column(name).orElseThrow(() -> new MallardException(ErrorCode.BINDER_ERROR,
                    "Binder Error: Table \"" + table.name() + "\" does not have a column with name \"" + name + "\""));
            if (names.contains(column.name())) {
                throw new MallardException(ErrorCode.BINDER_ERROR, "Binder Error: Duplicate column name \"" + name
                        + "\" in INSERT");
            }
            names.add(column.name());
        }
        return names;
    }

    /** A relation with all of the table's columns: the staged ones, DEFAULT or NULL for those the INSERT left out. */
    private String projection(TableDef table, String staged, List<String> names) {
        if (names.equals(table.columnNames())) {
            return staged;
        }
        List<String> items = new ArrayList<>();
        for (ColumnDef c : table.columns()) {
            items.add((names.contains(c.name()) ? Sql.ident(c.name()) : c.fill()) + " AS "
                    + Sql.ident(c.name()));
        }
        String view = "__mallard_insert_" + UUID.randomUUID().toString().replace("-", "");
        execute("CREATE TEMP TABLE " + view + " AS SELECT " + String.join(", ", items) + " FROM " + staged);
        return view;
    }

    /**
     * Runs the query (VALUES too) through the query path and stages its rows in the writer database under
     * {@code names}; the query must answer with exactly that many columns.
     */
    private String stageQuery(TableStatement.Part query, List<String> names, QuerySettings settings) {
        String sql = query.text().strip();
        if (sql.regionMatches(true, 0, "VALUES", 0, 6)) {
            sql = "SELECT * FROM (" + sql + ")";
        }
        String queryId = UUID.randomUUID().toString();
        try (QueryResult result = queries.execute(queryId, sql, settings)) {
            int width = result.reader().getVectorSchemaRoot().getSchema().getFields().size();
            if (width != names.size()) {
                throw new MallardException(ErrorCode.BINDER_ERROR, "Binder Error: the query gives " + width
                        + " columns but " + names.size() + " are inserted", query.at(), null);
            }
            String staged = writer.stage(new FailingReader(result), names, allocator);
            result.failure().ifPresent(f -> {
                writer.drop(staged);
                throw f;
            });
            return staged;
        } catch (java.io.IOException e) {
            throw new MallardException(ErrorCode.IO_ERROR, "reading the rows to insert: " + e.getMessage(), e);
        } catch (MallardException e) {
            throw sql.equals(query.text().strip()) ? Definitions.at(e, query.at()) : e;
        }
    }

    // ---- rows out

    long delete(TableStatement.Delete s, TableWriter.Origin origin) {
        TableDef table = Definitions.table(writer.catalog().snapshot(), s.name());
        if (s.where().isEmpty() && s.using().isEmpty()) {
            return truncate(table.name(), origin);
        }
        Snapshot pinned = writer.catalog().snapshot();
        String positions = positions(pinned, table, s.alias(), s.using(), condition(s.where()), List.of(),
                pinned.dataFiles(table.id()));
        try {
            return commitDeletes(pinned, table, positions, origin, "DELETE", List.of(), 0);
        } finally {
            writer.drop(positions);
        }
    }

    long update(TableStatement.Update s, TableWriter.Origin origin) {
        Snapshot pinned = writer.catalog().snapshot();
        TableDef table = Definitions.table(pinned, s.name());
        Map<String, TableStatement.Part> values = new HashMap<>();
        for (TableStatement.Assignment a : s.assignments()) {
            ColumnDef column = table.column(a.column()).orElseThrow(() -> new MallardException(ErrorCode.BINDER_ERROR,
                    "Binder Error: Table \"" + table.name() + "\" does not have a column with name \"" + a.column() + "\""));
            values.put(column.name(), a.value());
        }
        String qualifier = Sql.ident(s.alias() == null ? table.name() : s.alias());
        List<String> newValues = new ArrayList<>();
        for (ColumnDef c : table.columns()) {
            TableStatement.Part value = values.get(c.name());
            if (value != null && value.text().strip().equalsIgnoreCase("DEFAULT")) {
                newValues.add(c.fill() + " AS " + Sql.ident(c.name()));
                continue;
            }
            newValues.add("CAST(" + (value == null ? qualifier + "." + Sql.ident(c.name()) : "(" + value.text() + ")")
                    + " AS " + c.type() + ") AS " + Sql.ident(c.name()));
        }
        TableStatement.Part where = condition(s.where());
        if (table.role() == TableRole.PARTITIONED) {
            for (TableStatement.Assignment a : s.assignments()) {
                if (a.value().text().strip().equalsIgnoreCase("DEFAULT")) {
                    continue; // a constant
                }
                checkShardLocalValue(table, s.alias(), s.from(), where, a.value());
            }
        }
        // partitioned: one worker query finds the rows and computes their new values; otherwise the rows are found in
        // every copy the coordinator has (a dimension's shards overlap) and the new values computed from the full copy
        String positions = positions(pinned, table, s.alias(), s.from(), where,
                table.role() == TableRole.PARTITIONED ? newValues : List.of(), pinned.dataFiles(table.id()));
        String newRows = table.role() == TableRole.PARTITIONED ? positions
                : positions(pinned, table, s.alias(), s.from(), where, newValues, pinned.fullCopy(table.id()));
        try {
            TableWriter.Written written = writer.writeRows(table, newRows, Map.of());
            List<DataFile> added = new ArrayList<>(written.files());
            try {
                added.addAll(new DimensionRows(writer).forNewRows(table, newRows));
                return commitDeletes(pinned, table, positions, origin, "UPDATE", added, written.rows());
            } catch (RuntimeException e) {
                writer.discard(added);
                throw e;
            }
        } finally {
            writer.drop(positions);
            if (!newRows.equals(positions)) {
                writer.drop(newRows);
            }
        }
    }

    long truncate(String name, TableWriter.Origin origin) {
        TableDef table = Definitions.table(writer.catalog().snapshot(), name);
        long[] removed = {0};
        writer.commit(base -> {
            removed[0] = base.rows(table.id());
            List<String> files = base.files().stream().filter(f -> f.tableId() == table.id()).map(DataFile::fileId).toList();
            return TableChanges.change(origin, "DELETE", table.name(), List.of(), List.of(), List.of(), files, 0, removed[0]);
        }, table, origin);
        return removed[0];
    }

    /**
     * ALTER TABLE … SET PARTITIONED BY / REPLICATED / DIMENSION: the table's rows are read whole and written again the
     * new way, in one commit with the new definition.
     */
    long redistribute(String name, TableRole role, List<String> key, List<TableReference> references,
            TableWriter.Origin origin) {
        Snapshot pinned = writer.catalog().snapshot();
        TableDef table = Definitions.table(pinned, name);
        List<String> resolvedKey = new ArrayList<>();
        for (String k : key) {
            resolvedKey.add(table.column(k).orElseThrow(() -> new MallardException(ErrorCode.BINDER_ERROR,
                    "Binder Error: Table \"" + table.name() + "\" does not have a column with name \"" + k + "\"")).name());
        }
        for (TableReference r : references) {
            TableDef from = Definitions.table(pinned, r.fromTable());
            if (from.role() != TableRole.PARTITIONED) {
                throw new MallardException(ErrorCode.INVALID_ARGUMENT, "a dimension table is referenced from a partitioned "
                        + "table; " + from.name() + " is " + from.role().jsonName());
            }
            for (String c : r.fromColumns()) {
                from.column(c).orElseThrow(() -> new MallardException(ErrorCode.BINDER_ERROR, "Binder Error: Table \""
                        + from.name() + "\" does not have a column with name \"" + c + "\""));
            }
            for (String c : r.toColumns()) {
                table.column(c).orElseThrow(() -> new MallardException(ErrorCode.BINDER_ERROR, "Binder Error: Table \""
                        + table.name() + "\" does not have a column with name \"" + c + "\""));
            }
        }
        TableDef redefined = table.withDistribution(role, resolvedKey, references);
        String staged = stageQuery(new TableStatement.Part("SELECT * FROM " + Sql.ident(table.name()), 0),
                table.columnNames(), QuerySettings.DEFAULTS);
        try {
            Map<String, TableWriter.ReferencingRows> referencing = new DimensionRows(writer).referencingRelations(pinned, redefined);
            TableWriter.Written written = writer.writeRows(redefined, staged, referencing);
            try {
                writer.commit(base -> {
                    List<String> old = base.files().stream().filter(f -> f.tableId() == table.id())
                            .map(DataFile::fileId).toList();
                    return TableChanges.change(origin, "ALTER TABLE", table.name(), List.of(redefined), List.of(),
                            written.files(), old, written.rows(), base.rows(table.id()));
                }, table, origin);
                return 0;
            } catch (RuntimeException e) {
                writer.discard(written.files());
                throw e;
            }
        } finally {
            writer.drop(staged);
        }
    }

    /** A DELETE's or UPDATE's condition; without WHERE, every row (of those USING or FROM joins). */
    private static TableStatement.Part condition(Optional<TableStatement.Part> where) {
        return where.orElse(new TableStatement.Part("true", 0));
    }

    /**
     * Stages the file and position of every row of the table the condition selects (with {@code values}, the new
     * row's values too): on the shards for a partitioned table, for the others in the coordinator's copies among
     * {@code files}. With other tables ({@code joined}: DELETE's USING, UPDATE's FROM), a row that several of their
     * rows match is staged once, with the values of one of them, as in DuckDB.
     */
    private String positions(Snapshot pinned, TableDef table, String alias, Optional<TableStatement.Part> joined,
            TableStatement.Part where, List<String> values, List<DataFile> files) {
        String qualifier = Sql.ident(alias == null ? table.name() : alias);
        String from = Sql.ident(rowsView(table.name())) + " AS " + qualifier
                + joined.map(j -> ", " + j.text()).orElse("");
        String ids = qualifier + "." + FILE + ", " + qualifier + "." + ROW;
        String select = "SELECT " + (joined.isEmpty() ? "" : "DISTINCT ON (" + ids + ") ") + ids
                + (values.isEmpty() ? "" : ", " + String.join(", ", values)) + " FROM " + from + " WHERE " + where.text();
        List<String> names = new ArrayList<>(List.of(FILE, ROW));
        if (!values.isEmpty()) {
            names.addAll(table.columnNames());
        }
        if (table.role() == TableRole.PARTITIONED) {
            checkShardLocal(table, alias, joined, where);
            DistributedPlan plan = new DistributedPlan(Strategy.SHARD_LOCAL, select,
                    List.of(new DistributedPlan.WorkerStream(DistributedPlan.PARTIALS, "rows of " + table.name(), select)),
                    "SELECT * FROM " + DistributedPlan.PARTIALS, List.of(), "rows to change");
            try (QueryResult result = queries.executePlan(UUID.randomUUID().toString(), plan, pinned, Set.of(table.name()))) {
                String staged = writer.stage(new FailingReader(result), names, allocator);
                result.failure().ifPresent(f -> {
                    writer.drop(staged);
                    throw f;
                });
                return staged;
            } catch (MallardException e) {
                throw located(e, select, joined, where);
            }
        }
        String matched = matches(table, alias, joined, where, values);
        String staged = "__mallard_rows_" + UUID.randomUUID().toString().replace("-", "");
        try {
            List<ViewSql.FileRead> reads = new ArrayList<>();
            for (DataFile f : files) {
                writer.attach(f);
                DataFile deletes = pinned.deletesOf(f.fileId()).orElse(null);
                if (deletes != null) {
                    writer.attach(deletes);
                }
                reads.add(new ViewSql.FileRead(f.fileId(), f.columnIds(), deletes == null ? null : deletes.fileId()));
            }
            String rows = "(" + ViewSql.selectWithRowIds(table.columns(), reads, id -> "f_" + id) + ")";
            List<String> same = new ArrayList<>();
            List<String> newValues = new ArrayList<>();
            for (int i = 0; i < table.columns().size(); i++) {
                ColumnDef c = table.columns().get(i);
                same.add("r." + Sql.ident(c.name()) + " IS NOT DISTINCT FROM CAST(m.c" + i + " AS " + c.type() + ")");
                newValues.add(", m.v" + i);
            }
            String local = "SELECT DISTINCT ON (r." + FILE + ", r." + ROW + ") r." + FILE + ", r." + ROW
                    + (values.isEmpty() ? "" : String.join("", newValues)) + " FROM " + rows + " AS r JOIN " + matched
                    + " AS m ON " + String.join(" AND ", same);
            execute("CREATE TEMP TABLE " + staged + " AS SELECT * FROM (" + local + ") AS v("
                    + String.join(", ", names.stream().map(Sql::ident).toList()) + ")");
            return staged;
        } catch (SQLException e) {
            throw io.mallard.common.duck.DuckErrors.translate(e);
        } finally {
            writer.drop(matched);
        }
    }

    /**
     * The rows of a replicated or dimension table that the condition selects (with {@code values}, their new values
     * too), found by a query like any other, so that its sub-queries and joined tables read every table of the
     * cluster; staged with columns {@code c0…} (the row) and {@code v0…} (the new values), once each. The coordinator's
     * copies are then matched to them by value: rows with the same values are selected alike (the condition reads
     * only the row and other tables), and a row that several joined rows match takes one's values, as in DuckDB.
     */
    private String matches(TableDef table, String alias, Optional<TableStatement.Part> joined, TableStatement.Part where,
            List<String> values) {
        String qualifier = Sql.ident(alias == null ? table.name() : alias);
        List<String> items = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < table.columns().size(); i++) {
            items.add(qualifier + "." + Sql.ident(table.columns().get(i).name()));
            names.add("c" + i);
        }
        for (int i = 0; i < values.size(); i++) {
            items.add(values.get(i));
            names.add("v" + i);
        }
        String sql = "SELECT DISTINCT " + String.join(", ", items) + from(table, alias, joined) + " WHERE " + where.text();
        try {
            return stageQuery(new TableStatement.Part(sql, 0), names, QuerySettings.DEFAULTS);
        } catch (MallardException e) {
            throw located(e, sql, joined, where);
        }
    }

    /**
     * The error with its position moved from {@code sql} to the statement: into the part of the statement it falls in
     * ({@code parts}, the first one present), or by the last part's offset when it falls in none (the text around them).
     */
    private static MallardException located(MallardException e, String sql, Optional<TableStatement.Part> first,
            TableStatement.Part... more) {
        List<TableStatement.Part> parts = new ArrayList<>();
        first.ifPresent(parts::add);
        parts.addAll(List.of(more));
        if (e.position().isPresent()) {
            int p = e.position().getAsInt();
            for (TableStatement.Part part : parts) {
                int i = sql.indexOf(part.text());
                if (i >= 0 && p >= i && p < i + part.text().length()) {
                    return Definitions.at(e, part.at() - i);
                }
            }
        }
        TableStatement.Part last = parts.get(parts.size() - 1);
        return Definitions.at(e, last.at() - sql.indexOf(last.text()));
    }

    /**
     * The condition must be answerable on each shard from that shard's rows: it is checked as the query
     * {@code SELECT * FROM table [, joined] WHERE condition}, which must push down whole.
     */
    private void checkShardLocal(TableDef table, String alias, Optional<TableStatement.Part> joined,
            TableStatement.Part where) {
        String columns = joined.isEmpty() ? "*" : Sql.ident(alias == null ? table.name() : alias) + ".*";
        requirePushedDown("SELECT " + columns + from(table, alias, joined) + " WHERE " + where.text(), joined, where,
                joined.isPresent() ? "these tables cannot be joined shard by shard" : "this condition cannot be evaluated "
                + "shard by shard", "DELETE and UPDATE of partitioned tables take conditions on the table's own rows, "
                + "sub-queries correlated on its shard key and sub-queries over replicated tables; USING and FROM take "
                + "replicated tables and partitioned tables joined on the shard key");
    }

    /** {@code FROM table [AS alias] [, joined]}, with a space before it. */
    private static String from(TableDef table, String alias, Optional<TableStatement.Part> joined) {
        return " FROM " + Sql.ident(table.name()) + (alias == null ? "" : " AS " + Sql.ident(alias))
                + joined.map(j -> ", " + j.text()).orElse("");
    }

    /**
     * A new value of a partitioned table's row is computed on the row's shard: it must be answerable there, checked as
     * the query {@code SELECT value FROM table}. A sub-query over a partitioned table there would see only the shard's
     * rows (UPDATE t SET v = (SELECT max(k) FROM t) gave each shard its own maximum); one over replicated tables only
     * answers alike everywhere.
     */
    private void checkShardLocalValue(TableDef table, String alias, Optional<TableStatement.Part> joined,
            TableStatement.Part where, TableStatement.Part value) {
        String probe = "SELECT (" + value.text() + ")" + from(table, alias, joined)
                + (joined.isPresent() ? " WHERE " + where.text() : "");
        requirePushedDown(probe, Optional.of(value), where, "this value cannot be computed shard by shard",
                "UPDATE of a partitioned table computes new values from the row's own columns, the rows FROM joins to "
                + "it on its shard or from replicated tables, and sub-queries over replicated tables");
    }

    /**
     * {@code probe}, which holds {@code part} (and {@code last}), must run whole on the shards; otherwise
     * NOT_DISTRIBUTED_YET at the first part.
     */
    private void requirePushedDown(String probe, Optional<TableStatement.Part> part, TableStatement.Part last, String what,
            String rule) {
        DistributedPlan plan;
        try {
            plan = queries.plan(probe);
        } catch (MallardException e) {
            throw located(e, probe, part, last);
        }
        if (plan.strategy() != Strategy.PUSHDOWN_SCAN && plan.strategy() != Strategy.SHARD_LOCAL) {
            throw new MallardException(ErrorCode.NOT_DISTRIBUTED_YET, what + " (" + plan.reason() + "); " + rule,
                    part.orElse(last).at(), null);
        }
    }

    /** One delete file per data file that lost rows (merged with its earlier one); committed with {@code added}. */
    private long commitDeletes(Snapshot pinned, TableDef table, String positions, TableWriter.Origin origin, String kind,
            List<DataFile> added, long rowsAdded) {
        Map<String, DataFile> byId = new HashMap<>();
        pinned.dataFiles(table.id()).forEach(f -> byId.put(f.fileId(), f));
        Set<String> touched = new LinkedHashSet<>();
        try (Statement s = writer.connection().createStatement();
                ResultSet rs = s.executeQuery("SELECT DISTINCT " + FILE + " FROM " + positions + " ORDER BY 1")) {
            while (rs.next()) {
                touched.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw io.mallard.common.duck.DuckErrors.translate(e);
        }
        List<DataFile> deletes = new ArrayList<>();
        List<String> replaced = new ArrayList<>();
        long removed = 0;
        try {
            for (String fileId : touched) {
                DataFile target = byId.get(fileId);
                if (target == null) {
                    throw new MallardException(ErrorCode.INTERNAL_ERROR, "a row came from file " + fileId + ", which "
                            + table.name() + " does not have at version " + pinned.version());
                }
                DataFile merged = writer.writeDeletes(pinned, target, "SELECT " + ROW + " FROM " + positions + " WHERE "
                        + FILE + " = " + Sql.literal(fileId));
                deletes.add(merged);
                pinned.deletesOf(fileId).ifPresent(old -> replaced.add(old.fileId()));
                long before = pinned.deletesOf(fileId).map(DataFile::rows).orElse(0L);
                if (target.shard() == DataFile.REFERENCE || table.role() != TableRole.DIMENSION) {
                    removed += merged.rows() - before;
                }
            }
            List<DataFile> all = new ArrayList<>(added);
            all.addAll(deletes);
            long rowsRemoved = removed;
            writer.commit(base -> {
                for (String fileId : touched) {
                    // nothing else commits meanwhile (one change at a time), but a version read before it must agree
                    if (base.file(fileId).isEmpty() || !base.deletesOf(fileId).map(DataFile::fileId)
                            .equals(pinned.deletesOf(fileId).map(DataFile::fileId))) {
                        throw new MallardException(ErrorCode.INVALID_ARGUMENT, "table " + table.name()
                                + " changed while this statement ran; nothing was changed");
                    }
                }
                return TableChanges.change(origin, kind, table.name(), List.of(), List.of(), all, replaced, rowsAdded,
                        rowsRemoved);
            }, table, origin);
            return "UPDATE".equals(kind) ? rowsAdded : removed;
        } catch (RuntimeException e) {
            writer.discard(deletes);
            throw e;
        }
    }

    /** The view of a table's rows with their file and position, which workers define next to the table. */
    static String rowsView(String table) {
        return "__mallard_rows_" + table;
    }

    private void execute(String sql) {
        try {
            Sql.execute(writer.connection(), sql);
        } catch (SQLException e) {
            throw io.mallard.common.duck.DuckErrors.translate(e);
        }
    }
}
