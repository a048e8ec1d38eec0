package io.mallard.coordinator.combine;

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
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.Test;

/** A shared database that DuckDB invalidated is replaced, and the next connection works. */
class SharedDatabaseTest {
    @Test
    void aCombineDatabaseInvalidatedByAnInternalDuckDbErrorIsReplaced() throws Exception {
        try (SharedDatabase database = new SharedDatabase(0, null)) {
            invalidateAndUseAgain(database);
        }
    }

    @Test
    void aScratchDatabaseIsReplacedAsWell() throws Exception {
        int[] opened = {0};
        try (SharedDatabase database = new SharedDatabase("scratch", () -> {
            opened[0]++;
            return (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
        })) {
            invalidateAndUseAgain(database);
        }
        assertThat(opened[0]).as("databases opened").isEqualTo(2);
    }

    private static void invalidateAndUseAgain(SharedDatabase database) throws Exception {
        try (BufferAllocator allocator = new RootAllocator();
                Connection source = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = source.createStatement()) {
            s.execute("CREATE TABLE t (k INTEGER, tags ENUM('a', 'b')[])");
            s.execute("INSERT INTO t VALUES (1, []), (2, NULL)");
            ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator);
            try (DuckDBConnection broken = database.connect();
                    ResultSet rows = s.executeQuery("SELECT * FROM t")) {
                // DuckDB 2.0.0's own failure, reached without Mallard's guard (DuckArrow.nestedDictionaryColumn); the
                // stream owns the reader
                ArrowReader reader = DuckArrow.export(rows, allocator);
                org.apache.arrow.c.Data.exportArrayStream(allocator, reader, stream);
                broken.registerArrowStream("answers", stream);
                try (Statement q = broken.createStatement()) {
                    SQLException internal = catchThrowableOfType(SQLException.class, () -> q.executeQuery("SELECT * FROM answers"));
                    assertThat((Throwable) internal).as("DuckDB fails on the stream (if it no longer does, this test has nothing to "
                            + "show and can go)").isNotNull();
                }
                try (Statement after = broken.createStatement()) {
                    SQLException refused = catchThrowableOfType(SQLException.class, () -> after.execute("SELECT 1"));
                    assertThat((Throwable) refused).isNotNull();
                    assertThat(DuckErrors.invalidated(refused)).as(refused.getMessage()).isTrue();
                }
            } finally {
                closeUnlessReleased(stream);
            }
            try (Connection next = database.connect(); Statement q = next.createStatement();
                    ResultSet answer = q.executeQuery("SELECT 42")) {
                assertThat(answer.next()).isTrue();
                assertThat(answer.getInt(1)).isEqualTo(42);
            }
        }
    }

    /** DuckDB may have released the stream (and so closed it) when it failed; closing it again would throw. */
    private static void closeUnlessReleased(ArrowArrayStream stream) {
        try {
            stream.close();
        } catch (NullPointerException released) {
            // already closed by DuckDB's release
        }
    }
}
