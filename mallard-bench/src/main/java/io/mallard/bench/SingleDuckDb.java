package io.mallard.bench;

import io.mallard.common.rows.QueryRows;
import io.mallard.oracle.ResultSetRows;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The baseline: one DuckDB over the unsharded data, read-only, with as many threads as the cluster's workers have in
 * total (a global setting of the file's DuckDB instance, shared with the oracle in this process). Every row is read into Java values, as the Mallard client does with its answers, so both sides pay for
 * materializing the result.
 */
public final class SingleDuckDb implements AutoCloseable {
    private final Connection connection;
    private final int threads;

    public SingleDuckDb(Path file, int threads) throws SQLException {
        this(file, threads, true);
    }

    /**
     * A baseline the benchmark may change with {@link #execute} (a copy of the data, given the same changes as the
     * cluster); other connections to the file in this process must then be opened read-write as well.
     */
    public static SingleDuckDb writable(Path file, int threads) throws SQLException {
        return new SingleDuckDb(file, threads, false);
    }

    private SingleDuckDb(Path file, int threads, boolean readOnly) throws SQLException {
        Properties properties = new Properties();
        if (readOnly) {
            properties.setProperty("duckdb.read_only", "true");
        }
        this.connection = DriverManager.getConnection("jdbc:duckdb:" + file, properties);
        this.threads = threads;
        // a SET, not a connection property: the oracle may have this file open in this process already, and DuckDB
        // shares one instance per file only among connections opened with the same properties
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET threads = " + threads);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }

    public int threads() {
        return threads;
    }

    /** Runs a statement that changes the data (only on a {@link #writable} baseline). */
    public void execute(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    public QueryRows query(String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            return ResultSetRows.read(rs);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
