package io.mallard.data.table;

import io.mallard.data.FileDigests;
import io.mallard.data.Sql;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Writes immutable data and delete files with a DuckDB connection that may open files (the coordinator's own writer
 * database, never one that runs client SQL). Each file is attached under its final name in a fresh directory of the
 * caller's, filled, checkpointed and detached, then hashed: its bytes never change afterwards.
 */
public final class FileWriter {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** A file column in DuckDB's error for a NULL in a NOT NULL column. */
    private static final Pattern FILE_COLUMN = Pattern.compile("(NOT NULL constraint failed: )t\\.c(\\d+)\\b");

    private final Connection connection;
    private final Path dir;

    /** @param dir where new files are written before the caller puts them into the store */
    public FileWriter(Connection connection, Path dir) throws IOException {
        this.connection = connection;
        this.dir = Files.createDirectories(dir);
    }

    /** A file written locally, not yet in the store. */
    public record Written(String fileId, Path path, long size, String sha256, long rows) {
    }

    /** A new random file id: 32 lowercase hex digits. */
    public static String newFileId() {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    /**
     * Writes the rows {@code select} returns into a new data file of {@code table}: {@code select} is a query over this
     * connection whose output columns are the table's columns, in table order and with its names. Returns null when it
     * has no rows (no file is kept for nothing).
     */
    public Written writeData(TableDef table, String select) throws SQLException, IOException {
        String fileId = newFileId();
        Path file = dir.resolve(fileId + ".duckdb");
        String alias = "out_" + fileId;
        String columns = table.columns().stream()
                .map(c -> c.fileColumn() + " " + c.type() + (c.nullable() ? "" : " NOT NULL"))
                .collect(Collectors.joining(", "));
        String values = table.columns().stream()
                .map(c -> "CAST(src." + Sql.ident(c.name()) + " AS " + c.type() + ")")
                .collect(Collectors.joining(", "));
        long rows = 0;
        boolean filled = false;
        Sql.execute(connection, "ATTACH " + Sql.literal(file.toString()) + " AS " + alias);
        try {
            Sql.execute(connection, "CREATE TABLE " + alias + ".t (" + columns + ")");
            try {
                Sql.execute(connection, "INSERT INTO " + alias + ".t SELECT " + values + " FROM (" + select + ") AS src");
            } catch (SQLException e) {
                throw withColumnNames(e, table);
            }
            rows = Sql.queryLong(connection, "SELECT count(*) FROM " + alias + ".t");
            Sql.execute(connection, "CHECKPOINT " + alias);
            filled = true;
        } finally {
            try {
                Sql.execute(connection, "DETACH " + alias);
            } finally {
                if (!filled) { // a failed write leaves nothing behind
                    Files.deleteIfExists(file);
                    Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".wal"));
                }
            }
        }
        if (rows == 0) {
            Files.deleteIfExists(file);
            return null;
        }
        return finish(fileId, file, rows);
    }

    /**
     * The error with the table's names for the file's columns ({@code t.c3} is {@code events.device_id}), as one DuckDB
     * holding the table would name them.
     */
    private static SQLException withColumnNames(SQLException e, TableDef table) {
        String message = e.getMessage();
        Matcher m = message == null ? null : FILE_COLUMN.matcher(message);
        if (m == null || !m.find()) {
            return e;
        }
        int id = Integer.parseInt(m.group(2));
        String name = table.columns().stream().filter(c -> c.id() == id).map(ColumnDef::name).findFirst().orElse(null);
        if (name == null) {
            return e;
        }
        // the message may be DuckDB's JSON (errors_as_json): the names go in as a JSON string's characters
        String named = (table.name() + "." + name).replace("\\", "\\\\").replace("\"", "\\\"");
        return new SQLException(message.substring(0, m.start()) + m.group(1) + named + message.substring(m.end()),
                e.getSQLState(), e.getErrorCode(), e);
    }

    /**
     * Writes a delete file: the rowids {@code select} returns (one BIGINT column) are deleted rows of one data file.
     */
    public Written writeDeletes(String select) throws SQLException, IOException {
        String fileId = newFileId();
        Path file = dir.resolve(fileId + ".duckdb");
        String alias = "out_" + fileId;
        long rows;
        Sql.execute(connection, "ATTACH " + Sql.literal(file.toString()) + " AS " + alias);
        try {
            Sql.execute(connection, "CREATE TABLE " + alias + ".d (\"row\" BIGINT NOT NULL)");
            Sql.execute(connection, "INSERT INTO " + alias + ".d SELECT DISTINCT * FROM (" + select + ") ORDER BY 1");
            rows = Sql.queryLong(connection, "SELECT count(*) FROM " + alias + ".d");
            Sql.execute(connection, "CHECKPOINT " + alias);
        } finally {
            Sql.execute(connection, "DETACH " + alias);
        }
        return finish(fileId, file, rows);
    }

    private Written finish(String fileId, Path file, long rows) throws IOException {
        Path wal = file.resolveSibling(file.getFileName() + ".wal");
        if (Files.exists(wal)) {
            throw new IOException("DuckDB left a WAL next to " + file + " after CHECKPOINT and DETACH");
        }
        return new Written(fileId, file, Files.size(file), FileDigests.sha256(file), rows);
    }

    /**
     * The filter that keeps the rows of shard {@code shard} of {@code shardCount} of a partitioned table, over a source
     * aliased {@code src}: DuckDB's {@code hash()} of the key columns; for a table without key, the shard's contiguous
     * share of the source's rowids (shard 0 the first {@code 1/shardCount} of them, and so on), so that every shard's
     * rows are one dense range that DuckDB scans without reading the others'.
     *
     * @param rowids for a table without key, the source's {@link #rowidBound}; ignored for a key
     */
    public static String shardFilter(TableDef table, int shardCount, int shard, long rowids) {
        if (table.shardKey().isEmpty()) {
            List<String> bounds = new ArrayList<>();
            if (shard > 0) {
                bounds.add("src.rowid >= " + rowids * shard / shardCount);
            }
            if (shard < shardCount - 1) {
                bounds.add("src.rowid < " + rowids * (shard + 1) / shardCount);
            }
            return bounds.isEmpty() ? "true" : String.join(" AND ", bounds);
        }
        String key = table.shardKey().stream().map(k -> "src." + Sql.ident(k)).collect(Collectors.joining(", "));
        return "hash(" + key + ") % " + shardCount + " = " + shard;
    }

    /**
     * One more than the largest rowid of {@code relation} (a table of {@code connection}), what {@link #shardFilter}
     * splits for a table without key; 0 for {@code table}s with a key, which do not need it.
     */
    public static long rowidBound(Connection connection, TableDef table, String relation) throws SQLException {
        return table.shardKey().isEmpty() ? Sql.queryLong(connection, "SELECT coalesce(max(rowid) + 1, 0) FROM " + relation)
                : 0;
    }

    /** The files written so far that a failed change must delete. */
    public static void deleteQuietly(List<Written> written) {
        for (Written w : new ArrayList<>(written)) {
            try {
                Files.deleteIfExists(w.path());
            } catch (IOException e) {
                // the store's garbage collection removes what a crash or a failure leaves
            }
        }
    }
}
