package io.mallard.coordinator.combine;

import io.mallard.common.Resources;
import io.mallard.common.duck.DuckArrow;
import io.mallard.common.duck.DuckLockdown;
import io.mallard.coordinator.catalog.ReferenceConnections;
import io.mallard.planner.plan.DistributedPlan;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.apache.arrow.memory.BufferAllocator;
import org.duckdb.DuckDBConnection;

/**
 * The combine step: runs a distributed plan's combine SQL in DuckDB over the workers' Arrow streams as they arrive
 * (registered over the Arrow C Data interface, never copied into Java rows). Partial aggregates combine in an in-memory
 * database that every query shares; a GATHER combines next to the reference database's full copies of the dimension
 * tables. Each query gets a connection of its own ({@link CombineSession}); the caller owns both databases.
 */
public final class Combiner {
    private final ReferenceConnections reference;
    private final SharedDatabase database;
    private final BufferAllocator allocator;

    /**
     * @param reference the coordinator's reference database (full dimension and replicated tables)
     * @param database  the in-memory database partial aggregates combine in
     */
    public Combiner(ReferenceConnections reference, SharedDatabase database, BufferAllocator allocator) {
        this.reference = reference;
        this.database = database;
        this.allocator = allocator;
    }

    /**
     * Opens the combine of one query: a connection where each of the plan's streams is a view (or, when the plan asks,
     * a temporary table) over its shards' answers, and the statement that will run the combine SQL. Everything opened
     * is pushed on {@code resources}, so the caller's stack closes it.
     */
    public CombineSession open(DistributedPlan plan, CombineInput input, Resources resources) throws SQLException {
        // GATHER runs next to the full copies of dimension tables; partial aggregates need nothing but themselves
        // (the shared database is replaced first if an earlier query's internal DuckDB error invalidated it)
        Connection connection = resources.push(plan.combinesOnReference() ? reference.connect() : database.connect());
        for (DistributedPlan.WorkerStream stream : plan.streams()) {
            // registered views and temporary tables are local to this connection and shadow the (empty) table
            String view = stream.materialize() ? "__mallard_stream_" + stream.name() : stream.name();
            PartialsReader answers = new PartialsReader(allocator, input, input.answers(stream.name()));
            resources.push(DuckArrow.register(connection, view, answers, allocator));
            if (stream.materialize()) {
                try (Statement copy = connection.createStatement()) {
                    copy.execute("CREATE TEMPORARY TABLE \"" + stream.name() + "\" AS SELECT * FROM \"" + view + "\"");
                }
            }
        }
        Statement statement = resources.push(connection.createStatement());
        return new CombineSession(input.queryId(), plan.combineSql(), statement, allocator, resources);
    }

    /**
     * Opening a DuckDB costs tens of milliseconds of CPU, so all combines share one in-memory database; the workers'
     * streams are registered as connection-local views. One thread per query keeps the combine order, and so
     * floating-point sums, reproducible; concurrent queries still run side by side on their own connections.
     */
    public static DuckDBConnection openDatabase() throws SQLException {
        return openDatabase(0, null);
    }

    /**
     * As {@link #openDatabase()}, bounded: DuckDB holds at most {@code memoryLimitBytes} and spills beyond that to
     * {@code tempDirectory} (a query that still cannot fit fails with OUT_OF_MEMORY); 0 and null for DuckDB's defaults.
     */
    public static DuckDBConnection openDatabase(long memoryLimitBytes, java.nio.file.Path tempDirectory) throws SQLException {
        Properties properties = DuckArrow.lossless(new Properties()); // its answers may go on to the writers
        properties.setProperty("threads", "1");
        bound(properties, memoryLimitBytes, tempDirectory);
        DuckDBConnection connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", properties);
        try {
            DuckLockdown.apply(connection);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    /** Sets DuckDB's memory limit and spill directory in a connection's properties (before it opens and is locked). */
    public static void bound(Properties properties, long memoryLimitBytes, java.nio.file.Path tempDirectory) {
        if (memoryLimitBytes > 0) {
            properties.setProperty("memory_limit", Math.max(1, memoryLimitBytes >> 20) + "MB");
        }
        if (tempDirectory != null) {
            properties.setProperty("temp_directory", tempDirectory.toAbsolutePath().toString());
        }
    }
}
