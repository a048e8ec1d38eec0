package io.mallard.coordinator.system;

import com.fasterxml.jackson.databind.JsonNode;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.duck.DuckArrow;
import io.mallard.common.duck.DuckErrors;
import io.mallard.coordinator.catalog.CommitRecord;
import io.mallard.coordinator.catalog.TableSummary;
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
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * Answers SELECTs over the {@code mallard} schema ({@code mallard.queries}, {@code mallard.tasks}, {@code mallard.workers},
 * {@code mallard.shards}, {@code mallard.tables}, {@code mallard.commits}, {@code mallard.coordinator}) from the metadata DuckDB, after refreshing its snapshot of the live cluster. A statement is
 * routed here when DuckDB's parser finds a table of schema {@code mallard} in it; mixing system tables with dataset
 * tables in one statement is refused, since the two live in different databases.
 */
public final class SystemTables {
    public static final String SCHEMA = "mallard";

    private final MetadataStore store;
    private final Supplier<Messages.ClusterStatus> cluster;
    private final Supplier<Collection<QueryRecord>> running;
    private final CatalogSource catalog;
    private final BufferAllocator allocator;
    /** DuckDB's parser, on a connection of the metadata database per call. */
    private final SqlEngine parser;
    private final Supplier<CoordinatorStats> coordinator;

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
    public record CatalogSource(Supplier<List<TableSummary>> tables, LongFunction<List<CommitRecord>> commitsAfter) {
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

    /** Whether {@code sql} reads the {@code mallard} schema (and only it). */
    public boolean reads(String sql) {
        if (!sql.toLowerCase(Locale.ROOT).contains(SCHEMA)) {
            return false; // the common case costs no parse
        }
        ParsedSql parsed = parser.parse(sql);
        if (parsed.failed()) {
            return false; // not a SELECT: the regular path reports what is wrong with it
        }
        List<JsonNode> tables = new ArrayList<>();
        Set<String> ctes = new HashSet<>();
        parsed.statements().forEach(statement -> collect(statement, tables, ctes));
        boolean system = false;
        List<String> others = new ArrayList<>();
        for (JsonNode table : tables) {
            String schema = table.path("schema_name").asText("");
            String name = table.path("table_name").asText("");
            if (schema.equalsIgnoreCase(SCHEMA)) {
                system = true;
            } else if (!(schema.isEmpty() && ctes.contains(name.toLowerCase(Locale.ROOT)))) {
                others.add(schema.isEmpty() ? name : schema + "." + name);
            }
        }
        if (system && !others.isEmpty()) {
            throw new MallardException(ErrorCode.UNSUPPORTED_STATEMENT, "system tables (mallard.*) cannot be combined "
                    + "with dataset tables in one statement: " + String.join(", ", others));
        }
        return system;
    }

    private static void collect(JsonNode node, List<JsonNode> tables, Set<String> ctes) {
        if (node.isObject()) {
            if ("BASE_TABLE".equals(node.path("type").asText())) {
                tables.add(node);
            }
            for (JsonNode entry : node.path("cte_map").path("map")) {
                ctes.add(entry.path("key").asText("").toLowerCase(Locale.ROOT));
            }
        }
        if (node.isContainerNode()) {
            node.forEach(child -> collect(child, tables, ctes));
        }
    }

    /** Runs a SELECT over the {@code mallard} schema for {@code viewer}. */
    public Result execute(String sql, Viewer viewer) {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            store.refresh(cluster.get(), running.get(), catalog, coordinator.get());
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
