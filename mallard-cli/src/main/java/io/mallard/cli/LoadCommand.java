package io.mallard.cli;

import io.mallard.cli.load.FileLoader;
import io.mallard.cli.load.LoadCounters;
import io.mallard.client.ConnectOptions;
import io.mallard.client.MallardSqlClient;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mallard load}: Parquet, CSV and JSON files on this machine into a table. DuckDB reads them here, and the rows
 * stream to the coordinator by Flight SQL bulk ingest, in one commit.
 */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Load Parquet, CSV or JSON files (by extension; .gz and .zst too) from this machine into a table.",
            "DuckDB reads them here and the rows stream to the coordinator (Flight SQL bulk ingest); the load is one "
                    + "commit: all rows or, on any error, none.",
            "An existing table's columns are matched by name; CSV and JSON values are read with the table's types, so a "
                    + "value that does not fit is reported with its file, line and column."})
final class LoadCommand implements Callable<Integer> {
    @Option(names = "--table", required = true, description = "The table to load.")
    String table;

    @Option(names = "--create", description = "Make the table from the first file's columns and types (it must not "
            + "exist yet). Without it, the table must exist.")
    boolean create;

    @Option(names = "--partition-by", split = ",", paramLabel = "COLUMN",
            description = "With --create: hash-partition the new table on these columns (as ALTER TABLE … SET "
                    + "PARTITIONED BY); without it, rows are spread evenly over the shards.")
    List<String> partitionBy = new ArrayList<>();

    @Parameters(arity = "1..*", paramLabel = "FILE_OR_GLOB", description = "Files, or globs such as 'data/*.parquet' "
            + "(quoted, or expanded by the shell).")
    List<String> files = new ArrayList<>();

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
        FileLoader.Request request = new FileLoader.Request(table, create, partitionBy, files);
        FileLoader.files(request); // a missing file is reported before connecting
        boolean terminal = System.console() != null;
        ConnectOptions options = connection.resolve(terminal);
        LoadCounters counters = new LoadCounters();
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        FileLoader.Result result;
        try (MallardSqlClient client = MallardSqlClient.connect(options);
                LoadProgress progress = terminal ? LoadProgress.start(err, table, counters) : LoadProgress.none()) {
            result = FileLoader.load(client, request, counters);
        }
        System.out.println(summary(result));
        return 0;
    }

    /** "loaded 1,000 rows into events from 2 files (1.2 MB on disk, 3.4 MB sent) in 0.5 s: 2,000 rows/s, 6.8 MB/s". */
    static String summary(FileLoader.Result r) {
        double seconds = Math.max(r.seconds(), 1e-9);
        return String.format(Locale.ROOT, "loaded %,d rows into %s from %d file%s (%s on disk, %s sent) in %.1f s: "
                + "%,.0f rows/s, %.1f MB/s", r.rows(), r.table(), r.files(), r.files() == 1 ? "" : "s",
                LoadProgress.megabytes(r.fileBytes()), LoadProgress.megabytes(r.arrowBytes()), r.seconds(),
                r.rows() / seconds, r.arrowBytes() / 1e6 / seconds);
    }
}
