package io.mallard.coordinator.tables;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.Resources;
import io.mallard.common.duck.DuckArrow;
import io.mallard.common.duck.DuckErrors;
import io.mallard.coordinator.CompactionPolicy;
import io.mallard.coordinator.catalog.Cancellation;
import io.mallard.coordinator.catalog.Change;
import io.mallard.coordinator.catalog.ReferenceConnections;
import io.mallard.coordinator.catalog.TableWriter;
import io.mallard.coordinator.imports.ImportSources;
import io.mallard.coordinator.query.QueryManager;
import io.mallard.coordinator.query.QueryResult;
import io.mallard.data.TableRole;
import io.mallard.data.table.DataFile;
import io.mallard.data.table.Snapshot;
import io.mallard.data.table.TableDef;
import io.mallard.protocol.QuerySettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the statements that create, load, change, drop and describe tables ({@link TableStatement}). Each change is one
 * commit; a statement that fails commits nothing, and the files it wrote are deleted (what a crash leaves, the store's
 * garbage collection removes). One change runs at a time; queries never wait for them, each reads the version it
 * started with.
 */
public final class TableChanges {
    private static final Logger LOG = LoggerFactory.getLogger(TableChanges.class);

    private final TableWriter writer;
    private final QueryManager queries;
    private final ReferenceConnections reference;
    private final BufferAllocator allocator;
    private final Definitions definitions;
    private final RowChanges rows;
    private final Compactor compactor;
    /** One change at a time: a change reads the version it builds on and commits on top of it. */
    private final ReentrantLock changes = new ReentrantLock();
    private final Ingest ingest;
    /** The changes waiting for the lock or running, by statement id: their clients may cancel them until they commit. */
    private final Map<String, Cancellation> running = new ConcurrentHashMap<>();

    /**
     * @param imports    where INSERT, CREATE TABLE AS and COPY may read files
     * @param compaction when the background compaction merges small files
     */
    public TableChanges(TableWriter writer, QueryManager queries, ReferenceConnections reference, BufferAllocator allocator,
            ImportSources imports, CompactionPolicy compaction) {
        this.compactor = new Compactor(this, writer, compaction);
        this.writer = writer;
        this.queries = queries;
        this.reference = reference;
        this.allocator = allocator;
        this.rows = new RowChanges(writer, queries, allocator, new ImportedRows(writer, imports));
        this.definitions = new Definitions(writer, queries, rows);
        this.ingest = new Ingest(writer, rows, allocator, changes);
    }

    /** Compaction of these tables' files, in the background and by {@code CALL mallard_compact(…)}. */
    public Compactor compactor() {
        return compactor;
    }

    /** The table statement {@code sql} is, or empty for anything else (queries, SET…). */
    public static Optional<TableStatement> recognize(String sql) {
        return TableStatementParser.parse(sql);
    }

    /** Whether {@code sql} changes a table (as opposed to describing tables, or being no table statement at all). */
    public static boolean changesTables(String sql) {
        return recognize(sql).map(s -> !s.readsOnly()).orElse(false);
    }

    /**
     * Runs a table statement for {@code user}, whose rights the caller checked. The answer is DuckDB's: a {@code Count}
     * of rows added or removed, or the rows of SHOW TABLES and DESCRIBE.
     */
    public QueryResult execute(String queryId, TableStatement statement, String sql, String user,
            QuerySettings settings) {
        if (statement.readsOnly()) {
            return describe(queryId, statement);
        }
        TableWriter.Origin origin = new TableWriter.Origin(user, sql, new Cancellation());
        running.put(queryId, origin.cancellation());
        try {
            changes.lock();
            try {
                long start = System.nanoTime();
                long count = apply(statement, origin, settings);
                LOG.info("{} on {} by {}: {} rows in {} ms", statement.getClass().getSimpleName(), statement.table(), user,
                        count, (System.nanoTime() - start) / 1_000_000);
                return countResult(queryId, count);
            } finally {
                changes.unlock();
            }
        } finally {
            running.remove(queryId);
        }
    }

    /**
     * The client of statement {@code queryId} went away (it cancelled, or its call ended): if the statement changes a
     * table and has not committed yet, it will not. Returns whether such a statement was running.
     */
    public boolean cancel(String queryId, String reason) {
        Cancellation c = running.get(queryId);
        if (c == null) {
            return false;
        }
        c.cancel("the client of statement " + queryId + " went away (" + reason + ")");
        return true;
    }

    /**
     * Runs {@code body} as a change of its own: no table statement runs meanwhile (background work such as compaction
     * reads a table's files and commits on top of them).
     */
    public <T> T exclusively(Supplier<T> body) {
        changes.lock();
        try {
            return body.get();
        } finally {
            changes.unlock();
        }
    }

    /**
     * Bulk ingest (Flight SQL's {@code CommandStatementIngest}): the rows of {@code stream} into a table, which the
     * ingest may make or replace as {@code options} say. The stream's columns are checked against the table before its
     * rows are read (the caller checked the user's rights); the rows are staged while they arrive without holding up other changes, then added in one commit.
     * A stream that breaks, or rows that do not fit, commit nothing. Returns the rows added.
     */
    public long ingest(IngestOptions options, ArrowReader stream, String user) {
        long start = System.nanoTime();
        long count = ingest.run(options, stream, new TableWriter.Origin(user, options.describe()));
        LOG.info("ingest into {} by {}: {} rows in {} ms", options.table(), user, count,
                (System.nanoTime() - start) / 1_000_000);
        return count;
    }

    private long apply(TableStatement statement, TableWriter.Origin origin, QuerySettings settings) {
        if (statement instanceof TableStatement.CreateTable s) {
            return definitions.create(s, origin, settings, rows);
        } else if (statement instanceof TableStatement.InsertInto s) {
            return rows.insert(s, origin, settings);
        } else if (statement instanceof TableStatement.CopyFrom s) {
            return rows.copy(s, origin);
        } else if (statement instanceof TableStatement.Delete s) {
            return rows.delete(s, origin);
        } else if (statement instanceof TableStatement.Update s) {
            return rows.update(s, origin);
        } else if (statement instanceof TableStatement.Truncate s) {
            return rows.truncate(s.name(), origin);
        } else if (statement instanceof TableStatement.DropTable s) {
            return definitions.drop(s, origin);
        } else if (statement instanceof TableStatement.AddColumn s) {
            return definitions.addColumn(s, origin);
        } else if (statement instanceof TableStatement.DropColumn s) {
            return definitions.dropColumn(s, origin);
        } else if (statement instanceof TableStatement.RenameColumn s) {
            return definitions.renameColumn(s, origin);
        } else if (statement instanceof TableStatement.RenameTable s) {
            return definitions.renameTable(s, origin);
        } else if (statement instanceof TableStatement.SetPartitioned s) {
            return rows.redistribute(s.table(), TableRole.PARTITIONED, s.key(), List.of(), origin);
        } else if (statement instanceof TableStatement.SetReplicated s) {
            return rows.redistribute(s.table(), TableRole.REPLICATED, List.of(), List.of(), origin);
        } else if (statement instanceof TableStatement.SetDimension s) {
            return rows.redistribute(s.table(), TableRole.DIMENSION, List.of(), Definitions.references(s), origin);
        } else if (statement instanceof TableStatement.Compact s) {
            if (s.table() != null) {
                Definitions.table(writer.catalog().snapshot(), s.table());
            }
            return compactor.compactNow(s.table()).size();
        }
        throw new MallardException(ErrorCode.UNSUPPORTED_STATEMENT, "not a table change: " + statement);
    }

    /** Whether a name is an edge table's (described from the reference database too, though not in the catalog). */
    private volatile java.util.function.Predicate<String> edgeTable = name -> false;

    public void useEdgeTables(java.util.function.Predicate<String> isEdgeTable) {
        this.edgeTable = isEdgeTable;
    }

    /** SHOW TABLES and DESCRIBE, answered from the reference database (every table with its columns). */
    private QueryResult describe(String queryId, TableStatement statement) {
        if (statement instanceof TableStatement.DescribeTable && !edgeTable.test(statement.table())) {
            return textQuery(queryId, describeSql(Definitions.table(writer.catalog().snapshot(), statement.table())), null);
        }
        return textQuery(queryId, readSql(statement), null);
    }

    /**
     * DESCRIBE of a table in the catalog, with DuckDB's columns: its columns' types, NOT NULL and DEFAULT as they were
     * defined (the reference database holds the table as a view, whose DESCRIBE knows neither).
     */
    private static final String NONE = "CAST(NULL AS VARCHAR)";

    static String describeSql(io.mallard.data.table.TableDef table) {
        List<String> rows = new ArrayList<>();
        for (io.mallard.data.table.ColumnDef c : table.columns()) {
            rows.add("(" + io.mallard.data.Sql.literal(c.name()) + ", " + io.mallard.data.Sql.literal(c.type()) + ", "
                    + (c.nullable() ? "'YES'" : "'NO'") + ", " + NONE + ", "
                    + (c.defaultValue() == null ? NONE : io.mallard.data.Sql.literal(c.defaultValue())) + ", " + NONE + ")");
        }
        return "SELECT column_name, column_type, \"null\", \"key\", \"default\", extra FROM (VALUES "
                + String.join(", ", rows) + ") AS d(column_name, column_type, \"null\", \"key\", \"default\", extra)";
    }

    /** The reference database's SQL that answers SHOW TABLES or DESCRIBE; for a change, its Count answer. */
    public static String readSql(TableStatement statement) {
        if (statement instanceof TableStatement.ShowTables) {
            return "SELECT name FROM (SHOW TABLES) ORDER BY name";
        }
        if (statement instanceof TableStatement.DescribeTable) {
            return "DESCRIBE " + io.mallard.data.Sql.ident(statement.table());
        }
        return "SELECT CAST(0 AS BIGINT) AS \"Count\"";
    }

    /** DuckDB's answer to a change: one row, one column {@code Count}. */
    private QueryResult countResult(String queryId, long count) {
        return textQuery(queryId, "SELECT CAST(? AS BIGINT) AS \"Count\"", count);
    }

    private QueryResult textQuery(String queryId, String sql, Long parameter) {
        Resources resources = new Resources();
        try {
            Connection connection = resources.push(reference.connect());
            PreparedStatement statement = resources.push(connection.prepareStatement(sql));
            if (parameter != null) {
                statement.setLong(1, parameter);
            }
            ResultSet rs = resources.push(statement.executeQuery());
            ArrowReader reader = resources.push(DuckArrow.export(rs, allocator));
            return new QueryResult(queryId, null, reader, resources.transfer(), () -> null);
        } catch (SQLException | RuntimeException e) {
            MallardException error = e instanceof SQLException failed ? DuckErrors.translate(failed)
                    : e instanceof MallardException m ? m : MallardException.internal(e.getMessage(), e);
            resources.closeAfter(error);
            throw error;
        }
    }

    /** Rows changed by a statement that returned a count result, for the Flight SQL update path. */
    public static long count(QueryResult result) throws java.io.IOException {
        ArrowReader reader = result.reader();
        long count = 0;
        while (reader.loadNextBatch()) {
            var root = reader.getVectorSchemaRoot();
            if (root.getRowCount() > 0 && root.getFieldVectors().size() == 1
                    && root.getVector(0) instanceof org.apache.arrow.vector.BigIntVector v) {
                count += v.get(0);
            }
        }
        return count;
    }

    static Change change(TableWriter.Origin origin, String kind, String table, List<TableDef> written, List<Long> dropped,
            List<DataFile> added, List<String> removed, long rowsAdded, long rowsRemoved) {
        return new Change(origin.user(), kind, table, origin.statement(), written, dropped, added, removed, rowsAdded,
                rowsRemoved);
    }

    static Map<String, String> none() {
        return Map.of();
    }

    static Snapshot current(TableWriter writer) {
        return writer.catalog().snapshot();
    }
}
