package io.mallard.coordinator.system;

import io.mallard.common.duck.DuckErrors;
import io.mallard.common.duck.DuckLockdown;
import io.mallard.common.security.OwnerOnlyFiles;
import io.mallard.coordinator.catalog.CommitRecord;
import io.mallard.coordinator.catalog.TableSummary;
import io.mallard.coordinator.scheduling.QueryStats;
import io.mallard.protocol.Messages;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's metadata DuckDB file ({@code DIR/metadata.duckdb}): the query and task history, which survives
 * restarts, and snapshots of the live cluster (workers, shards, running queries) taken right before a system-table query.
 * Clients read it only through the views of the {@code mallard} schema, which show a non-admin user their own queries.
 */
public final class MetadataStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataStore.class);
    static final String QUERY_COLUMNS = "query_id VARCHAR, sql VARCHAR, user_name VARCHAR, session_id VARCHAR, "
            + "strategy VARCHAR, started TIMESTAMP, duration_ms BIGINT, workers VARCHAR[], tasks INTEGER, "
            + "tasks_finished INTEGER, rows BIGINT, rows_shipped BIGINT, bytes_shipped BIGINT, status VARCHAR, "
            + "error_code VARCHAR, error VARCHAR, warning VARCHAR";
    static final String TASK_COLUMNS = "query_id VARCHAR, user_name VARCHAR, shard_id VARCHAR, stream VARCHAR, "
            + "attempt INTEGER, worker_id VARCHAR, rows BIGINT, bytes BIGINT, state VARCHAR, elapsed_ms BIGINT";
    /** Who may see a query: admins all, everyone else their own (variables are set per connection, see SystemTables). */
    private static final String VISIBLE = "getvariable('mallard_admin') OR user_name = getvariable('mallard_user')";
    private static final String[] SCHEMA = {
        "CREATE SCHEMA IF NOT EXISTS history",
        "CREATE TABLE IF NOT EXISTS history.queries (" + QUERY_COLUMNS + ")",
        // a history from before partial results had no warning column (it is the last one, as in live.queries)
        "ALTER TABLE history.queries ADD COLUMN IF NOT EXISTS warning VARCHAR",
        "CREATE TABLE IF NOT EXISTS history.tasks (" + TASK_COLUMNS + ")",
        "CREATE SCHEMA IF NOT EXISTS live",
        "CREATE OR REPLACE TABLE live.queries (" + QUERY_COLUMNS + ")",
        "CREATE OR REPLACE TABLE live.tasks (" + TASK_COLUMNS + ")",
        "CREATE OR REPLACE TABLE live.workers (worker_id VARCHAR, name VARCHAR, address VARCHAR, state VARCHAR, "
                + "shards VARCHAR[], trusted_shards VARCHAR[], last_heartbeat TIMESTAMP, running_tasks INTEGER, "
                + "version VARCHAR, cpus INTEGER, memory_bytes BIGINT, pid BIGINT, certified BOOLEAN, "
                + "duplicate_name BOOLEAN)",
        "CREATE OR REPLACE TABLE live.shards (shard_id VARCHAR, files INTEGER, size_bytes BIGINT, "
                + "replicas VARCHAR[], state VARCHAR)",
        "CREATE OR REPLACE TABLE live.tables (name VARCHAR, role VARCHAR, shard_key VARCHAR[], shard_count INTEGER, "
                + "rows BIGINT, bytes BIGINT, files INTEGER, version BIGINT, last_commit TIMESTAMP)",
        // the catalog's commit log, appended to as commits are seen (it only grows), emptied when the coordinator starts
        "CREATE OR REPLACE TABLE live.commits (version BIGINT, committed_at TIMESTAMP, user_name VARCHAR, kind VARCHAR, "
                + "table_name VARCHAR, statement VARCHAR, rows_added BIGINT, rows_removed BIGINT)",
        "CREATE OR REPLACE TABLE live.coordinator (" + CoordinatorStats.COLUMNS + ")",
        "CREATE OR REPLACE TABLE live.partitions (table_name VARCHAR, partition_id VARCHAR, worker VARCHAR, "
                + "worker_id VARCHAR, rows BIGINT, fingerprint VARCHAR, last_seen TIMESTAMP, state VARCHAR)",
        "CREATE SCHEMA IF NOT EXISTS mallard",
        "CREATE OR REPLACE VIEW mallard.queries AS SELECT *, session_id = getvariable('mallard_session') AS current_session "
                + "FROM (SELECT * FROM history.queries UNION ALL SELECT * FROM live.queries) WHERE " + VISIBLE,
        "CREATE OR REPLACE VIEW mallard.tasks AS SELECT * FROM (SELECT * FROM history.tasks UNION ALL "
                + "SELECT * FROM live.tasks) WHERE " + VISIBLE,
        // admins only (SystemTables refuses the others with PERMISSION_DENIED; the views show them nothing either)
        "CREATE OR REPLACE VIEW mallard.workers AS SELECT * FROM live.workers WHERE getvariable('mallard_admin')",
        "CREATE OR REPLACE VIEW mallard.shards AS SELECT * FROM live.shards WHERE getvariable('mallard_admin')",
        "CREATE OR REPLACE VIEW mallard.tables AS SELECT * FROM live.tables",
        // every user sees who changed what and when; the statement's text (it may hold data) only admins
        "CREATE OR REPLACE VIEW mallard.commits AS SELECT version, committed_at, user_name, kind, table_name, "
                + "CASE WHEN getvariable('mallard_admin') THEN statement END AS statement, rows_added, rows_removed "
                + "FROM live.commits",
        "CREATE OR REPLACE VIEW mallard.coordinator AS SELECT * FROM live.coordinator",
        // edge partitions: which worker holds each, how many rows it announced, when it was last seen, online or not
        "CREATE OR REPLACE VIEW mallard.partitions AS SELECT * FROM live.partitions",
        // users, roles and table grants (UserStore); the password hashes never reach a view
        "CREATE SCHEMA IF NOT EXISTS auth",
        "CREATE TABLE IF NOT EXISTS auth.users (name VARCHAR PRIMARY KEY, role VARCHAR NOT NULL, "
                + "password_hash VARCHAR NOT NULL, generation VARCHAR NOT NULL, created TIMESTAMP)",
        "CREATE TABLE IF NOT EXISTS auth.grants (user_name VARCHAR NOT NULL, table_name VARCHAR NOT NULL)",
        "CREATE TABLE IF NOT EXISTS auth.seeded (name VARCHAR NOT NULL)",
        // admins only, like mallard.workers
        "CREATE OR REPLACE VIEW mallard.users AS SELECT u.name AS user_name, u.role, u.created, "
                + "coalesce(list(g.table_name ORDER BY g.table_name) FILTER (WHERE g.table_name IS NOT NULL), []) "
                + "AS select_grants FROM auth.users u LEFT JOIN auth.grants g ON g.user_name = u.name "
                + "WHERE getvariable('mallard_admin') GROUP BY u.name, u.role, u.created ORDER BY u.name",
        // a copy of the audit log for SQL (the log file is the record: `mallard audit verify` checks it), admins only
        "CREATE SCHEMA IF NOT EXISTS audit",
        "CREATE TABLE IF NOT EXISTS audit.records (seq BIGINT, time TIMESTAMP, event VARCHAR, user_name VARCHAR, "
                + "source VARCHAR, statement VARCHAR, outcome VARCHAR, error_code VARCHAR, detail VARCHAR, prev VARCHAR, "
                + "hash VARCHAR)",
        "CREATE OR REPLACE VIEW mallard.audit AS SELECT * FROM audit.records WHERE getvariable('mallard_admin')",
    };
    /** The tables of the {@code mallard} schema, as clients see them. */
    public static final List<String> SYSTEM_TABLES = List.of("queries", "tasks", "workers", "shards", "tables", "commits",
            "coordinator", "users", "audit", "partitions");

    /** How long a finished statement may wait before the writer appends it together with the others that finished. */
    static final long FLUSH_MILLIS = 200;

    private final DuckDBConnection connection;
    /**
     * Writes the history off the query's path and in batches: a commit to the metadata file costs milliseconds of CPU,
     * which at a few hundred queries a second took most of a core when each statement was written on its own. The
     * writer appends whatever finished in the last {@link #FLUSH_MILLIS} in one transaction; a read of the system
     * tables first flushes what is queued, so it always sees every statement that finished before it.
     */
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mallard-history");
        t.setDaemon(true);
        return t;
    });
    private final ConcurrentLinkedQueue<QueryRecord> pending = new ConcurrentLinkedQueue<>();
    /** The newest commit copied into {@code live.commits}. Guarded by this. */
    private long commitsSeen;
    /** The queued statements, also on disk until their batch is written; null when the history is in memory only. */
    private final HistoryJournal journal;
    /** Makes appending to the journal and queueing one step, so that a batch taken is exactly what the journal held. */
    private final Object journalLock = new Object();

    private MetadataStore(DuckDBConnection connection, HistoryJournal journal) {
        this.connection = connection;
        this.journal = journal;
        writer.scheduleWithFixedDelay(this::flush, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The journal of a metadata file: next to it. */
    static Path journalOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".journal");
    }

    /**
     * Opens (creating if needed) the metadata file; client SQL that reaches it can read no file and change no setting.
     * When the file cannot be opened (another process holds it), the history is kept in memory for this run only,
     * loudly: the coordinator still serves queries.
     */
    public static MetadataStore open(Path file) throws SQLException {
        DuckDBConnection connection;
        boolean onDisk = true;
        try {
            OwnerOnlyFiles.directory(file.toAbsolutePath().getParent()); // every user's SQL: the owner's alone
            connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file);
        } catch (java.io.IOException e) {
            throw new SQLException("cannot make the directory of " + file + " private: " + e.getMessage(), e);
        } catch (SQLException e) {
            LOG.warn("cannot open the metadata file {} ({}): query history is kept in memory and lost at shutdown",
                    file, e.getMessage());
            connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
            onDisk = false;
        }
        HistoryJournal journal = null;
        try (Statement statement = connection.createStatement()) {
            for (String ddl : SCHEMA) {
                statement.execute(ddl);
            }
            DuckLockdown.apply(connection);
            if (onDisk) {
                OwnerOnlyFiles.files(file, OwnerOnlyFiles.walOf(file));
                replay(connection, journalOf(file));
                journal = new HistoryJournal(journalOf(file));
                journal.rewrite(List.of());
            }
            return new MetadataStore(connection, journal);
        } catch (java.io.IOException e) {
            connection.close();
            throw new SQLException("cannot make the files of " + file + " private or open its history journal: "
                    + e.getMessage(), e);
        } catch (SQLException | RuntimeException e) {
            if (journal != null) {
                journal.close();
            }
            connection.close();
            throw e;
        }
    }

    /**
     * Writes the statements a journal holds that the history lacks: they finished after the last batch before the
     * coordinator stopped without closing (killed).
     */
    private static void replay(DuckDBConnection connection, Path journalFile) throws SQLException, java.io.IOException {
        List<QueryRecord> missing = new ArrayList<>();
        try (PreparedStatement known = connection.prepareStatement("SELECT count(*) FROM history.queries WHERE query_id = ?")) {
            for (QueryRecord query : HistoryJournal.read(journalFile)) {
                known.setString(1, query.queryId());
                try (java.sql.ResultSet rs = known.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        missing.add(query);
                    }
                }
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        writeBatch(connection, missing);
        LOG.info("{} statements that finished before the coordinator stopped were written to the history from {}",
                missing.size(), journalFile);
    }



    /** The copy of the audit log that {@code mallard.audit} shows. */
    public io.mallard.coordinator.audit.AuditIndex auditIndex() {
        return new io.mallard.coordinator.audit.AuditIndex() {
            @Override
            public long lastSeq() {
                try (Connection c = newConnection(); Statement s = c.createStatement();
                        java.sql.ResultSet rs = s.executeQuery("SELECT coalesce(max(seq), 0) FROM audit.records")) {
                    rs.next();
                    return rs.getLong(1);
                } catch (SQLException e) {
                    throw DuckErrors.translate(e);
                }
            }

            @Override
            public void clear() {
                try (Connection c = newConnection(); Statement s = c.createStatement()) {
                    s.execute("DELETE FROM audit.records");
                } catch (SQLException e) {
                    throw DuckErrors.translate(e);
                }
            }

            @Override
            public void append(List<io.mallard.coordinator.audit.AuditRecord> records) {
                try (DuckDBConnection c = (DuckDBConnection) newConnection();
                        DuckDBAppender row = c.createAppender("audit", "records")) {
                    for (io.mallard.coordinator.audit.AuditRecord r : records) {
                        row.beginRow();
                        row.append(r.seq());
                        row.append(java.time.OffsetDateTime.parse(r.time()).toLocalDateTime());
                        for (String value : new String[] {r.event(), r.user(), r.source(), r.statement(), r.outcome(),
                                r.errorCode(), r.detail(), r.prev(), r.hash()}) {
                            text(row, value);
                        }
                        row.endRow();
                    }
                } catch (SQLException e) {
                    throw DuckErrors.translate(e);
                }
            }
        };
    }

    /**
     * A connection of its own, for one client statement or the coordinator's own tables (users); the caller closes it.
     */
    public Connection newConnection() throws SQLException {
        Connection duplicate = connection.duplicate();
        // a duplicate takes the original's auto-commit flag: made while the history writer is inside a transaction it
        // would start with auto-commit off, and whatever it wrote would be rolled back when it is closed
        duplicate.setAutoCommit(true);
        return duplicate;
    }

    /**
     * Appends a finished statement and its tasks to the history: at once to the journal (one write), in the background
     * to the history's tables (see {@link #awaitWrites}).
     */
    public void record(QueryRecord query) {
        synchronized (journalLock) {
            if (journal != null) {
                try {
                    journal.append(query);
                } catch (RuntimeException e) {
                    LOG.warn("query {} could not be journaled: {}", query.queryId(), e.getMessage());
                }
            }
            pending.add(query);
        }
    }

    /** Waits until every statement recorded so far is in the history, so a read of the system tables sees it. */
    void awaitWrites() {
        try {
            writer.submit(this::flush).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            LOG.warn("the query history is behind: {}", e.toString());
        }
    }

    /** Writes what is queued in one transaction; on the writer thread, or at close once the writer has stopped. */
    private void flush() {
        List<QueryRecord> batch = new ArrayList<>();
        synchronized (journalLock) {
            for (QueryRecord query; (query = pending.poll()) != null;) {
                batch.add(query);
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            write(batch);
        } catch (SQLException | RuntimeException e) {
            // the journal keeps them: the next start writes them
            LOG.warn("{} queries could not be written to the history: {}", batch.size(), e.getMessage());
            return;
        }
        synchronized (journalLock) {
            if (journal != null) {
                try {
                    journal.rewrite(List.copyOf(pending)); // what finished since the batch was taken
                } catch (RuntimeException e) {
                    LOG.warn("the history journal could not be emptied: {}", e.getMessage());
                }
            }
        }
    }

    private synchronized void write(List<QueryRecord> batch) throws SQLException {
        writeBatch(connection, batch);
    }

    /** Appends statements to the history in one transaction. */
    private static void writeBatch(DuckDBConnection connection, List<QueryRecord> batch) throws SQLException {
        connection.setAutoCommit(false);
        try {
            append(connection, "history", batch);
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** Appends statements to {@code schema.queries} and their tasks to {@code schema.tasks}, in the open transaction. */
    private static void append(DuckDBConnection connection, String schema, Collection<QueryRecord> statements)
            throws SQLException {
        try (DuckDBAppender queries = connection.createAppender(schema, "queries")) {
            for (QueryRecord query : statements) {
                appendQuery(queries, query);
            }
        }
        try (DuckDBAppender tasks = connection.createAppender(schema, "tasks")) {
            for (QueryRecord query : statements) {
                appendTasks(tasks, query);
            }
        }
    }

    private static void appendQuery(DuckDBAppender row, QueryRecord q) throws SQLException {
        QueryStats stats = q.stats();
        row.beginRow();
        text(row, q.queryId());
        text(row, q.sql());
        text(row, q.user());
        text(row, q.session());
        text(row, stats == null || stats.strategy().isEmpty() ? null : stats.strategy());
        row.append(java.time.LocalDateTime.ofInstant(q.started(), java.time.ZoneOffset.UTC));
        row.append(q.durationMillis());
        row.append(stats == null ? List.of() : stats.workers());
        row.append(stats == null ? 0 : stats.tasks().size());
        row.append(stats == null ? 0 : (int) stats.tasksFinished());
        row.append(q.rows());
        row.append(stats == null ? 0L : stats.rowsShipped());
        row.append(stats == null ? 0L : stats.bytesShipped());
        text(row, q.status());
        text(row, q.errorCode());
        text(row, q.error());
        text(row, q.warning());
        row.endRow();
    }

    private static void appendTasks(DuckDBAppender row, QueryRecord q) throws SQLException {
        if (q.stats() == null) {
            return;
        }
        for (QueryStats.TaskStats t : q.stats().tasks()) {
            row.beginRow();
            text(row, q.queryId());
            text(row, q.user());
            text(row, t.shardId());
            text(row, t.stream());
            row.append(t.attempt());
            text(row, t.workerId());
            row.append(t.rows());
            row.append(t.bytes());
            text(row, t.state());
            row.append(t.elapsedMillis());
            row.endRow();
        }
    }

    private static void text(DuckDBAppender row, String value) throws SQLException {
        if (value == null) {
            row.appendNull();
        } else {
            row.append(value);
        }
    }

    /** Replaces the snapshot of live state that the {@code mallard} views show, in one transaction. */
    void refresh(Messages.ClusterStatus cluster, Collection<QueryRecord> running, SystemTables.CatalogSource catalog,
            CoordinatorStats stats) throws SQLException {
        awaitWrites();
        refreshLive(cluster, running, catalog, stats);
    }

    private synchronized void refreshLive(Messages.ClusterStatus cluster, Collection<QueryRecord> running,
            SystemTables.CatalogSource catalog, CoordinatorStats stats) throws SQLException {
        List<TableSummary> tables = catalog.tables().get();
        List<CommitRecord> commits = catalog.commitsAfter().apply(commitsSeen);
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            for (String table : List.of("live.queries", "live.tasks", "live.workers", "live.shards", "live.tables",
                    "live.coordinator", "live.partitions")) {
                statement.execute("DELETE FROM " + table);
            }
            append(connection, "live", running);
            insertWorkers(cluster.workers());
            insertShards(cluster.shards());
            insertTables(tables);
            insertPartitions(catalog.partitions().get());
            appendCommits(commits);
            insertCoordinator(stats);
            connection.commit();
            if (!commits.isEmpty()) {
                commitsSeen = commits.get(commits.size() - 1).version();
            }
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private void insertTables(List<TableSummary> tables) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO live.tables VALUES (?, ?, ?::VARCHAR[], ?, ?, ?, ?, ?, ?)")) {
            for (TableSummary t : tables) {
                insert.setString(1, t.name());
                insert.setString(2, t.role().jsonName());
                insert.setArray(3, array(t.shardKey()));
                insert.setInt(4, t.shardCount());
                insert.setLong(5, t.rows());
                insert.setLong(6, t.bytes());
                insert.setInt(7, t.files());
                insert.setLong(8, t.version());
                insert.setTimestamp(9, t.lastCommit() == null ? null : utc(t.lastCommit()));
                insert.execute();
            }
        }
    }

    private void insertPartitions(List<io.mallard.coordinator.edge.EdgeTables.PartitionRow> partitions) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO live.partitions VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (var p : partitions) {
                insert.setString(1, p.table());
                insert.setString(2, p.partition());
                insert.setString(3, p.worker());
                insert.setString(4, p.workerId());
                insert.setLong(5, p.rows());
                insert.setString(6, p.fingerprint());
                insert.setTimestamp(7, utc(java.time.Instant.ofEpochMilli(p.lastSeenMillis())));
                insert.setString(8, p.state());
                insert.execute();
            }
        }
        // each edge table once in mallard.tables: role edge, its partitions as shards, the rows its workers announced;
        // size, files and versions are the devices' own business
        java.util.Map<String, long[]> edgeTables = new java.util.LinkedHashMap<>();
        for (var p : partitions) {
            long[] sums = edgeTables.computeIfAbsent(p.table(), t -> new long[2]);
            sums[0]++;
            sums[1] += p.rows();
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO live.tables VALUES (?, 'edge', []::VARCHAR[], ?, ?, NULL, NULL, NULL, NULL)")) {
            for (var e : edgeTables.entrySet()) {
                insert.setString(1, e.getKey());
                insert.setInt(2, (int) e.getValue()[0]);
                insert.setLong(3, e.getValue()[1]);
                insert.execute();
            }
        }
    }

    private void appendCommits(List<CommitRecord> commits) throws SQLException {
        try (DuckDBAppender row = connection.createAppender("live", "commits")) {
            for (CommitRecord c : commits) {
                row.beginRow();
                row.append(c.version());
                row.append(java.time.LocalDateTime.ofInstant(c.committedAt(), java.time.ZoneOffset.UTC));
                text(row, c.user());
                text(row, c.kind());
                text(row, c.tableName());
                text(row, c.statement());
                row.append(c.rowsAdded());
                row.append(c.rowsRemoved());
                row.endRow();
            }
        }
    }

    private void insertWorkers(List<Messages.WorkerView> workers) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO live.workers VALUES (?, ?, ?, ?, ?::VARCHAR[], ?::VARCHAR[], ?, ?, ?, ?, ?, ?, ?, ?)")) {
            long now = System.currentTimeMillis();
            for (Messages.WorkerView w : workers) {
                insert.setString(1, w.id());
                insert.setString(2, w.name());
                insert.setString(3, w.address());
                insert.setString(4, w.state());
                insert.setArray(5, array(w.assigned()));
                insert.setArray(6, array(w.trusted()));
                insert.setTimestamp(7, utc(Instant.ofEpochMilli(now - w.lastHeartbeatMillisAgo())));
                insert.setInt(8, w.runningTasks());
                insert.setString(9, w.version());
                insert.setInt(10, w.cpus());
                insert.setLong(11, w.memoryBytes());
                insert.setLong(12, w.pid());
                insert.setBoolean(13, w.certified());
                insert.setBoolean(14, w.duplicateName());
                insert.execute();
            }
        }
    }

    private void insertShards(List<Messages.ShardView> shards) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO live.shards VALUES (?, ?, ?, ?::VARCHAR[], ?)")) {
            for (Messages.ShardView s : shards) {
                insert.setString(1, s.id());
                insert.setInt(2, s.files());
                insert.setLong(3, s.size());
                insert.setArray(4, array(s.trustedOn()));
                insert.setString(5, s.trustedOn().isEmpty() ? "unserved" : "served");
                insert.execute();
            }
        }
    }

    private void insertCoordinator(CoordinatorStats c) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO live.coordinator VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, c.arrowBytes());
            insert.setLong(2, c.arrowPeakBytes());
            insert.setLong(3, c.budgetBytes());
            insert.setInt(4, c.spillFiles());
            insert.setLong(5, c.spilledBytes());
            insert.setInt(6, c.runningQueries());
            insert.setInt(7, c.queuedQueries());
            insert.setInt(8, c.heldForClients());
            insert.setLong(9, c.heapBytes());
            insert.execute();
        }
    }

    private Array array(List<String> values) throws SQLException {
        return connection.createArrayOf("VARCHAR", values.toArray(new String[0]));
    }

    /** TIMESTAMP columns hold UTC wall-clock time. */
    private static Timestamp utc(Instant instant) {
        return Timestamp.valueOf(java.time.LocalDateTime.ofInstant(instant, java.time.ZoneOffset.UTC));
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("the last queries were not written to the history in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush(); // what finished after the writer's last run
        if (journal != null) {
            journal.close();
        }
        synchronized (this) {
            closeConnection();
        }
    }

    private void closeConnection() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw DuckErrors.translate(e);
        }
    }
}
