package io.mallard.cli.load;

import io.mallard.client.IngestOptions;
import io.mallard.client.MallardSqlClient;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.duck.DuckArrow;
import io.mallard.common.rows.QueryRows;
import io.mallard.data.Sql;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Function;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * {@code mallard load}'s work: files on this machine into a table, read by a DuckDB of the client's own and streamed
 * to the coordinator by Flight SQL bulk ingest. Every file is described before a row is sent, so a file that does not
 * match the table stops the load at once; the load is one commit, so a value that does not fit (named with its file,
 * line and column) leaves the table as it was.
 */
public final class FileLoader {
    private FileLoader() {
    }

    /**
     * What to load.
     *
     * @param create      make the table from the first file's columns (it must not exist); else it must exist
     * @param partitionBy the shard key of a table made with {@code create}
     * @param files       paths or globs
     */
    public record Request(String table, boolean create, List<String> partitionBy, List<String> files) {
        public Request {
            partitionBy = List.copyOf(partitionBy);
            files = List.copyOf(files);
            if (table == null || table.isBlank()) {
                throw new MallardException(ErrorCode.INVALID_ARGUMENT, "name the table to load (--table)");
            }
            if (!create && !partitionBy.isEmpty()) {
                throw new MallardException(ErrorCode.INVALID_ARGUMENT, "--partition-by applies to a table made with "
                        + "--create; change an existing table's key with ALTER TABLE … SET PARTITIONED BY");
            }
        }
    }

    /** What a load did. */
    public record Result(String table, long rows, int files, long fileBytes, long arrowBytes, long nanos) {
        public double seconds() {
            return nanos / 1e9;
        }
    }

    /**
     * The files a request names, each checked (it exists, is a readable file; every glob matches one), without
     * connecting anywhere.
     */
    public static List<Path> files(Request request) {
        return SourceFiles.expand(request.files());
    }

    /** Loads the files; {@code counters} follow it while it runs. */
    public static Result load(MallardSqlClient client, Request request, LoadCounters counters) {
        return run(request, counters, (reader, target, allocator, knownRows) -> client.ingest(request.table(), reader,
                (request.create() ? IngestOptions.create().partitionedBy(request.partitionBy().toArray(String[]::new))
                        : IngestOptions.append()).expecting(knownRows).withFreshBuffers()), table -> tableColumns(client, table));
    }

    /**
     * Reads the files as {@link #load} would, into Arrow batches that go nowhere: what reading them costs this machine
     * (for the load benchmark's breakdown). The files' own columns are the target, as with {@code create}.
     */
    public static Result readOnly(Request request, LoadCounters counters) {
        return read(request, counters, (reader, allocator, knownRows) -> {
            long rows = 0;
            while (reader.loadNextBatch()) {
                rows += reader.getVectorSchemaRoot().getRowCount();
            }
            return rows;
        });
    }

    /**
     * Reads the files as {@link #load} would and gives their Arrow stream to {@code rows}, which returns how many rows
     * it took (with the number of rows the files' metadata gives, or -1); the files' own columns are the target, as with
     * {@code create}. The stream stays this method's: the sink
     * must not close it; what the sink allocates to go with its batches comes from {@code allocator}, the stream's own.
     * For the load benchmark, which sends the same stream elsewhere to measure each part of a load.
     */
    public static Result read(Request request, LoadCounters counters, RowsSink rows) {
        return run(new Request(request.table(), true, List.of(), request.files()), counters,
                (reader, target, allocator, knownRows) -> rows.take(reader, allocator, knownRows), table -> List.of());
    }

    /** Takes the rows of a {@link #read}. */
    @FunctionalInterface
    public interface RowsSink {
        long take(ArrowReader rows, BufferAllocator allocator, long knownRows) throws IOException;
    }

    /** What happens to the rows once they are read. */
    private interface Sink {
        long send(FileRowsReader reader, List<Column> target, BufferAllocator allocator, long knownRows)
                throws IOException;
    }

    private static Result run(Request request, LoadCounters counters, Sink sink,
            Function<String, List<Column>> tableColumns) {
        List<Path> paths = files(request);
        long started = System.nanoTime();
        Properties streaming = new Properties();
        streaming.setProperty("jdbc_stream_results", "true"); // rows as DuckDB produces them, not a materialized result
        DuckArrow.lossless(streaming); // a UUID, TIMETZ or HUGEINT column arrives as itself, not as its nearest Arrow type
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:", streaming);
                BufferAllocator allocator = new RootAllocator()) {
            List<SourceFile> files = new ArrayList<>();
            for (Path path : paths) {
                files.add(SourceFile.describe(duck, path));
            }
            List<Column> target = request.create() ? files.get(0).columns() : tableColumns.apply(request.table());
            String what = request.create() ? "the table made from " + files.get(0).path() : "table " + request.table();
            List<String> selects = files.stream().map(f -> f.select(target, what)).toList();
            long knownRows = files.stream().allMatch(f -> f.rows().isPresent())
                    ? files.stream().mapToLong(f -> f.rows().getAsLong()).sum() : -1;
            counters.start(files.size(), knownRows);
            long rows;
            try (FileRowsReader reader = new FileRowsReader(duck, files, selects, allocator, counters)) {
                rows = sink.send(reader, target, allocator, knownRows);
            }
            return new Result(request.table(), rows, files.size(), files.stream().mapToLong(SourceFile::size).sum(),
                    counters.arrowBytes(), System.nanoTime() - started);
        } catch (SQLException e) {
            throw new MallardException(ErrorCode.INTERNAL_ERROR, "the client's DuckDB: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new MallardException(ErrorCode.IO_ERROR, "reading the files: " + e.getMessage(), e);
        }
    }

    /** The table's columns as the coordinator describes them. */
    private static List<Column> tableColumns(MallardSqlClient client, String table) {
        QueryRows described;
        try {
            described = client.query("DESCRIBE " + Sql.ident(table));
        } catch (MallardException e) {
            if (e.code() == ErrorCode.TABLE_NOT_FOUND) {
                throw new MallardException(ErrorCode.TABLE_NOT_FOUND, "table " + table + " does not exist (add --create "
                        + "to make it from the files' columns)", e);
            }
            throw e;
        }
        return described.rows().stream().map(r -> new Column((String) r.get(0), (String) r.get(1))).toList();
    }
}
