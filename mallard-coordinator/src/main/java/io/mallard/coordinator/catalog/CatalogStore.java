package io.mallard.coordinator.catalog;

import com.fasterxml.jackson.core.type.TypeReference;
import io.mallard.common.ErrorCode;
import io.mallard.common.Json;
import io.mallard.common.MallardException;
import io.mallard.common.duck.DuckLockdown;
import io.mallard.common.security.OwnerOnlyFiles;
import io.mallard.data.TableRole;
import io.mallard.data.table.ColumnDef;
import io.mallard.data.table.DataFile;
import io.mallard.data.table.Snapshot;
import io.mallard.data.table.TableDef;
import io.mallard.data.table.TableReference;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.duckdb.DuckDBConnection;

/**
 * The catalog's durable form: {@code DIR/catalog.duckdb}, the only place that says which tables exist and which files
 * hold their rows. Every row of {@code tables} and {@code files} carries the version that added it and the version
 * that removed it, so a snapshot of any version can be read; one DuckDB transaction per commit makes a commit
 * all-or-nothing, also when the process is killed halfway.
 */
final class CatalogStore implements AutoCloseable {
    private static final String[] SCHEMA = {
        "CREATE TABLE IF NOT EXISTS cluster (shard_count INTEGER NOT NULL, created_at TIMESTAMP NOT NULL, "
                + "properties VARCHAR NOT NULL)",
        "CREATE TABLE IF NOT EXISTS tables (table_id BIGINT NOT NULL, name VARCHAR NOT NULL, role VARCHAR NOT NULL, "
                + "shard_key VARCHAR[] NOT NULL, columns VARCHAR NOT NULL, refs VARCHAR NOT NULL, "
                + "next_column_id INTEGER NOT NULL, added_version BIGINT NOT NULL, removed_version BIGINT)",
        "CREATE TABLE IF NOT EXISTS files (file_id VARCHAR NOT NULL, table_id BIGINT NOT NULL, shard INTEGER NOT NULL, "
                + "kind VARCHAR NOT NULL, store_key VARCHAR NOT NULL, size BIGINT NOT NULL, sha256 VARCHAR NOT NULL, "
                + "rows BIGINT NOT NULL, column_ids INTEGER[] NOT NULL, deletes_of VARCHAR, added_version BIGINT NOT NULL, "
                + "removed_version BIGINT)",
        "CREATE TABLE IF NOT EXISTS commits (version BIGINT NOT NULL, committed_at TIMESTAMP NOT NULL, "
                + "user_name VARCHAR NOT NULL, kind VARCHAR NOT NULL, table_name VARCHAR, statement VARCHAR, "
                + "rows_added BIGINT NOT NULL, rows_removed BIGINT NOT NULL)",
    };

    /** The process DuckDB names as holding a file's lock. */
    private static final Pattern HOLDER_PID = Pattern.compile("\\(PID (\\d+)\\)");

    private final DuckDBConnection connection;

    private CatalogStore(DuckDBConnection connection) {
        this.connection = connection;
    }

    /** Opens (creating if needed) the catalog file, locked against anything but this code's SQL. */
    static CatalogStore open(Path file) throws SQLException {
        try {
            OwnerOnlyFiles.directory(file.toAbsolutePath().getParent());
        } catch (java.io.IOException e) {
            throw new SQLException("cannot make the directory of " + file + " private: " + e.getMessage(), e);
        }
        DuckDBConnection connection;
        try {
            connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file);
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().contains("Could not set lock on file")) {
                throw inUse(file, e);
            }
            throw e;
        }
        try {
            OwnerOnlyFiles.files(file, OwnerOnlyFiles.walOf(file));
            DuckLockdown.apply(connection);
            try (Statement s = connection.createStatement()) {
                for (String ddl : SCHEMA) {
                    s.execute(ddl);
                }
            }
            return new CatalogStore(connection);
        } catch (java.io.IOException e) {
            connection.close();
            throw new SQLException("cannot make " + file + " private: " + e.getMessage(), e);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * DuckDB's refusal to open a file another process holds, said as what it means for a cluster directory: a
     * coordinator or {@code mallard up} still running there, or still shutting down.
     */
    private static MallardException inUse(Path file, SQLException e) {
        Matcher pid = HOLDER_PID.matcher(e.getMessage());
        return new MallardException(ErrorCode.IO_ERROR, "the cluster directory " + file.toAbsolutePath().getParent()
                + " is in use by another process" + (pid.find() ? " (PID " + pid.group(1) + ")" : "")
                + ": a coordinator or mallard up running there, or still shutting down; stop it (or wait until it has"
                + " exited), or use another directory", e);
    }

    /** The cluster's shard count and properties, once {@link #initialize} ran. */
    Optional<ClusterInfo> cluster() throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT shard_count, properties FROM cluster")) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new ClusterInfo(rs.getInt(1), Json.mapper().convertValue(Json.tree(rs.getString(2)),
                    new TypeReference<java.util.Map<String, String>>() { })));
        }
    }

    /** Records the shard count (fixed for the cluster's life) and free-form properties (e.g. the generated data's). */
    void initialize(ClusterInfo info) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO cluster VALUES (?, ?, ?)")) {
            insert.setInt(1, info.shardCount());
            insert.setTimestamp(2, utc(Instant.now()));
            insert.setString(3, Json.toText(info.properties()));
            insert.execute();
        }
    }

    /** The latest committed snapshot. */
    Snapshot load(int shardCount) throws SQLException {
        long version;
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM commits")) {
            rs.next();
            version = rs.getLong(1);
        }
        List<TableDef> tables = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT table_id, name, role, shard_key, columns, refs, next_column_id FROM tables "
                        + "WHERE removed_version IS NULL ORDER BY table_id")) {
            while (rs.next()) {
                tables.add(new TableDef(rs.getLong(1), rs.getString(2), TableRole.fromJson(rs.getString(3)),
                        strings(rs.getArray(4)), Json.mapper().convertValue(Json.tree(rs.getString(5)),
                                new TypeReference<List<ColumnDef>>() { }),
                        Json.mapper().convertValue(Json.tree(rs.getString(6)), new TypeReference<List<TableReference>>() { }),
                        rs.getInt(7)));
            }
        }
        List<DataFile> files = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT file_id, table_id, shard, kind, store_key, size, sha256, rows, column_ids, deletes_of FROM files "
                        + "WHERE removed_version IS NULL ORDER BY table_id, shard, added_version, file_id")) {
            while (rs.next()) {
                files.add(new DataFile(rs.getString(1), rs.getLong(2), rs.getInt(3), DataFile.Kind.valueOf(rs.getString(4)),
                        rs.getString(5), rs.getLong(6), rs.getString(7), rs.getLong(8), integers(rs.getArray(9)),
                        rs.getString(10)));
            }
        }
        return new Snapshot(version, shardCount, tables, files);
    }

    /**
     * Commits a change as version {@code next}: tables and files it replaces or removes get {@code next} as their removed
     * version, new ones are added, and the commit is logged, all in one transaction.
     */
    void commit(long next, Change change) throws SQLException {
        connection.setAutoCommit(false);
        try {
            try (PreparedStatement close = connection.prepareStatement(
                    "UPDATE tables SET removed_version = ? WHERE table_id = ? AND removed_version IS NULL")) {
                for (long tableId : change.tablesClosed()) {
                    close.setLong(1, next);
                    close.setLong(2, tableId);
                    close.execute();
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO tables VALUES (?, ?, ?, ?::VARCHAR[], ?, ?, ?, ?, NULL)")) {
                for (TableDef t : change.tablesWritten()) {
                    insert.setLong(1, t.id());
                    insert.setString(2, t.name());
                    insert.setString(3, t.role().jsonName());
                    insert.setArray(4, connection.createArrayOf("VARCHAR", t.shardKey().toArray()));
                    insert.setString(5, Json.toText(t.columns()));
                    insert.setString(6, Json.toText(t.references()));
                    insert.setInt(7, t.nextColumnId());
                    insert.setLong(8, next);
                    insert.execute();
                }
            }
            try (PreparedStatement remove = connection.prepareStatement(
                    "UPDATE files SET removed_version = ? WHERE file_id = ? AND removed_version IS NULL")) {
                for (String fileId : change.filesRemoved()) {
                    remove.setLong(1, next);
                    remove.setString(2, fileId);
                    remove.execute();
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::INTEGER[], ?, ?, NULL)")) {
                for (DataFile f : change.filesAdded()) {
                    insert.setString(1, f.fileId());
                    insert.setLong(2, f.tableId());
                    insert.setInt(3, f.shard());
                    insert.setString(4, f.kind().name());
                    insert.setString(5, f.storeKey());
                    insert.setLong(6, f.size());
                    insert.setString(7, f.sha256());
                    insert.setLong(8, f.rows());
                    insert.setArray(9, connection.createArrayOf("INTEGER", f.columnIds().toArray()));
                    insert.setString(10, f.deletesOf());
                    insert.setLong(11, next);
                    insert.execute();
                }
            }
            try (PreparedStatement log = connection.prepareStatement(
                    "INSERT INTO commits VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                log.setLong(1, next);
                log.setTimestamp(2, utc(Instant.now()));
                log.setString(3, change.user());
                log.setString(4, change.kind());
                log.setString(5, change.tableName());
                log.setString(6, change.statement());
                log.setLong(7, change.rowsAdded());
                log.setLong(8, change.rowsRemoved());
                log.execute();
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** Every store key any version names (live or removed): what garbage collection must keep until it is expired. */
    List<String> storeKeysOf(String whereClause) throws SQLException {
        List<String> keys = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT store_key FROM files WHERE " + whereClause)) {
            while (rs.next()) {
                keys.add(rs.getString(1));
            }
        }
        return keys;
    }

    /** The commit log, newest first. */
    List<CommitRecord> commits(int limit) throws SQLException {
        return commitRecords("ORDER BY version DESC LIMIT ?", limit);
    }

    /** The commits after {@code version}, oldest first, for {@code mallard.commits}. */
    List<CommitRecord> commitsAfter(long version) throws SQLException {
        return commitRecords("WHERE version > ? ORDER BY version", version);
    }

    /**
     * Reads on a connection of their own: the catalog's connection may be inside a commit's transaction on another
     * thread, and a read there would see that commit before it is one.
     */
    private List<CommitRecord> commitRecords(String clause, long parameter) throws SQLException {
        List<CommitRecord> out = new ArrayList<>();
        try (Connection reader = connection.duplicate(); PreparedStatement q = reader.prepareStatement(
                "SELECT version, committed_at, user_name, kind, table_name, statement, rows_added, rows_removed FROM commits "
                        + clause)) {
            q.setLong(1, parameter);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(new CommitRecord(rs.getLong(1), instant(rs.getTimestamp(2)), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getLong(7), rs.getLong(8)));
                }
            }
        }
        return out;
    }

    /** The last commit that changed a table (its definition or its files). */
    record LastChange(long version, Instant at) {
    }

    /**
     * For every table id, the last commit up to {@code version} that wrote its definition, added or removed one of its
     * files, or dropped it.
     */
    java.util.Map<Long, LastChange> lastChanges(long version) throws SQLException {
        java.util.Map<Long, LastChange> out = new java.util.HashMap<>();
        try (Connection reader = connection.duplicate(); PreparedStatement q = reader.prepareStatement(
                "WITH changes AS (SELECT table_id, added_version AS v FROM tables "
                        + "UNION ALL SELECT table_id, removed_version FROM tables WHERE removed_version IS NOT NULL "
                        + "UNION ALL SELECT table_id, added_version FROM files "
                        + "UNION ALL SELECT table_id, removed_version FROM files WHERE removed_version IS NOT NULL), "
                        + "last AS (SELECT table_id, max(v) AS v FROM changes WHERE v <= ? GROUP BY table_id) "
                        + "SELECT last.table_id, last.v, c.committed_at FROM last LEFT JOIN commits c ON c.version = last.v")) {
            q.setLong(1, version);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    Timestamp at = rs.getTimestamp(3);
                    out.put(rs.getLong(1), new LastChange(rs.getLong(2), at == null ? null : instant(at)));
                }
            }
        }
        return out;
    }

    private static Instant instant(Timestamp utc) {
        return utc.toLocalDateTime().toInstant(ZoneOffset.UTC);
    }

    private static List<String> strings(Array array) throws SQLException {
        Object[] values = (Object[]) array.getArray();
        return Arrays.stream(values).map(String::valueOf).toList();
    }

    private static List<Integer> integers(Array array) throws SQLException {
        Object[] values = (Object[]) array.getArray();
        return Arrays.stream(values).map(v -> ((Number) v).intValue()).toList();
    }

    private static Timestamp utc(Instant instant) {
        return Timestamp.valueOf(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
