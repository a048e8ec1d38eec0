package io.mallard.worker;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.security.Secrets;
import io.mallard.common.duck.DuckArrow;
import io.mallard.common.duck.DuckLockdown;
import io.mallard.common.duck.ShardSettings;
import io.mallard.common.security.ResourceLimits;
import io.mallard.data.Sql;
import io.mallard.data.table.ColumnDef;
import io.mallard.data.table.ViewSql;
import io.mallard.protocol.Messages.ColumnScan;
import io.mallard.protocol.Messages.FileScan;
import io.mallard.protocol.Messages.TableScan;
import io.mallard.protocol.Messages.TaskSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's one DuckDB: in memory, locked so that query SQL can neither read files outside the worker's data
 * directory, load extensions nor change settings, with the worker's memory as its limit. Held files are attached
 * read-only by id ({@code f_<id>}); a task runs in a schema of views that read its tables from exactly the files the
 * task names (the version its query pinned), so tasks of different versions run side by side on shared buffers.
 */
final class WorkerDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerDatabase.class);
    /** View schemas kept for reuse; beyond this many, the least recently used idle ones are dropped. */
    private static final int MAX_VIEW_SETS = 64;

    private final DuckDBConnection connection;
    private final Path dataDir;
    private final Set<String> attached = new HashSet<>();
    /** View schemas by name, least recently used first. Guarded by this. */
    private final LinkedHashMap<String, ViewSet> viewSets = new LinkedHashMap<>(16, 0.75f, true);

    private static final class ViewSet {
        final Set<String> fileIds;
        int users;

        ViewSet(Set<String> fileIds) {
            this.fileIds = fileIds;
        }
    }

    /**
     * @param threads DuckDB threads of one query (the worker's CPUs over the queries it runs at once, see TaskRunner)
     */
    /** @param dataDir where the worker keeps its files ({@link #fileOf}); the only directory query SQL may read */
    WorkerDatabase(Path dataDir, ResourceLimits limits, int threads) throws SQLException {
        this(dataDir, limits, threads, List.of());
    }

    /**
     * @param localDirectories the directories of the worker's local (edge) tables: readable too, besides the data
     *                         directory. Query SQL names no files (the coordinator refuses file functions in client SQL);
     *                         the views of the local tables read them
     */
    WorkerDatabase(Path dataDir, ResourceLimits limits, int threads, List<Path> localDirectories) throws SQLException {
        this.dataDir = dataDir;
        Properties properties = DuckArrow.lossless(new Properties()); // its answers go to the coordinator's DuckDB
        properties.setProperty("threads", Integer.toString(threads));
        // DuckDB's own default takes 80% of RAM; leave room for Arrow buffers and the JVM
        long memory = Math.max(64L << 20, (long) (limits.memoryBytes() * 0.6));
        properties.setProperty("memory_limit", (memory >> 20) + "MB");
        properties.setProperty("disabled_optimizers", ShardSettings.DISABLED_OPTIMIZERS); // see there
        this.connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", properties);
        try {
            List<String> readable = new ArrayList<>();
            for (Path path : concat(dataDir, localDirectories)) {
                String dir = path.toAbsolutePath().normalize().toString();
                readable.add(Sql.literal(dir.endsWith("/") ? dir : dir + "/"));
            }
            execute("SET allowed_directories = [" + String.join(", ", readable) + "]");
            DuckLockdown.apply(connection);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    private static List<Path> concat(Path first, List<Path> rest) {
        List<Path> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    /** The local tables whose views edge tasks read; none until set. */
    private volatile LocalTables localTables;

    void useLocalTables(LocalTables tables) {
        this.localTables = tables;
    }

    /** The columns (name, DuckDB type) of a SELECT, after running {@code setup}; INVALID_ARGUMENT when it fails. */
    List<io.mallard.protocol.Messages.LocalColumn> describe(String select, List<String> setup) {
        List<io.mallard.protocol.Messages.LocalColumn> columns = new ArrayList<>();
        try (DuckDBConnection c = (DuckDBConnection) connection.duplicate(); Statement s = c.createStatement()) {
            for (String statement : setup) {
                s.execute(statement);
            }
            try (java.sql.ResultSet rs = s.executeQuery("DESCRIBE " + select)) {
                while (rs.next()) {
                    columns.add(new io.mallard.protocol.Messages.LocalColumn(rs.getString(1), rs.getString(2)));
                }
            }
        } catch (SQLException e) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "cannot read a local table: "
                    + io.mallard.common.duck.DuckErrors.translate(e).getMessage(), e);
        }
        return columns;
    }

    /** The rows of a SELECT, after running {@code setup}. */
    long count(String select, List<String> setup) {
        try (DuckDBConnection c = (DuckDBConnection) connection.duplicate(); Statement s = c.createStatement()) {
            for (String statement : setup) {
                s.execute(statement);
            }
            try (java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM (" + select + ")")) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw io.mallard.common.duck.DuckErrors.translate(e);
        }
    }

    /** A connection for one task: its default schema holds the task's tables as views. Close it when the task ends. */
    TaskConnection connect(TaskSpec task, Set<String> held) throws SQLException {
        LocalTables local = localTables;
        Map<String, LocalTables.View> edgeViews = local == null ? Map.of() : local.viewsFor(task);
        for (String fileId : task.fileIds()) {
            if (!held.contains(fileId)) {
                throw new MallardException(ErrorCode.NO_WORKER_FOR_SHARD, "this worker does not hold file " + fileId
                        + " of shard " + task.shardId());
            }
        }
        String schema;
        synchronized (this) {
            schema = viewSet(task, edgeViews);
            viewSets.get(schema).users++;
        }
        DuckDBConnection duplicate = null;
        try {
            duplicate = (DuckDBConnection) connection.duplicate();
            try (Statement s = duplicate.createStatement()) {
                s.execute("USE memory." + schema);
            }
            return new TaskConnection(duplicate, () -> release(schema));
        } catch (SQLException | RuntimeException e) {
            if (duplicate != null) {
                duplicate.close();
            }
            release(schema);
            throw e;
        }
    }

    /** A task's connection and what to do when it is closed. */
    record TaskConnection(DuckDBConnection connection, Runnable release) implements AutoCloseable {
        @Override
        public void close() throws SQLException {
            try {
                connection.close();
            } finally {
                release.run();
            }
        }
    }

    private synchronized void release(String schema) {
        ViewSet set = viewSets.get(schema);
        if (set != null) {
            set.users--;
        }
    }

    /** The schema of the task's views, made if it does not exist yet. Caller holds this. */
    private String viewSet(TaskSpec task, Map<String, LocalTables.View> edgeViews) throws SQLException {
        String description = describe(task) + edgeViews.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue().fingerprint()).toList();
        String schema = "v_" + Secrets.sha256Hex(description.getBytes(StandardCharsets.UTF_8)).substring(0, 24);
        if (viewSets.containsKey(schema)) {
            return schema;
        }
        Set<String> fileIds = new HashSet<>(task.fileIds());
        for (String fileId : fileIds) {
            attach(fileId);
        }
        List<String> ddl = new ArrayList<>();
        ddl.add("CREATE SCHEMA " + schema);
        for (TableScan table : task.tables()) {
            LocalTables.View local = edgeViews.get(table.name().toLowerCase(java.util.Locale.ROOT));
            if (local != null) {
                // a local table: the worker's own files, at the state the query pinned
                ddl.addAll(local.setup());
                ddl.add("CREATE VIEW " + schema + "." + Sql.ident(table.name()) + " AS " + local.select());
                continue;
            }
            List<ColumnDef> columns = table.columns().stream()
                    .map(c -> new ColumnDef(c.id(), c.name(), c.type(), true, c.defaultValue())).toList();
            List<ViewSql.FileRead> reads = table.files().stream()
                    .map(f -> new ViewSql.FileRead(f.fileId(), f.columnIds(), f.deletes())).toList();
            ddl.add("CREATE VIEW " + schema + "." + Sql.ident(table.name()) + " AS "
                    + ViewSql.select(columns, reads, WorkerDatabase::alias));
            ddl.add("CREATE VIEW " + schema + "." + Sql.ident(rowsView(table.name())) + " AS "
                    + ViewSql.selectWithRowIds(columns, reads, WorkerDatabase::alias));
        }
        ddl.add("CREATE VIEW " + schema + ".__mallard_shard AS SELECT " + Sql.literal(task.shardId()) + " AS shard");
        try (Statement s = connection.createStatement()) {
            for (String statement : ddl) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            try (Statement s = connection.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
            throw e;
        }
        viewSets.put(schema, new ViewSet(fileIds));
        evictIdle();
        return schema;
    }

    /** The view with each row's file and position, for DELETE and UPDATE: {@code __mallard_rows_<table>}. */
    static String rowsView(String table) {
        return "__mallard_rows_" + table;
    }

    private static String describe(TaskSpec task) {
        StringBuilder s = new StringBuilder(task.shardId()).append('\n');
        for (TableScan table : task.tables()) {
            s.append(table.name()).append('|');
            for (ColumnScan c : table.columns()) {
                s.append(c.id()).append(':').append(c.name()).append(':').append(c.type()).append(':')
                        .append(c.defaultValue()).append(',');
            }
            s.append('|');
            for (FileScan f : table.files()) {
                s.append(f.fileId()).append(f.columnIds()).append(f.deletes()).append(';');
            }
            s.append('\n');
        }
        return s.toString();
    }

    private void attach(String fileId) throws SQLException {
        if (attached.contains(fileId)) {
            return;
        }
        Path file = fileOf(dataDir, fileId);
        execute("ATTACH " + Sql.literal(file.toAbsolutePath().toString()) + " AS " + alias(fileId) + " (READ_ONLY)");
        attached.add(fileId);
    }

    /** Where a held file is kept: {@code <data dir>/<file id>.duckdb}. */
    static Path fileOf(Path dataDir, String fileId) {
        if (!fileId.matches("[0-9a-f]{8,64}")) {
            throw new MallardException(ErrorCode.PROTOCOL_ERROR, "not a file id: " + fileId);
        }
        return dataDir.resolve(fileId + ".duckdb");
    }

    private static String alias(String fileId) {
        return "f_" + fileId;
    }

    /** Drops the least recently used view schemas nobody runs in, beyond {@link #MAX_VIEW_SETS}. Caller holds this. */
    private void evictIdle() throws SQLException {
        List<String> idle = new ArrayList<>();
        int excess = viewSets.size() - MAX_VIEW_SETS;
        for (Map.Entry<String, ViewSet> e : viewSets.entrySet()) {
            if (excess - idle.size() <= 0) {
                break;
            }
            if (e.getValue().users == 0) {
                idle.add(e.getKey());
            }
        }
        for (String schema : idle) {
            drop(schema);
        }
    }

    /**
     * The coordinator took a file back: view schemas that read it are dropped once idle and the file is detached, so
     * that it can be deleted. Returns false when a running task still reads it (the caller tries again later).
     */
    synchronized boolean forget(String fileId) throws SQLException {
        boolean inUse = false;
        for (Map.Entry<String, ViewSet> e : List.copyOf(viewSets.entrySet())) {
            if (e.getValue().fileIds.contains(fileId)) {
                if (e.getValue().users > 0) {
                    inUse = true;
                } else {
                    drop(e.getKey());
                }
            }
        }
        if (inUse) {
            return false;
        }
        if (attached.remove(fileId)) {
            execute("DETACH " + alias(fileId));
        }
        return true;
    }

    private void drop(String schema) throws SQLException {
        viewSets.remove(schema);
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    private void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public void close() throws SQLException {
        LOG.debug("closing the worker database ({} files attached)", attached.size());
        connection.close();
    }
}
