package io.mallard.cli.load;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.data.Sql;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One file to load, as the client's DuckDB sees it: its format, its columns and types, its size, and (for Parquet) its
 * row count; and the query that reads it as the table's columns.
 */
record SourceFile(Path path, FileFormat format, List<Column> columns, long size, OptionalLong rows) {

    /** Asks DuckDB what {@code path} holds (for CSV and JSON, what its sniffer makes of it). */
    static SourceFile describe(Connection duck, Path path) {
        FileFormat format = FileFormat.of(path);
        List<Column> columns = new ArrayList<>();
        OptionalLong rows = OptionalLong.empty();
        try (Statement s = duck.createStatement()) {
            try (ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM " + format.scan(path))) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), rs.getString(2)));
                }
            }
            if (format == FileFormat.PARQUET) {
                try (ResultSet rs = s.executeQuery("SELECT sum(num_rows) FROM parquet_file_metadata("
                        + Sql.literal(path.toString()) + ")")) {
                    rows = rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
                }
            }
            return new SourceFile(path, format, columns, path.toFile().length(), rows);
        } catch (SQLException e) {
            throw LoadErrors.reading(path, e);
        }
    }

    /**
     * The query that reads this file as the columns of {@code target}, matched by name (case does not matter), each
     * converted to the table's type. Refused, naming the columns, when the file's columns are not the table's.
     *
     * @param what the table, as the error names it ("table events", "the table made from a.parquet")
     */
    String select(List<Column> target, String what) {
        Map<String, Column> byName = columns.stream().collect(Collectors.toMap(c -> c.name().toLowerCase(Locale.ROOT),
                Function.identity(), (a, b) -> a));
        List<String> missing = new ArrayList<>();
        List<Column> typed = new ArrayList<>();
        List<String> items = new ArrayList<>();
        for (Column t : target) {
            Column own = byName.remove(t.name().toLowerCase(Locale.ROOT));
            if (own == null) {
                missing.add(t.name());
                continue;
            }
            // an ENUM travels as its text (Arrow would need a dictionary per file); the coordinator casts it back
            String type = t.type().startsWith("ENUM(") ? "VARCHAR" : t.type();
            typed.add(new Column(own.name(), type));
            String value = format.castsInQuery() ? "CAST(" + Sql.ident(own.name()) + " AS " + type + ")"
                    : Sql.ident(own.name());
            items.add(value + " AS " + Sql.ident(t.name()));
        }
        List<String> extra = columns.stream().map(Column::name).filter(n -> byName.containsKey(n.toLowerCase(Locale.ROOT)))
                .toList();
        if (!missing.isEmpty() || !extra.isEmpty()) {
            List<String> problems = new ArrayList<>();
            if (!extra.isEmpty()) {
                problems.add("it has column " + String.join(", ", extra) + ", which " + what + " does not have");
            }
            if (!missing.isEmpty()) {
                problems.add("it lacks column " + String.join(", ", missing));
            }
            throw new MallardException(ErrorCode.BINDER_ERROR, path + " does not match " + what + ": "
                    + String.join("; ", problems) + " (" + what + " has " + describe(target) + "; the file has "
                    + describe(columns) + ")");
        }
        return "SELECT " + String.join(", ", items) + " FROM " + format.scan(path, typed);
    }

    static String describe(List<Column> columns) {
        return columns.stream().map(c -> c.name() + " " + c.type()).collect(Collectors.joining(", "));
    }
}
