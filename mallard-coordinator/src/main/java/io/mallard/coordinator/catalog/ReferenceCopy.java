package io.mallard.coordinator.catalog;

import io.mallard.common.duck.DuckArrow;
import io.mallard.common.duck.DuckErrors;
import io.mallard.common.duck.DuckLockdown;
import io.mallard.data.Sql;
import io.mallard.data.TableRole;
import io.mallard.data.table.ColumnDef;
import io.mallard.data.table.DataFile;
import io.mallard.data.table.Snapshot;
import io.mallard.data.table.TableDef;
import io.mallard.data.table.ViewSql;
import io.mallard.planner.sql.DuckDbSqlEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's reference database, derived from the catalog: every table with its columns, replicated and
 * dimension tables with all their rows, partitioned tables empty. The planner binds queries against it, LOCAL queries
 * and GATHER combines run on it. Rebuilt from the store when the coordinator starts and brought up to date after each
 * commit, table by table; it is locked like every database that runs client SQL.
 *
 * <p>DuckDB invalidates a database after an internal error of its own and then fails every later statement on it. A
 * connection that finds the reference database so ({@link #connect}, the planner's {@link #planning}, a commit's
 * {@link #apply}) has it built anew from the version last applied, edge tables included; the statement that met the
 * error fails, the next ones work.
 */
public final class ReferenceCopy implements AutoCloseable, ReferenceConnections {
    private static final Logger LOG = LoggerFactory.getLogger(ReferenceCopy.class);

    private final Path file;
    private final Properties properties;
    private final TableWriter writer;
    private final BufferAllocator allocator;
    /** What each table's copy was made from (name, columns, files): a table is rebuilt when this changes. */
    private final Map<Long, String> applied = new HashMap<>();
    /** Edge tables by lower-case name, with their DDL: empty tables kept through catalog changes (docs/edge.md). */
    private final Map<String, String> edgeTables = new LinkedHashMap<>();
    private DuckDBConnection reference;
    /** The file the database is in now: {@link #file}, or after the n-th renewal a file of its own beside it. */
    private Path current;
    private int renewals;
    /** The planner's connection, one at a time ({@link #planning}). */
    private DuckDBConnection planning;
    /** The version applied last. */
    private Snapshot snapshot;

    private ReferenceCopy(Path file, Properties properties, DuckDBConnection reference, TableWriter writer,
            BufferAllocator allocator) {
        this.file = file;
        this.current = file;
        this.properties = properties;
        this.reference = reference;
        this.writer = writer;
        this.allocator = allocator;
    }

    /**
     * Makes the reference database at {@code file} anew from the snapshot.
     *
     * @param writer reads the store's files
     */
    public static ReferenceCopy build(Path file, Snapshot snapshot, TableWriter writer, BufferAllocator allocator,
            int threads) throws SQLException, IOException {
        return build(file, snapshot, writer, allocator, threads, 0, null);
    }

    /**
     * As above, with DuckDB's memory limit and temporary directory: GATHER combines and LOCAL queries run here, bounded,
     * spilling to {@code tempDirectory} beyond {@code memoryLimitBytes} (0: DuckDB's default).
     */
    public static ReferenceCopy build(Path file, Snapshot snapshot, TableWriter writer, BufferAllocator allocator,
            int threads, long memoryLimitBytes, Path tempDirectory) throws SQLException, IOException {
        deleteRenewed(file);
        Properties properties = DuckArrow.lossless(new Properties()); // rows go to the writers exactly
        properties.setProperty("threads", Integer.toString(threads));
        if (memoryLimitBytes > 0) {
            properties.setProperty("memory_limit", Math.max(1, memoryLimitBytes >> 20) + "MB");
        }
        if (tempDirectory != null) {
            properties.setProperty("temp_directory", tempDirectory.toAbsolutePath().toString());
        }
        ReferenceCopy copy = new ReferenceCopy(file, properties, open(file, properties), writer, allocator);
        try {
            copy.apply(snapshot);
            synchronized (copy) {
                if (copy.planning == null) { // (a renewal while the first version was applied made one already)
                    copy.planning = (DuckDBConnection) copy.reference.duplicate();
                }
            }
            return copy;
        } catch (SQLException | IOException | RuntimeException e) {
            copy.close();
            throw e;
        }
    }

    /** A new, empty database file at {@code file}, locked: clients' SQL runs here (no files, extensions, settings). */
    private static DuckDBConnection open(Path file, Properties properties) throws SQLException, IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".wal"));
        DuckDBConnection reference = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file, properties);
        try {
            DuckLockdown.apply(reference);
            return reference;
        } catch (SQLException | RuntimeException e) {
            reference.close();
            throw e;
        }
    }

    /**
     * A new connection to the reference database; the caller closes it. One is tried first: a database DuckDB
     * invalidated is built anew, and the connection is one to the new database.
     */
    @Override
    public DuckDBConnection connect() throws SQLException {
        DuckDBConnection connection;
        synchronized (this) {
            connection = (DuckDBConnection) reference.duplicate();
        }
        try (Statement probe = connection.createStatement()) {
            probe.execute("SELECT 1");
            return connection;
        } catch (SQLException e) {
            connection.close();
            if (!renewIfBroken(e)) {
                throw e;
            }
            synchronized (this) {
                return (DuckDBConnection) reference.duplicate();
            }
        }
    }

    /**
     * The planner's connection to the reference database, one call at a time: the current one, renewed when a call
     * finds the database invalidated.
     */
    public DuckDbSqlEngine.SharedConnection planning() {
        return new DuckDbSqlEngine.SharedConnection() {
            @Override
            public Connection current() {
                synchronized (ReferenceCopy.this) {
                    return planning;
                }
            }

            @Override
            public boolean renewed(SQLException failure) {
                return DuckErrors.invalidated(failure) && renewIfBroken(failure);
            }
        };
    }

    /**
     * After {@code failure} on a connection of this database: builds the database anew unless it answers (another
     * connection renewed it already). Whether a working database is in place.
     */
    private synchronized boolean renewIfBroken(SQLException failure) {
        try (Statement probe = reference.createStatement()) {
            probe.execute("SELECT 1");
            return true;
        } catch (SQLException broken) {
            try {
                renew(failure);
                return true;
            } catch (SQLException | IOException | RuntimeException e) {
                LOG.error("the reference database could not be built anew: {}", e.getMessage(), e);
                return false;
            }
        }
    }

    /** Replaces the database with a new one holding {@link #snapshot}'s tables and the edge tables. */
    private synchronized void renew(SQLException cause) throws SQLException, IOException {
        LOG.warn("the reference database was invalidated by an internal DuckDB error ({}); building it anew from version "
                + "{}", cause.getMessage(), snapshot.version());
        long start = System.nanoTime();
        closeQuietly(planning);
        closeQuietly(reference);
        // a file of its own: the invalidated database may still be open for queries that were running on it
        Path previous = current;
        current = renewed(file, ++renewals);
        reference = open(current, properties);
        if (!previous.equals(file)) {
            deleteDatabaseFile(previous);
        }
        applied.clear();
        applyOnce(snapshot);
        for (String ddl : edgeTables.values()) {
            execute(ddl);
        }
        planning = (DuckDBConnection) reference.duplicate();
        LOG.info("reference database built anew in {} ms", (System.nanoTime() - start) / 1_000_000);
    }

    private static Path renewed(Path file, int renewal) {
        return file.resolveSibling(stem(file) + "-renewed-" + renewal + ".duckdb");
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".duckdb") ? name.substring(0, name.length() - ".duckdb".length()) : name;
    }

    /** Removes the files of databases renewed in an earlier run of the coordinator. */
    private static void deleteRenewed(Path file) throws IOException {
        if (!Files.isDirectory(file.toAbsolutePath().getParent())) {
            return;
        }
        String prefix = stem(file) + "-renewed-";
        try (var siblings = Files.list(file.toAbsolutePath().getParent())) {
            for (Path sibling : siblings.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
                Files.deleteIfExists(sibling);
            }
        }
    }

    private static void deleteDatabaseFile(Path database) {
        try {
            Files.deleteIfExists(database);
            Files.deleteIfExists(database.resolveSibling(database.getFileName() + ".wal"));
        } catch (IOException e) {
            LOG.warn("could not delete {} (a reference database replaced): {}", database, e.getMessage());
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("closing a connection to the reference database: {}", e.getMessage());
            }
        }
    }

    /**
     * Brings every table's copy to {@code next}: new and changed tables are (re)built, dropped ones removed, all in
     * one transaction, so that a query running on the reference database meanwhile sees the version before or after.
     * A database DuckDB invalidated is built anew at {@code next}.
     */
    public synchronized void apply(Snapshot next) throws SQLException, IOException {
        try {
            applyOnce(next);
        } catch (SQLException e) {
            if (!DuckErrors.invalidated(e)) {
                throw e;
            }
            snapshot = next;
            renew(e);
        }
        snapshot = next;
    }

    private void applyOnce(Snapshot next) throws SQLException, IOException {
        Map<Long, String> before = new HashMap<>(applied);
        reference.setAutoCommit(false);
        try {
            applyTables(next);
            reference.commit();
        } catch (SQLException | IOException | RuntimeException e) {
            try {
                reference.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            applied.clear();
            applied.putAll(before);
            throw e;
        } finally {
            try {
                reference.setAutoCommit(true);
            } catch (SQLException ignored) {
                // an invalidated database: the failure above says so
            }
        }
    }

    private void applyTables(Snapshot snapshot) throws SQLException, IOException {
        Set<Long> present = new HashSet<>();
        for (TableDef table : snapshot.tables()) {
            present.add(table.id());
            String signature = signature(snapshot, table);
            if (!signature.equals(applied.get(table.id()))) {
                rebuild(snapshot, table);
                applied.put(table.id(), signature);
            }
        }
        Set<String> wanted = snapshot.tables().stream().map(t -> t.name().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        for (String existing : tableNames()) {
            if (!wanted.contains(existing.toLowerCase(Locale.ROOT)) && !edgeTables.containsKey(existing.toLowerCase(Locale.ROOT))) {
                execute("DROP TABLE " + Sql.ident(existing));
            }
        }
        applied.keySet().retainAll(present);
    }

    private void rebuild(Snapshot snapshot, TableDef table) throws SQLException, IOException {
        long start = System.nanoTime();
        String columns = table.columns().stream()
                .map(c -> Sql.ident(c.name()) + " " + c.type() + (c.nullable() ? "" : " NOT NULL"))
                .collect(Collectors.joining(", "));
        for (String existing : tableNames()) {
            // a renamed table leaves its old name behind; a table's id is its identity
            if (existing.equalsIgnoreCase(table.name())) {
                execute("DROP TABLE " + Sql.ident(existing));
            }
        }
        execute("CREATE TABLE " + Sql.ident(table.name()) + " (" + columns + ")");
        if (table.role() == TableRole.PARTITIONED) {
            return;
        }
        List<DataFile> data = snapshot.fullCopy(table.id());
        if (data.isEmpty()) {
            return;
        }
        List<ViewSql.FileRead> reads = new ArrayList<>();
        for (DataFile f : data) {
            writer.attach(f);
            DataFile deletes = snapshot.deletesOf(f.fileId()).orElse(null);
            if (deletes != null) {
                writer.attach(deletes);
            }
            reads.add(new ViewSql.FileRead(f.fileId(), f.columnIds(), deletes == null ? null : deletes.fileId()));
        }
        String select = ViewSql.select(table.columns(), reads, ReferenceCopy::alias);
        try (Statement s = writer.connection().createStatement(); ResultSet rs = s.executeQuery(select)) {
            String view = "__mallard_load_" + table.id();
            ArrowReader rows = DuckArrow.export(rs, allocator); // the registered stream owns it from here
            try (ArrowArrayStream stream = DuckArrow.register(reference, view, rows, allocator)) {
                execute("INSERT INTO " + Sql.ident(table.name()) + " SELECT * FROM " + view);
            }
        }
        LOG.info("reference copy of {} rebuilt in {} ms", table.name(), (System.nanoTime() - start) / 1_000_000);
    }


    /**
     * Makes the empty table of an edge table (its rows stay on the workers): queries bind against it, and a GATHER
     * combine reads the gathered rows in its place. Kept when the catalog changes.
     */
    public synchronized void defineEdgeTable(String name, List<io.mallard.protocol.Messages.LocalColumn> columns) {
        String ddl = "CREATE TABLE IF NOT EXISTS " + Sql.ident(name) + " (" + columns.stream()
                .map(c -> Sql.ident(c.name()) + " " + c.type()).collect(Collectors.joining(", ")) + ")";
        try {
            execute(ddl);
        } catch (SQLException e) {
            throw new io.mallard.common.MallardException(io.mallard.common.ErrorCode.EDGE_TABLE_REFUSED,
                    "edge table " + name + " cannot be defined: " + e.getMessage(), e);
        }
        edgeTables.put(name.toLowerCase(Locale.ROOT), ddl);
    }

    private static String alias(String fileId) {
        return "f_" + fileId;
    }

    private List<String> tableNames() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement s = reference.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main'")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static String signature(Snapshot snapshot, TableDef table) {
        StringBuilder s = new StringBuilder(table.name()).append('|').append(table.role()).append('|');
        for (ColumnDef c : table.columns()) {
            s.append(c.id()).append(':').append(c.name()).append(':').append(c.type()).append(',');
        }
        if (table.role() != TableRole.PARTITIONED) {
            for (DataFile f : snapshot.fullCopy(table.id())) {
                s.append(f.fileId()).append('/').append(snapshot.deletesOf(f.fileId()).map(DataFile::fileId).orElse(""));
                s.append(';');
            }
        }
        return s.toString();
    }

    private void execute(String sql) throws SQLException {
        try (Statement s = reference.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public synchronized void close() throws SQLException {
        closeQuietly(planning);
        reference.close();
        if (!current.equals(file)) {
            deleteDatabaseFile(current);
        }
    }
}
