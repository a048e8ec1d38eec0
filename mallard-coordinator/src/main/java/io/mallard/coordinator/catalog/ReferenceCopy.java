package io.mallard.coordinator.catalog;

import io.mallard.common.duck.DuckArrow;
import io.mallard.common.duck.DuckLockdown;
import io.mallard.data.Sql;
import io.mallard.data.TableRole;
import io.mallard.data.table.ColumnDef;
import io.mallard.data.table.DataFile;
import io.mallard.data.table.Snapshot;
import io.mallard.data.table.TableDef;
import io.mallard.data.table.ViewSql;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 */
public final class ReferenceCopy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReferenceCopy.class);

    private final DuckDBConnection reference;
    private final TableWriter writer;
    private final BufferAllocator allocator;
    /** What each table's copy was made from (name, columns, files): a table is rebuilt when this changes. */
    private final Map<Long, String> applied = new HashMap<>();
    /** Edge tables (lower case): empty tables with their columns, kept through catalog changes (docs/edge.md). */
    private final Set<String> edgeTables = new HashSet<>();
    private ReferenceCopy(DuckDBConnection reference, TableWriter writer, BufferAllocator allocator) {
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
        Files.deleteIfExists(file);
        Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".wal"));
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("threads", Integer.toString(threads));
        if (memoryLimitBytes > 0) {
            properties.setProperty("memory_limit", Math.max(1, memoryLimitBytes >> 20) + "MB");
        }
        if (tempDirectory != null) {
            properties.setProperty("temp_directory", tempDirectory.toAbsolutePath().toString());
        }
        DuckDBConnection reference = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file, properties);
        try {
            // clients' SQL runs here for LOCAL queries: no files, no extensions, no setting changes
            DuckLockdown.apply(reference);
            ReferenceCopy copy = new ReferenceCopy(reference, writer, allocator);
            copy.apply(snapshot);
            return copy;
        } catch (SQLException | IOException | RuntimeException e) {
            reference.close();
            throw e;
        }
    }

    public DuckDBConnection connection() {
        return reference;
    }

    /**
     * Brings every table's copy to {@code snapshot}: new and changed tables are (re)built, dropped ones removed, all in
     * one transaction, so that a query running on the reference database meanwhile sees the version before or after.
     */
    public synchronized void apply(Snapshot snapshot) throws SQLException, IOException {
        Map<Long, String> before = new HashMap<>(applied);
        reference.setAutoCommit(false);
        try {
            applyTables(snapshot);
            reference.commit();
        } catch (SQLException | IOException | RuntimeException e) {
            reference.rollback();
            applied.clear();
            applied.putAll(before);
            throw e;
        } finally {
            reference.setAutoCommit(true);
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
            if (!wanted.contains(existing.toLowerCase(Locale.ROOT)) && !edgeTables.contains(existing.toLowerCase(Locale.ROOT))) {
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
        edgeTables.add(name.toLowerCase(Locale.ROOT));
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
    public void close() throws SQLException {
        reference.close();
    }
}
