package io.mallard.coordinator.system;

import com.fasterxml.jackson.databind.JsonNode;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.duck.DuckArrow;
import io.mallard.common.duck.DuckErrors;
import io.mallard.coordinator.catalog.CommitRecord;
import io.mallard.coordinator.catalog.TableSummary;
import io.mallard.planner.ast.TableRef;
import io.mallard.planner.ast.TableReferences;
import io.mallard.planner.sql.ClientFunctions;
import io.mallard.planner.sql.DuckDbSqlEngine;
import io.mallard.planner.sql.ParsedSql;
import io.mallard.planner.sql.SqlEngine;
import io.mallard.protocol.Messages;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * Answers SELECTs over the {@code mallard} schema ({@code mallard.queries}, {@code mallard.tasks}, {@code mallard.workers},
 * {@code mallard.shards}, {@code mallard.tables}, {@code mallard.commits}, {@code mallard.coordinator}, {@code mallard.users},
 * {@code mallard.audit}, {@code mallard.partitions}) from the metadata DuckDB, after refreshing its snapshot of the live cluster. A statement is
 * routed here when DuckDB's parser finds a table of schema {@code mallard} in it; mixing system tables with dataset
 * tables in one statement is refused, since the two live in different databases.
 */
public final class SystemTables {
    public static final String SCHEMA = "mallard";
    /** The system tables only admins read: the cluster's hosts, their addresses and which shards each one holds. */
    static final Set<String> ADMIN_ONLY = Set.of("workers", "shards", "users", "audit");

    private final MetadataStore store;
    private final Supplier<Messages.ClusterStatus> cluster;
    private final Supplier<Collection<QueryRecord>> running;
    private final CatalogSource catalog;
    private final BufferAllocator allocator;
    /** DuckDB's parser, on a connection of the metadata database per call. */
    private final SqlEngine parser;
    private final Supplier<CoordinatorStats> coordinator;
    /** Brings tables that are copied lazily up to date (the audit log's copy) before a read. */
    private volatile Runnable beforeRead = () -> { };

    /**
     * @param cluster the registry's current view of workers and shards
     * @param running the statements running now, for {@code mallard.queries} and {@code mallard.tasks}
     */
    public SystemTables(MetadataStore store, Supplier<Messages.ClusterStatus> cluster,
            Supplier<Collection<QueryRecord>> running, CatalogSource catalog, BufferAllocator allocator) {
        this(store, cluster, running, catalog, allocator, () -> new CoordinatorStats(0, 0, 0, 0, 0, 0, 0, 0, 0));
    }

    /** @param coordinator the coordinator's own figures, for {@code mallard.coordinator} */
    public SystemTables(MetadataStore store, Supplier<Messages.ClusterStatus> cluster,
            Supplier<Collection<QueryRecord>> running, CatalogSource catalog, BufferAllocator allocator,
            Supplier<CoordinatorStats> coordinator) {
        this.store = store;
        this.cluster = cluster;
        this.running = running;
        this.catalog = catalog;
        this.allocator = allocator;
        this.parser = DuckDbSqlEngine.perCall(store::newConnection);
        this.coordinator = coordinator;
    }

    /**
     * What {@code mallard.tables} and {@code mallard.commits} show: the current version's tables, and the commit log
     * after a version (the metadata database appends only the commits it has not seen yet).
     */
    public record CatalogSource(Supplier<List<TableSummary>> tables, LongFunction<List<CommitRecord>> commitsAfter,
            Supplier<List<io.mallard.coordinator.edge.EdgeTables.PartitionRow>> partitions) {
        public CatalogSource(Supplier<List<TableSummary>> tables, LongFunction<List<CommitRecord>> commitsAfter) {
            this(tables, commitsAfter, List::of);
        }
    }

    /** Who runs a system-table query: non-admins see only their own queries and tasks. */
    public record Viewer(String user, boolean admin, String session) {
    }

    /** The result of a system-table query; closing it frees the Arrow batches and the connection. */
    public record Result(ArrowReader reader, List<AutoCloseable> resources) implements AutoCloseable {
        @Override
        public void close() {
            for (AutoCloseable resource : resources) {
                try {
                    resource.close();
                } catch (Exception e) {
                    // keep closing the rest; nothing here holds data that outlives the query
                }
            }
        }
    }

    /**
     * Whether {@code sql} reads the {@code mallard} schema; if it does, it must read nothing else. The metadata database
     * also holds every user's unfiltered history ({@code history.*}, {@code live.*}) and DuckDB's own views and
     * functions, which show its file paths and settings: a statement routed here may name only {@code mallard.*} tables
     * and its own CTEs, call no table function and no function that reads settings (an allow-list on DuckDB's parse
     * tree, so {@code query_table('history.queries')} or a sub-query over {@code duckdb_databases} is refused).
     */
    public boolean reads(String sql) {
        if (!sql.toLowerCase(Locale.ROOT).contains(SCHEMA)) {
            return false; // the common case costs no parse
        }
        ParsedSql parsed = parser.parse(sql);
        if (parsed.failed()) {
            return false; // not a SELECT: the regular path reports what is wrong with it
        }
        Set<String> read = tablesRead(parsed);
        if (read.isEmpty()) {
            return false;
        }
        parsed.statements().forEach(this::checkReachesOnlySystemTables);
        parsed.statements().forEach(ClientFunctions::check);
        return true;
    }

    /** The {@code mallard} tables a statement names (lower case), empty when it names none. */
    private static Set<String> tablesRead(ParsedSql parsed) {
        Set<String> read = new TreeSet<>();
        parsed.statements().forEach(statement -> TableReferences.forEach(statement, (ref, cte) -> {
            if (ref.isBaseTable() && !cte && ref.schema().equalsIgnoreCase(SCHEMA)) {
                read.add(ref.tableName().toLowerCase(Locale.ROOT));
            }
        }));
        return read;
    }

    /** Refuses a non-admin a statement that names an admin-only system table (its views show them no rows either). */
    private void checkVisible(String sql, Viewer viewer) {
        if (viewer.admin()) {
            return;
        }
        ParsedSql parsed = parser.parse(sql);
        Set<String> denied = new TreeSet<>(parsed.failed() ? Set.of() : tablesRead(parsed));
        denied.retainAll(ADMIN_ONLY);
        if (!denied.isEmpty()) {
            throw new MallardException(ErrorCode.PERMISSION_DENIED, denied.stream().map(t -> SCHEMA + "." + t)
                    .collect(java.util.stream.Collectors.joining(", ")) + ": only admins may read the cluster's "
                    + "workers, shard placement, users and audit log; " + viewer.user() + " is not an admin");
        }
    }

    private void checkReachesOnlySystemTables(JsonNode statement) {
        List<String> others = new ArrayList<>();
        int[] position = {-1};
        TableReferences.forEach(statement, (ref, cte) -> {
            String kind = ref.kind();
            boolean allowed = switch (kind) {
                case TableRef.BASE_TABLE -> cte || (ref.schema().equalsIgnoreCase(SCHEMA)
                        && ref.node().path("catalog_name").asText("").isEmpty());
                case TableRef.JOIN, TableRef.SUBQUERY, "EMPTY", "EXPRESSION_LIST" -> true;
                default -> false;
            };
            if (!allowed) {
                others.add(describe(ref));
                if (position[0] < 0 && ref.node().path("query_location").canConvertToInt()) {
                    position[0] = ref.node().path("query_location").asInt();
                }
            }
        });
        if (!others.isEmpty()) {
            throw new MallardException(ErrorCode.UNSUPPORTED_STATEMENT, "a statement over the system tables (mallard.*) "
                    + "reads only them and its own CTEs; it cannot also read " + String.join(", ", others),
                    position[0], null);
        }
    }

    private static String describe(TableRef ref) {
        if (ref.isBaseTable()) {
            String catalogName = ref.node().path("catalog_name").asText("");
            return (catalogName.isEmpty() ? "" : catalogName + ".") + (ref.schema().isEmpty() ? "" : ref.schema() + ".")
                    + ref.tableName();
        }
        if ("TABLE_FUNCTION".equals(ref.kind())) {
            return "the table function " + ref.node().path("function").path("function_name").asText() + "()";
        }
        return "a table reference of kind " + ref.kind().toLowerCase(Locale.ROOT);
    }

    /** Runs {@code refresh} before every read of the system tables (copies the audit log for {@code mallard.audit}). */
    public void beforeEachRead(Runnable refresh) {
        this.beforeRead = refresh;
    }

    /** Runs a SELECT over the {@code mallard} schema for {@code viewer}. */
    public Result execute(String sql, Viewer viewer) {
        checkVisible(sql, viewer);
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            store.refresh(cluster.get(), running.get(), catalog, coordinator.get());
            beforeRead.run();
            Connection connection = store.newConnection();
            resources.add(connection);
            setVariables(connection, viewer);
            Statement statement = connection.createStatement();
            resources.add(0, statement);
            ResultSet rs = statement.executeQuery(sql);
            resources.add(0, rs);
            ArrowReader reader = DuckArrow.export(rs, allocator);
            resources.add(0, reader);
            return new Result(reader, resources);
        } catch (SQLException e) {
            new Result(null, resources).close();
            throw DuckErrors.translate(e);
        } catch (RuntimeException e) {
            new Result(null, resources).close();
            throw e;
        }
    }

    /** DuckDB's prepared-statement view of a system-table query, for its result columns before it runs. */
    public <T> T describe(String sql, Viewer viewer, Describer<T> describer) {
        checkVisible(sql, viewer);
        try (Connection connection = store.newConnection()) {
            setVariables(connection, viewer);
            try (PreparedStatement prepared = connection.prepareStatement(sql)) {
                return describer.describe(prepared);
            }
        } catch (SQLException e) {
            throw DuckErrors.translate(e);
        }
    }

    /** Reads what it needs from a prepared statement. */
    @FunctionalInterface
    public interface Describer<T> {
        T describe(PreparedStatement prepared) throws SQLException;
    }

    /** Column names and types of every system table, for catalog metadata. */
    public List<ColumnInfo> columns() {
        List<ColumnInfo> columns = new ArrayList<>();
        try (Connection connection = store.newConnection();
                PreparedStatement query = connection.prepareStatement("SELECT table_name, column_name, data_type, "
                        + "is_nullable = 'YES' FROM information_schema.columns WHERE table_schema = ? "
                        + "ORDER BY table_name, ordinal_position")) {
            query.setString(1, SCHEMA);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    columns.add(new ColumnInfo(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4)));
                }
            }
        } catch (SQLException e) {
            throw DuckErrors.translate(e);
        }
        return columns;
    }

    /** A column of a system table. */
    public record ColumnInfo(String table, String column, String type, boolean nullable) {
    }

    private static void setVariables(Connection connection, Viewer viewer) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET VARIABLE mallard_user = " + literal(viewer.user()));
            statement.execute("SET VARIABLE mallard_session = " + literal(viewer.session()));
            statement.execute("SET VARIABLE mallard_admin = " + viewer.admin());
        }
    }

    /** A SQL string literal; the values are user and session names from the coordinator, quoted all the same. */
    private static String literal(String value) {
        return "'" + (value == null ? "" : value.replace("'", "''")) + "'";
    }
}
