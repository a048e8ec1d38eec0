package io.mallard.coordinator.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.common.MallardException;
import io.mallard.common.duck.DuckArrow;
import io.mallard.data.Sql;
import io.mallard.data.TableRole;
import io.mallard.data.table.TableDef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest's writer of a table spread evenly: every row lands in exactly one shard file, whether the shards are written
 * all at once (round robin) or a few at a time (each taking its share of the rows the client announced), also when the
 * announced count is wrong; a stream that fails leaves no file.
 */
class StreamWriterTest {
    private static final int SHARDS = 8;
    private static final String ROWS = "SELECT i AS k, 'v' || i AS v FROM range(%d) t(i)";

    @TempDir
    Path work;

    private BufferAllocator allocator;
    private Connection duck;
    private StreamWriter writer;

    @BeforeEach
    void open() throws Exception {
        allocator = new RootAllocator();
        duck = DriverManager.getConnection("jdbc:duckdb:");
        writer = new StreamWriter(work);
    }

    @AfterEach
    void close() throws Exception {
        writer.close();
        duck.close();
        allocator.close();
    }

    @Test
    void shardsWrittenTwoAtATimeEachTakeTheirShareOfTheAnnouncedRows() throws Exception {
        int rows = 1_000_000; // about 15 batches: two per shard
        List<StreamWriter.ShardFile> files = write(rows, rows, 2);
        assertThat(files).extracting(StreamWriter.ShardFile::shard).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        long share = rows / SHARDS;
        assertThat(files).allSatisfy(f -> assertThat(Math.abs(f.file().rows() - share))
                .as("shard %d's rows against its share", f.shard()).isLessThanOrEqualTo(DuckArrow.BATCH_ROWS));
        assertHoldsExactly(files, rows);
    }

    @Test
    void allShardsAtOnceDealTheBatchesRoundRobin() throws Exception {
        int rows = 1_000_000;
        List<StreamWriter.ShardFile> files = write(rows, -1, SHARDS);
        // 16 batches of 65,536 rows at most: two to each shard, in turn
        assertThat(files).extracting(f -> f.file().rows()).allMatch(n -> n > DuckArrow.BATCH_ROWS);
        assertHoldsExactly(files, rows);
    }

    @Test
    void aCountTooLowLeavesTheRestToTheLastShardsAndATooHighOneLeavesLaterShardsEmpty() throws Exception {
        int rows = 1_000_000;
        List<StreamWriter.ShardFile> low = write(rows, 100_000, 2);
        assertThat(low).hasSize(SHARDS);
        assertHoldsExactly(low, rows);
        deleteAll(low);
        List<StreamWriter.ShardFile> high = write(rows, 100_000_000, 2);
        // each open shard takes batches until it has its share: two shards take every row
        assertThat(high).extracting(StreamWriter.ShardFile::shard).containsExactly(0, 1);
        assertHoldsExactly(high, rows);
    }

    @Test
    void aStreamShorterThanTheShardsIsCutIntoSharesAlsoTwoAtATime() throws Exception {
        for (int lanes : new int[] {1, 2, SHARDS}) {
            List<StreamWriter.ShardFile> files = write(100_000, 100_000, lanes); // two batches
            assertThat(files).as("%d lanes", lanes).extracting(f -> f.file().rows())
                    .containsExactly(12_500L, 12_500L, 12_500L, 12_500L, 12_500L, 12_500L, 12_500L, 12_500L);
            assertHoldsExactly(files, 100_000);
            deleteAll(files);
        }
    }

    @Test
    void aStreamThatFailsMidwayLeavesNoFileWithAnyNumberOfLanes() throws Exception {
        for (int lanes : new int[] {1, 2, SHARDS}) {
            // DuckDB streams the rows (one thread: in order) and fails at row 1,500,000, after 22 batches
            Properties streaming = new Properties();
            streaming.setProperty("jdbc_stream_results", "true");
            streaming.setProperty("threads", "1");
            try (Connection source = DriverManager.getConnection("jdbc:duckdb:", streaming);
                    Statement s = source.createStatement();
                    ResultSet rs = s.executeQuery("SELECT i AS k, CASE WHEN i = 1500000 THEN error('the stream broke') "
                            + "ELSE 'v' || i END AS v FROM range(2000000) t(i)");
                    ArrowReader rows = DuckArrow.export(rs, allocator)) {
                MallardException e = catchThrowableOfType(MallardException.class,
                        () -> writer.write(table(rows), List.of("k", "v"), rows, allocator, SHARDS, 2_000_000, lanes));
                assertThat(e.getMessage()).as("%d lanes", lanes).contains("the stream broke");
            }
            try (Stream<Path> left = Files.list(work.resolve("out"))) {
                assertThat(left.toList()).as("files left by %d lanes", lanes).isEmpty();
            }
        }
    }

    private List<StreamWriter.ShardFile> write(int rows, long expected, int lanes) throws Exception {
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(String.format(ROWS, rows));
                ArrowReader stream = DuckArrow.export(rs, allocator)) {
            return writer.write(table(stream), List.of("k", "v"), stream, allocator, SHARDS, expected, lanes);
        }
    }

    private TableDef table(ArrowReader stream) throws IOException {
        Schema schema = stream.getVectorSchemaRoot().getSchema();
        List<String> names = schema.getFields().stream().map(Field::getName).toList();
        return new TableDef(0, "t", TableRole.PARTITIONED, List.of(), writer.columns(schema, names, allocator),
                List.of(), names.size());
    }

    /** The files together hold each of the {@code rows} source rows once, with its value. */
    private void assertHoldsExactly(List<StreamWriter.ShardFile> files, int rows) throws SQLException {
        try (Connection check = DriverManager.getConnection("jdbc:duckdb:"); Statement s = check.createStatement()) {
            List<String> parts = new ArrayList<>();
            for (StreamWriter.ShardFile f : files) {
                String alias = "s" + f.shard();
                s.execute("ATTACH " + Sql.literal(f.file().path().toString()) + " AS " + alias + " (READ_ONLY)");
                parts.add("SELECT c0 AS k, c1 AS v FROM " + alias + ".t"); // columns by id in the files
                assertThat(Sql.queryLong(check, "SELECT count(*) FROM " + alias + ".t")).as("shard %d", f.shard())
                        .isEqualTo(f.file().rows());
            }
            String all = String.join(" UNION ALL ", parts);
            assertThat(Sql.queryLong(check, "SELECT count(*) FROM (" + all + ")")).isEqualTo(rows);
            assertThat(Sql.queryLong(check, "SELECT count(DISTINCT k) FROM (" + all + ")")).isEqualTo(rows);
            assertThat(Sql.queryLong(check, "SELECT count(*) FROM (" + all + ") WHERE v <> 'v' || k")).isZero();
            assertThat(Sql.queryLong(check, "SELECT max(k) FROM (" + all + ")")).isEqualTo(rows - 1);
        }
    }

    private static void deleteAll(List<StreamWriter.ShardFile> files) throws IOException {
        for (StreamWriter.ShardFile f : files) {
            Files.delete(f.file().path());
        }
    }
}
