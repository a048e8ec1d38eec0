package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.common.duck.DuckArrow;
import io.mallard.common.duck.DuckErrors;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.duckdb.DuckDBConnection;

/** DuckDB's own failures, reached on purpose: what Mallard must survive. */
final class DuckDbFailures {
    private DuckDbFailures() {
    }

    /**
     * Invalidates the database of {@code connection} as DuckDB 2.0.0 does after failing on an Arrow list of ENUMs whose
     * lists are all empty (an internal error), and checks that it did.
     */
    static void invalidate(DuckDBConnection connection) throws Exception {
        try (BufferAllocator allocator = new RootAllocator(); Connection source = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = source.createStatement()) {
            s.execute("CREATE TABLE breaking (k INTEGER, tags ENUM('a', 'b')[])");
            s.execute("INSERT INTO breaking VALUES (1, []), (2, NULL)");
            ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator);
            try (ResultSet rows = s.executeQuery("SELECT * FROM breaking")) {
                org.apache.arrow.c.Data.exportArrayStream(allocator, DuckArrow.export(rows, allocator), stream);
                connection.registerArrowStream("breaking_answers", stream);
                try (Statement q = connection.createStatement()) {
                    SQLException internal = catchThrowableOfType(SQLException.class,
                            () -> q.executeQuery("SELECT * FROM breaking_answers"));
                    assertThat((Throwable) internal).as("DuckDB fails on the stream (if it no longer does, break the "
                            + "database another way)").isNotNull();
                }
            } finally {
                try {
                    stream.close();
                } catch (NullPointerException released) {
                    // DuckDB released (and so closed) the stream when it failed
                }
            }
        }
        try (Statement after = connection.createStatement()) {
            SQLException refused = catchThrowableOfType(SQLException.class, () -> after.execute("SELECT 1"));
            assertThat((Throwable) refused).as("the database is invalidated").isNotNull();
            assertThat(DuckErrors.invalidated(refused)).as(refused.getMessage()).isTrue();
        }
    }
}
