package io.mallard.coordinator.imports;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * File names DuckDB reads by their extension when they stand in FROM as a table ({@code FROM 'events.parquet'}), and the
 * reader each one gets.
 */
final class FileFormats {
    private static final Pattern COMPRESSED = Pattern.compile("\\.(gz|zst)$");
    private static final Pattern KNOWN = Pattern.compile(".*\\.(parquet|csv|tsv|json|jsonl|ndjson)(\\.(gz|zst))?$");

    private FileFormats() {
    }

    /** Whether a name in FROM is a file rather than a table: it has a path, a URL scheme or a data file extension. */
    static boolean isFileName(String name) {
        return name.contains("/") || name.contains("\\") || KNOWN.matcher(name.toLowerCase(Locale.ROOT)).matches();
    }

    /** The reader DuckDB would use for {@code name}, by its extension. */
    static String readerFor(String name, int position) {
        String plain = COMPRESSED.matcher(name.toLowerCase(Locale.ROOT)).replaceFirst("");
        if (plain.endsWith(".parquet")) {
            return "read_parquet";
        }
        if (plain.endsWith(".json") || plain.endsWith(".jsonl") || plain.endsWith(".ndjson")) {
            return "read_json_auto";
        }
        if (plain.endsWith(".csv") || plain.endsWith(".tsv")) {
            return "read_csv_auto";
        }
        throw new MallardException(ErrorCode.UNSUPPORTED_STATEMENT, "cannot tell the format of '" + name + "' from its "
                + "name; read it with read_parquet, read_csv or read_json", position, null);
    }
}
