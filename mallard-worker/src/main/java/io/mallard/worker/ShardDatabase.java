package io.mallard.worker;

import io.mallard.common.security.ResourceLimits;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import io.mallard.common.duck.DuckLockdown;
import java.util.Properties;
import org.duckdb.DuckDBConnection;

/**
 * One shard opened in DuckDB: read-only, threads and memory from the worker's (cgroup) limits, and locked so that
 * client SQL can neither read the worker's files, load extensions, nor change settings.
 */
final class ShardDatabase implements AutoCloseable {
    /**
     * DuckDB optimizers that misjudge a shard. {@code partial_aggregate_pushdown} pre-aggregates below a join when it
     * estimates the join to be tiny; on a hash-partitioned shard it estimates TPC-H Q12's orders-lineitem join at 9
     * rows (187,819 on the whole table), aggregates all of a shard's orders first and loses the join filter that
     * prunes the other side. Without it the eight SF 1 shards of Q12 take 86 instead of 281 ms of DuckDB time, Q3
     * 86 instead of 166, Q5 132 instead of 242 (docs/benchmarks.md, "Work per shard").
     */
    static final String DISABLED_OPTIMIZERS = "partial_aggregate_pushdown";

    final String shardId;
    final Path file;
    private final DuckDBConnection connection;

    ShardDatabase(String shardId, Path file, ResourceLimits limits, int shardsHeld) throws SQLException {
        this.shardId = shardId;
        this.file = file;
        Properties properties = new Properties();
        properties.setProperty("duckdb.read_only", "true");
        properties.setProperty("threads", Integer.toString(limits.cpus()));
        // DuckDB's own default takes 80% of RAM per database; share the worker's budget among its shards instead
        long memory = Math.max(64L << 20, (long) (limits.memoryBytes() * 0.6) / Math.max(1, shardsHeld));
        properties.setProperty("memory_limit", (memory >> 20) + "MB");
        properties.setProperty("disabled_optimizers", DISABLED_OPTIMIZERS);
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
