package io.mallard.common.duck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The unpacked native library is gone from the temporary directory once loaded, and DuckDB keeps working. */
class DuckNativeTest {

    @Test
    void theUnpackedLibraryIsDeletedAndDuckDbStillRuns() throws Exception {
        Path maps = Path.of("/proc/self/maps");
        assumeTrue(Files.isReadable(maps), "needs Linux's /proc/self/maps");
        DuckNative.loadAndUnlink();
        try (Stream<String> lines = Files.lines(maps)) {
            List<String> mapped = lines.filter(l -> l.contains("libduckdb_java")).toList();
            assertThat(mapped).as("the library is loaded").isNotEmpty();
            assertThat(mapped).as("no mapped copy of it is left on disk")
                    .allMatch(l -> l.endsWith("(deleted)") || !Files.exists(Path.of(l.substring(l.indexOf('/')))));
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 6 * 7")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(42);
        }
    }
}
