package io.mallard.cli.load;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.data.Sql;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The file formats {@code mallard load} reads, known by their extension, and the DuckDB reader of each. */
enum FileFormat {
    PARQUET("read_parquet", List.of(".parquet", ".parq")),
    CSV("read_csv", List.of(".csv", ".tsv", ".txt")),
    JSON("read_json", List.of(".json", ".jsonl", ".ndjson"));

    /** Compressed text files keep their format's extension before this one. */
    private static final List<String> COMPRESSION = List.of(".gz", ".zst");

    private final String reader;
    private final List<String> extensions;

    FileFormat(String reader, List<String> extensions) {
        this.reader = reader;
        this.extensions = extensions;
    }

    /** The format of {@code file} by its extension ({@code .csv.gz} is CSV); refused when it has none of them. */
    static FileFormat of(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        for (String compression : COMPRESSION) {
            if (name.endsWith(compression)) {
                name = name.substring(0, name.length() - compression.length());
            }
        }
        for (FileFormat format : values()) {
            for (String extension : format.extensions) {
                if (name.endsWith(extension)) {
                    return format;
                }
            }
        }
        throw new MallardException(ErrorCode.INVALID_ARGUMENT, "cannot tell the format of " + file + ": mallard load "
                + "reads " + known());
    }

    private static String known() {
        return java.util.Arrays.stream(values()).map(f -> f.name() + " (" + String.join(", ", f.extensions) + ")")
                .collect(Collectors.joining(", "));
    }

    /** The DuckDB table function that reads {@code file} as it is (its columns and types as DuckDB detects them). */
    String scan(Path file) {
        return reader + "(" + Sql.literal(file.toString()) + ")";
    }

    /**
     * The DuckDB table function that reads {@code file} with the given types for its columns (by the file's own column
     * names): for CSV and JSON the reader converts each value itself, so a value that does not fit names its line
     * (and, for CSV, its column). Parquet carries its own types; its columns are cast by the query that reads them.
     */
    String scan(Path file, List<Column> typed) {
        String types = typed.stream().map(c -> Sql.literal(c.name()) + ": " + Sql.literal(c.type()))
                .collect(Collectors.joining(", ", "{", "}"));
        return switch (this) {
            case PARQUET -> scan(file);
            case CSV -> reader + "(" + Sql.literal(file.toString()) + ", types = " + types + ")";
            case JSON -> reader + "(" + Sql.literal(file.toString()) + ", columns = " + types + ")";
        };
    }

    /** Whether values are cast by the query rather than converted by the reader. */
    boolean castsInQuery() {
        return this == PARQUET;
    }
}
