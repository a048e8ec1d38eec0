package io.mallard.worker;

import io.mallard.common.security.ResourceLimits;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import io.mallard.common.duck.DuckLockdown;
import io.mallard.common.duck.ShardSettings;
import java.util.Properties;
import org.duckdb.DuckDBConnection;

/**
 * One shard opened in DuckDB: read-only, its share of the worker's threads, memory from the worker's (cgroup) limits,
 * the optimizers that misjudge shards off, and locked so that client SQL can neither read the worker's files, load
 * extensions, nor change settings.
 */
final class ShardDatabase implements AutoCloseable {
    final String shardId;
    final Path file;
    private final DuckDBConnection connection;

    /**
     * @param threads    DuckDB threads of one query on this shard (the worker's CPUs over the shard queries it runs at
     *                   once, see {@code TaskRunner})
     * @param shardsHeld shards the worker holds with this one: they share its memory
     */
    ShardDatabase(String shardId, Path file, ResourceLimits limits, int threads, int shardsHeld) throws SQLException {
        this.shardId = shardId;
        this.file = file;
        Properties properties = new Properties();
        properties.setProperty("duckdb.read_only", "true");
        properties.setProperty("threads", Integer.toString(threads));
        // DuckDB's own default takes 80% of RAM per database; share the worker's budget among its shards instead
        long memory = Math.max(64L << 20, (long) (limits.memoryBytes() * 0.6) / Math.max(1, shardsHeld));
        properties.setProperty("memory_limit", (memory >> 20) + "MB");
        properties.setProperty("disabled_optimizers", ShardSettings.DISABLED_OPTIMIZERS); // see there
        this.connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file, properties);
        try {
            DuckLockdown.apply(connection);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }

    /** A new connection for one task; the caller closes it. */
    DuckDBConnection connect() throws SQLException {
        return (DuckDBConnection) connection.duplicate();
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
