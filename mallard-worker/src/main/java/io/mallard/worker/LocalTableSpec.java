package io.mallard.worker;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A local (edge) table as declared on the worker's command line: {@code --table readings=/data/*.parquet} (Parquet,
 * CSV, or {@code db.duckdb:table}) and optionally {@code --expose readings:device_id,ts,temp}, which limits the columns
 * the coordinator and queries see.
 *
 * @param pattern   an absolute file path or glob ({@code *}, {@code ?}, {@code **}) of Parquet or CSV files, or one
 *                  DuckDB database file
 * @param duckTable for a DuckDB file, the table read from it; else null
 * @param exposed   the columns exposed, in this order; empty: all of them
 */
public record LocalTableSpec(String name, Format format, String pattern, String duckTable, List<String> exposed) {
    public enum Format { PARQUET, CSV, DUCKDB }

    public LocalTableSpec {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "--table: not a table name: " + name
                    + " (letters, digits and _, not starting with a digit)");
        }
        exposed = List.copyOf(exposed);
    }

    /** The directory the files are under (the pattern's part before its first wildcard): what DuckDB may read. */
    Path baseDirectory() {
        int wildcard = firstWildcard(pattern);
        if (wildcard < 0) {
            return Path.of(pattern).getParent();
        }
        String fixed = pattern.substring(0, wildcard);
        return Path.of(fixed.substring(0, fixed.lastIndexOf('/') + 1));
    }

    static int firstWildcard(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '{') {
                return i;
            }
        }
        return -1;
    }

    /**
     * Reads the repeated {@code --table NAME=SOURCE} and {@code --expose NAME:COL,COL} options; INVALID_ARGUMENT for a
     * malformed one, a table declared twice, or columns exposed of a table not declared.
     */
    public static List<LocalTableSpec> parse(List<String> tables, List<String> exposes) {
        Map<String, String> sources = new LinkedHashMap<>();
        for (String table : tables) {
            int eq = table.indexOf('=');
            if (eq <= 0 || eq == table.length() - 1) {
                throw new MallardException(ErrorCode.INVALID_ARGUMENT, "--table takes NAME=PATH (a Parquet or CSV file or "
                        + "glob, or DB.duckdb:TABLE), not " + table);
            }
            String name = table.substring(0, eq).strip();
            if (sources.put(name.toLowerCase(Locale.ROOT), table.substring(eq + 1).strip()) != null) {
                throw new MallardException(ErrorCode.INVALID_ARGUMENT, "--table " + name + " is declared twice");
            }
        }
        Map<String, List<String>> exposed = new LinkedHashMap<>();
        for (String expose : exposes) {
            int colon = expose.indexOf(':');
            if (colon <= 0 || colon == expose.length() - 1) {
                throw new MallardException(ErrorCode.INVALID_ARGUMENT, "--expose takes NAME:COLUMN,COLUMN…, not " + expose);
            }
            String name = expose.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            if (!sources.containsKey(name)) {
                throw new MallardException(ErrorCode.INVALID_ARGUMENT, "--expose " + expose.substring(0, colon)
                        + ": no such --table on this worker");
            }
            List<String> columns = new ArrayList<>();
            for (String column : expose.substring(colon + 1).split(",")) {
                if (!column.isBlank()) {
                    columns.add(column.strip());
                }
            }
            exposed.put(name, columns);
        }
        List<LocalTableSpec> specs = new ArrayList<>();
        for (String table : tables) {
            String name = table.substring(0, table.indexOf('=')).strip();
            specs.add(of(name, sources.get(name.toLowerCase(Locale.ROOT)),
                    exposed.getOrDefault(name.toLowerCase(Locale.ROOT), List.of())));
        }
        return specs;
    }

    private static LocalTableSpec of(String name, String source, List<String> exposed) {
        String lower = source.toLowerCase(Locale.ROOT);
        int duck = Math.max(lower.lastIndexOf(".duckdb:"), lower.lastIndexOf(".db:"));
        if (duck > 0) {
            int colon = source.indexOf(':', duck);
            return new LocalTableSpec(name, Format.DUCKDB, absolute(source.substring(0, colon)), source.substring(colon + 1),
                    exposed);
        }
        if (lower.endsWith(".duckdb") || lower.endsWith(".db")) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "--table " + name + ": a DuckDB file needs the table "
                    + "to read, as " + source + ":TABLE");
        }
        Format format = lower.endsWith(".parquet") ? Format.PARQUET
                : lower.endsWith(".csv") || lower.endsWith(".csv.gz") || lower.endsWith(".tsv") ? Format.CSV : null;
        if (format == null) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "--table " + name + ": " + source
                    + " is neither Parquet (.parquet), CSV (.csv, .csv.gz, .tsv) nor a DuckDB file (.duckdb:TABLE)");
        }
        return new LocalTableSpec(name, format, absolute(source), null, exposed);
    }

    private static String absolute(String path) {
        int wildcard = firstWildcard(path);
        if (wildcard < 0) {
            return Path.of(path).toAbsolutePath().normalize().toString();
        }
        // keep the wildcards as written; only the fixed part is made absolute
        String fixed = path.substring(0, wildcard);
        int slash = fixed.lastIndexOf('/');
        String dir = slash < 0 ? "." : fixed.substring(0, slash + 1);
        String rest = slash < 0 ? path : path.substring(slash + 1);
        return Path.of(dir).toAbsolutePath().normalize() + "/" + rest;
    }
}
